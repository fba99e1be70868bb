package sbom

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"time"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// SPDX element IDs (without the SPDXRef- prefix the library adds).
const (
	spdxDocument = "DOCUMENT"
	spdxRelease  = "Release"
	noAssertion  = "NOASSERTION"
)

// WriteSPDX writes the release as one SPDX 2.3 JSON document.
//
// # Shape
//
// The document DESCRIBES one package, the release (named, versioned and
// given a purl like CycloneDX's metadata.component, with the target's
// SHA-256). Every regular file vouch hashed is an SPDX file named "./" +
// its virtual path with a SHA256 checksum and its vouch facts as the
// comment (SPDX requires a checksum, so a file skipped before hashing is
// only counted, in the document comment's vouch:files); the release
// CONTAINS the top-level files and each container CONTAINS its direct
// members. Each other identity is a
// package with a purl external reference (PACKAGE-MANAGER purl) that the
// release CONTAINS: a manifest it was read from is its METAFILE_OF; a file
// that is the package (a .deb, an .rpm, a PE with a version resource) is
// its packageFileName with its checksum and related to it as OTHER; a Go
// binary STATIC_LINKs the modules it was built with and was GENERATED_FROM
// its main module. A PE DYNAMIC_LINKs each DLL beside it that it imports.
//
// SPDX 2.3 asks for a SHA1 checksum on every file; vouch computes only
// SHA-256, so files carry that alone (the JSON schema accepts it). The
// document namespace is urn:uuid: with a name-based UUID (see the package
// doc): unique per content without inventing a web address.
//
// # Findings
//
// Each finding is a REVIEW annotation by "Tool: vouch-<version>" on the
// file it names (its nearest container, or the release package, when the
// path is not a regular file), dated with the creation time: SPDX 2.3 has
// no vulnerability element, and an annotation is its way of attaching an
// agent's assessment to an element. The comment's first line is
// "<severity> <id>: <title>", the evidence follows one "key: value" line
// each.
func WriteSPDX(w io.Writer, in Input) error {
	r, err := newRelease(in)
	if err != nil {
		return err
	}
	created := in.Created
	if created.IsZero() {
		if created, err = Created(); err != nil {
			return err
		}
	}
	// The namespace names the content, not the moment: digest the
	// document before the dates go in.
	doc := r.spdx("")
	var buf bytes.Buffer
	if err := spdxjson.Write(doc, &buf); err != nil {
		return err
	}
	doc = r.spdx(created.UTC().Format(time.RFC3339))
	doc.DocumentNamespace = "urn:uuid:" + r.documentUUID("spdx", buf.Bytes())
	return spdxjson.Write(doc, w, spdxjson.Indent("  "), spdxjson.EscapeHTML(false))
}

