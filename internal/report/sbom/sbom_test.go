package sbom_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdx/v2/common"

	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/report/sbom"
	"github.com/vouch-sec/vouch/internal/report/sbom/sbomtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// created is the fixed SPDX creation time of the fixture renderings.
var created = time.Date(2024, 3, 29, 12, 0, 0, 0, time.UTC)

func sha(c byte) string { return strings.Repeat(string([]byte{c}), 64) }

// Paths of the fixture.
const (
	pMSI    = "Setup-2.0.msi"
	pExe    = pMSI + "!/App/app.exe"
	pCodec  = pMSI + "!/App/codec.dll"
	pZip    = pMSI + "!/App/bundle.zip"
	pLeft   = pZip + "!/node_modules/left-pad/package.json"
	pScoped = pZip + "!/node_modules/@scope/pkg/package.json"
	pTool   = pMSI + "!/App/tool"
	pOdd    = pMSI + "!/App/we\"ird <name>\n.txt"
	pDeb    = pMSI + "!/Extras/helper.deb"
	pData   = pDeb + "!/data.tar.xz"
	pHelper = pData + "!/usr/bin/helper"
	pRPM    = pMSI + "!/Extras/lib.rpm"
	pPy     = pMSI + "!/Extras/py/foo_bar-1.0.dist-info/METADATA"
	pLink   = pMSI + "!/Extras/link"
	pBig    = pMSI + "!/Extras/big.bin"
)

