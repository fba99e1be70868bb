package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vouch-sec/vouch/internal/engine"
)

// FuzzInspect pushes arbitrary bytes through every unpacker, identify and
// every analyzer and detector. Seeds are all unpacker fixtures.
func FuzzInspect(f *testing.F) {
	seeds, _ := filepath.Glob("../unpack/*/testdata/*")
	for _, p := range seeds {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Size() < 1<<20 {
			b, _ := os.ReadFile(p)
			f.Add(b)
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "input")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		cfg := config()
		cfg.Workers = 1
		cfg.Limits.MaxTotalBytes = 64 << 20
		cfg.Limits.MaxMembers = 500
		cfg.Limits.FileTimeout = 5 * time.Second
		rep, err := engine.Inspect(context.Background(), p, cfg)
		if err != nil {
			t.Fatalf("Inspect of a readable file failed: %v", err)
		}
		listed := false
		for _, f := range rep.Files {
			listed = listed || f.Path == "input"
		}
		if !listed {
			t.Fatalf("the target itself must be listed")
		}
	})
}
