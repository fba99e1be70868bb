package elf_test

import (
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzAnalyze feeds arbitrary bytes to the analyzer. Panics are recovered
// inside Analyze (and reported as errors), so the property checked is that
// none happen, that the lists come out sorted and capped, and that a second
// run gives the same facts.
func FuzzAnalyze(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*")
	for _, p := range seeds {
		if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() || strings.HasSuffix(p, ".sh") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(dynELF(false, binary.BigEndian, elf.EM_MIPS))
	f.Add(dynELF(true, binary.BigEndian, elf.EM_PPC64))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		e, err := run(t, b)
		if err != nil && strings.Contains(err.Error(), "panic") {
			t.Fatalf("panic: %v", err)
		}
		for name, l := range map[string][]string{"imports": e.Imports, "exports": e.Exports, "ifuncs": e.IFuncs, "truncated": e.Truncated} {
			if !slices.IsSorted(l) || len(slices.Compact(slices.Clone(l))) != len(l) {
				t.Fatalf("%s not sorted and unique: %q", name, l)
			}
		}
		if len(e.Sections) > 4096 || len(e.Segments) > 4096 {
			t.Fatalf("%d sections, %d segments listed", len(e.Sections), len(e.Segments))
		}
		e2, _ := run(t, b)
		if diff := cmp.Diff(e, e2); diff != "" {
			t.Fatalf("second run differs (-first +second):\n%s", diff)
		}
	})
}
