package realdata_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

// TestPairsPinned checks the list against the fetch script: every file a
// pair names must be pinned there, or the pair could never be fetched.
func TestPairsPinned(t *testing.T) {
	ps, err := realdata.Pairs()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 20 {
		t.Errorf("%d pairs, want at least 20", len(ps))
	}
	script, err := os.ReadFile(filepath.Join("..", "..", "..", "scripts", "fetch-real-data.sh"))
	if err != nil {
		t.Fatal(err)
	}
	pinned := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s*"(\S+) [0-9a-f]{64} (npm|deb):\S+"$`).FindAllSubmatch(script, -1) {
		pinned[string(m[1])] = true
	}
	ids := map[string]bool{}
	for _, p := range ps {
		if p.ID == "" || ids[p.ID] {
			t.Errorf("pair id %q empty or repeated", p.ID)
		}
		ids[p.ID] = true
		if p.Ecosystem != "npm" && p.Ecosystem != "deb" {
			t.Errorf("pair %s: ecosystem %q, want npm or deb", p.ID, p.Ecosystem)
		}
		if p.Old == p.New {
			t.Errorf("pair %s: old and new are both %s", p.ID, p.Old)
		}
		if p.Note == "" {
			t.Errorf("pair %s: no note", p.ID)
		}
		for _, f := range []string{p.Old, p.New} {
			if !pinned[f] {
				t.Errorf("pair %s: %s is not pinned in scripts/fetch-real-data.sh", p.ID, f)
			}
		}
	}
}

// stop is what the recorder panics with, so that PairPaths stops where a
// real test would.
type stop string

// recorder turns Skipf and Fatalf into a recorded outcome.
type recorder struct{ testing.TB }

func (recorder) Helper() {}
func (recorder) Skipf(format string, args ...any) {
	panic(stop("skip: " + fmt.Sprintf(format, args...)))
}
func (recorder) Fatalf(format string, args ...any) {
	panic(stop("fatal: " + fmt.Sprintf(format, args...)))
}
func (recorder) Fatal(args ...any) { panic(stop("fatal: " + fmt.Sprint(args...))) }

// pairPaths calls PairPaths and reports the paths, or how it stopped.
func pairPaths(t *testing.T, id string) (got []string, stopped string) {
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(stop)
			if !ok {
				panic(r)
			}
			stopped = string(s)
		}
	}()
	old, new := realdata.PairPaths(recorder{t}, id)
	return []string{old, new}, ""
}

func TestPairPaths(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("VOUCH_TESTDATA", dir)
	for _, f := range []string{"esbuild-win32-x64-0.28.1.tgz", "esbuild-win32-x64-0.28.2.tgz", "sentry-cli-darwin-3.8.0.tgz"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		id      string
		want    []string
		stopped string
	}{
		{id: "esbuild-win32-x64", want: []string{
			filepath.Join(dir, "esbuild-win32-x64-0.28.1.tgz"),
			filepath.Join(dir, "esbuild-win32-x64-0.28.2.tgz"),
		}},
		{id: "sentry-cli-darwin", stopped: "skip: pair sentry-cli-darwin: sentry-cli-darwin-3.7.0.tgz not fetched (run scripts/fetch-real-data.sh)"},
		{id: "deb-curl", stopped: "skip: pair deb-curl: curl_7.88.1-10+deb12u5_amd64.deb not fetched (run scripts/fetch-real-data.sh)"},
		{id: "no-such-pair", stopped: `fatal: realdata: no pair "no-such-pair" in pairs.json`},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, stopped := pairPaths(t, tt.id)
			if d := cmp.Diff(tt.stopped, stopped); d != "" {
				t.Errorf("stop (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("paths (-want +got):\n%s", d)
			}
		})
	}
}
