package sevenzip_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack/sevenzip"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

func FuzzUnpack(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.7z"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Panics in the library must surface here, not be recovered.
	sevenzip.SetCatchPanics(false)
	f.Cleanup(func() { sevenzip.SetCatchPanics(true) })
	f.Fuzz(func(t *testing.T, data []byte) {
		unpacktest.Fuzz(t, sevenzip.New(), data)
	})
}
