package sbom

import (
	"bytes"
	"io"
	"sort"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/vouch-sec/vouch/internal/model"
)

// CycloneDX references of the things that are not files.
const (
	cdxRelease = "release"
	cdxVouch   = "tool:vouch"
)

// WriteCycloneDX writes the release as one CycloneDX 1.6 JSON document.
//
// # Shape
//
// metadata.component is the release: its root package (name, version,
// purl) when it is one, else its installer database's product, else its PE
// version resource, else its name, with the target's SHA-256.
//
// components holds the file tree. Every regular file is a component of
// type "file" with its SHA-256, bom-ref "file:" + its virtual path, its
// name inside its container and vouch:* properties (path, kind, size,
// container format, signer, capabilities, errors). A container's members
// are nested in it (component.components) following File.Chain.
// Nesting, not dependencies, because a member is part of its container:
// CycloneDX defines nested components as an assembly and dependencies as
// what a component needs to run, and the tree then reads like the release
// reads. compositions says which assemblies are complete: a container an
// error names, or one with a member vouch could not read, is
// "incomplete", the others "complete".
//
// Identities vouch read from files are components next to the tree, each
// with an evidence occurrence per file it was read from: ecosystem
// packages (type "library", a purl, bom-ref the purl), PE version
// resources (type "application", or "library" for a DLL: ProductName and
// FileVersion, CompanyName as supplier and publisher, the file's hash) and
// the modules Go binaries were built with. dependencies only holds what
// the report shows is loaded: a PE importing a DLL that sits beside it.
//
// # Findings
//
// Each finding is a vulnerabilities entry: id the finding's id (e.g.
// "sig.untrusted") with source "vouch" so nobody mistakes it for a CVE, a
// rating with vouch's severity ("none" as "info"), description the title,
// detail the evidence (one "key: value" line each), affects the file's
// bom-ref (its nearest container, or the release, when the path is not a
// regular file). Vulnerabilities rather than properties or annotations:
// a finding is a rated problem of one component, which is what a
// vulnerability entry is, and it is what SBOM platforms list, count and
// gate on; properties are opaque strings no consumer ranks and annotations
// are free text for people. One entry per finding, not per id, keeps each
// finding's own title and evidence.
func WriteCycloneDX(w io.Writer, in Input) error {
	r, err := newRelease(in)
	if err != nil {
		return err
	}
	bom := r.cycloneDX()
	var buf bytes.Buffer
	if err := encodeCDX(&buf, bom); err != nil {
		return err
	}
	bom.SerialNumber = "urn:uuid:" + r.documentUUID("cyclonedx", buf.Bytes())
	return encodeCDX(w, bom)
}

func encodeCDX(w io.Writer, bom *cdx.BOM) error {
	return cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON).SetPretty(true).SetEscapeHTML(false).
		EncodeVersion(bom, cdx.SpecVersion1_6)
}

func (r *release) cycloneDX() *cdx.BOM {
	bom := cdx.NewBOM()
	tool := r.in.Release.Tool
	bom.Metadata = &cdx.Metadata{
		Lifecycles: &[]cdx.Lifecycle{{Phase: cdx.LifecyclePhasePostBuild}},
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			BOMRef: cdxVouch, Type: cdx.ComponentTypeApplication, Name: tool.Name, Version: tool.Version,
		}}},
		Component:  r.cdxRelease(),
		Properties: cdxProps(r.docProps()),
	}

	var comps []cdx.Component
	for _, f := range r.roots {
		comps = append(comps, r.cdxFile(f))
	}
	for _, id := range r.ids {
		comps = append(comps, cdxIdent(id))
	}
	if len(comps) > 0 {
		bom.Components = &comps
	}

	var deps []cdx.Dependency
	for i := 0; i < len(r.links); {
		from := r.links[i].from
		var on []string
		for ; i < len(r.links) && r.links[i].from == from; i++ {
			on = append(on, fileRef(r.links[i].to))
		}
		deps = append(deps, cdx.Dependency{Ref: fileRef(from), Dependencies: &on})
	}
	if len(deps) > 0 {
		bom.Dependencies = &deps
	}

	var complete, incomplete []cdx.BOMReference
	if r.complete {
		complete = append(complete, cdxRelease)
	} else {
		incomplete = append(incomplete, cdxRelease)
	}
	for _, f := range r.files {
		switch {
		case f.Format == "":
		case r.incomplete[f.Path]:
			incomplete = append(incomplete, cdx.BOMReference(fileRef(f.Path)))
		default:
			complete = append(complete, cdx.BOMReference(fileRef(f.Path)))
		}
	}
	var comp []cdx.Composition
	if len(complete) > 0 {
		comp = append(comp, cdx.Composition{Aggregate: cdx.CompositionAggregateComplete, Assemblies: &complete})
	}
	if len(incomplete) > 0 {
		comp = append(comp, cdx.Composition{Aggregate: cdx.CompositionAggregateIncomplete, Assemblies: &incomplete})
	}
	bom.Compositions = &comp

	var vulns []cdx.Vulnerability
	refs := map[string]int{}
	for _, f := range r.sortedFindings() {
		ref := "finding:" + findingKey(f)
		if refs[ref]++; refs[ref] > 1 {
			ref += "-" + strconv.Itoa(refs[ref])
		}
		target := cdxRelease
		if p, ok := r.attach(f.Path); ok {
			target = fileRef(p)
		}
		v := cdx.Vulnerability{
			BOMRef: ref,
			ID:     f.ID,
			Source: &cdx.Source{Name: "vouch"},
			Ratings: &[]cdx.VulnerabilityRating{{
				Source:   &cdx.Source{Name: "vouch"},
				Severity: cdxSeverity(f.Severity),
				Method:   cdx.ScoringMethodOther,
			}},
			Description: f.Title,
			Detail:      evidenceText(f.Evidence),
			Affects:     &[]cdx.Affects{{Ref: target}},
			Properties:  cdxProps([][2]string{{"vouch:path", f.Path}}),
		}
		vulns = append(vulns, v)
	}
	if len(vulns) > 0 {
		bom.Vulnerabilities = &vulns
	}
	return bom
}

