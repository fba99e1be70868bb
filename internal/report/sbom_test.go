package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/report"
	"github.com/vouch-sec/vouch/internal/report/sbom/sbomtest"
)

// TestSBOMFormats renders the 3CX-shaped diff fixture, the captured
// TinyApp inspection and live diffs (the bundled examples, the 3CX corpus
// case, a benign npm update) through the registered cyclonedx and spdx
// renderers, validates each document and checks that exactly the
// document's own findings are attached.
func TestSBOMFormats(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1711713600")
	diff := func(old, new string) *model.DiffReport {
		d, err := vouch.Diff(context.Background(), old, new, vouch.Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	ex := filepath.Join("..", "..", "examples")
	corpus := filepath.Join("..", "..", "testdata", "corpus")
	live := diff(filepath.Join(ex, "TinyApp-1.0.0.msi"), filepath.Join(ex, "TinyApp-1.0.1.msi"))
	attack := diff(filepath.Join(corpus, "3cx-windows", "clean", "TinyApp-1.0.0.msi"), filepath.Join(corpus, "3cx-windows", "bad", "TinyApp-1.0.1.msi"))
	benign := diff(filepath.Join(corpus, "npm-install-hook", "clean", "left-padder-1.4.2.tgz"), filepath.Join(corpus, "npm-install-hook", "next", "left-padder-1.4.3.tgz"))
	// The committed fixtures, read back from JSON: the diff has lost its
	// inspections, so its new release is rebuilt from its file list.
	var fixDiff model.DiffReport
	var fixInspect model.Report
	readSBOMFixture(t, "diff-3cx.json", &fixDiff)
	readSBOMFixture(t, "inspect-tinyapp.json", &fixInspect)
	tests := []struct {
		name     string
		doc      report.Document
		findings []model.Finding
		release  string // the release's file, top of the tree
		purl     string // of the release
	}{
		{"3cx diff fixture", report.Document{Diff: &fixDiff}, fixDiff.Findings, "TinyApp-1.0.1.msi", ""},
		{"tinyapp inspect", report.Document{Inspect: &fixInspect}, fixInspect.Findings, "TinyApp-1.0.1.msi", ""},
		{"examples diff", report.Document{Diff: live}, live.Findings, "TinyApp-1.0.1.msi", ""},
		{"3cx corpus diff", report.Document{Diff: attack}, attack.Findings, "TinyApp-1.0.1.msi", ""},
		{"benign npm diff", report.Document{Diff: benign}, benign.Findings, "left-padder-1.4.3.tgz", "pkg:npm/left-padder@1.4.3"},
	}
	if len(attack.Findings) == 0 {
		t.Fatal("the 3CX corpus diff has no findings to attach")
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cyc, err := report.ByID("cyclonedx")
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := cyc.Render(&b, tc.doc, report.Options{}); err != nil {
				t.Fatal(err)
			}
			bom := sbomtest.CycloneDX(t, b.Bytes())
			n := 0
			if bom.Vulnerabilities != nil {
				n = len(*bom.Vulnerabilities)
			}
			if n != len(tc.findings) {
				t.Errorf("%d vulnerabilities for %d findings", n, len(tc.findings))
			}
			if got := bom.Metadata.Component.PackageURL; got != tc.purl {
				t.Errorf("release purl %q, want %q", got, tc.purl)
			}
			top := false
			for _, c := range *bom.Components {
				top = top || c.BOMRef == "file:"+tc.release
			}
			if !top {
				t.Errorf("no component file:%s at the top", tc.release)
			}

			sp, err := report.ByID("spdx")
			if err != nil {
				t.Fatal(err)
			}
			b.Reset()
			if err := sp.Render(&b, tc.doc, report.Options{}); err != nil {
				t.Fatal(err)
			}
			doc := sbomtest.SPDX(t, b.Bytes())
			if doc.CreationInfo.Created != "2024-03-29T12:00:00Z" {
				t.Errorf("created %q, want SOURCE_DATE_EPOCH's", doc.CreationInfo.Created)
			}
			n = len(doc.Packages[0].Annotations)
			for _, f := range doc.Files {
				n += len(f.Annotations)
				if strings.HasPrefix(f.FileName, "./TinyApp-1.0.0.msi") {
					t.Errorf("the old release's %s is in the SBOM", f.FileName)
				}
			}
			if n != len(tc.findings) {
				t.Errorf("%d annotations for %d findings", n, len(tc.findings))
			}
		})
	}
}

func readSBOMFixture(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
