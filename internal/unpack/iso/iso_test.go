package iso_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ulikunitz/xz"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/iso"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

// load reads a fixture, which gen.sh commits xz-compressed.
func load(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(name, ".xz") {
		return b
	}
	r, err := xz.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	b, err = io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type got struct {
	Name   string
	Type   unpack.Type
	Size   int64
	Link   string
	SHA256 string
	Err    bool
}

func sum(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func collect(t *testing.T, in *unpack.Input) ([]got, error) {
	t.Helper()
	es, err := unpacktest.Collect(iso.New(), in)
	var out []got
	for _, e := range es {
		g := got{Name: e.Name, Type: e.Type, Size: e.Size, Link: e.LinkTarget, SHA256: sum(e.Data), Err: e.Err != nil}
		if e.Err != nil {
			g.SHA256 = ""
			if !errors.Is(e.Err, unpack.ErrCorrupt) && !errors.Is(e.Err, unpack.ErrUnsupported) {
				t.Errorf("%s: error %v wraps neither ErrCorrupt nor ErrUnsupported", e.Name, e.Err)
			}
		}
		out = append(out, g)
	}
	return out, err
}

var (
	readme  = sum([]byte("hello\n"))
	long    = sum([]byte("long\n"))
	deep    = sum([]byte("deep\n"))
	numbers = func() string {
		var sb strings.Builder
		for i := 1; i <= 3000; i++ {
			fmt.Fprintf(&sb, "%d\n", i)
		}
		return sum([]byte(sb.String()))
	}()
	longName = "This is a rather long file name for ISO 9660.text"
)

func dir(name string) got { return got{Name: name, Type: unpack.TypeDir} }

func file(name string, size int64, sha string) got {
	return got{Name: name, Type: unpack.TypeFile, Size: size, SHA256: sha}
}

// dirs lists "prefix/a", "prefix/a/b", … for the given path elements.
func dirs(prefix string, elems ...string) []got {
	var out []got
	for _, e := range elems {
		prefix += "/" + e
		out = append(out, dir(prefix))
	}
	return out
}

func cat(parts ...[]got) []got {
	var out []got
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// rockRidge is the tree as a Rock Ridge reader shows it, breadth first.
func rockRidge(extra ...got) []got {
	return cat(extra, []got{
		file("README.txt", 6, readme),
		dir("rr_moved"),
		dir("sub"),
		dir("sub/a"),
		{Name: "sub/link", Type: unpack.TypeSymlink, Link: "../README.txt"},
		file("sub/numbers.txt", 13893, numbers),
		file("sub/"+longName, 5, long),
	}, dirs("sub/a", "b", "c", "d", "e", "f", "g", "h", "i"),
		[]got{file("sub/a/b/c/d/e/f/g/h/i/deep.txt", 5, deep)})
}

func TestUnpack(t *testing.T) {
	meta := func(vol, joliet, rr string) map[string]string {
		return map[string]string{"iso.volume_id": vol, "iso.joliet": joliet, "iso.rockridge": rr}
	}
	tests := []struct {
		file    string
		want    []got
		meta    map[string]string
		wantErr error
	}{
		{file: "rrj.iso.xz", want: rockRidge(), meta: meta("VOUCH_RRJ", "true", "true")},
		{
			// xorriso leaves deep directories in place (no rr_moved) and
			// keeps the 200-character name in a continuation area.
			file: "xorriso.iso.xz", meta: meta("VOUCH_XORRISO", "true", "true"),
			want: func() []got {
				w := rockRidge(file(strings.Repeat("n", 200), 3, sum([]byte("ce\n"))))
				return append(w[:2], w[3:]...) // no rr_moved
			}(),
		},
		{
			// Joliet names; genisoimage left out the symlink and the
			// directories deeper than eight levels.
			file: "joliet.iso.xz", meta: meta("VOUCH_JOLIET", "true", "false"),
			want: cat([]got{
				file("README.txt", 6, readme),
				dir("sub"),
				file("sub/"+longName, 5, long),
				dir("sub/a"),
				file("sub/numbers.txt", 13893, numbers),
			}, dirs("sub/a", "b", "c", "d", "e", "f")),
		},
		{
			file: "plain.iso.xz", meta: meta("VOUCH_PLAIN", "false", "false"),
			want: cat([]got{
				file("README.TXT", 6, readme),
				dir("SUB"),
				dir("SUB/A"),
				file("SUB/NUMBERS.TXT", 13893, numbers),
				file("SUB/THIS_IS_.TEX", 5, long),
			}, dirs("SUB/A", "B", "C", "D", "E", "F")),
		},
		{
			// SUB points back at the root directory: listed once, not walked.
			file: "loop.iso.xz", meta: meta("VOUCH_PLAIN", "false", "false"), wantErr: unpack.ErrCorrupt,
			want: []got{file("README.TXT", 6, readme), dir("SUB")},
		},
		{
			// Cut 100 bytes into sub/numbers.txt: the directories (at the
			// start of the image) are all there, the files past the cut fail.
			file: "truncated.iso.xz", meta: meta("VOUCH_RRJ", "true", "true"), wantErr: unpack.ErrCorrupt,
			want: func() []got {
				w := rockRidge()
				for i := range w {
					if w[i].Name == "sub/numbers.txt" || w[i].Name == "sub/"+longName {
						w[i].SHA256, w[i].Err = "", true
					}
				}
				return w
			}(),
		},
		{
			// 70 nested directories: the walk stops at 64 levels.
			file: "deep.iso.xz", meta: meta("VOUCH_DEEP", "false", "true"), wantErr: unpack.ErrUnsupported,
			want: dirs("", strings.Split(strings.Repeat("d/", 65)[:129], "/")...),
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := unpacktest.Input(tt.file, load(t, tt.file))
			if !iso.New().Match(in) {
				t.Fatal("Match = false")
			}
			g, err := collect(t, in)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Unpack error = %v, want %v", err, tt.wantErr)
			}
			for i := range tt.want {
				tt.want[i].Name = strings.TrimPrefix(tt.want[i].Name, "/")
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.meta, in.Meta); diff != "" {
				t.Errorf("Meta (-want +got):\n%s", diff)
			}
		})
	}
}

func TestModTime(t *testing.T) {
	want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, f := range []string{"rrj.iso.xz", "plain.iso.xz", "joliet.iso.xz"} {
		var mt time.Time
		err := iso.New().Unpack(context.Background(), unpacktest.Input(f, load(t, f)), func(m *unpack.Member) error {
			if strings.EqualFold(m.Name, "readme.txt") {
				mt = m.ModTime
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !mt.Equal(want) {
			t.Errorf("%s: README ModTime = %v, want %v", f, mt, want)
		}
	}
}

func TestMaxMembers(t *testing.T) {
	in := unpacktest.Input("rrj.iso", load(t, "rrj.iso.xz"))
	in.MaxMembers = 3
	n := 0
	err := iso.New().Unpack(context.Background(), in, func(*unpack.Member) error { n++; return nil })
	var ex *limits.Exceeded
	if !errors.As(err, &ex) || ex.Limit != "max-members" || n != 3 {
		t.Errorf("Unpack = %v after %d members, want max-members exceeded after 3", err, n)
	}
}

func TestMatch(t *testing.T) {
	b := make([]byte, 0x9001+5)
	for _, off := range []int{0x8001, 0x8801, 0x9001} {
		c := bytes.Clone(b)
		copy(c[off:], "CD001")
		if !iso.New().Match(unpacktest.Input("x", c)) {
			t.Errorf("Match with CD001 at %#x = false", off)
		}
	}
	if iso.New().Match(unpacktest.Input("x", b)) || iso.New().Match(unpacktest.Input("x", []byte("CD001"))) {
		t.Error("Match without CD001 at a descriptor = true")
	}
}

// Hand-made images: sector 16 holds the primary volume descriptor, 17 the
// terminator, 18 the root directory; the rest is given per test.

type rec struct {
	name   string
	extent uint32
	length uint32
	flags  byte
	su     []byte
}

func (r rec) bytes() []byte {
	n := 33 + len(r.name)
	if len(r.name)%2 == 0 {
		n++
	}
	b := make([]byte, n, n+len(r.su))
	b = append(b, r.su...)
	b[0] = byte(len(b))
	binary.LittleEndian.PutUint32(b[2:], r.extent)
	binary.BigEndian.PutUint32(b[6:], r.extent)
	binary.LittleEndian.PutUint32(b[10:], r.length)
	binary.BigEndian.PutUint32(b[14:], r.length)
	copy(b[18:], []byte{124, 1, 2, 3, 4, 5, 0})
	b[25] = r.flags
	b[32] = byte(len(r.name))
	copy(b[33:], r.name)
	return b
}

func dirSector(recs ...rec) []byte {
	var b []byte
	for _, r := range recs {
		b = append(b, r.bytes()...)
	}
	return append(b, make([]byte, 2048-len(b))...)
}

func image(sectors int, at map[int][]byte) []byte {
	b := make([]byte, sectors*2048)
	pvd := b[16*2048:]
	pvd[0] = 1
	copy(pvd[1:], "CD001\x01")
	copy(pvd[40:], "HANDMADE")
	binary.LittleEndian.PutUint16(pvd[128:], 2048)
	copy(pvd[156:], rec{name: "\x00", extent: 18, length: 2048, flags: 2}.bytes())
	copy(b[17*2048:], "\xffCD001\x01")
	for s, data := range at {
		copy(b[s*2048:], data)
	}
	return b
}

// su builds a system use entry.
func su(sig string, data ...byte) []byte {
	return append([]byte{sig[0], sig[1], byte(4 + len(data)), 1}, data...)
}

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func both32(v uint32) []byte { return binary.BigEndian.AppendUint32(le32(v), v) }

func spEntry() []byte { return su("SP", 0xbe, 0xef, 0) }

func ceEntry(block, off, n uint32) []byte {
	return su("CE", append(append(both32(block), both32(off)...), both32(n)...)...)
}

func nm(name string) []byte { return su("NM", append([]byte{0}, name...)...) }

func TestHandMade(t *testing.T) {
	dot := func(su ...[]byte) rec {
		return rec{name: "\x00", extent: 18, length: 2048, flags: 2, su: bytes.Join(su, nil)}
	}
	dotdot := rec{name: "\x01", extent: 18, length: 2048, flags: 2}
	tests := []struct {
		name    string
		data    []byte
		want    []got
		wantErr error
	}{
		{
			name: "continuation area pointing at itself",
			data: image(21, map[int][]byte{
				18: dirSector(dot(spEntry(), su("RR", 0x09)), dotdot,
					rec{name: "A.;1", extent: 20, length: 2, su: bytes.Join([][]byte{nm("a"), ceEntry(19, 0, 28)}, nil)}),
				19: ceEntry(19, 0, 28),
				20: []byte("hi"),
			}),
			want: []got{file("a", 2, sum([]byte("hi")))},
		},
		{
			name: "Rock Ridge child link back to the root",
			data: image(20, map[int][]byte{
				18: dirSector(dot(spEntry(), su("RR", 0x09)), dotdot,
					rec{name: "D.;1", extent: 19, su: bytes.Join([][]byte{nm("d"), su("CL", both32(18)...)}, nil)}),
			}),
			want:    []got{dir("d")},
			wantErr: unpack.ErrCorrupt,
		},
		{
			name: "multi-extent file",
			data: image(22, map[int][]byte{
				18: dirSector(dot(), dotdot,
					rec{name: "BIG.;1", extent: 20, length: 2048, flags: 0x80},
					rec{name: "BIG.;1", extent: 21, length: 3}),
				20: bytes.Repeat([]byte("x"), 2048),
				21: []byte("end"),
			}),
			want: []got{file("BIG", 2051, sum(append(bytes.Repeat([]byte("x"), 2048), "end"...)))},
		},
		{
			name: "directory extent beyond the image",
			data: image(20, map[int][]byte{
				18: dirSector(dot(), dotdot, rec{name: "D", extent: 19, length: 1 << 30, flags: 2}),
			}),
			want:    []got{dir("D")},
			wantErr: unpack.ErrUnsupported,
		},
		{
			name: "record shorter than its fixed part",
			data: image(20, map[int][]byte{
				18: func() []byte {
					b := dirSector(dot(), dotdot)
					b[len(dot().bytes())+len(dotdot.bytes())] = 20
					return b
				}(),
			}),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name: "file beyond the image",
			data: image(20, map[int][]byte{
				18: dirSector(dot(), dotdot, rec{name: "F.;1", extent: 1 << 30, length: 10}),
			}),
			want:    []got{{Name: "F", Type: unpack.TypeFile, Size: 10, Err: true}},
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "no primary descriptor",
			data:    make([]byte, 20*2048),
			wantErr: unpack.ErrCorrupt,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := collect(t, unpacktest.Input(tt.name, tt.data))
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Unpack error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
		})
	}
}