func (r *release) spdx(date string) *spdx.Document {
	tool := r.in.Release.Tool
	toolName := tool.Name + "-" + tool.Version
	doc := &spdx.Document{
		SPDXVersion:    spdx.Version,
		DataLicense:    spdx.DataLicense,
		SPDXIdentifier: spdxDocument,
		DocumentName:   r.root.name,
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: toolName}},
			Created:  date,
		},
		DocumentComment: spdxComment(r.docProps()),
	}
	if r.root.version != "" {
		doc.DocumentName += "-" + r.root.version
	}
	rel := func(a, b common.ElementID, typ, comment string) {
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{
			RefA: common.MakeDocElementID("", string(a)), RefB: common.MakeDocElementID("", string(b)),
			Relationship: typ, RelationshipComment: comment,
		})
	}

	release := r.spdxRelease()
	doc.Packages = append(doc.Packages, release)
	rel(spdxDocument, spdxRelease, common.TypeRelationshipDescribe, "")

	ids := idAlloc{spdxDocument: true, spdxRelease: true}
	files := map[string]*spdx.File{}
	for _, f := range r.files {
		if f.SHA256 == "" {
			continue // SPDX requires a checksum; the file stays in vouch:files
		}
		sf := r.spdxFile(f, ids)
		files[f.Path] = sf
		doc.Files = append(doc.Files, sf)
	}
	// The tree: the release contains the top level, containers their
	// members. A member whose container has no SPDX file (no checksum)
	// hangs from the release.
	for _, f := range r.files {
		sf := files[f.Path]
		if sf == nil {
			continue
		}
		parent := common.ElementID(spdxRelease)
		if p, ok := r.parent(f); ok && files[p] != nil {
			parent = files[p].FileSPDXIdentifier
		}
		rel(parent, sf.FileSPDXIdentifier, common.TypeRelationshipContains, "")
	}

	// Identities: the root's manifests describe the release itself.
	idOf := map[string]common.ElementID{}
	for _, id := range r.ids {
		p := spdxIdent(id, files, ids)
		doc.Packages = append(doc.Packages, p)
		idOf[id.key] = p.PackageSPDXIdentifier
		rel(spdxRelease, p.PackageSPDXIdentifier, common.TypeRelationshipContains, "")
	}
	identRels := func(id *ident, pkg common.ElementID) {
		for _, src := range id.sources {
			sf := files[src]
			if sf == nil {
				continue
			}
			switch {
			case id.from == fromGoDep:
				rel(sf.FileSPDXIdentifier, pkg, common.TypeRelationshipStaticLink, "")
			case id.from == fromGoMain:
				rel(sf.FileSPDXIdentifier, pkg, common.TypeRelationshipGeneratedFrom, "")
			case id.file != "" && src == id.file:
				rel(pkg, sf.FileSPDXIdentifier, common.TypeRelationshipOther, "the package is this file")
			default:
				rel(sf.FileSPDXIdentifier, pkg, common.TypeRelationshipMetafileOf, "")
			}
		}
	}
	if r.root.from != fromName {
		identRels(&r.root, spdxRelease)
	}
	for _, id := range r.ids {
		identRels(id, idOf[id.key])
	}
	for _, l := range r.links {
		if a, b := files[l.from], files[l.to]; a != nil && b != nil {
			rel(a.FileSPDXIdentifier, b.FileSPDXIdentifier, common.TypeRelationshipDynamicLink, "")
		}
	}

	annotator := common.Annotator{AnnotatorType: "Tool", Annotator: toolName}
	for _, f := range r.sortedFindings() {
		a := spdx.Annotation{
			Annotator:         annotator,
			AnnotationDate:    date,
			AnnotationType:    "REVIEW",
			AnnotationComment: f.Severity.String() + " " + f.ID + ": " + f.Title,
		}
		if ev := evidenceText(f.Evidence); ev != "" {
			a.AnnotationComment += "\n" + ev
		}
		p, ok := r.attach(f.Path)
		if sf := files[p]; ok && sf != nil {
			sf.Annotations = append(sf.Annotations, a)
		} else {
			release.Annotations = append(release.Annotations, a)
		}
	}
	return doc
}

func (r *release) spdxRelease() *spdx.Package {
	id := r.root
	p := &spdx.Package{
		PackageName:             id.name,
		PackageSPDXIdentifier:   spdxRelease,
		PackageVersion:          id.version,
		PackageFileName:         r.targetName(),
		PackageDownloadLocation: noAssertion,
		FilesAnalyzed:           len(r.files) > 0,
		PackageSupplier:         spdxSupplier(id.supplier),
		PackageDescription:      id.desc,
		PackageCopyrightText:    id.copyright,
		PrimaryPackagePurpose:   r.purpose(),
		PackageComment:          spdxComment([][2]string{{"vouch:identity", id.from}, {"vouch:target.kind", r.in.Release.Target.Kind}}),
	}
	if r.in.Release.Target.Kind == "directory" {
		p.PackageFileName = ""
	}
	if sha := r.in.Release.Target.SHA256; sha != "" {
		p.PackageChecksums = []common.Checksum{{Algorithm: common.SHA256, Value: sha}}
	}
	p.PackageExternalReferences = spdxPurl(id.purl)
	return p
}

// purpose is the release package's primary purpose: what its root
// package or its format says it is.
func (r *release) purpose() string {
	if r.root.from == fromPackage {
		switch r.root.ecosystem {
		case "deb", "rpm":
			return "APPLICATION"
		}
		return "LIBRARY"
	}
	top := r.top()
	if top == nil {
		return "OTHER"
	}
	switch top.Kind {
	case identify.MSI, identify.CAB, identify.DMG, identify.Xar:
		return "INSTALL"
	case identify.PE, identify.ELF, identify.MachO, identify.MachOFat:
		return "APPLICATION"
	}
	if top.Format != "" {
		return "ARCHIVE"
	}
	return "FILE"
}

