package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/model"
)

// counting records which paths it analysed.
type counting struct {
	n     atomic.Int64
	mu    sync.Mutex
	paths []string
}

func (*counting) Name() string           { return "counting" }
func (*counting) Match(kind string) bool { return true }
func (c *counting) Analyze(_ context.Context, in *analyze.Input, f *model.File) error {
	c.n.Add(1)
	c.mu.Lock()
	c.paths = append(c.paths, in.Path)
	c.mu.Unlock()
	f.Facts.Endpoints = append(f.Facts.Endpoints, model.Endpoint{Value: "seen-by-counting.invalid", Type: "domain"})
	return nil
}

// TestSharedAnalysesIdenticalFilesOnce runs two inspections at once, as a
// diff does, over two tarballs that share one member: the shared member
// is analysed once and both reports carry its facts.
func TestSharedAnalysesIdenticalFilesOnce(t *testing.T) {
	dir := t.TempDir()
	oldTar := gz(t, makeTar(t, []entry{{name: "pkg/same.js", body: "console.log('same')\n"}, {name: "pkg/v.txt", body: "1.0.0\n"}}))
	newTar := gz(t, makeTar(t, []entry{{name: "pkg/same.js", body: "console.log('same')\n"}, {name: "pkg/v.txt", body: "1.0.1\n"}}))
	op, np := filepath.Join(dir, "pkg-1.0.0.tgz"), filepath.Join(dir, "pkg-1.0.1.tgz")
	os.WriteFile(op, oldTar, 0o644)
	os.WriteFile(np, newTar, 0o644)

	c := &counting{}
	cfg := config()
	cfg.Analyzers = []analyze.Analyzer{c}
	cfg.Shared = engine.NewShared()
	var wg sync.WaitGroup
	reps := make([]*model.Report, 2)
	for i, p := range []string{op, np} {
		wg.Go(func() {
			r, err := engine.Inspect(context.Background(), p, cfg)
			if err != nil {
				t.Error(err)
			}
			reps[i] = r
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	// Each side: the .tgz (gzip is a transparent layer), same.js, v.txt;
	// the .tgz and v.txt differ, same.js is shared: 5 analyses.
	if got := c.n.Load(); got != 5 {
		t.Errorf("analyses = %d, want 5 (paths %v)", got, c.paths)
	}
	for _, r := range reps {
		for _, f := range r.Files {
			if f.Facts == nil || len(f.Facts.Endpoints) != 1 {
				t.Errorf("%s: facts not filled: %+v", f.Path, f.Facts)
			}
		}
	}
}

// TestFuzzyHashOnlyForExecutables: TLSH is computed when asked, for
// native executables only.
func TestFuzzyHashOnlyForExecutables(t *testing.T) {
	pe, err := os.ReadFile("../../internal/unpack/msi/testdata/payload/1.0.1/TinyApp.exe")
	if err != nil {
		t.Skip(err)
	}
	cfg := config()
	cfg.FuzzyHash = true
	r := inspect(t, "x.tar", makeTar(t, []entry{{name: "a.exe", body: string(pe)}, {name: "b.txt", body: strings.Repeat("plain text, not a program\n", 20)}}), cfg)
	got := map[string]bool{}
	for _, f := range r.Files {
		got[f.Path] = f.TLSH != ""
	}
	if !got["x.tar!/a.exe"] || got["x.tar!/b.txt"] || got["x.tar"] {
		t.Errorf("TLSH present by path = %v, want only x.tar!/a.exe", got)
	}
	cfg.FuzzyHash = false
	r = inspect(t, "x.tar", makeTar(t, []entry{{name: "a.exe", body: string(pe)}}), cfg)
	for _, f := range r.Files {
		if f.TLSH != "" {
			t.Errorf("%s: TLSH without FuzzyHash", f.Path)
		}
	}
}

// TestProgressShared: two inspections adding to one Progress end with all
// bytes of both targets counted, once.
func TestProgressShared(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.tgz"), filepath.Join(dir, "b.tar")
	os.WriteFile(a, gz(t, makeTar(t, []entry{{name: "x.txt", body: strings.Repeat("x", 5000)}})), 0o644)
	os.WriteFile(b, makeTar(t, []entry{{name: "y.txt", body: "y"}}), 0o644)
	var want int64
	for _, p := range []string{a, b} {
		st, _ := os.Stat(p)
		want += st.Size()
	}
	cfg := config()
	cfg.Progress = &engine.Progress{}
	var wg sync.WaitGroup
	for _, p := range []string{a, b} {
		wg.Go(func() {
			if _, err := engine.Inspect(context.Background(), p, cfg); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got, total := cfg.Progress.Bytes.Load(), cfg.Progress.Total.Load(); got != want || total != want {
		t.Errorf("progress bytes %d of total %d, want %d of %d", got, total, want, want)
	}
	if n := cfg.Progress.Files.Load(); n != 4 {
		t.Errorf("files analysed = %d, want 4", n)
	}
}