// fixture is a hand-built report of an installer holding most of what an
// SBOM renders: nested containers, a signed PE with a version resource
// importing a DLL beside it, npm, deb, rpm and Python packages, a Go
// binary, a symbolic link, a file too big to hash, a hostile file name, a
// read error and findings of every severity.
func fixture() *model.Report {
	msi := []model.Container{{Path: pMSI, Format: "msi"}}
	zip := append(msi[:1:1], model.Container{Path: pZip, Format: "zip"})
	deb := append(msi[:1:1], model.Container{Path: pDeb, Format: "deb"})
	data := append(deb[:2:2], model.Container{Path: pData, Format: "xz+tar"})
	signed := func(subject string) *model.SignatureFacts {
		return &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{{
			DigestValid: true, SignatureValid: true, ChainValid: true,
			Signer: &model.Certificate{Subject: subject, Issuer: "CN=Example CA", SHA256: sha('c')},
		}}}
	}
	files := []*model.File{
		{Path: pMSI, SHA256: sha('1'), Size: 4096, Kind: "msi", Type: "file", Format: "msi", Members: 9,
			Meta:  model.Meta{"msi.product_name": "Setup", "msi.product_version": "2.0", "msi.manufacturer": "Example Corp"},
			Facts: &model.Facts{Signature: signed("CN=Example Corp")}},
		{Path: pExe, SHA256: sha('2'), Size: 1000, Kind: "pe", Type: "file", Chain: msi,
			Facts: &model.Facts{Signature: signed("CN=Example Corp"), PE: &model.PEFacts{Type: "exe",
				VersionInfo: map[string]string{"CompanyName": "Example Corp", "ProductName": "Example App", "FileVersion": "2.0.0.1",
					"ProductVersion": "2.0", "OriginalFilename": "app.exe", "FileDescription": "The app", "LegalCopyright": "(c) Example"},
				Imports: []model.Import{{DLL: "CODEC.dll"}, {DLL: "KERNEL32.dll"}}}}},
		{Path: pCodec, SHA256: sha('3'), Size: 2000, Kind: "pe", Type: "file", Chain: msi,
			Facts: &model.Facts{Signature: &model.SignatureFacts{}, PE: &model.PEFacts{Type: "dll"},
				Capabilities: []model.Capability{{ID: "net/winhttp-client"}}}},
		{Path: pZip, SHA256: sha('4'), Size: 300, Kind: "zip", Type: "file", Chain: msi, Format: "zip", Members: 2},
		{Path: pLeft, SHA256: sha('5'), Size: 30, Kind: "text/json", Type: "file", Chain: zip,
			Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "left-pad", Version: "1.3.0",
				InstallHooks: map[string]string{"postinstall": "node x.js"}, Extra: map[string]string{"manifest": "dependency"}}}},
		{Path: pScoped, SHA256: sha('6'), Size: 30, Kind: "text/json", Type: "file", Chain: zip,
			Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "@scope/pkg", Version: "0.1.0",
				Extra: map[string]string{"manifest": "dependency"}}}},
		{Path: pTool, SHA256: sha('7'), Size: 5000, Kind: "elf", Type: "file", Chain: msi,
			Facts: &model.Facts{ELF: &model.ELFFacts{Go: &model.GoBuild{Version: "go1.22.1", Module: "example.com/tool@v1.2.3",
				Deps: []string{"example.com/local@v0.0.0 => ./local", "github.com/Old/mod@v1.0.0 => github.com/New/mod@v1.1.0", "golang.org/x/sys@v0.20.0"}}}}},
		{Path: pOdd, SHA256: sha('8'), Size: 5, Kind: "text", Type: "file", Chain: msi},
		{Path: pDeb, SHA256: sha('9'), Size: 700, Kind: "deb", Type: "file", Chain: msi, Format: "deb", Members: 1,
			Meta: model.Meta{"deb.maintainer": "Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>"},
			Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "deb", Name: "helper", Version: "1.0-1ubuntu2",
				Extra: map[string]string{"architecture": "amd64"}}}},
		{Path: pData, SHA256: sha('a'), Size: 600, Kind: "xz", Type: "file", Chain: deb, Format: "xz+tar", Members: 1},
		{Path: pHelper, SHA256: sha('b'), Size: 500, Kind: "elf", Type: "file", Chain: data, Facts: &model.Facts{ELF: &model.ELFFacts{}}},
		{Path: pRPM, SHA256: sha('d'), Size: 800, Kind: "rpm", Type: "file", Chain: msi, Format: "rpm",
			Meta: model.Meta{"rpm.vendor": "Fedora Project"},
			Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "rpm", Name: "libfoo", Version: "2.1-3.fc40",
				Extra: map[string]string{"architecture": "x86_64"}}}},
		{Path: pPy, SHA256: sha('e'), Size: 40, Kind: "text", Type: "file", Chain: msi,
			Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "pypi", Name: "Foo_Bar", Version: "1.0"}}},
		{Path: pLink, Size: 0, Kind: "empty", Type: "symlink", LinkTo: "../../etc/passwd", Chain: msi},
		{Path: pBig, Size: 1 << 40, Kind: "data", Type: "file", Chain: msi, Analysis: "skipped: larger than the file limit"},
	}
	r := &model.Report{
		Schema: model.SchemaInspect,
		Tool:   model.Tool{Name: "vouch", Version: "test"},
		Target: model.Target{Path: "/home/someone/Downloads/Setup-2.0.msi", Kind: "file", SHA256: sha('1'), Size: 4096},
		Files:  files,
		Errors: []model.FileError{{Path: pZip + "!/broken.js", Error: "zip: checksum error"}},
		Findings: []model.Finding{
			{ID: "pe.new-network", Severity: model.SeverityHigh, Path: pCodec, Title: "codec.dll can reach the network",
				Evidence: map[string]any{"capabilities": []string{"net/winhttp-client"}, "count": 1}},
			{ID: "sig.unsigned-module-in-signed-package", Severity: model.SeverityLow, Path: pCodec,
				Title: "unsigned codec.dll is loaded by the signed app.exe", Evidence: map[string]any{"importers": []string{pExe}}},
			{ID: "fs.symlink-escape", Severity: model.SeverityMedium, Path: pLink, Title: "link points outside the release",
				Evidence: map[string]any{"link_to": "../../etc/passwd"}},
			{ID: "pkg.install-hook", Severity: model.SeverityLow, Path: pLeft, Title: "left-pad runs node x.js on install",
				Evidence: map[string]any{"hook": "postinstall"}},
			{ID: "release.note", Severity: model.SeverityNone, Path: "", Title: "the release as a whole", Evidence: map[string]any{}},
		},
	}
	r.Sort()
	return r
}

func render(t testing.TB, in sbom.Input) (cyclone, spdxDoc []byte) {
	t.Helper()
	var c, s bytes.Buffer
	if err := sbom.WriteCycloneDX(&c, in); err != nil {
		t.Fatalf("WriteCycloneDX: %v", err)
	}
	if in.Created.IsZero() {
		in.Created = created
	}
	if err := sbom.WriteSPDX(&s, in); err != nil {
		t.Fatalf("WriteSPDX: %v", err)
	}
	return c.Bytes(), s.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", name, d)
	}
}

func TestGolden(t *testing.T) {
	c, s := render(t, sbom.FromInspect(fixture()))
	sbomtest.CycloneDX(t, c)
	sbomtest.SPDX(t, s)
	golden(t, "fixture.cdx.json", c)
	golden(t, "fixture.spdx.json", s)
}

