package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	corpus3CX = "../../testdata/corpus/3cx-windows/"
	sampleOld = "../../examples/TinyApp-1.0.0.msi"
	sampleNew = "../../examples/TinyApp-1.0.1.msi"
)

// TestDiffExitCodes: the CI gate of contract v1 for diff.
func TestDiffExitCodes(t *testing.T) {
	bad := []string{corpus3CX + "clean/TinyApp-1.0.0.msi", corpus3CX + "bad/TinyApp-1.0.1.msi"}
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"benign pair passes", []string{"diff", sampleOld, sampleNew, "--format", "json"}, 0},
		{"benign pair fails a low gate", []string{"diff", sampleOld, sampleNew, "--format", "json", "--fail-on", "low"}, 1},
		{"trojanized release fails", append([]string{"diff", "--format", "json"}, bad...), 1},
		{"gate off", append([]string{"diff", "--format", "json", "--fail-on", "none"}, bad...), 0},
		{"one argument", []string{"diff", sampleOld}, 2},
		{"bad format", []string{"diff", sampleOld, sampleNew, "--format", "pdf"}, 2},
		{"missing old", []string{"diff", "no-such-release.msi", sampleNew}, 3},
		{"missing baseline", []string{"diff", sampleOld, sampleNew, "--baseline", "no-such.yaml"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runVouch(t, tc.args...)
			if r.code != tc.want {
				t.Errorf("exit %d, want %d; stderr: %s", r.code, tc.want, r.stderr)
			}
		})
	}
}

// TestDiffJSONContract: schema, statuses and old paths of contract v1.
func TestDiffJSONContract(t *testing.T) {
	r := runVouch(t, "diff", sampleOld, sampleNew, "--format", "json")
	var doc struct {
		Schema string `json:"schema"`
		Tool   struct{ Version string }
		Files  []struct {
			Path, OldPath, Status, SHA256, Kind string
			Size                                int64
		}
		Findings []struct{ ID, Severity, Path, Title string }
		Verdict  string
		Errors   []any
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if doc.Schema != "vouch/diff/v1" || doc.Tool.Version == "" || doc.Verdict == "" || doc.Errors == nil {
		t.Errorf("header = %q %q %q", doc.Schema, doc.Tool.Version, doc.Verdict)
	}
	statuses := map[string]int{}
	for _, f := range doc.Files {
		statuses[f.Status]++
	}
	if statuses["added"] != 1 || statuses["changed"] != 2 || statuses["unchanged"] == 0 {
		t.Errorf("statuses = %v", statuses)
	}
}

// TestBaselineFlow is the CI user's loop: a failing diff, a baseline
// written from its JSON report with a reason, then the same diff passes
// with every finding still counted as suppressed.
func TestBaselineFlow(t *testing.T) {
	dir := t.TempDir()
	rep, bl := filepath.Join(dir, "report.json"), filepath.Join(dir, "vouch-baseline.yaml")
	bad := []string{corpus3CX + "clean/TinyApp-1.0.0.msi", corpus3CX + "bad/TinyApp-1.0.1.msi"}
	if r := runVouch(t, append([]string{"diff", "-o", rep}, bad...)...); r.code != 1 {
		t.Fatalf("first diff exit %d, want 1: %s", r.code, r.stderr)
	}
	if r := runVouch(t, "baseline", "write", rep, "-o", bl); r.code != 2 || !strings.Contains(r.stderr, "--reason") {
		t.Errorf("baseline write without --reason: exit %d, %s", r.code, r.stderr)
	}
	if r := runVouch(t, "baseline", "write", rep, "-o", bl, "--reason", "accepted in test"); r.code != 0 {
		t.Fatalf("baseline write exit %d: %s", r.code, r.stderr)
	}
	text, _ := os.ReadFile(bl)
	if !strings.Contains(string(text), "reason: accepted in test") || strings.Contains(string(text), "TinyApp-1.0.1.msi!/") {
		t.Errorf("baseline should hold reasons and release-relative paths:\n%s", text)
	}
	r := runVouch(t, append([]string{"diff", "--format", "json", "--baseline", bl}, bad...)...)
	if r.code != 0 {
		t.Fatalf("diff with baseline exit %d, want 0: %s", r.code, r.stderr)
	}
	var doc struct {
		Verdict    string
		Findings   []any
		Suppressed []struct{ ID, Reason string }
		Summary    struct{ Suppressed int }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Suppressed) == 0 || doc.Summary.Suppressed != len(doc.Suppressed) || doc.Suppressed[0].Reason != "accepted in test" {
		t.Errorf("suppressed = %+v (summary %d)", doc.Suppressed, doc.Summary.Suppressed)
	}
	if r := runVouch(t, "baseline", "write", "no-such-report.json", "--reason", "x"); r.code != 3 {
		t.Errorf("unreadable report: exit %d, want 3", r.code)
	}
}

// TestMultipleOutputs: several -o files, each in the format its name says.
func TestMultipleOutputs(t *testing.T) {
	dir := t.TempDir()
	j, txt := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.txt")
	if r := runVouch(t, "diff", sampleOld, sampleNew, "-o", j, "-o", txt); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	jb, _ := os.ReadFile(j)
	tb, _ := os.ReadFile(txt)
	if !strings.Contains(string(jb), `"schema": "vouch/diff/v1"`) || !strings.Contains(string(tb), "Verdict:") {
		t.Errorf("outputs:\n%s\n---\n%s", jb, tb)
	}
	if r := runVouch(t, "diff", sampleOld, sampleNew, "-o", filepath.Join(dir, "r.unknownext")); r.code != 2 {
		t.Errorf("unknown extension: exit %d, want 2", r.code)
	}
}
