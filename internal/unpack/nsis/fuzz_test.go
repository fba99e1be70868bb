package nsis_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack/nsis"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

func FuzzUnpack(f *testing.F) {
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f.Add(b)
		// The same installer behind a 512-byte stand-in for the ~90 KB
		// stub, so that mutations land in the NSIS data.
		if i := bytes.Index(b, []byte("\xef\xbe\xad\xdeNullsoftInst")); i >= 4 {
			small := append(append([]byte("MZ"), make([]byte, 510)...), b[i-4:]...)
			f.Add(small)
		}
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		unpacktest.Fuzz(t, nsis.New(), b)
	})
}