func props(ps *[]cdx.Property, name string) []string {
	var out []string
	if ps != nil {
		for _, p := range *ps {
			if p.Name == name {
				out = append(out, p.Value)
			}
		}
	}
	return out
}

func TestCycloneDXTree(t *testing.T) {
	r := fixture()
	c, _ := render(t, sbom.FromInspect(r))
	bom := sbomtest.CycloneDX(t, c)

	m := bom.Metadata.Component
	if m.Name != "Setup" || m.Version != "2.0" || m.Supplier == nil || m.Supplier.Name != "Example Corp" ||
		m.Hashes == nil || (*m.Hashes)[0].Value != sha('1') {
		t.Errorf("metadata.component = %+v", m)
	}
	if got := props(m.Properties, "vouch:target.name"); !cmp.Equal(got, []string{"Setup-2.0.msi"}) {
		t.Errorf("target name %q: the host path must not leak", got)
	}
	if bytes.Contains(c, []byte("/home/someone")) {
		t.Error("the host path of the target is in the BOM")
	}

	// Every regular file once, with its hash, nested in its container.
	type fileNode struct{ Parent, SHA256, Name string }
	got := map[string]fileNode{}
	sbomtest.WalkComponents(bom.Components, func(c cdx.Component, parent string) {
		if c.Type != cdx.ComponentTypeFile {
			return
		}
		n := fileNode{Parent: parent, Name: c.Name}
		if c.Hashes != nil {
			n.SHA256 = (*c.Hashes)[0].Value
		}
		got[c.BOMRef] = n
	})
	want := map[string]fileNode{}
	for _, f := range r.Files {
		if f.Type != "file" {
			continue
		}
		n := fileNode{SHA256: f.SHA256, Name: f.Path[strings.LastIndex(f.Path, "!/")+2:]}
		if f.Path == pMSI {
			n.Name = pMSI
		}
		if len(f.Chain) > 0 {
			n.Parent = "file:" + f.Chain[len(f.Chain)-1].Path
		}
		want["file:"+f.Path] = n
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("file components (-want +got):\n%s", d)
	}

	// Identities next to the tree.
	type identity struct{ Type, Group, Name, Version, PURL, Supplier string }
	gotIDs := map[string]identity{}
	for _, c := range *bom.Components {
		if c.Type == cdx.ComponentTypeFile {
			continue
		}
		id := identity{Type: string(c.Type), Group: c.Group, Name: c.Name, Version: c.Version, PURL: c.PackageURL}
		if c.Supplier != nil {
			id.Supplier = c.Supplier.Name
		}
		gotIDs[c.BOMRef] = id
	}
	wantIDs := map[string]identity{
		"pe:" + pExe:                                    {"application", "", "Example App", "2.0.0.1", "", "Example Corp"},
		"pkg:npm/left-pad@1.3.0":                        {"library", "", "left-pad", "1.3.0", "pkg:npm/left-pad@1.3.0", ""},
		"pkg:npm/%40scope/pkg@0.1.0":                    {"library", "@scope", "pkg", "0.1.0", "pkg:npm/%40scope/pkg@0.1.0", ""},
		"pkg:deb/ubuntu/helper@1.0-1ubuntu2?arch=amd64": {"library", "", "helper", "1.0-1ubuntu2", "pkg:deb/ubuntu/helper@1.0-1ubuntu2?arch=amd64", ""},
		"pkg:rpm/fedora/libfoo@2.1-3.fc40?arch=x86_64":  {"library", "", "libfoo", "2.1-3.fc40", "pkg:rpm/fedora/libfoo@2.1-3.fc40?arch=x86_64", "Fedora Project"},
		"pkg:pypi/foo-bar@1.0":                          {"library", "", "Foo_Bar", "1.0", "pkg:pypi/foo-bar@1.0", ""},
		"pkg:golang/example.com/tool@v1.2.3":            {"library", "example.com", "tool", "v1.2.3", "pkg:golang/example.com/tool@v1.2.3", ""},
		"pkg:golang/example.com/local@v0.0.0":           {"library", "example.com", "local", "v0.0.0", "pkg:golang/example.com/local@v0.0.0", ""},
		"pkg:golang/github.com/New/mod@v1.1.0":          {"library", "github.com/New", "mod", "v1.1.0", "pkg:golang/github.com/New/mod@v1.1.0", ""},
		"pkg:golang/golang.org/x/sys@v0.20.0":           {"library", "golang.org/x", "sys", "v0.20.0", "pkg:golang/golang.org/x/sys@v0.20.0", ""},
	}
	if d := cmp.Diff(wantIDs, gotIDs); d != "" {
		t.Errorf("identity components (-want +got):\n%s", d)
	}

	deps := map[string][]string{}
	for _, d := range *bom.Dependencies {
		deps[d.Ref] = *d.Dependencies
	}
	if d := cmp.Diff(map[string][]string{"file:" + pExe: {"file:" + pCodec}}, deps); d != "" {
		t.Errorf("dependencies (-want +got):\n%s", d)
	}

	comps := map[string][]string{}
	for _, c := range *bom.Compositions {
		for _, a := range *c.Assemblies {
			comps[string(c.Aggregate)] = append(comps[string(c.Aggregate)], string(a))
		}
	}
	wantComps := map[string][]string{
		"complete":   {"file:" + pMSI, "file:" + pDeb, "file:" + pData, "file:" + pRPM},
		"incomplete": {"release", "file:" + pZip},
	}
	for _, v := range comps {
		sort.Strings(v)
	}
	for _, v := range wantComps {
		sort.Strings(v)
	}
	if d := cmp.Diff(wantComps, comps); d != "" {
		t.Errorf("compositions (-want +got):\n%s", d)
	}
}

