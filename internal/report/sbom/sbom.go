// Package sbom renders a vouch report as a software bill of materials:
// CycloneDX 1.6 JSON ([WriteCycloneDX]) and SPDX 2.3 JSON ([WriteSPDX]).
//
// Both describe one release: the inspected target, every regular file of
// its virtual tree with its SHA-256, the identities vouch read from the
// files (ecosystem packages with purls, PE version resources, Go build
// information) and vouch's findings attached to the file they are about.
// A diff is rendered as the SBOM of its new release carrying only the
// diff's new findings.
//
// The package only renders: the facts, findings and their order were fixed
// before it is called. It never reads the release itself, so it cannot add
// what the report lacks; SPDX's SHA-1 file checksum is one such gap (vouch
// hashes with SHA-256 only).
//
// # Determinism
//
// The same report renders to the same bytes. Files are sorted by virtual
// path, identities by reference, findings in the report's order. The
// CycloneDX serial number and the SPDX document namespace are name-based
// UUIDs of the target's SHA-256 and the document's own content, so two
// different documents never share one. CycloneDX carries no timestamp (the
// report has no time of its own); SPDX requires one and takes it from
// SOURCE_DATE_EPOCH when set, else the current time (see [Created]).
//
// # Hostile input
//
// Every string from the release (names, versions, company names, paths)
// is data: it is escaped by the JSON encoders, used as a purl component
// only through the purl library's encoder, and squeezed into SPDX's
// identifier alphabet for element IDs. Virtual paths are taken to be what
// the engine makes them, valid UTF-8 and unique; a container's members are
// nested only under a proper prefix of their path, so no chain can make
// the tree loop.
package sbom

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"

	"github.com/vouch-sec/vouch/internal/model"
)

// Input is what an SBOM describes: one release and the findings attached
// to it.
type Input struct {
	// Release is the inspection of the release the SBOM describes.
	Release *model.Report
	// Findings are attached to the files they name: the report's own
	// findings, or for a diff only the new ones.
	Findings []model.Finding
	// Verdict is the document's verdict (the diff's for a diff).
	Verdict model.Severity
	// Schema is the vouch schema the document came from
	// (vouch/inspect/v1 or vouch/diff/v1).
	Schema string
	// Previous is the old release of a diff, nil for an inspection.
	Previous *model.Target
	// Existing and Suppressed count the findings a diff did not attach:
	// those the old release already had and those a baseline suppressed.
	Existing, Suppressed int
	// Created is the SPDX creation time; zero means [Created].
	Created time.Time
}

// FromInspect describes an inspected release with all its findings.
func FromInspect(r *model.Report) Input {
	return Input{
		Release:    r,
		Findings:   r.Findings,
		Verdict:    r.Verdict,
		Schema:     r.Schema,
		Suppressed: len(r.Suppressed),
	}
}

// FromDiff describes the new release of a diff with the diff's new
// findings. The new release is DiffReport.NewReport; a diff read back from
// JSON lacks it, and then the release is rebuilt from the diff's file list
// (paths, kinds, hashes and sizes, with the facts of any file that still
// carries them).
func FromDiff(d *model.DiffReport) Input {
	rel := d.NewReport
	if rel == nil {
		rel = &model.Report{Schema: model.SchemaInspect, Tool: d.Tool, Target: d.New}
		for _, df := range d.Files {
			switch {
			case df.Status == model.StatusRemoved:
			case df.New != nil:
				rel.Files = append(rel.Files, df.New)
			default:
				rel.Files = append(rel.Files, &model.File{Path: df.Path, Kind: df.Kind, SHA256: df.SHA256, Size: df.Size, Type: "file"})
			}
		}
		for _, e := range d.Errors {
			if e.Side != "old" {
				rel.Errors = append(rel.Errors, e)
			}
		}
	}
	old := d.Old
	return Input{
		Release:    rel,
		Findings:   d.Findings,
		Verdict:    d.Verdict,
		Schema:     d.Schema,
		Previous:   &old,
		Existing:   len(d.Existing),
		Suppressed: len(d.Suppressed),
	}
}

