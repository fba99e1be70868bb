package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// TestMain lets a test run the real binary: the test executable re-runs
// itself with VOUCH_RUN_MAIN set and behaves as `vouch`.
func TestMain(m *testing.M) {
	if os.Getenv("VOUCH_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

type result struct {
	code           int
	stdout, stderr string
	maxRSSKB       int64
}

func runVouch(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "VOUCH_RUN_MAIN=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSSKB = ru.Maxrss
	}
	return r
}

func write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func zipOf(t *testing.T, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

func TestExitCodes(t *testing.T) {
	clean := write(t, "clean.zip", zipOf(t, map[string]string{"a.txt": "hello"}))
	slip := write(t, "slip.zip", zipOf(t, map[string]string{"../../x.sh": "echo"})) // high
	abs := write(t, "abs.zip", zipOf(t, map[string]string{"/etc/x.conf": "k=v"}))   // medium
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"clean", []string{"inspect", clean}, 0},
		{"high fails default gate", []string{"inspect", slip}, 1},
		{"medium passes default gate", []string{"inspect", abs}, 0},
		{"medium fails medium gate", []string{"inspect", abs, "--fail-on", "medium"}, 1},
		{"gate off", []string{"inspect", slip, "--fail-on", "none"}, 0},
		{"missing target", []string{"inspect", filepath.Join(t.TempDir(), "nope.msi")}, 3},
		{"no target", []string{"inspect"}, 2},
		{"bad flag", []string{"inspect", clean, "--fail-on", "sometimes"}, 2},
		{"bad format", []string{"inspect", clean, "--format", "yaml"}, 2},
		{"unknown command", []string{"frobnicate"}, 2},
		{"missing trust root", []string{"inspect", clean, "--trust-root", filepath.Join(t.TempDir(), "none.pem")}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runVouch(t, tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tc.code, r.stdout, r.stderr)
			}
			if tc.code >= 2 && !strings.HasPrefix(r.stderr, "vouch: error: ") {
				t.Errorf("stderr = %q, want a 'vouch: error:' line", r.stderr)
			}
		})
	}
}

// TestJSONContract checks the fields contract v1 promises.
func TestJSONContract(t *testing.T) {
	p := write(t, "r.zip", zipOf(t, map[string]string{"../evil.txt": "x", "ok.js": "let a = 1\n"}))
	r := runVouch(t, "inspect", p, "--format", "json")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc["schema"] != "vouch/inspect/v1" || doc["verdict"] != "high" {
		t.Errorf("schema/verdict = %v/%v", doc["schema"], doc["verdict"])
	}
	if tool, _ := doc["tool"].(map[string]any); tool["version"] == nil {
		t.Errorf("tool.version missing")
	}
	for _, key := range []string{"files", "findings", "errors"} {
		if _, ok := doc[key].([]any); !ok {
			t.Errorf("%s must be an array", key)
		}
	}
	for _, f := range doc["files"].([]any) {
		m := f.(map[string]any)
		for _, k := range []string{"path", "sha256", "size", "kind"} {
			if _, ok := m[k]; !ok {
				t.Errorf("file %v lacks %s", m["path"], k)
			}
		}
	}
	for _, f := range doc["findings"].([]any) {
		m := f.(map[string]any)
		for _, k := range []string{"id", "severity", "path", "title", "evidence"} {
			if _, ok := m[k]; !ok {
				t.Errorf("finding lacks %s", k)
			}
		}
	}
}

func TestTerminalSummary(t *testing.T) {
	p := write(t, "r.zip", zipOf(t, map[string]string{"../evil.txt": "x"}))
	r := runVouch(t, "inspect", p, "--format", "terminal")
	for _, want := range []string{"vouch inspect", "Verdict: HIGH: fails the gate", "unpack.path-traversal", "2 files"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("terminal output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("colour codes when stdout is not a terminal")
	}
	if r.stderr != "" {
		t.Errorf("no progress bar when stderr is not a terminal, got %q", r.stderr)
	}
}

// TestBombStaysSmall runs the binary on ten gigabytes of zeros behind
// gzip and checks the peak resident memory of that process.
func TestBombStaysSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("bomb test in -short mode")
	}
	var one bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&one, gzip.BestCompression)
	zw.Write(make([]byte, 64<<20))
	zw.Close()
	p := write(t, "bomb.gz", bytes.Repeat(one.Bytes(), 160)) // 10 GiB expanded
	r := runVouch(t, "inspect", p, "--format", "json")
	if !strings.Contains(r.stdout, `"limit": "max-ratio"`) {
		t.Errorf("want a max-ratio finding:\n%s", r.stdout)
	}
	if r.maxRSSKB == 0 || r.maxRSSKB > 300<<10 {
		t.Errorf("peak RSS %d KiB, want under 300 MiB", r.maxRSSKB)
	}
	t.Logf("peak RSS %d MiB", r.maxRSSKB>>10)
}
