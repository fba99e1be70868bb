package xar_test

import (
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
	"github.com/vouch-sec/vouch/internal/unpack/xar"
)

func FuzzUnpack(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xar"))
	for _, name := range files {
		f.Add(fixture(f, filepath.Base(name)))
	}
	f.Add(build(fileXML("a", `<data><offset>0</offset><length>2</length><size>2</size></data>`), []byte("hi")))
	f.Add([]byte(fileXML("a", `<data><offset>0</offset><length>2</length><size>2</size><encoding style="application/x-gzip"/></data>`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		unpacktest.Fuzz(t, xar.New(), data)
		// The TOC is zlib-compressed, which mutations rarely survive: also
		// use the input as TOC text (and as the heap).
		unpacktest.Fuzz(t, xar.New(), buildRaw(data, data))
	})
}