func TestCycloneDXFindings(t *testing.T) {
	r := fixture()
	c, _ := render(t, sbom.FromInspect(r))
	bom := sbomtest.CycloneDX(t, c)
	type vuln struct{ ID, Severity, Affects, Description, Detail string }
	var got []vuln
	for _, v := range *bom.Vulnerabilities {
		if v.Source == nil || v.Source.Name != "vouch" || len(*v.Ratings) != 1 || (*v.Ratings)[0].Source.Name != "vouch" {
			t.Errorf("%s: source %+v ratings %+v", v.ID, v.Source, v.Ratings)
		}
		got = append(got, vuln{v.ID, string((*v.Ratings)[0].Severity), (*v.Affects)[0].Ref, v.Description, v.Detail})
	}
	want := []vuln{
		{"pe.new-network", "high", "file:" + pCodec, "codec.dll can reach the network", "capabilities: [\"net/winhttp-client\"]\ncount: 1"},
		{"fs.symlink-escape", "medium", "file:" + pMSI, "link points outside the release", "link_to: ../../etc/passwd"},
		{"pkg.install-hook", "low", "file:" + pLeft, "left-pad runs node x.js on install", "hook: postinstall"},
		{"sig.unsigned-module-in-signed-package", "low", "file:" + pCodec, "unsigned codec.dll is loaded by the signed app.exe", "importers: [\"" + pExe + "\"]"},
		{"release.note", "info", "release", "the release as a whole", ""},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("vulnerabilities (-want +got):\n%s", d)
	}
}

func TestCycloneDXFileProperties(t *testing.T) {
	c, _ := render(t, sbom.FromInspect(fixture()))
	bom := sbomtest.CycloneDX(t, c)
	byRef := map[string]cdx.Component{}
	sbomtest.WalkComponents(bom.Components, func(c cdx.Component, _ string) { byRef[c.BOMRef] = c })
	tests := []struct {
		ref, prop string
		want      []string
	}{
		{"file:" + pExe, "vouch:signer", []string{"CN=Example Corp"}},
		{"file:" + pExe, "vouch:signed", []string{"true"}},
		{"file:" + pCodec, "vouch:signed", []string{"false"}},
		{"file:" + pCodec, "vouch:capability", []string{"net/winhttp-client"}},
		{"file:" + pZip, "vouch:container.format", []string{"zip"}},
		{"file:" + pBig, "vouch:analysis", []string{"skipped: larger than the file limit"}},
		{"file:" + pOdd, "vouch:path", []string{pOdd}},
		{"pkg:npm/left-pad@1.3.0", "vouch:package.install_hook", []string{"postinstall"}},
		{"pe:" + pExe, "vouch:pe.original_filename", []string{"app.exe"}},
	}
	for _, tc := range tests {
		if got := props(byRef[tc.ref].Properties, tc.prop); !cmp.Equal(got, tc.want) {
			t.Errorf("%s %s = %q, want %q", tc.ref, tc.prop, got, tc.want)
		}
	}
	if h := byRef["file:"+pBig].Hashes; h != nil {
		t.Errorf("a file never hashed has hashes %v", *h)
	}
	occ := byRef["pkg:npm/left-pad@1.3.0"].Evidence
	if occ == nil || occ.Occurrences == nil || (*occ.Occurrences)[0].Location != pLeft {
		t.Errorf("left-pad evidence %+v", occ)
	}
}

