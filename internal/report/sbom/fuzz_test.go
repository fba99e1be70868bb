package sbom_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/report/sbom"
	"github.com/vouch-sec/vouch/internal/report/sbom/sbomtest"
)

// FuzzRender puts hostile strings where a release controls them (member
// paths, chains, version resources, package names and versions, finding
// evidence) and requires both documents to render, validate and list
// every regular file once.
func FuzzRender(f *testing.F) {
	f.Add("Setup.msi", "App/app.exe", "App", "1.0", "ACME", "evidence")
	f.Add("x.tgz", "package/package.json", "@scope/name", "1.0.0-beta+build", "", "")
	f.Add("a!/b", "c!/d", "na\"me\n<b>", "1:2.3~rc1", "NOASSERTION", "\x00\xff")
	f.Add("", "", "", "", "", "")
	f.Add("same", "same", " ", "@", "Organization: x", "{}")
	f.Add("é/ü", "%2F/..", "name/with/slashes", "v0.0.0-2024", "Co, Ltd.", "line\nline")
	f.Fuzz(func(t *testing.T, p1, p2, name, version, company, evidence string) {
		r := hostile(p1, p2, name, version, company, evidence)
		var c, s bytes.Buffer
		if err := sbom.WriteCycloneDX(&c, sbom.FromInspect(r)); err != nil {
			t.Fatalf("WriteCycloneDX: %v", err)
		}
		in := sbom.FromInspect(r)
		in.Created = created
		if err := sbom.WriteSPDX(&s, in); err != nil {
			t.Fatalf("WriteSPDX: %v", err)
		}
		bom := sbomtest.CycloneDX(t, c.Bytes())
		doc := sbomtest.SPDX(t, s.Bytes())

		want := map[string]bool{}
		for _, f := range r.Files {
			want[f.Path] = true
		}
		got := map[string]int{}
		sbomtest.WalkComponents(bom.Components, func(c cdx.Component, _ string) {
			if c.Type == cdx.ComponentTypeFile {
				got[c.BOMRef]++
			}
		})
		for p := range want {
			if got["file:"+p] != 1 {
				t.Errorf("file %q is listed %d times", p, got["file:"+p])
			}
		}
		if len(got) != len(want) {
			t.Errorf("%d file components for %d files", len(got), len(want))
		}
		if len(doc.Files) != len(want) {
			t.Errorf("%d SPDX files for %d files", len(doc.Files), len(want))
		}
		if !json.Valid(c.Bytes()) || !json.Valid(s.Bytes()) {
			t.Error("invalid JSON")
		}
	})
}

// hostile builds a small release from fuzzed strings: a container p1, a
// PE inside it, a file p2 whose chain names the PE, a .deb below that,
// and findings on two of them.
func hostile(p1, p2, name, version, company, evidence string) *model.Report {
	in := p1 + "!/" + p2
	files := []*model.File{
		{Path: p1, SHA256: sha('1'), Kind: "msi", Type: "file", Format: "msi",
			Meta: model.Meta{"msi.product_name": name, "msi.product_version": version, "msi.manufacturer": company}},
		{Path: in, SHA256: sha('2'), Kind: "pe", Type: "file", Chain: []model.Container{{Path: p1, Format: "msi"}},
			Facts: &model.Facts{PE: &model.PEFacts{Type: "exe",
				VersionInfo: map[string]string{"ProductName": name, "FileVersion": version, "CompanyName": company},
				Imports:     []model.Import{{DLL: p2}, {DLL: name}}}}},
		{Path: p2, SHA256: sha('3'), Kind: "text/json", Type: "file", Chain: []model.Container{{Path: in, Format: "zip"}},
			Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: name, Version: version,
				Extra: map[string]string{"manifest": "root"}}}},
		{Path: in + "!/" + name, SHA256: sha('4'), Kind: "deb", Type: "file", Format: "deb",
			Chain: []model.Container{{Path: p1}, {Path: in}},
			Meta:  model.Meta{"deb.maintainer": company},
			Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "deb", Name: name, Version: version,
				Extra: map[string]string{"architecture": company}}}},
		{Path: p2 + "!/" + version, SHA256: sha('5'), Kind: "rpm", Type: "file", Format: "rpm",
			Meta:  model.Meta{"rpm.vendor": company},
			Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "rpm", Name: name, Version: version}}},
	}
	// The engine's paths are valid UTF-8 (it cleans member names) and
	// never repeat; keep the first, as it would.
	seen := map[string]bool{}
	var uniq []*model.File
	for _, f := range files {
		f.Path = strings.ToValidUTF8(f.Path, "\uFFFD")
		for i := range f.Chain {
			f.Chain[i].Path = strings.ToValidUTF8(f.Chain[i].Path, "\uFFFD")
		}
		if !seen[f.Path] {
			seen[f.Path] = true
			uniq = append(uniq, f)
		}
	}
	r := &model.Report{
		Schema: model.SchemaInspect,
		Tool:   model.Tool{Name: "vouch", Version: "fuzz"},
		Target: model.Target{Path: p1, Kind: "file", SHA256: sha('1')},
		Files:  uniq,
		Errors: []model.FileError{{Path: p2 + "!/" + name, Error: evidence}},
		Findings: []model.Finding{
			{ID: name, Severity: model.SeverityHigh, Path: p2, Title: evidence, Evidence: map[string]any{company: evidence, "n": 1}},
			{ID: version, Severity: model.SeverityNone, Path: in + "!/missing", Title: name, Evidence: map[string]any{"x": []string{evidence}}},
		},
	}
	r.Sort()
	return r
}
