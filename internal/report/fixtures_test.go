package report_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/model"
)

// loadDiffFixture reads the hand-built diff of the 3CX shape: a codec that gained
// capabilities and an endpoint, a signed DLL with a certificate-table
// payload, a stage-2 icon, a renamed file whose name is hostile Markdown,
// context and suppressed findings, and a read error.
func loadDiffFixture(t *testing.T) *model.DiffReport {
	t.Helper()
	var r model.DiffReport
	readJSONFixture(t, "testdata/diff-3cx.json", &r)
	return &r
}

// loadInspectFixture reads a captured inspection of examples/TinyApp-1.0.1.msi,
// so golden files do not move when detectors are tuned.
func loadInspectFixture(t *testing.T) *model.Report {
	t.Helper()
	var r model.Report
	readJSONFixture(t, "testdata/inspect-tinyapp.json", &r)
	return &r
}

func readJSONFixture(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

var (
	liveOnce    sync.Once
	liveReports map[string]*model.Report
	liveErr     error
)

// inspectExamples runs the real pipeline on the bundled examples once per
// test binary.
func inspectExamples(t *testing.T) map[string]*model.Report {
	t.Helper()
	liveOnce.Do(func() {
		liveReports = map[string]*model.Report{}
		for _, name := range []string{"TinyApp-1.0.0.msi", "TinyApp-1.0.1.msi"} {
			r, err := vouch.Inspect(context.Background(), filepath.Join("..", "..", "examples", name), vouch.Options{Workers: 1})
			if err != nil {
				liveErr = err
				return
			}
			liveReports[name] = r
		}
	})
	if liveErr != nil {
		t.Fatal(liveErr)
	}
	return liveReports
}

var (
	diffOnce    sync.Once
	diffReports map[string]*model.DiffReport
	diffErr     error
)

// realDiffs runs vouch.Diff once per test binary on the 3CX-shape corpus
// case (clean → bad), its benign next release (clean → next) and the
// bundled examples.
func realDiffs(t *testing.T) map[string]*model.DiffReport {
	t.Helper()
	diffOnce.Do(func() {
		corpus := filepath.Join("..", "..", "testdata", "corpus", "3cx-windows")
		roots := []string{filepath.Join(corpus, "roots", "vendor.pem"), filepath.Join(corpus, "roots", "thirdparty.pem")}
		examples := filepath.Join("..", "..", "examples")
		cases := []struct{ name, old, new string }{
			{"3cx-bad", filepath.Join(corpus, "clean", "TinyApp-1.0.0.msi"), filepath.Join(corpus, "bad", "TinyApp-1.0.1.msi")},
			{"3cx-next", filepath.Join(corpus, "clean", "TinyApp-1.0.0.msi"), filepath.Join(corpus, "next", "TinyApp-1.0.1.msi")},
			{"examples", filepath.Join(examples, "TinyApp-1.0.0.msi"), filepath.Join(examples, "TinyApp-1.0.1.msi")},
		}
		diffReports = map[string]*model.DiffReport{}
		for _, c := range cases {
			o := vouch.Options{Workers: 1}
			if c.name != "examples" {
				o.TrustRoots = roots
			}
			d, err := vouch.Diff(context.Background(), c.old, c.new, o)
			if err != nil {
				diffErr = err
				return
			}
			diffReports[c.name] = d
		}
	})
	if diffErr != nil {
		t.Fatal(diffErr)
	}
	return diffReports
}