func spdxByName(doc *spdx.Document) (map[string]*spdx.File, map[common.ElementID]string) {
	files := map[string]*spdx.File{}
	names := map[common.ElementID]string{}
	for _, f := range doc.Files {
		files[f.FileName] = f
		names[f.FileSPDXIdentifier] = f.FileName
	}
	for _, p := range doc.Packages {
		names[p.PackageSPDXIdentifier] = "pkg:" + p.PackageName
	}
	return files, names
}

func TestSPDX(t *testing.T) {
	r := fixture()
	_, s := render(t, sbom.FromInspect(r))
	doc := sbomtest.SPDX(t, s)
	files, names := spdxByName(doc)
	names["DOCUMENT"] = "DOCUMENT"

	rel := doc.Packages[0]
	if rel.PackageSPDXIdentifier != "Release" || rel.PackageName != "Setup" || rel.PackageVersion != "2.0" ||
		rel.PrimaryPackagePurpose != "INSTALL" || rel.PackageChecksums[0].Value != sha('1') || rel.PackageFileName != "Setup-2.0.msi" {
		t.Errorf("release package %+v", rel)
	}
	if doc.CreationInfo.Created != "2024-03-29T12:00:00Z" || doc.DocumentName != "Setup-2.0" {
		t.Errorf("created %q, name %q", doc.CreationInfo.Created, doc.DocumentName)
	}

	// Every hashed regular file, with its SHA-256.
	var want, got []string
	for _, f := range r.Files {
		if f.Type == "file" && f.SHA256 != "" {
			want = append(want, "./"+f.Path+" "+f.SHA256)
		}
	}
	for _, f := range doc.Files {
		got = append(got, f.FileName+" "+f.Checksums[0].Value)
	}
	sort.Strings(got)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}

	var rels []string
	for _, x := range doc.Relationships {
		rels = append(rels, names[x.RefA.ElementRefID]+" "+x.Relationship+" "+names[x.RefB.ElementRefID])
	}
	for _, w := range []string{
		"DOCUMENT DESCRIBES pkg:Setup",
		"pkg:Setup CONTAINS ./" + pMSI,
		"./" + pMSI + " CONTAINS ./" + pExe,
		"./" + pDeb + " CONTAINS ./" + pData,
		"./" + pData + " CONTAINS ./" + pHelper,
		"pkg:Setup CONTAINS pkg:left-pad",
		"./" + pLeft + " METAFILE_OF pkg:left-pad",
		"./" + pScoped + " METAFILE_OF pkg:@scope/pkg",
		"pkg:helper OTHER ./" + pDeb,
		"pkg:Example App OTHER ./" + pExe,
		"./" + pTool + " STATIC_LINK pkg:sys",
		"./" + pTool + " GENERATED_FROM pkg:tool",
		"./" + pExe + " DYNAMIC_LINK ./" + pCodec,
	} {
		if !contains(rels, w) {
			t.Errorf("no relationship %q", w)
		}
	}

	purls := map[string]string{}
	for _, p := range doc.Packages[1:] {
		for _, ref := range p.PackageExternalReferences {
			if ref.Category == "PACKAGE-MANAGER" && ref.RefType == "purl" {
				purls[p.PackageName] = ref.Locator
			}
		}
	}
	for name, purl := range map[string]string{
		"@scope/pkg": "pkg:npm/%40scope/pkg@0.1.0",
		"helper":     "pkg:deb/ubuntu/helper@1.0-1ubuntu2?arch=amd64",
		"libfoo":     "pkg:rpm/fedora/libfoo@2.1-3.fc40?arch=x86_64",
		"Foo_Bar":    "pkg:pypi/foo-bar@1.0",
	} {
		if purls[name] != purl {
			t.Errorf("package %s purl %q, want %q", name, purls[name], purl)
		}
	}

	// Findings as review annotations on the file they name.
	ann := map[string][]string{}
	for _, f := range doc.Files {
		for _, a := range f.Annotations {
			ann[f.FileName] = append(ann[f.FileName], a.AnnotationComment)
		}
	}
	for _, a := range rel.Annotations {
		ann["release"] = append(ann["release"], a.AnnotationComment)
	}
	wantAnn := map[string][]string{
		"./" + pCodec: {
			"high pe.new-network: codec.dll can reach the network\ncapabilities: [\"net/winhttp-client\"]\ncount: 1",
			"low sig.unsigned-module-in-signed-package: unsigned codec.dll is loaded by the signed app.exe\nimporters: [\"" + pExe + "\"]",
		},
		"./" + pMSI:  {"medium fs.symlink-escape: link points outside the release\nlink_to: ../../etc/passwd"},
		"./" + pLeft: {"low pkg.install-hook: left-pad runs node x.js on install\nhook: postinstall"},
		"release":    {"none release.note: the release as a whole"},
	}
	if d := cmp.Diff(wantAnn, ann); d != "" {
		t.Errorf("annotations (-want +got):\n%s", d)
	}
	if files["./"+pCodec].Annotations[0].Annotator.Annotator != "vouch-test" {
		t.Errorf("annotator %+v", files["./"+pCodec].Annotations[0].Annotator)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestDeterministic: the same report renders to the same bytes, and the
// document IDs follow the content.
func TestDeterministic(t *testing.T) {
	c1, s1 := render(t, sbom.FromInspect(fixture()))
	c2, s2 := render(t, sbom.FromInspect(fixture()))
	if !bytes.Equal(c1, c2) || !bytes.Equal(s1, s2) {
		t.Fatal("two renderings of one report differ")
	}
	r := fixture()
	r.Findings = r.Findings[1:]
	c3, s3 := render(t, sbom.FromInspect(r))
	b1, b3 := sbomtest.CycloneDX(t, c1), sbomtest.CycloneDX(t, c3)
	if b1.SerialNumber == b3.SerialNumber {
		t.Error("a different BOM kept the serial number")
	}
	d1, d3 := sbomtest.SPDX(t, s1), sbomtest.SPDX(t, s3)
	if d1.DocumentNamespace == d3.DocumentNamespace {
		t.Error("a different SPDX document kept the namespace")
	}
	// The creation time is not content.
	in := sbom.FromInspect(fixture())
	in.Created = created.Add(time.Hour)
	_, s4 := render(t, in)
	if d4 := sbomtest.SPDX(t, s4); d4.DocumentNamespace != d1.DocumentNamespace || d4.CreationInfo.Created == d1.CreationInfo.Created {
		t.Errorf("namespace %q vs %q, created %q vs %q", d4.DocumentNamespace, d1.DocumentNamespace, d4.CreationInfo.Created, d1.CreationInfo.Created)
	}
}

func TestCreated(t *testing.T) {
	tests := []struct {
		env     string
		want    time.Time
		wantErr bool
	}{
		{"1711713600", time.Date(2024, 3, 29, 12, 0, 0, 0, time.UTC), false},
		{"0", time.Unix(0, 0).UTC(), false},
		{"yesterday", time.Time{}, true},
		{"-5", time.Time{}, true},
		{"99999999999999", time.Time{}, true},
	}
	for _, tc := range tests {
		t.Setenv("SOURCE_DATE_EPOCH", tc.env)
		got, err := sbom.Created()
		if (err != nil) != tc.wantErr || !got.Equal(tc.want) {
			t.Errorf("SOURCE_DATE_EPOCH=%s: %v, %v", tc.env, got, err)
		}
	}
	t.Setenv("SOURCE_DATE_EPOCH", "")
	before := time.Now().Add(-time.Second)
	if got, err := sbom.Created(); err != nil || got.Before(before) || got.Location() != time.UTC {
		t.Errorf("unset: %v, %v", got, err)
	}

	// WriteSPDX takes it when the input has no time, and refuses a bad one.
	t.Setenv("SOURCE_DATE_EPOCH", "1711713600")
	var b bytes.Buffer
	if err := sbom.WriteSPDX(&b, sbom.FromInspect(fixture())); err != nil {
		t.Fatal(err)
	}
	if doc := sbomtest.SPDX(t, b.Bytes()); doc.CreationInfo.Created != "2024-03-29T12:00:00Z" {
		t.Errorf("created %q", doc.CreationInfo.Created)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "soon")
	if err := sbom.WriteSPDX(&b, sbom.FromInspect(fixture())); err == nil {
		t.Error("a malformed SOURCE_DATE_EPOCH was accepted")
	}
}

// TestDiff: a diff renders as the SBOM of its new release carrying the
// diff's new findings only.
func TestDiff(t *testing.T) {
	newRel := fixture()
	d := &model.DiffReport{
		Schema:  model.SchemaDiff,
		Tool:    newRel.Tool,
		Old:     model.Target{Path: "/tmp/Setup-1.9.msi", Kind: "file", SHA256: sha('0')},
		New:     newRel.Target,
		Verdict: model.SeverityHigh,
		Findings: []model.Finding{{ID: "diff.new-capability", Severity: model.SeverityHigh, Path: pCodec,
			Title: "codec.dll gained networking", Evidence: map[string]any{"added": []string{"net/winhttp-client"}}}},
		Existing:  newRel.Findings,
		NewReport: newRel,
	}
	for _, f := range newRel.Files {
		d.Files = append(d.Files, &model.DiffFile{Path: f.Path, Status: model.StatusUnchanged, Kind: f.Kind, SHA256: f.SHA256, Size: f.Size, New: f})
	}
	c, s := render(t, sbom.FromDiff(d))
	bom := sbomtest.CycloneDX(t, c)
	if n := len(*bom.Vulnerabilities); n != 1 || (*bom.Vulnerabilities)[0].ID != "diff.new-capability" {
		t.Errorf("vulnerabilities %+v, want the one new finding", *bom.Vulnerabilities)
	}
	for name, want := range map[string]string{"vouch:schema": model.SchemaDiff, "vouch:verdict": "high",
		"vouch:diff.old.sha256": sha('0'), "vouch:diff.old.name": "Setup-1.9.msi", "vouch:diff.existing": "5"} {
		if got := props(bom.Metadata.Properties, name); !cmp.Equal(got, []string{want}) {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if bom.Metadata.Component.Name != "Setup" || (*bom.Metadata.Component.Hashes)[0].Value != sha('1') {
		t.Errorf("the SBOM does not describe the new release: %+v", bom.Metadata.Component)
	}
	doc := sbomtest.SPDX(t, s)
	files, _ := spdxByName(doc)
	if a := files["./"+pCodec].Annotations; len(a) != 1 || !strings.HasPrefix(a[0].AnnotationComment, "high diff.new-capability: ") {
		t.Errorf("codec annotations %+v", a)
	}

	// Read back from JSON the diff has lost its inspections: the new
	// release is rebuilt from the file list.
	d.NewReport = nil
	for _, f := range d.Files {
		f.New = nil
	}
	d.Files = append(d.Files, &model.DiffFile{Path: "Setup-1.9.msi!/gone.txt", Status: model.StatusRemoved, Kind: "text", SHA256: sha('f')})
	c, s = render(t, sbom.FromDiff(d))
	bom = sbomtest.CycloneDX(t, c)
	nested := map[string]string{}
	sbomtest.WalkComponents(bom.Components, func(c cdx.Component, parent string) { nested[c.BOMRef] = parent })
	if nested["file:"+pHelper] != "file:"+pData || nested["file:"+pExe] != "file:"+pMSI {
		t.Errorf("rebuilt tree does not nest by path: %v", nested)
	}
	if _, ok := nested["file:Setup-1.9.msi!/gone.txt"]; ok {
		t.Error("a removed file is in the new release's SBOM")
	}
	doc = sbomtest.SPDX(t, s)
	if len(doc.Files) != 13 {
		t.Errorf("%d SPDX files, want 13", len(doc.Files))
	}
}

// TestIdentityChoice: the release is named by its root package, its
// installer database, its PE version resource or its file name, in that
// order, and a root package is not repeated as a component.
func TestIdentityChoice(t *testing.T) {
	tgz := "pkg-1.0.tgz"
	root := &model.File{Path: tgz + "!/package/package.json", SHA256: sha('2'), Kind: "text/json", Type: "file",
		Chain: []model.Container{{Path: tgz, Format: "gzip+tar"}},
		Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "@acme/pkg", Version: "1.0.0",
			Extra: map[string]string{"manifest": "root"}}}}
	nested := &model.File{Path: tgz + "!/package/test/package.json", SHA256: sha('3'), Kind: "text/json", Type: "file",
		Chain: []model.Container{{Path: tgz, Format: "gzip+tar"}},
		Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "fixture", Version: "0.0.1",
			Extra: map[string]string{"manifest": "nested"}}}}
	exe := &model.File{Path: "setup.exe", SHA256: sha('4'), Kind: "pe", Type: "file",
		Facts: &model.Facts{PE: &model.PEFacts{Type: "exe", VersionInfo: map[string]string{"ProductName": "Setup", "FileVersion": "3.1", "CompanyName": "ACME"}}}}
	debFile := &model.File{Path: "x_1_all.deb", SHA256: sha('5'), Kind: "deb", Type: "file", Format: "deb",
		Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "deb", Name: "x", Version: "1", Extra: map[string]string{"architecture": "all"}}}}
	tests := []struct {
		name       string
		target     model.Target
		files      []*model.File
		wantName   string
		wantVer    string
		wantPURL   string
		wantType   string
		components []string // non-file components
	}{
		{"npm root", model.Target{Path: tgz, Kind: "file", SHA256: sha('1')},
			[]*model.File{{Path: tgz, SHA256: sha('1'), Kind: "npm", Type: "file", Format: "gzip+tar"}, root, nested},
			"pkg", "1.0.0", "pkg:npm/%40acme/pkg@1.0.0", "library", []string{"pkg:npm/fixture@0.0.1"}},
		{"PE", model.Target{Path: "setup.exe", Kind: "file", SHA256: sha('4')}, []*model.File{exe},
			"Setup", "3.1", "", "application", nil},
		{"deb", model.Target{Path: "x_1_all.deb", Kind: "file", SHA256: sha('5')}, []*model.File{debFile},
			"x", "1", "pkg:deb/debian/x@1?arch=all", "application", nil},
		{"directory", model.Target{Path: "/srv/build/out/", Kind: "directory"},
			[]*model.File{{Path: "a.txt", SHA256: sha('6'), Kind: "text", Type: "file"}},
			"out", "", "", "application", nil},
		{"empty directory", model.Target{Path: "empty", Kind: "directory"}, nil, "empty", "", "", "application", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &model.Report{Schema: model.SchemaInspect, Tool: model.Tool{Name: "vouch", Version: "test"}, Target: tc.target, Files: tc.files}
			r.Sort()
			c, s := render(t, sbom.FromInspect(r))
			bom := sbomtest.CycloneDX(t, c)
			m := bom.Metadata.Component
			if m.Name != tc.wantName || m.Version != tc.wantVer || m.PackageURL != tc.wantPURL || string(m.Type) != tc.wantType {
				t.Errorf("release %q %q %q %q, want %q %q %q %q", m.Name, m.Version, m.PackageURL, m.Type, tc.wantName, tc.wantVer, tc.wantPURL, tc.wantType)
			}
			var comps []string
			if bom.Components != nil {
				for _, c := range *bom.Components {
					if c.Type != cdx.ComponentTypeFile {
						comps = append(comps, c.BOMRef)
					}
				}
			}
			if d := cmp.Diff(tc.components, comps); d != "" {
				t.Errorf("identity components (-want +got):\n%s", d)
			}
			doc := sbomtest.SPDX(t, s)
			if doc.Packages[0].PackageName != tc.wantName {
				t.Errorf("SPDX release %q", doc.Packages[0].PackageName)
			}
		})
	}
}

