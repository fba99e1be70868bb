package zip_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
	"github.com/vouch-sec/vouch/internal/unpack/zip"
)

func FuzzUnpack(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.*")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) { unpacktest.Fuzz(t, zip.New(), b) })
}