func (r *release) spdxFile(f *model.File, ids idAlloc) *spdx.File {
	return &spdx.File{
		FileName:           "./" + f.Path,
		FileSPDXIdentifier: ids.new("File", memberName(f.Path), f.Path),
		FileTypes:          fileTypes(f),
		Checksums:          []common.Checksum{{Algorithm: common.SHA256, Value: f.SHA256}},
		FileCopyrightText:  noAssertion,
		FileComment:        spdxComment(r.fileProps(f)),
	}
}

func spdxIdent(id *ident, files map[string]*spdx.File, ids idAlloc) *spdx.Package {
	p := &spdx.Package{
		PackageName:               id.name,
		PackageSPDXIdentifier:     ids.new("Package", id.name, id.key),
		PackageVersion:            id.version,
		PackageDownloadLocation:   noAssertion,
		PackageSupplier:           spdxSupplier(id.supplier),
		PackageDescription:        id.desc,
		PackageCopyrightText:      id.copyright,
		PrimaryPackagePurpose:     "LIBRARY",
		PackageExternalReferences: spdxPurl(id.purl),
		PackageComment:            spdxComment(append([][2]string{{"vouch:identity", id.from}}, id.props...)),
	}
	if id.group != "" && id.ecosystem == "npm" {
		p.PackageName = id.group + "/" + id.name
	}
	if id.from == fromPE && id.kind != "dll" {
		p.PrimaryPackagePurpose = "APPLICATION"
	}
	if id.file != "" && files[id.file] != nil {
		p.PackageFileName = "./" + id.file
		p.PackageChecksums = []common.Checksum{{Algorithm: common.SHA256, Value: id.sha256}}
	}
	return p
}

func spdxPurl(purl string) []*spdx.PackageExternalReference {
	if purl == "" {
		return nil
	}
	return []*spdx.PackageExternalReference{{
		Category: common.CategoryPackageManager, RefType: common.TypePackageManagerPURL, Locator: purl,
	}}
}

func spdxSupplier(s string) *common.Supplier {
	if s == "" {
		return nil
	}
	return &common.Supplier{SupplierType: "Organization", Supplier: s}
}

// spdxComment writes properties as "name: value" lines (SPDX 2.3 has no
// property element).
func spdxComment(kv [][2]string) string {
	var b strings.Builder
	for _, p := range kv {
		if strings.TrimSpace(p[1]) == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p[0] + ": " + p[1])
	}
	return b.String()
}

// fileTypes classifies a file for SPDX from the kind vouch identified.
func fileTypes(f *model.File) []string {
	switch {
	case f.Format != "":
		return []string{"ARCHIVE"}
	case identify.IsExecutable(f.Kind):
		return []string{"BINARY", "APPLICATION"}
	case identify.IsScript(f.Kind):
		return []string{"SOURCE"}
	case strings.HasPrefix(f.Kind, "image/"):
		return []string{"IMAGE"}
	case f.Kind == identify.Text || strings.HasPrefix(f.Kind, "text/"):
		return []string{"TEXT"}
	case f.Kind == identify.JavaClass || f.Kind == identify.Dex || f.Kind == identify.Wasm:
		return []string{"BINARY"}
	}
	return []string{"OTHER"}
}

// idAlloc hands out element IDs, each once.
type idAlloc map[common.ElementID]bool

// new makes an element ID from a readable part (squeezed into letters,
// digits, "." and "-") and a hash of what makes it unique; a clash (two
// hashes alike in their first 48 bits, which a hostile name could force)
// gets a counter.
func (ids idAlloc) new(kind, readable, unique string) common.ElementID {
	var b strings.Builder
	dash := false
	for _, c := range readable {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
		switch {
		case ok:
			b.WriteRune(c)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	s := strings.Trim(b.String(), "-.")
	h := sha256.Sum256([]byte(unique))
	id := kind + "-"
	if s != "" {
		id += s + "-"
	}
	id += hex.EncodeToString(h[:6])
	out := common.ElementID(id)
	for n := 2; ids[out]; n++ {
		out = common.ElementID(id + "-" + strconv.Itoa(n))
	}
	ids[out] = true
	return out
}