// Created is the SPDX creation time: SOURCE_DATE_EPOCH (seconds since
// 1970, the reproducible-builds convention) when set, else now. A
// malformed SOURCE_DATE_EPOCH is an error rather than a silent fallback,
// so a reproducible build notices it.
func Created() (time.Time, error) {
	s, ok := os.LookupEnv("SOURCE_DATE_EPOCH")
	if !ok || s == "" {
		return time.Now().UTC().Truncate(time.Second), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 253402300799 { // 9999-12-31T23:59:59Z
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds since 1970", s)
	}
	return time.Unix(n, 0).UTC(), nil
}

// release is the report arranged for rendering: the file tree, the
// identities read from files and where each finding attaches.
type release struct {
	in      Input
	files   []*model.File            // regular files, sorted by path
	byPath  map[string]*model.File   // regular files
	roots   []*model.File            // top-level files
	members map[string][]*model.File // direct members by container path
	errors  map[string][]string      // error messages by path
	// incomplete holds the containers whose member listing is known to
	// be incomplete: an error names the container, or a path under it
	// that is not a regular file of the tree.
	incomplete map[string]bool
	// complete is false when any error names something missing from
	// the tree.
	complete bool

	root  ident    // the release's own identity
	ids   []*ident // other identities, sorted by key
	links []link   // file-to-file relations, sorted
}

// Identity kinds.
const (
	fromPackage = "package" // ecosystem package metadata (PackageFacts)
	fromPE      = "pe"      // a PE VERSIONINFO resource
	fromGoDep   = "go-dep"  // a module a Go binary was built with
	fromGoMain  = "go-main" // the main module of a Go binary
	fromMSI     = "msi"     // an installer database's summary
	fromName    = "name"    // nothing but the target's name
)

// ident is a named, versioned thing vouch read from one or more files.
type ident struct {
	key       string // unique: the purl, or "pe:"+path
	from      string
	ecosystem string
	group     string // npm scope, Go module path prefix
	name      string
	version   string
	purl      string
	supplier  string
	desc      string
	copyright string
	// kind is "exe", "dll", "driver", "efi" for a PE identity.
	kind string
	// file is the path of the file the identity is (a .deb, an .rpm, a
	// PE), or "" when it was read from a manifest inside the package.
	file   string
	sha256 string
	// sources are the paths of the files the facts came from, sorted.
	sources []string
	props   [][2]string
}

// link is a relation between two regular files.
type link struct {
	from, to string
	kind     string // linkDynamic
}

// linkDynamic: a PE imports a DLL that sits next to it, which the Windows
// loader takes before any system copy (the application directory comes
// first in the search order). That is the relation the 3CX ffmpeg.dll
// abused, so it is worth a graph edge.
const linkDynamic = "dynamic"

func newRelease(in Input) (*release, error) {
	if in.Release == nil {
		return nil, errors.New("sbom: no release report")
	}
	r := &release{
		in:         in,
		byPath:     map[string]*model.File{},
		members:    map[string][]*model.File{},
		errors:     map[string][]string{},
		incomplete: map[string]bool{},
		complete:   true,
	}
	for _, f := range in.Release.Files {
		if f == nil || (f.Type != "" && f.Type != "file") {
			continue
		}
		if _, dup := r.byPath[f.Path]; dup {
			continue // the engine keeps paths unique; never render one twice
		}
		r.byPath[f.Path] = f
		r.files = append(r.files, f)
	}
	sort.Slice(r.files, func(i, j int) bool { return r.files[i].Path < r.files[j].Path })
	for _, f := range r.files {
		if p, ok := r.parent(f); ok {
			r.members[p] = append(r.members[p], f)
		} else {
			r.roots = append(r.roots, f)
		}
	}
	for _, e := range in.Release.Errors {
		r.errors[e.Path] = append(r.errors[e.Path], e.Error)
		if _, ok := r.byPath[e.Path]; ok {
			if r.byPath[e.Path].Format != "" {
				r.incomplete[e.Path] = true
				r.complete = false
			}
			continue
		}
		// A member that could not be read: its container's listing
		// misses it.
		r.complete = false
		for c, ok := containerOf(e.Path); ok; c, ok = containerOf(c) {
			if f, ok := r.byPath[c]; ok && f.Format != "" {
				r.incomplete[c] = true
				break
			}
		}
	}
	r.identities()
	r.dynamicLinks()
	return r, nil
}

// parent is the path of the container a file is a direct member of, and
// false for a top-level file. The chain says, else (a file rebuilt from a diff,
// or a chain naming something else) the nearest container in the tree
// its path runs through. A parent's path is always a proper prefix of the
// member's ("c!/m"), so the tree has no cycles and reaches every file.
func (r *release) parent(f *model.File) (string, bool) {
	if n := len(f.Chain); n > 0 {
		p := f.Chain[n-1].Path
		if _, ok := r.byPath[p]; ok && strings.HasPrefix(f.Path, p+"!/") {
			return p, true
		}
	}
	for p, ok := containerOf(f.Path); ok; p, ok = containerOf(p) {
		if _, in := r.byPath[p]; in {
			return p, true
		}
	}
	return "", false
}

// containerOf strips the last member step of a virtual path: "a!/b!/c" →
// "a!/b", "a!/b" → "a"; a path without one has no container.
func containerOf(p string) (string, bool) {
	if i := strings.LastIndex(p, "!/"); i >= 0 {
		return p[:i], true
	}
	return "", false
}

// memberName is a file's path inside its innermost container, or its
// whole path at the top level.
func memberName(p string) string {
	if i := strings.LastIndex(p, "!/"); i >= 0 {
		return p[i+2:]
	}
	return p
}

// attach returns the path of the regular file a finding is about: its own
// path, else its nearest container in the tree; false means the release.
func (r *release) attach(p string) (string, bool) {
	for ok := true; ok; p, ok = containerOf(p) {
		if _, in := r.byPath[p]; in {
			return p, true
		}
	}
	return "", false
}

// top is the target file of a single-file release, nil for a directory.
func (r *release) top() *model.File {
	if r.in.Release.Target.Kind == "directory" {
		return nil
	}
	if len(r.roots) == 1 {
		return r.roots[0]
	}
	return nil
}

// targetName is the target's base name, never the host path it was read
// from.
func (r *release) targetName() string {
	n := path.Base(strings.ReplaceAll(r.in.Release.Target.Path, `\`, "/"))
	if n == "." || n == "/" || n == "" {
		return "release"
	}
	return n
}

// identities collects what the files say they are and picks the release's
// own identity: its root package, else its installer database's product,
// else the PE version resource of a PE target, else its name.
func (r *release) identities() {
	byKey := map[string]*ident{}
	add := func(id *ident, source string) {
		if old, ok := byKey[id.key]; ok {
			old.sources = append(old.sources, source)
			return
		}
		id.sources = []string{source}
		byKey[id.key] = id
	}
	var rootKey string
	top := r.top()
	for _, f := range r.files {
		if f.Facts == nil {
			continue
		}
		if pf := f.Facts.Package; pf != nil && pf.Name != "" {
			id := packageIdent(f, pf)
			add(id, f.Path)
			if rootKey == "" && r.isRootPackage(f, pf, top) {
				rootKey = id.key
			}
		}
		if pe := f.Facts.PE; pe != nil {
			if id := peIdent(f, pe); id != nil {
				add(id, f.Path)
				if rootKey == "" && top != nil && f == top {
					rootKey = id.key
				}
			}
		}
		if e := f.Facts.ELF; e != nil && e.Go != nil {
			for _, id := range goIdents(e.Go) {
				add(id, f.Path)
			}
		}
	}
	for _, id := range byKey {
		sort.Strings(id.sources)
		if id.key == rootKey {
			r.root = *id
			continue
		}
		r.ids = append(r.ids, id)
	}
	sort.Slice(r.ids, func(i, j int) bool { return r.ids[i].key < r.ids[j].key })
	if rootKey != "" {
		return
	}
	r.root = ident{from: fromName, name: r.targetName()}
	if top != nil {
		r.root.file, r.root.sha256 = top.Path, top.SHA256
		if m := top.Meta; m["msi.product_name"] != "" {
			r.root.from = fromMSI
			r.root.name = m["msi.product_name"]
			r.root.version = m["msi.product_version"]
			r.root.supplier = m["msi.manufacturer"]
			r.root.sources = []string{top.Path}
		}
	}
}

// isRootPackage tells whether a file's package facts name the release
// itself: a .deb or .rpm target, the root package.json of an npm tarball
// (or of a directory), or the metadata at the top of a Python
// distribution.
func (r *release) isRootPackage(f *model.File, pf *model.PackageFacts, top *model.File) bool {
	switch {
	case top != nil && f == top:
		return true
	case len(f.Chain) > 1:
		return false
	case len(f.Chain) == 1 && (top == nil || f.Chain[0].Path != top.Path):
		return false
	}
	switch pf.Ecosystem {
	case "npm":
		return pf.Extra["manifest"] == "root"
	case "pypi":
		b := path.Base(memberName(f.Path))
		return (b == "METADATA" || b == "PKG-INFO") && strings.Count(memberName(f.Path), "/") <= 1
	}
	return false
}

// packageIdent is the identity of an ecosystem package.
func packageIdent(f *model.File, pf *model.PackageFacts) *ident {
	id := &ident{
		from:      fromPackage,
		ecosystem: pf.Ecosystem,
		name:      pf.Name,
		version:   pf.Version,
	}
	arch := pf.Extra["architecture"]
	var p *packageurl.PackageURL
	switch pf.Ecosystem {
	case "npm":
		if scope, name, ok := strings.Cut(pf.Name, "/"); ok && strings.HasPrefix(scope, "@") {
			id.group, id.name = scope, name
		}
		p = packageurl.NewPackageURL(packageurl.TypeNPM, id.group, id.name, pf.Version, nil, "")
	case "pypi":
		p = packageurl.NewPackageURL(packageurl.TypePyPi, "", pf.Name, pf.Version, nil, "")
	case "deb":
		p = packageurl.NewPackageURL(packageurl.TypeDebian, debVendor(f, pf), pf.Name, pf.Version, archQualifier(arch), "")
	case "rpm":
		p = packageurl.NewPackageURL(packageurl.TypeRPM, rpmVendor(f.Meta["rpm.vendor"]), pf.Name, pf.Version, archQualifier(arch), "")
	case "go":
		id.group, id.name = splitModule(pf.Name)
		p = packageurl.NewPackageURL(packageurl.TypeGolang, id.group, id.name, pf.Version, nil, "")
	}
	if p != nil && (pf.Ecosystem == "go" || p.Normalize() == nil) {
		id.purl = p.ToString()
	}
	id.key = id.purl
	if id.key == "" {
		// Valid UTF-8 as the JSON will hold it, so two keys never
		// become one reference on the way out.
		id.key = strings.ToValidUTF8("package:"+pf.Ecosystem+"/"+pf.Name+"@"+pf.Version, "\uFFFD")
	}
	if f.Format != "" && (pf.Ecosystem == "deb" || pf.Ecosystem == "rpm") {
		// The facts came from the package file itself.
		id.file, id.sha256 = f.Path, f.SHA256
	}
	if pf.Ecosystem == "rpm" {
		id.supplier = f.Meta["rpm.vendor"]
	}
	id.props = append(id.props, [2]string{"vouch:package.ecosystem", pf.Ecosystem})
	for _, h := range sortedKeys(pf.InstallHooks) {
		id.props = append(id.props, [2]string{"vouch:package.install_hook", h})
	}
	if arch != "" {
		id.props = append(id.props, [2]string{"vouch:package.architecture", arch})
	}
	return id
}

func archQualifier(arch string) packageurl.Qualifiers {
	if arch == "" {
		return nil
	}
	return packageurl.Qualifiers{{Key: "arch", Value: arch}}
}

// debVendor is the purl namespace of a .deb: "ubuntu" when the version or
// the maintainer says so (Ubuntu rebuilds carry "ubuntu" in the version,
// its own packages an ubuntu.com maintainer), else "debian".
func debVendor(f *model.File, pf *model.PackageFacts) string {
	if strings.Contains(pf.Version, "ubuntu") || strings.Contains(strings.ToLower(f.Meta["deb.maintainer"]), "ubuntu") {
		return "ubuntu"
	}
	return "debian"
}

// rpmVendor maps an RPM's Vendor tag to the purl namespace of the
// distributions that name theirs this way, else "" (purl leaves the
// namespace out when the vendor is unknown).
func rpmVendor(v string) string {
	l := strings.ToLower(v)
	for _, m := range [...]struct{ has, ns string }{
		{"fedora", "fedora"}, {"centos", "centos"}, {"red hat", "redhat"}, {"rocky", "rocky"},
		{"almalinux", "almalinux"}, {"opensuse", "opensuse"}, {"suse", "suse"}, {"oracle", "oracle"},
		{"amazon", "amazon"}, {"mageia", "mageia"}, {"openmandriva", "openmandriva"},
	} {
		if strings.Contains(l, m.has) {
			return m.ns
		}
	}
	return ""
}

// splitModule splits a Go module path into the purl namespace and name.
func splitModule(mod string) (string, string) {
	if i := strings.LastIndex(mod, "/"); i >= 0 {
		return mod[:i], mod[i+1:]
	}
	return "", mod
}

// peIdent is the identity a PE's VERSIONINFO resource claims, or nil when
// it names no product.
func peIdent(f *model.File, pe *model.PEFacts) *ident {
	vi := pe.VersionInfo
	name := firstOf(vi, "ProductName", "FileDescription", "OriginalFilename", "InternalName")
	if name == "" {
		return nil
	}
	id := &ident{
		key:       "pe:" + f.Path,
		from:      fromPE,
		name:      name,
		version:   firstOf(vi, "FileVersion", "ProductVersion"),
		supplier:  strings.TrimSpace(vi["CompanyName"]),
		desc:      strings.TrimSpace(vi["FileDescription"]),
		copyright: strings.TrimSpace(vi["LegalCopyright"]),
		kind:      pe.Type,
		file:      f.Path,
		sha256:    f.SHA256,
	}
	for _, k := range []string{"ProductVersion", "OriginalFilename", "InternalName"} {
		if v := strings.TrimSpace(vi[k]); v != "" {
			id.props = append(id.props, [2]string{"vouch:pe." + snake(k), v})
		}
	}
	return id
}

func firstOf(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := strings.TrimSpace(m[k]); v != "" {
			return v
		}
	}
	return ""
}

// snake turns a VERSIONINFO key into a property name part:
// "OriginalFilename" → "original_filename".
func snake(s string) string {
	var b strings.Builder
	for i, c := range s {
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}

// goIdents are the modules a Go binary's build information names: the
// main module and every dependency (a replacement with a version stands
// for the module it replaces, as that is what was compiled).
func goIdents(g *model.GoBuild) []*ident {
	var out []*ident
	mk := func(modver, from string) {
		mod, ver, _ := strings.Cut(modver, "@")
		if mod == "" {
			return
		}
		if ver == "(devel)" {
			ver = ""
		}
		grp, name := splitModule(mod)
		id := &ident{from: from, ecosystem: "go", group: grp, name: name, version: ver}
		id.purl = packageurl.NewPackageURL(packageurl.TypeGolang, grp, name, ver, nil, "").ToString()
		id.key = id.purl
		out = append(out, id)
	}
	if g.Module != "" {
		mk(g.Module, fromGoMain)
	}
	for _, d := range g.Deps {
		orig, repl, replaced := strings.Cut(d, " => ")
		if replaced && strings.Contains(repl, "@") && !strings.HasPrefix(repl, ".") && !strings.HasPrefix(repl, "/") {
			mk(repl, fromGoDep)
			continue
		}
		mk(orig, fromGoDep)
	}
	return out
}

// dynamicLinks records each PE's imports that resolve to a PE in the same
// directory of the same container (case-insensitively, as Windows does).
func (r *release) dynamicLinks() {
	pes := map[string]string{} // lower-case path → path
	for _, f := range r.files {
		if f.Facts != nil && f.Facts.PE != nil {
			pes[strings.ToLower(f.Path)] = f.Path
		}
	}
	seen := map[link]bool{}
	for _, f := range r.files {
		if f.Facts == nil || f.Facts.PE == nil {
			continue
		}
		// The directory with its trailing slash ("a.msi!/App/", "a.msi!/"
		// at the top of a container, "" at the top of a directory).
		dir := f.Path[:strings.LastIndex(f.Path, "/")+1]
		for _, imp := range f.Facts.PE.Imports {
			if imp.DLL == "" || strings.ContainsAny(imp.DLL, `/\`) {
				continue
			}
			to, ok := pes[strings.ToLower(dir+imp.DLL)]
			if !ok || to == f.Path {
				continue
			}
			l := link{from: f.Path, to: to, kind: linkDynamic}
			if !seen[l] {
				seen[l] = true
				r.links = append(r.links, l)
			}
		}
	}
	sort.Slice(r.links, func(i, j int) bool {
		if r.links[i].from != r.links[j].from {
			return r.links[i].from < r.links[j].from
		}
		return r.links[i].to < r.links[j].to
	})
}

// signer describes a file's code signature in properties: the subject,
// issuer and certificate hash of the first signer (Authenticode or a
// Mach-O CMS signature), or that the file is unsigned.
func signer(f *model.File) [][2]string {
	if f.Facts == nil {
		return nil
	}
	var out [][2]string
	if s := f.Facts.Signature; s != nil {
		out = append(out, [2]string{"vouch:signed", strconv.FormatBool(s.Signed)})
		for _, sig := range s.Signatures {
			if sig.Signer == nil || sig.Nested {
				continue
			}
			out = append(out,
				[2]string{"vouch:signer", sig.Signer.Subject},
				[2]string{"vouch:signer.issuer", sig.Signer.Issuer},
				[2]string{"vouch:signer.sha256", sig.Signer.SHA256},
				[2]string{"vouch:signature.chain_valid", strconv.FormatBool(sig.ChainValid)})
			break
		}
	}
	if m := f.Facts.MachO; m != nil {
		for _, sl := range m.Slices {
			if cs := sl.CodeSign; cs != nil && cs.Signer != "" {
				out = append(out, [2]string{"vouch:signer", cs.Signer})
				if cs.TeamID != "" {
					out = append(out, [2]string{"vouch:signer.team_id", cs.TeamID})
				}
				break
			}
		}
	}
	return out
}

// fileProps are the properties every rendering gives a file.
func (r *release) fileProps(f *model.File) [][2]string {
	p := [][2]string{
		{"vouch:path", f.Path},
		{"vouch:kind", f.Kind},
		{"vouch:size", strconv.FormatInt(f.Size, 10)},
	}
	if f.Format != "" {
		p = append(p, [2]string{"vouch:container.format", f.Format})
	}
	if f.Analysis != "" {
		p = append(p, [2]string{"vouch:analysis", f.Analysis})
	}
	p = append(p, signer(f)...)
	if f.Facts != nil {
		for _, c := range f.Facts.Capabilities {
			p = append(p, [2]string{"vouch:capability", c.ID})
		}
	}
	for _, e := range r.errors[f.Path] {
		p = append(p, [2]string{"vouch:error", e})
	}
	return p
}

// docProps describe the document as a whole.
func (r *release) docProps() [][2]string {
	in := r.in
	p := [][2]string{
		{"vouch:schema", in.Schema},
		{"vouch:verdict", in.Verdict.String()},
		{"vouch:findings", strconv.Itoa(len(in.Findings))},
		{"vouch:files", strconv.Itoa(len(r.files))},
		{"vouch:errors", strconv.Itoa(len(in.Release.Errors))},
	}
	if in.Suppressed > 0 {
		p = append(p, [2]string{"vouch:suppressed", strconv.Itoa(in.Suppressed)})
	}
	if in.Previous != nil {
		p = append(p, [2]string{"vouch:diff.existing", strconv.Itoa(in.Existing)},
			[2]string{"vouch:diff.old.name", path.Base(strings.ReplaceAll(in.Previous.Path, `\`, "/"))})
		if in.Previous.SHA256 != "" {
			p = append(p, [2]string{"vouch:diff.old.sha256", in.Previous.SHA256})
		}
	}
	return p
}

// evidenceText renders a finding's evidence one "key: value" line per key,
// sorted, strings as they are and other values as JSON.
func evidenceText(ev map[string]any) string {
	var b strings.Builder
	for _, k := range sortedKeys(ev) {
		v := ev[k]
		s, ok := v.(string)
		if !ok {
			j, err := json.Marshal(v)
			if err != nil {
				j = []byte(fmt.Sprint(v))
			}
			s = string(j)
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(k + ": " + s)
	}
	return b.String()
}

// findingKey is a short stable reference for a finding: the same finding
// of the same file keeps its reference from one run to the next.
func findingKey(f model.Finding) string {
	h := sha256.Sum256([]byte(f.ID + "\x00" + f.Path + "\x00" + f.Title + "\x00" + evidenceText(f.Evidence)))
	return hex.EncodeToString(h[:8])
}

// sortedFindings is a copy of the findings in the report order (severity,
// path, id, title) whatever order the caller kept.
func (r *release) sortedFindings() []model.Finding {
	fs := append([]model.Finding(nil), r.in.Findings...)
	model.SortFindings(fs)
	return fs
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// nameUUID is an RFC 9562 version 5 (name-based, SHA-1) UUID in the URL
// namespace; version 5 rather than 8 because CycloneDX's schema accepts
// only versions 1 to 5 in a serial number.
func nameUUID(name string) string {
	ns := [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	x := hex.EncodeToString(u[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// documentUUID names a document by the release's hash and the digest of
// its own content (rendered without the UUID).
func (r *release) documentUUID(format string, content []byte) string {
	d := sha256.Sum256(content)
	return nameUUID("vouch:" + format + ":" + r.in.Release.Target.SHA256 + ":" + hex.EncodeToString(d[:]))
}
