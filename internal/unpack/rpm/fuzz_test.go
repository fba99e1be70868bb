package rpm_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack/rpm"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

func FuzzUnpack(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			continue // directories
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		unpacktest.Fuzz(t, rpm.New(), b)
	})
}
