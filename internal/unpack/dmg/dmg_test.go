package dmg_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/dmg"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

type got struct {
	Name   string
	Size   int64
	SHA256 string
	Err    error // matched with errors.Is
}

func sum(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fill repeats s to n bytes, as mkdmg.py does.
func fill(s string, n int) []byte {
	return bytes.Repeat([]byte(s), n/len(s)+1)[:n]
}

const sector = 512

var (
	mbr = sum(append(make([]byte, 510), 0x55, 0xaa))
	// hfs is partition 1 of mkdmg.py, sector by sector.
	hfs = sum(bytes.Join([][]byte{
		fill("zlib chunk ", 8*sector), // 0-7 zlib
		make([]byte, 4*sector),        // 8-11 zero fill
		fill("raw chunk ", 2*sector),  // 12-13 raw
		make([]byte, 2*sector),        // 14-15 gap
		make([]byte, 2*sector),        // 16-17 ignored
		fill("adc chunk abcabcabc ", 4*sector),
		fill("bzip2 chunk ", 4*sector),
		fill("lzma chunk ", 4*sector),
		make([]byte, 2*sector), // 30-31 gap
	}, nil))
	names = []string{
		"Protective Master Boot Record (MBR : 0).img",
		"disk image (Apple_HFS : 1).img",
		"lzfse (Apple_HFS : 2).img",
	}
)

func image(hfsErr error) []got {
	g := []got{
		{Name: names[0], Size: 512, SHA256: mbr},
		{Name: names[1], Size: 32 * sector, SHA256: hfs},
		{Name: names[2], Size: sector, Err: unpack.ErrUnsupported},
	}
	if hfsErr != nil {
		g[1].SHA256, g[1].Err = "", hfsErr
	}
	return g
}

func TestUnpack(t *testing.T) {
	tests := []struct {
		file      string
		want      []got
		codesign  string
		wantErr   error
		wantMatch bool
	}{
		{file: "image.dmg", want: image(nil), codesign: "false", wantMatch: true},
		{file: "signed.dmg", want: image(nil), codesign: "true", wantMatch: true},
		{file: "corrupt.dmg", want: image(unpack.ErrCorrupt), codesign: "false", wantMatch: true},
		{
			// Partition 2's table claims a billion chunks: it is left out,
			// the others are read.
			file: "lying.dmg", want: image(nil)[:2], codesign: "false", wantErr: unpack.ErrCorrupt, wantMatch: true,
		},
		{file: "truncated.dmg", wantErr: unpack.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := unpacktest.Input(tt.file, fixture(t, tt.file))
			if m := dmg.New().Match(in); m != tt.wantMatch {
				t.Errorf("Match = %v, want %v", m, tt.wantMatch)
			}
			es, err := unpacktest.Collect(dmg.New(), in)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Unpack error = %v, want %v", err, tt.wantErr)
			}
			var g []got
			for i, e := range es {
				x := got{Name: e.Name, Size: e.Size, SHA256: sum(e.Data)}
				if e.Err != nil {
					x.SHA256, x.Err = "", e.Err
					if i < len(tt.want) && errors.Is(e.Err, tt.want[i].Err) {
						x.Err = tt.want[i].Err
					}
				}
				if e.Type != unpack.TypeFile {
					t.Errorf("%s: type %v", e.Name, e.Type)
				}
				g = append(g, x)
			}
			if diff := cmp.Diff(tt.want, g, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			if tt.codesign != "" {
				want := map[string]string{"dmg.codesigned": tt.codesign, "dmg.partitions": "3"}
				if diff := cmp.Diff(want, in.Meta); diff != "" {
					t.Errorf("Meta (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestPartialRead reads a partition in small pieces across chunk borders.
func TestPartialRead(t *testing.T) {
	var data []byte
	err := dmg.New().Unpack(context.Background(), unpacktest.Input("image.dmg", fixture(t, "image.dmg")), func(m *unpack.Member) error {
		if m.Name != names[1] {
			return nil
		}
		rc, err := m.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		buf := make([]byte, 333)
		for {
			n, err := rc.Read(buf)
			data = append(data, buf[:n]...)
			if err != nil {
				return nil
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum(data) != hfs {
		t.Errorf("partition read in 333-byte pieces: %d bytes, sha256 %s, want %s", len(data), sum(data), hfs)
	}
}

// build writes a UDIF image: data fork, plist, trailer.
func build(fork []byte, plist string) []byte {
	k := make([]byte, 512)
	copy(k, "koly")
	be := binary.BigEndian
	be.PutUint32(k[4:], 4)
	be.PutUint32(k[8:], 512)
	be.PutUint64(k[0x20:], uint64(len(fork)))
	be.PutUint64(k[0xd8:], uint64(len(fork)))
	be.PutUint64(k[0xe0:], uint64(len(plist)))
	return append(append(bytes.Clone(fork), plist...), k...)
}

type chunkSpec struct {
	typ                uint32
	sector, count      uint64
	offset, compressed uint64
}

func mish(sectors uint64, claim int, chunks ...chunkSpec) []byte {
	b := make([]byte, 204)
	copy(b, "mish")
	be := binary.BigEndian
	be.PutUint32(b[4:], 1)
	be.PutUint64(b[16:], sectors)
	if claim < 0 {
		claim = len(chunks)
	}
	be.PutUint32(b[200:], uint32(claim))
	for _, c := range chunks {
		e := make([]byte, 40)
		be.PutUint32(e, c.typ)
		be.PutUint64(e[8:], c.sector)
		be.PutUint64(e[16:], c.count)
		be.PutUint64(e[24:], c.offset)
		be.PutUint64(e[32:], c.compressed)
		b = append(b, e...)
	}
	return b
}

func plistOf(tables ...[]byte) string {
	s := `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>resource-fork</key><dict><key>blkx</key><array>`
	for i, t := range tables {
		s += fmt.Sprintf(`<dict><key>Name</key><string>p%d</string><key>Data</key><data>%s</data></dict>`, i, base64.StdEncoding.EncodeToString(t))
	}
	return s + `</array></dict></dict></plist>`
}

func TestHostile(t *testing.T) {
	tests := []struct {
		name      string
		data      []byte
		wantErr   error
		memberErr error // of the first member
	}{
		{
			name:    "plist nested 10000 deep",
			data:    build(nil, `<plist>`+strings.Repeat(`<array>`, 10000)+strings.Repeat(`</array>`, 10000)+`</plist>`),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name: "plist beyond the input",
			data: func() []byte {
				b := build(nil, plistOf())
				binary.BigEndian.PutUint64(b[len(b)-512+0xe0:], 1<<40)
				return b
			}(),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "binary plist",
			data:    build(nil, "bplist00"+strings.Repeat("\xff", 40)),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "chunks out of order",
			data:    build(nil, plistOf(mish(8, -1, chunkSpec{typ: 0, sector: 4, count: 4}, chunkSpec{typ: 0, sector: 0, count: 4}))),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "chunk past the partition",
			data:    build(nil, plistOf(mish(8, -1, chunkSpec{typ: 0, sector: 4, count: 1 << 62}))),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "chunk data beyond the input",
			data:    build([]byte("abc"), plistOf(mish(1, -1, chunkSpec{typ: 1, count: 1, offset: 1 << 62, compressed: 512}))),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:      "raw chunk shorter than its sectors",
			data:      build([]byte("abc"), plistOf(mish(1, -1, chunkSpec{typ: 1, count: 1, compressed: 3}))),
			memberErr: unpack.ErrCorrupt,
		},
		{
			name:      "ADC match before the start",
			data:      build([]byte{0x40, 0xff, 0xff}, plistOf(mish(1, -1, chunkSpec{typ: 0x80000004, count: 1, compressed: 3}))),
			memberErr: unpack.ErrCorrupt,
		},
		{
			name:      "ADC chunk of 1 TiB",
			data:      build([]byte{0x80, 'a'}, plistOf(mish(1<<31, -1, chunkSpec{typ: 0x80000004, count: 1 << 31, compressed: 2}))),
			memberErr: unpack.ErrUnsupported,
		},
		{
			name:      "unknown chunk type",
			data:      build([]byte("abc"), plistOf(mish(1, -1, chunkSpec{typ: 0x80000042, count: 1, compressed: 3}))),
			memberErr: unpack.ErrUnsupported,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			es, err := unpacktest.Collect(dmg.New(), unpacktest.Input(tt.name, tt.data))
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Unpack error = %v, want %v", err, tt.wantErr)
			}
			if tt.memberErr != nil && (len(es) == 0 || !errors.Is(es[0].Err, tt.memberErr)) {
				t.Fatalf("members = %+v, want the first failing with %v", es, tt.memberErr)
			}
		})
	}
}

func TestMaxMembers(t *testing.T) {
	in := unpacktest.Input("image.dmg", fixture(t, "image.dmg"))
	in.MaxMembers = 2
	err := dmg.New().Unpack(context.Background(), in, func(*unpack.Member) error { return nil })
	var ex *limits.Exceeded
	if !errors.As(err, &ex) || ex.Limit != "max-members" {
		t.Errorf("Unpack error = %v, want max-members exceeded", err)
	}
}
