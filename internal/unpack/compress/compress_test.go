package compress_test

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/compress"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

func all() []unpack.Unpacker {
	return []unpack.Unpacker{compress.Gzip(), compress.XZ(), compress.Bzip2(), compress.Zstd()}
}

func TestLayers(t *testing.T) {
	plain, err := os.ReadFile("testdata/plain.txt")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file, format, member string
		data                 string
	}{
		{"plain.txt.gz", "gzip", "plain.txt", string(plain)},
		{"named.gz", "gzip", "plain.txt", string(plain)},
		{"multi.gz", "gzip", "multi", string(plain) + string(plain)},
		{"plain.txt.xz", "xz", "plain.txt", string(plain)},
		{"plain.txt.bz2", "bzip2", "plain.txt", string(plain)},
		{"plain.txt.zst", "zstd", "plain.txt", string(plain)},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, _ := os.ReadFile(filepath.Join("testdata", tc.file))
			in := unpacktest.Input("release!/"+tc.file, b)
			var matched []string
			for _, u := range all() {
				if u.Match(in) {
					matched = append(matched, u.Name())
				}
			}
			if len(matched) != 1 || matched[0] != tc.format {
				t.Fatalf("matched %v, want [%s]", matched, tc.format)
			}
			var u unpack.Unpacker
			for _, c := range all() {
				if c.Name() == tc.format {
					u = c
				}
			}
			es, err := unpacktest.Collect(u, in)
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 1 || !es[0].Transparent {
				t.Fatalf("want one transparent member, got %+v", es)
			}
			if es[0].Name != tc.member || string(es[0].Data) != tc.data {
				t.Errorf("member %q = %q", es[0].Name, es[0].Data)
			}
		})
	}
}

func TestTruncatedXZ(t *testing.T) {
	b, _ := os.ReadFile("testdata/truncated.xz")
	_, err := unpacktest.Collect(compress.XZ(), unpacktest.Input("t.xz", b))
	if !errors.Is(err, unpack.ErrCorrupt) {
		t.Errorf("err = %v, want ErrCorrupt", err)
	}
}

// TestXZDictionaryIsCapped patches a real xz stream to declare a 4 GiB
// LZMA2 dictionary. Reading it must fail at once rather than reserve it.
func TestXZDictionaryIsCapped(t *testing.T) {
	b, _ := os.ReadFile("testdata/plain.txt.xz")
	b = append([]byte(nil), b...)
	// Stream header is 12 bytes; the block header follows: size byte,
	// flags, filter id 0x21 (LZMA2), props size 1, dictionary byte.
	hdr := 12
	size := (int(b[hdr]) + 1) * 4
	if b[hdr+2] != 0x21 {
		t.Fatalf("fixture has no LZMA2 filter at the expected place")
	}
	b[hdr+4] = 40 // 4 GiB - 1
	crc := crc32.ChecksumIEEE(b[hdr : hdr+size-4])
	binary.LittleEndian.PutUint32(b[hdr+size-4:], crc)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	es, err := unpacktest.Collect(compress.XZ(), unpacktest.Input("big-dict.xz", b))
	runtime.ReadMemStats(&after)
	if err == nil && (len(es) == 0 || es[0].Err == nil) {
		t.Errorf("a 4 GiB dictionary must be refused")
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
		t.Errorf("allocated %d MiB for a refused stream", grew>>20)
	}
}
