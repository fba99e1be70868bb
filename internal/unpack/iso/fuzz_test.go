package iso_test

import (
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack/iso"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

func FuzzUnpack(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.iso.xz"))
	for _, name := range files {
		f.Add(load(f, filepath.Base(name)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		unpacktest.Fuzz(t, iso.New(), data)
	})
}