func fileRef(p string) string { return "file:" + p }

func (r *release) cdxRelease() *cdx.Component {
	id := r.root
	c := &cdx.Component{
		BOMRef:     cdxRelease,
		Type:       cdx.ComponentTypeApplication,
		Name:       id.name,
		Version:    id.version,
		PackageURL: id.purl,
	}
	if id.group != "" {
		c.Group = id.group
	}
	if id.from == fromPackage && id.ecosystem != "deb" && id.ecosystem != "rpm" {
		c.Type = cdx.ComponentTypeLibrary
	}
	if id.supplier != "" {
		c.Supplier = &cdx.OrganizationalEntity{Name: id.supplier}
		c.Publisher = id.supplier
	}
	c.Description, c.Copyright = id.desc, id.copyright
	if sha := r.in.Release.Target.SHA256; sha != "" {
		c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: sha}}
	}
	props := [][2]string{{"vouch:target.name", r.targetName()}, {"vouch:target.kind", r.in.Release.Target.Kind}, {"vouch:identity", id.from}}
	c.Properties = cdxProps(append(props, id.props...))
	c.Evidence = cdxOccurrences(id.sources)
	return c
}

func (r *release) cdxFile(f *model.File) cdx.Component {
	c := cdx.Component{
		BOMRef:     fileRef(f.Path),
		Type:       cdx.ComponentTypeFile,
		Name:       memberName(f.Path),
		Properties: cdxProps(r.fileProps(f)),
	}
	if f.SHA256 != "" {
		c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: f.SHA256}}
	}
	if ms := r.members[f.Path]; len(ms) > 0 {
		sub := make([]cdx.Component, 0, len(ms))
		for _, m := range ms {
			sub = append(sub, r.cdxFile(m))
		}
		c.Components = &sub
	}
	return c
}

func cdxIdent(id *ident) cdx.Component {
	c := cdx.Component{
		BOMRef:     id.key,
		Type:       cdx.ComponentTypeLibrary,
		Group:      id.group,
		Name:       id.name,
		Version:    id.version,
		PackageURL: id.purl,
	}
	if id.from == fromPE && id.kind != "dll" {
		c.Type = cdx.ComponentTypeApplication
	}
	if id.supplier != "" {
		c.Supplier = &cdx.OrganizationalEntity{Name: id.supplier}
		c.Publisher = id.supplier
	}
	c.Description, c.Copyright = id.desc, id.copyright
	if id.sha256 != "" {
		c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: id.sha256}}
	}
	props := [][2]string{{"vouch:identity", id.from}}
	if id.file != "" {
		props = append(props, [2]string{"vouch:path", id.file})
	}
	c.Properties = cdxProps(append(props, id.props...))
	c.Evidence = cdxOccurrences(id.sources)
	return c
}

// cdxOccurrences says where an identity was read, one occurrence per file.
func cdxOccurrences(paths []string) *cdx.Evidence {
	var occ []cdx.EvidenceOccurrence
	for _, p := range paths {
		if p != "" { // the schema requires a location
			occ = append(occ, cdx.EvidenceOccurrence{Location: p})
		}
	}
	if len(occ) == 0 {
		return nil
	}
	return &cdx.Evidence{Occurrences: &occ}
}

// cdxProps sorts properties by name, then value, and drops empty values.
func cdxProps(kv [][2]string) *[]cdx.Property {
	var ps []cdx.Property
	for _, p := range kv {
		if strings.TrimSpace(p[1]) != "" {
			ps = append(ps, cdx.Property{Name: p[0], Value: p[1]})
		}
	}
	if len(ps) == 0 {
		return nil
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Name != ps[j].Name {
			return ps[i].Name < ps[j].Name
		}
		return ps[i].Value < ps[j].Value
	})
	return &ps
}

// cdxSeverity maps vouch's severity to CycloneDX's: the same names, with
// vouch's "none" (informational findings) as "info".
func cdxSeverity(s model.Severity) cdx.Severity {
	switch s {
	case model.SeverityLow:
		return cdx.SeverityLow
	case model.SeverityMedium:
		return cdx.SeverityMedium
	case model.SeverityHigh:
		return cdx.SeverityHigh
	case model.SeverityCritical:
		return cdx.SeverityCritical
	case model.SeverityNone:
		return cdx.SeverityInfo
	}
	return cdx.SeverityUnknown
}
