package sbom_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/go-cmp/cmp"
	"github.com/spdx/tools-golang/spdx"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/report/sbom"
	"github.com/vouch-sec/vouch/internal/report/sbom/sbomtest"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

func inspect(t *testing.T, p string) *model.Report {
	t.Helper()
	r, err := vouch.Inspect(context.Background(), p, vouch.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// rendered is one rendering of a real release in both formats, checked
// against the report it came from.
type rendered struct {
	r     *model.Report
	bom   *cdx.BOM
	doc   *spdx.Document
	comps map[string]cdx.Component // by bom-ref, nested ones included
	files map[string]*spdx.File    // by file name
}

// renderReal renders a real report, validates both documents and checks
// what holds for any release: every regular file is a component and an
// SPDX file with the report's hash, and every finding is attached to the
// file it names with its title and severity.
func renderReal(t *testing.T, r *model.Report) rendered {
	t.Helper()
	c, s := render(t, sbom.FromInspect(r))
	x := rendered{r: r, bom: sbomtest.CycloneDX(t, c), doc: sbomtest.SPDX(t, s), comps: map[string]cdx.Component{}}
	sbomtest.WalkComponents(x.bom.Components, func(c cdx.Component, _ string) { x.comps[c.BOMRef] = c })
	x.files, _ = spdxByName(x.doc)

	regular := map[string]bool{}
	for _, f := range r.Files {
		if f.Type != "file" {
			continue
		}
		regular[f.Path] = true
		c, ok := x.comps["file:"+f.Path]
		if !ok {
			t.Errorf("no component for %s", f.Path)
			continue
		}
		if c.Hashes == nil || (*c.Hashes)[0].Algorithm != cdx.HashAlgoSHA256 || (*c.Hashes)[0].Value != f.SHA256 {
			t.Errorf("%s: hashes %v, want SHA-256 %s", f.Path, c.Hashes, f.SHA256)
		}
		sf := x.files["./"+f.Path]
		if sf == nil || sf.Checksums[0].Value != f.SHA256 {
			t.Errorf("%s: SPDX file %+v", f.Path, sf)
		}
	}
	var vulns []cdx.Vulnerability
	if x.bom.Vulnerabilities != nil {
		vulns = *x.bom.Vulnerabilities
	}
	if len(vulns) != len(r.Findings) {
		t.Fatalf("%d vulnerabilities for %d findings", len(vulns), len(r.Findings))
	}
	for i, f := range r.Findings {
		v := vulns[i]
		want := "release"
		if regular[f.Path] {
			want = "file:" + f.Path
		}
		if v.ID != f.ID || v.Description != f.Title || (*v.Affects)[0].Ref != want ||
			string((*v.Ratings)[0].Severity) != strings.Replace(f.Severity.String(), "none", "info", 1) {
			t.Errorf("finding %s on %s became %s %q affecting %s", f.ID, f.Path, v.ID, v.Description, (*v.Affects)[0].Ref)
		}
		if regular[f.Path] {
			prefix := f.Severity.String() + " " + f.ID + ": " + f.Title
			found := false
			for _, a := range x.files["./"+f.Path].Annotations {
				found = found || strings.HasPrefix(a.AnnotationComment, prefix)
			}
			if !found {
				t.Errorf("no SPDX annotation %q on %s", prefix, f.Path)
			}
		}
	}
	return x
}

func (x rendered) purl(t *testing.T, want string) {
	t.Helper()
	if got := x.bom.Metadata.Component.PackageURL; got != want {
		t.Errorf("metadata.component purl %q, want %q", got, want)
	}
	rel := x.doc.Packages[0]
	if len(rel.PackageExternalReferences) != 1 || rel.PackageExternalReferences[0].Locator != want {
		t.Errorf("SPDX release external refs %+v, want purl %q", rel.PackageExternalReferences, want)
	}
	if len(rel.PackageChecksums) != 1 || rel.PackageChecksums[0].Value != x.r.Target.SHA256 {
		t.Errorf("SPDX release checksums %+v, want %s", rel.PackageChecksums, x.r.Target.SHA256)
	}
}

// TestTinyApp renders the bundled 3CX-shaped installer: the release named
// from its installer database, the signed TinyApp.exe loading the unsigned
// ffmpeg.dll beside it as a dependency, its findings on their files.
func TestTinyApp(t *testing.T) {
	r := inspect(t, filepath.Join("..", "..", "..", "examples", "TinyApp-1.0.1.msi"))
	if len(r.Findings) == 0 {
		t.Fatal("the example has no findings to attach")
	}
	x := renderReal(t, r)
	m := x.bom.Metadata.Component
	if m.Name != "TinyApp" || m.Version != "1.0.1" || m.Supplier == nil || m.Supplier.Name != "Vouch Test Fixtures" {
		t.Errorf("release %q %q %+v", m.Name, m.Version, m.Supplier)
	}
	const dir = "TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/"
	found := false
	for _, d := range *x.bom.Dependencies {
		found = found || d.Ref == "file:"+dir+"TinyApp.exe" && cmp.Equal(*d.Dependencies, []string{"file:" + dir + "ffmpeg.dll"})
	}
	if !found {
		t.Errorf("no dependency TinyApp.exe → ffmpeg.dll in %+v", *x.bom.Dependencies)
	}
	if got := props(x.comps["file:"+dir+"TinyApp.exe"].Properties, "vouch:signer"); !cmp.Equal(got, []string{"CN=Vouch TEST-ONLY Code Signing"}) {
		t.Errorf("TinyApp.exe signer %q", got)
	}
	if got := props(x.comps["file:"+dir+"ffmpeg.dll"].Properties, "vouch:signed"); !cmp.Equal(got, []string{"false"}) {
		t.Errorf("ffmpeg.dll signed %q", got)
	}
	if x.doc.Packages[0].PrimaryPackagePurpose != "INSTALL" {
		t.Errorf("purpose %q", x.doc.Packages[0].PrimaryPackagePurpose)
	}
}

func TestRealNPM(t *testing.T) {
	r := inspect(t, realdata.Path(t, "esbuild-linux-x64-0.28.2.tgz"))
	x := renderReal(t, r)
	x.purl(t, "pkg:npm/%40esbuild/linux-x64@0.28.2")
	if m := x.bom.Metadata.Component; m.Group != "@esbuild" || m.Name != "linux-x64" || m.Type != cdx.ComponentTypeLibrary {
		t.Errorf("release %q %q %q", m.Group, m.Name, m.Type)
	}
	if _, ok := x.comps["file:esbuild-linux-x64-0.28.2.tgz!/package/bin/esbuild"]; !ok {
		t.Error("no component for the esbuild binary")
	}
}

// TestRealNPMHook: esbuild's postinstall is a finding on its package.json
// and a property of the release.
func TestRealNPMHook(t *testing.T) {
	r := inspect(t, realdata.Path(t, "esbuild-0.28.2.tgz"))
	x := renderReal(t, r)
	x.purl(t, "pkg:npm/esbuild@0.28.2")
	if got := props(x.bom.Metadata.Component.Properties, "vouch:package.install_hook"); !cmp.Equal(got, []string{"postinstall"}) {
		t.Errorf("install hooks %q", got)
	}
	found := false
	for _, v := range *x.bom.Vulnerabilities {
		found = found || v.ID == "pkg.install-hook" && (*v.Affects)[0].Ref == "file:esbuild-0.28.2.tgz!/package/package.json"
	}
	if !found {
		t.Error("no pkg.install-hook vulnerability on package/package.json")
	}
}

func TestRealDeb(t *testing.T) {
	r := inspect(t, realdata.Path(t, "curl_7.88.1-10+deb12u15_amd64.deb"))
	x := renderReal(t, r)
	x.purl(t, "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u15?arch=amd64")
	const deb = "curl_7.88.1-10+deb12u15_amd64.deb"
	nest := map[string]string{}
	sbomtest.WalkComponents(x.bom.Components, func(c cdx.Component, parent string) { nest[c.BOMRef] = parent })
	for child, parent := range map[string]string{
		deb + "!/data.tar.xz!/usr/bin/curl": deb + "!/data.tar.xz",
		deb + "!/data.tar.xz":               deb,
		deb:                                 "",
	} {
		want := ""
		if parent != "" {
			want = "file:" + parent
		}
		if got, ok := nest["file:"+child]; !ok || got != want {
			t.Errorf("%s nested in %q, want %q", child, got, want)
		}
	}
	if p := x.doc.Packages[0]; p.PackageName != "curl" || p.PackageVersion != "7.88.1-10+deb12u15" || p.PrimaryPackagePurpose != "APPLICATION" {
		t.Errorf("SPDX release %q %q %q", p.PackageName, p.PackageVersion, p.PrimaryPackagePurpose)
	}
}

// TestRealPE: a signed Windows binary in an npm package gets a PE
// identity component from its version resource and its finding.
func TestRealPE(t *testing.T) {
	r := inspect(t, realdata.Path(t, "vscode-vsce-sign-win32-x64-2.0.6.tgz"))
	x := renderReal(t, r)
	x.purl(t, "pkg:npm/%40vscode/vsce-sign-win32-x64@2.0.6")
	const exe = "vscode-vsce-sign-win32-x64-2.0.6.tgz!/package/bin/vsce-sign.exe"
	c := x.comps["pe:"+exe]
	if c.Name != "vsce-sign" || c.Version != "2.0.6" || c.Supplier == nil || c.Supplier.Name != "Microsoft Corporation" ||
		c.Publisher != "Microsoft Corporation" || c.Type != cdx.ComponentTypeApplication {
		t.Errorf("PE identity %+v", c)
	}
	if c.Hashes == nil || (*c.Hashes)[0].Value != (*x.comps["file:"+exe].Hashes)[0].Value {
		t.Errorf("PE identity hashes %v", c.Hashes)
	}
}
