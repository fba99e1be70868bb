package pe_test

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzAnalyze feeds mutated fixtures to the analyzer: it must never panic
// (analyzeBytes fails on a recovered panic) and its output must stay within
// the caps whatever the headers claim.
func FuzzAnalyze(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.*")
	for _, p := range paths {
		if filepath.Ext(p) == ".sh" {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Hand-built images reach the resource and import walkers with little
	// else around them.
	rsrc := make([]byte, 0x400)
	resDir(rsrc, 0, [][2]uint32{{16, 0x80000100}, {3, 0x80000100}})
	resDir(rsrc, 0x100, [][2]uint32{{1, 0x80000200}})
	resDir(rsrc, 0x200, [][2]uint32{{0x409, 0x300}})
	put(rsrc, 0x300, uint32(0x1380), uint32(0x80))
	put(rsrc, 0x380, uint16(0x80), uint16(0), uint16(0))
	f.Add(image{sections: []sec{{name: ".rsrc", va: 0x1000, data: rsrc}}, dirs: map[int][2]uint32{2: {0x1000, 0x400}}}.bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		got, _ := analyzeBytes(t, b)
		if got == nil {
			return
		}
		if len(got.Sections) > 1024 || len(got.TLSCallbacks) > 1024 || len(got.Exports) > 2<<16 {
			t.Fatalf("caps exceeded: %d sections, %d callbacks, %d exports", len(got.Sections), len(got.TLSCallbacks), len(got.Exports))
		}
		n := 0
		for _, im := range got.Imports {
			n += len(im.Functions)
		}
		if n > 1<<16 {
			t.Fatalf("%d imported functions", n)
		}
	})
}