func TestNoRelease(t *testing.T) {
	var b bytes.Buffer
	if err := sbom.WriteCycloneDX(&b, sbom.Input{}); err == nil {
		t.Error("WriteCycloneDX without a release did not fail")
	}
	if err := sbom.WriteSPDX(&b, sbom.Input{Created: created}); err == nil {
		t.Error("WriteSPDX without a release did not fail")
	}
}

// TestSchemaRejects: the schema the tests validate against does reject
// what CycloneDX 1.6 forbids, so a passing validation means something.
func TestSchemaRejects(t *testing.T) {
	c, _ := render(t, sbom.FromInspect(fixture()))
	for name, edit := range map[string][2]string{
		"unknown component type": {`"type": "file"`, `"type": "blob"`},
		"unknown severity":       {`"severity": "high"`, `"severity": "dire"`},
		"bad serial number":      {`"serialNumber": "urn:uuid:`, `"serialNumber": "uuid:`},
		"unknown top-level key":  {`"bomFormat"`, `"bomFormats": 1, "bomFormat"`},
	} {
		bad := bytes.Replace(c, []byte(edit[0]), []byte(edit[1]), 1)
		if bytes.Equal(bad, c) {
			t.Fatalf("%s: the edit did not apply", name)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
		if err != nil {
			t.Fatal(err)
		}
		if sbomtest.CycloneDXSchema(t).Validate(inst) == nil {
			t.Errorf("%s: the schema accepted it", name)
		}
	}
}
