package dmg_test

import (
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack/dmg"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

func FuzzUnpack(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.dmg"))
	for _, name := range files {
		f.Add(fixture(f, filepath.Base(name)))
	}
	f.Add(mish(4, -1, chunkSpec{typ: 0x80000004, count: 4, compressed: 64}, chunkSpec{typ: 1, sector: 2, count: 1, compressed: 512}))
	f.Fuzz(func(t *testing.T, data []byte) {
		unpacktest.Fuzz(t, dmg.New(), data)
		// Mish tables sit base64-encoded in the plist, where mutations
		// rarely reach them: also use the input as a table (and as the
		// data fork it points into).
		unpacktest.Fuzz(t, dmg.New(), build(data, plistOf(data)))
	})
}
