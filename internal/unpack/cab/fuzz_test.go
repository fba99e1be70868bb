package cab_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack/cab"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

func FuzzUnpack(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.cab")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		unpacktest.Fuzz(t, cab.New(), b)
	})
}
