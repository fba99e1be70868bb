package sevenzip_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack/sevenzip"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

func FuzzUnpack(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.7z"))
	for _, name := range files {
		if filepath.Base(name) == "bomb.7z" {
			continue // 70 MiB to decode: seconds per run, nothing new to find
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Small plain headers, which the fuzzer can mutate meaningfully.
	f.Add(build(cat("\x01\x04", packInfo, copyFolder, subStreams, "\x00", filesA, "\x00"), []byte("hello")))
	f.Add(build(cat("\x01\x04", packInfo, copyFolder, "\x08\x0d\x02\x09\x02\x00",
		"\x05\x02\x11\x09\x00a\x00\x00\x00b\x00\x00\x00\x00\x00"), []byte("hello")))
	// Panics in the library must surface here, not be recovered.
	sevenzip.SetCatchPanics(false)
	f.Cleanup(func() { sevenzip.SetCatchPanics(true) })
	f.Fuzz(func(t *testing.T, data []byte) {
		unpacktest.Fuzz(t, sevenzip.New(), data)
		// Most mutations of a header break its CRC and stop at the first
		// check; run them again with the CRCs made right, so that the
		// header parsers (ours, then the library's) see them.
		if fixed := fixCRCs(data); fixed != nil {
			unpacktest.Fuzz(t, sevenzip.New(), fixed)
		}
	})
}

// fixCRCs returns data with the header and start-header CRCs recomputed, or
// nil when the header is not inside data.
func fixCRCs(data []byte) []byte {
	if len(data) < 32 || !bytes.HasPrefix(data, []byte("7z\xbc\xaf\x27\x1c")) {
		return nil
	}
	off, size := binary.LittleEndian.Uint64(data[12:]), binary.LittleEndian.Uint64(data[20:])
	if off > uint64(len(data)-32) || size > uint64(len(data)-32)-off {
		return nil
	}
	b := bytes.Clone(data)
	binary.LittleEndian.PutUint32(b[28:], crc32.ChecksumIEEE(b[32+off:32+off+size]))
	binary.LittleEndian.PutUint32(b[8:], crc32.ChecksumIEEE(b[12:32]))
	if bytes.Equal(b, data) {
		return nil
	}
	return b
}
