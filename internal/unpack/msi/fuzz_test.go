package msi_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack/msi"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

func FuzzUnpack(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.msi")
	cabs, _ := filepath.Glob("testdata/*.cab")
	for _, p := range append(paths, cabs...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Hand-built databases reach layouts the tools do not write: 3-byte
	// string ids, inline scripts, unreferenced streams.
	cab, err := os.ReadFile("testdata/tinyapp-ext.cab")
	if err != nil {
		f.Fatal(err)
	}
	for _, long := range []bool{false, true} {
		db := tinyDB(cab)
		db.longRefs = long
		f.Add(db.build())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		unpacktest.Fuzz(t, msi.New(), b)
		unpacktest.Fuzz(t, msi.OLE(), b)
	})
}
