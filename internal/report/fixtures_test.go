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
