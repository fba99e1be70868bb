package schema_test

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
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
	"github.com/vouch-sec/vouch/schema"
)

// render writes d as `--format json` does.
func render(t *testing.T, d report.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (report.JSON{}).Render(&buf, d, report.Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSchemaFiles(t *testing.T) {
	for _, tc := range []struct{ name, id string }{
		{schema.NameInspectV1, schema.IDInspectV1},
		{schema.NameDiffV1, schema.IDDiffV1},
	} {
		b, ok := schema.For(tc.name)
		if !ok {
			t.Fatalf("For(%q) found nothing", tc.name)
		}
		var head struct {
			Schema string `json:"$schema"`
			ID     string `json:"$id"`
		}
		if err := json.Unmarshal(b, &head); err != nil {
			t.Fatal(err)
		}
		if head.ID != tc.id || head.Schema != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("%s: $id %q $schema %q", tc.name, head.ID, head.Schema)
		}
	}
	if _, ok := schema.For("vouch/inspect/v2"); ok {
		t.Error("For found a schema for an unknown name")
	}
	// The embedded bytes are the committed files.
	for name, b := range map[string][]byte{"inspect-v1.json": schema.InspectV1, "diff-v1.json": schema.DiffV1} {
		disk, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(disk, b) {
			t.Errorf("%s: embedded copy differs from the file", name)
		}
	}
}

// inspectTargets are releases of many formats the repository carries: the
// bundled examples and the attack-shape corpus (every bad release, which
// holds the most facts and findings).
func inspectTargets(t *testing.T) []string {
	t.Helper()
	targets := []string{
		filepath.Join("..", "examples", "TinyApp-1.0.0.msi"),
		filepath.Join("..", "examples", "TinyApp-1.0.1.msi"),
	}
	var cases []struct {
		Bad string `json:"bad"`
	}
	b, err := os.ReadFile(filepath.Join("..", "testdata", "corpus", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Bad != "" {
			targets = append(targets, filepath.Join("..", "testdata", "corpus", filepath.FromSlash(c.Bad)))
		}
	}
	return targets
}

func TestInspectOutputValidates(t *testing.T) {
	for _, target := range inspectTargets(t) {
		t.Run(filepath.Base(filepath.Dir(target))+"/"+filepath.Base(target), func(t *testing.T) {
			if _, err := os.Stat(target); err != nil {
				t.Skipf("corpus file missing (cases.json and the corpus are regenerated together): %v", err)
			}
			r, err := vouch.Inspect(context.Background(), target, vouch.Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(render(t, report.Document{Inspect: r})); err != nil {
				t.Errorf("inspect output does not validate:\n%v", err)
			}
		})
	}
}

// TestInspectRealDataValidates runs on fetched real releases when present
// (scripts/fetch-real-data.sh): a Debian package with symlinks and
// maintainer scripts, an npm package with a native binary.
func TestInspectRealDataValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("real data is slow")
	}
	for _, name := range []string{"rsync_3.2.7-1+deb12u6_amd64.deb", "esbuild-linux-x64-0.28.2.tgz"} {
		t.Run(name, func(t *testing.T) {
			p := realdata.Path(t, name)
			r, err := vouch.Inspect(context.Background(), p, vouch.Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(render(t, report.Document{Inspect: r})); err != nil {
				t.Errorf("inspect output does not validate:\n%v", err)
			}
		})
	}
}

func TestDiffOutputValidates(t *testing.T) {
	corpus := filepath.Join("..", "testdata", "corpus", "3cx-windows")
	roots := []string{filepath.Join(corpus, "roots", "vendor.pem"), filepath.Join(corpus, "roots", "thirdparty.pem")}
	for _, tc := range []struct{ name, old, new string }{
		{"3cx-bad", filepath.Join(corpus, "clean", "TinyApp-1.0.0.msi"), filepath.Join(corpus, "bad", "TinyApp-1.0.1.msi")},
		{"3cx-next", filepath.Join(corpus, "clean", "TinyApp-1.0.0.msi"), filepath.Join(corpus, "next", "TinyApp-1.0.1.msi")},
		{"examples", filepath.Join("..", "examples", "TinyApp-1.0.0.msi"), filepath.Join("..", "examples", "TinyApp-1.0.1.msi")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := vouch.Diff(context.Background(), tc.old, tc.new, vouch.Options{Workers: 1, TrustRoots: roots})
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(render(t, report.Document{Diff: d})); err != nil {
				t.Errorf("diff output does not validate:\n%v", err)
			}
		})
	}
}

// handDiff is a diff built in Go with every status and list filled in.
func handDiff() *model.DiffReport {
	sum := strings.Repeat("ab", 32)
	f := model.Finding{ID: "bin.capability-gain", Severity: model.SeverityHigh, Path: "a-2.zip!/lib/x.dll",
		Title: "x.dll gained networking", Evidence: map[string]any{"gained": []string{"net/winhttp-client"}}}
	d := &model.DiffReport{
		Schema: model.SchemaDiff, Tool: model.Tool{Name: "vouch", Version: "test"},
		Old: model.Target{Path: "a-1.zip", Kind: "file", SHA256: sum, Size: 10},
		New: model.Target{Path: "a-2.zip", Kind: "file", SHA256: sum, Size: 12},
		Files: []*model.DiffFile{
			{Path: "a-2.zip", OldPath: "a-1.zip", Status: model.StatusChanged, Pairing: "version", Kind: "zip", SHA256: sum, Size: 12, OldSHA256: sum, OldSize: 10},
			{Path: "a-2.zip!/lib/x.dll", OldPath: "a-1.zip!/lib/x.dll", Status: model.StatusChanged, Pairing: "path", Kind: "pe", SHA256: sum, Size: 5, OldSHA256: sum, OldSize: 4,
				Delta: &model.FileDelta{
					CapabilitiesAdded: []model.Capability{{ID: "net/winhttp-client", Namespace: "net", Rule: "winhttp-client", Risk: model.SeverityMedium, Description: "talks HTTP"}},
					LibrariesAdded:    []string{"winhttp.dll"}, ImportsAdded: []string{"winhttp.dll!WinHttpOpen"},
					EndpointsAdded: []model.Endpoint{{Value: "https://x.invalid/", Type: "url", Offset: 9}},
					Changes:        []model.FactChange{{What: "signer", Old: "CN=A", New: ""}},
				}},
			{Path: "a-2.zip!/new.txt", Status: model.StatusAdded, Kind: "text", SHA256: sum, Size: 1},
			{Path: "a-1.zip!/old.txt", Status: model.StatusRemoved, Kind: "text", SHA256: sum, Size: 1},
			{Path: "a-2.zip!/b.txt", OldPath: "a-1.zip!/a.txt", Status: model.StatusMoved, Pairing: "content", Kind: "text", SHA256: sum, Size: 1},
			{Path: "a-2.zip!/same.txt", OldPath: "a-1.zip!/same.txt", Status: model.StatusUnchanged, Pairing: "path", Kind: "text", SHA256: sum, Size: 1},
			{Path: "a-2.zip!/lnk", OldPath: "a-1.zip!/lnk", Status: model.StatusUnchanged, Pairing: "path", Kind: "link"},
		},
		Findings:   []model.Finding{f},
		Existing:   []model.Finding{{ID: "pkg.install-hook", Severity: model.SeverityLow, Path: "a-2.zip!/package.json", Title: "t", Evidence: map[string]any{}}},
		Suppressed: []model.Suppressed{{Finding: f, Reason: "known", Expires: "2030-01-01"}},
		Errors:     []model.FileError{{Path: "a-2.zip!/bad.cab", Error: "corrupt", Side: "new"}},
	}
	d.Sort()
	return d
}

func TestHandBuiltDiffValidates(t *testing.T) {
	b, err := json.Marshal(handDiff())
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(b); err != nil {
		t.Errorf("hand-built diff does not validate:\n%v", err)
	}
	// The report package's Markdown/SARIF fixture is a contract v1 diff too.
	var r model.DiffReport
	fixture, err := os.ReadFile(filepath.Join("..", "internal", "report", "testdata", "diff-3cx.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(fixture, &r); err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(render(t, report.Document{Diff: &r})); err != nil {
		t.Errorf("report fixture does not validate:\n%v", err)
	}
}

// mutate decodes doc, applies change to the generic JSON value and
// encodes it again.
func mutate(t *testing.T, doc []byte, change func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	change(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func first(m map[string]any, list string) map[string]any {
	return m[list].([]any)[0].(map[string]any)
}

// TestInvalidDocuments: documents that break the contract must fail, each
// for the reason given.
func TestInvalidDocuments(t *testing.T) {
	r, err := vouch.Inspect(context.Background(), filepath.Join("..", "examples", "TinyApp-1.0.1.msi"), vouch.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) == 0 {
		t.Fatal("the example has no findings to corrupt")
	}
	inspect := render(t, report.Document{Inspect: r})
	diff, err := json.Marshal(handDiff())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		doc    []byte
		change func(m map[string]any)
		want   string // in the error
	}{
		{"inspect without verdict", inspect, func(m map[string]any) { delete(m, "verdict") }, "verdict"},
		{"diff without verdict", diff, func(m map[string]any) { delete(m, "verdict") }, "verdict"},
		{"bad finding severity", inspect, func(m map[string]any) { first(m, "findings")["severity"] = "severe" }, "/findings/0/severity"},
		{"bad verdict", diff, func(m map[string]any) { m["verdict"] = "HIGH" }, "/verdict"},
		{"bad summary severity key", inspect, func(m map[string]any) {
			m["summary"].(map[string]any)["findings"] = map[string]any{"urgent": 1}
		}, "urgent"},
		{"finding without evidence", inspect, func(m map[string]any) { delete(first(m, "findings"), "evidence") }, "evidence"},
		{"evidence not an object", diff, func(m map[string]any) { first(m, "findings")["evidence"] = "text" }, "evidence"},
		{"file without kind", inspect, func(m map[string]any) { delete(first(m, "files"), "kind") }, "kind"},
		{"regular file without sha256", inspect, func(m map[string]any) { delete(first(m, "files"), "sha256") }, "sha256"},
		{"sha256 not hex", inspect, func(m map[string]any) { first(m, "files")["sha256"] = "XYZ" }, "sha256"},
		{"size as a string", inspect, func(m map[string]any) { first(m, "files")["size"] = "18432" }, "size"},
		{"tool without version", inspect, func(m map[string]any) { delete(m["tool"].(map[string]any), "version") }, "version"},
		{"error without path", diff, func(m map[string]any) { delete(first(m, "errors"), "path") }, "path"},
		{"bad diff status", diff, func(m map[string]any) { first(m, "files")["status"] = "renamed" }, "/files/0/status"},
		{"changed file without old_path", diff, func(m map[string]any) {
			for _, f := range m["files"].([]any) {
				if f := f.(map[string]any); f["status"] == "changed" {
					delete(f, "old_path")
				}
			}
		}, "old_path"},
		{"suppressed without reason", diff, func(m map[string]any) { delete(first(m, "suppressed"), "reason") }, "reason"},
		{"wrong schema name", inspect, func(m map[string]any) { m["schema"] = "vouch/diff/v1" }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := schema.Validate(tc.doc); err != nil {
				t.Fatalf("the unchanged document does not validate: %v", err)
			}
			err := schema.Validate(mutate(t, tc.doc, tc.change))
			if err == nil {
				t.Fatal("validated")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not mention %q:\n%v", tc.want, err)
			}
		})
	}
	if err := schema.Validate([]byte(`{"schema":"vouch/inspect/v9"}`)); err == nil || !strings.Contains(err.Error(), "unknown schema") {
		t.Errorf("unknown schema name: %v", err)
	}
}

// TestAdditionsAllowed: v1 may gain fields; a document with an extra
// field anywhere still validates.
func TestAdditionsAllowed(t *testing.T) {
	diff, err := json.Marshal(handDiff())
	if err != nil {
		t.Fatal(err)
	}
	b := mutate(t, diff, func(m map[string]any) {
		m["new_top_level"] = true
		first(m, "files")["new_field"] = []any{1, 2}
		first(m, "findings")["confidence"] = 0.9
		m["summary"].(map[string]any)["extra"] = 3
	})
	if err := schema.Validate(b); err != nil {
		t.Errorf("a document with added fields does not validate:\n%v", err)
	}
}

// TestRealBenignDiffValidates: a diff of real successive releases, when
// fetched.
func TestRealBenignDiffValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("real data is slow")
	}
	for _, id := range []string{"deb-rsync", "vsce-sign-win32-x64"} {
		t.Run(id, func(t *testing.T) {
			oldPath, newPath := realdata.PairPaths(t, id)
			d, err := vouch.Diff(context.Background(), oldPath, newPath, vouch.Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(render(t, report.Document{Diff: d})); err != nil {
				t.Errorf("diff output does not validate:\n%v", err)
			}
		})
	}
}
