package sevenzip_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/sevenzip"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

// got is a member as the tests compare it.
type got struct {
	Name   string
	Type   unpack.Type
	Size   int64
	Link   string `cmp:"omitempty"`
	SHA256 string // of the data read; "" when nothing was read
	Err    string // substring of the Open/read error; "" for none
}

func sum(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func collect(t *testing.T, in *unpack.Input) ([]got, []unpacktest.Entry, error) {
	t.Helper()
	es, err := unpacktest.Collect(sevenzip.New(), in)
	var out []got
	for _, e := range es {
		g := got{Name: e.Name, Type: e.Type, Size: e.Size, Link: e.LinkTarget, SHA256: sum(e.Data)}
		if e.Err != nil {
			// What was read before the error does not matter.
			g.Err, g.SHA256 = e.Err.Error(), ""
		}
		out = append(out, g)
	}
	return out, es, err
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	aTxt = sum([]byte("hello\n"))
	bTxt = func() string {
		var sb strings.Builder
		for i := 1; i <= 2000; i++ {
			fmt.Fprintf(&sb, "%d\n", i)
		}
		return sum([]byte(sb.String()))
	}()
	// hello.exe as gen.sh builds it with Debian 12's mingw-w64.
	helloExe = "a1d362f0b6a5bfc7df5402d8b4286b574598e8b9f042f070ad396475bda95e9e"
)

// tree is the listing of the four-entry tree gen.sh archives, in the
// order 7-Zip stores it (entries without data first).
func tree(bErr string) []got {
	b := got{Name: "sub/b.txt", Type: unpack.TypeFile, Size: 8893, SHA256: bTxt}
	if bErr != "" {
		b.SHA256, b.Err = "", bErr
	}
	return []got{
		{Name: "emptydir", Type: unpack.TypeDir},
		{Name: "sub", Type: unpack.TypeDir},
		{Name: "empty.txt", Type: unpack.TypeFile},
		{Name: "a.txt", Type: unpack.TypeFile, Size: 6, SHA256: aTxt},
		b,
	}
}

func TestUnpack(t *testing.T) {
	meta := func(files, solid, enc string) map[string]string {
		return map[string]string{"7z.files": files, "7z.solid": solid, "7z.encrypted": enc}
	}
	tests := []struct {
		file    string
		want    []got
		meta    map[string]string
		wantErr error
	}{
		{file: "solid.7z", want: tree(""), meta: meta("5", "true", "false")},
		{file: "nonsolid.7z", want: tree(""), meta: meta("5", "false", "false")},
		{file: "lzma.7z", want: tree(""), meta: meta("5", "false", "false")},
		{file: "ppmd.7z", want: tree(""), meta: meta("5", "true", "false")},
		{file: "bzip2.7z", want: tree(""), meta: meta("5", "false", "false")},
		{file: "deflate.7z", want: tree(""), meta: meta("5", "false", "false")},
		{file: "copy.7z", want: tree(""), meta: meta("5", "false", "false")},
		{
			file: "bcj.7z", meta: meta("1", "false", "false"),
			want: []got{{Name: "hello.exe", Type: unpack.TypeFile, Size: 14848, SHA256: helloExe}},
		},
		{
			file: "bcj2.7z", meta: meta("1", "false", "false"),
			want: []got{{Name: "hello.exe", Type: unpack.TypeFile, Size: 14848, SHA256: helloExe}},
		},
		{
			file: "symlink.7z", meta: meta("2", "true", "false"),
			want: []got{
				{Name: "a.txt", Type: unpack.TypeFile, Size: 6, SHA256: aTxt},
				{Name: "link", Type: unpack.TypeSymlink, Size: 5, Link: "a.txt"},
			},
		},
		{file: "empty.7z", meta: map[string]string{"7z.files": "0"}},
		{
			// Names and sizes are in the clear; the data is not.
			file: "enc.7z", meta: meta("5", "true", "true"),
			want: func() []got {
				w := tree("encrypted")
				w[3].SHA256, w[3].Err = "", "encrypted"
				return w
			}(),
		},
		{file: "enchdr.7z", meta: map[string]string{"7z.encrypted": "true"}, wantErr: unpack.ErrUnsupported},
		{file: "truncated.7z", meta: map[string]string{}, wantErr: unpack.ErrCorrupt},
		{
			// The damage is in the first member of the solid folder; the
			// members without data are still listed.
			file: "corrupt.7z", meta: meta("5", "true", "false"),
			want: func() []got {
				w := tree("distance out of range")
				w[3].SHA256, w[3].Err = "", "distance out of range"
				return w
			}(),
		},
		{file: "crc.7z", want: tree("CRC mismatch"), meta: meta("5", "false", "false")},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := unpacktest.Input(tt.file, fixture(t, tt.file))
			if !sevenzip.New().Match(in) {
				t.Fatal("Match = false")
			}
			g, es, err := collect(t, in)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Unpack error = %v, want %v", err, tt.wantErr)
			}
			// Compare error substrings, then the rest exactly.
			for i := range g {
				if i < len(tt.want) && tt.want[i].Err != "" && strings.Contains(g[i].Err, tt.want[i].Err) {
					g[i].Err = tt.want[i].Err
				}
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			for _, e := range es {
				if e.Err != nil && !errors.Is(e.Err, unpack.ErrCorrupt) && !errors.Is(e.Err, unpack.ErrUnsupported) {
					t.Errorf("%s: error %v wraps neither ErrCorrupt nor ErrUnsupported", e.Name, e.Err)
				}
			}
			if diff := cmp.Diff(tt.meta, in.Meta); diff != "" {
				t.Errorf("Meta (-want +got):\n%s", diff)
			}
		})
	}
}

func TestModTime(t *testing.T) {
	var mt time.Time
	err := sevenzip.New().Unpack(context.Background(), unpacktest.Input("solid.7z", fixture(t, "solid.7z")),
		func(m *unpack.Member) error {
			if m.Name == "a.txt" {
				mt = m.ModTime
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC); !mt.Equal(want) {
		t.Errorf("a.txt ModTime = %v, want %v", mt, want)
	}
}

// TestSolidSkip reads a solid folder the way the engine may: skipping a
// member, or reading only part of one, must not disturb the next.
func TestSolidSkip(t *testing.T) {
	for _, mode := range []string{"skip", "partial", "twice"} {
		t.Run(mode, func(t *testing.T) {
			var bData []byte
			err := sevenzip.New().Unpack(context.Background(), unpacktest.Input("solid.7z", fixture(t, "solid.7z")),
				func(m *unpack.Member) error {
					switch m.Name {
					case "a.txt":
						if mode == "skip" {
							return nil
						}
						for range map[string]int{"partial": 1, "twice": 2}[mode] {
							rc, err := m.Open()
							if err != nil {
								return err
							}
							var b [2]byte
							if _, err := io.ReadFull(rc, b[:]); err != nil {
								return err
							}
							rc.Close()
						}
					case "sub/b.txt":
						rc, err := m.Open()
						if err != nil {
							return err
						}
						defer rc.Close()
						bData, err = io.ReadAll(rc)
						return err
					}
					return nil
				})
			if err != nil {
				t.Fatal(err)
			}
			if sum(bData) != bTxt {
				t.Errorf("sub/b.txt sha256 = %s, want %s", sum(bData), bTxt)
			}
		})
	}
}

// build wraps a raw header (and packed data) in a valid signature header.
func build(hdr, packed []byte) []byte {
	b := make([]byte, 32, 32+len(packed)+len(hdr))
	copy(b, "7z\xbc\xaf\x27\x1c\x00\x04")
	binary.LittleEndian.PutUint64(b[12:], uint64(len(packed)))
	binary.LittleEndian.PutUint64(b[20:], uint64(len(hdr)))
	binary.LittleEndian.PutUint32(b[28:], crc32.ChecksumIEEE(hdr))
	binary.LittleEndian.PutUint32(b[8:], crc32.ChecksumIEEE(b[12:32]))
	return append(append(b, packed...), hdr...)
}

func cat(parts ...string) []byte { return []byte(strings.Join(parts, "")) }

// Pieces of a hand-made header for one stored file "a" holding "hello".
const (
	packInfo   = "\x06\x00\x01\x09\x05\x00"                 // pos 0, 1 stream of 5 bytes
	copyFolder = "\x07\x0b\x01\x00\x01\x01\x00\x0c\x05\x00" // 1 folder: Copy, unpacks to 5
	subStreams = "\x08\x00"                                 // one stream per folder
	filesA     = "\x05\x01\x11\x05\x00a\x00\x00\x00\x00"
	ffff       = "\xf0\xff\xff\xff\xff" // 7z number 0xFFFFFFFF
)

func TestHandMade(t *testing.T) {
	b := build(cat("\x01\x04", packInfo, copyFolder, subStreams, "\x00", filesA, "\x00"), []byte("hello"))
	g, _, err := collect(t, unpacktest.Input("hand.7z", b))
	if err != nil {
		t.Fatal(err)
	}
	want := []got{{Name: "a", Type: unpack.TypeFile, Size: 5, SHA256: sum([]byte("hello"))}}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
}

// TestHostile feeds headers that make github.com/bodgit/sevenzip allocate
// gigabytes, loop for billions of rounds or index out of range. Each must
// end quickly in an error (for the whole archive, or for the member).
func TestHostile(t *testing.T) {
	exceeded := errors.New("limits.Exceeded")
	tests := []struct {
		name      string
		data      []byte
		wantErr   error // from Unpack
		memberErr error // from the one member's Open, when Unpack succeeds
	}{
		{
			name:    "4G files",
			data:    build(cat("\x01\x05", ffff, "\x00\x00"), nil),
			wantErr: exceeded,
		},
		{
			name:    "50k files in a 10-byte header",
			data:    build(cat("\x01\x05\x80\xc3\x50\x00\x00"), nil),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "4G pack streams with all CRCs defined",
			data:    build(cat("\x01\x04\x06\x00", ffff, "\x0a\x01\x00\x00\x00"), nil),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "4 GiB of coder properties",
			data:    build(cat("\x01\x04\x07\x0b\x01\x00\x01\x23\x03\x01\x01", ffff, "\x00"), nil),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "coder with 4G input streams",
			data:    build(cat("\x01\x04\x07\x0b\x01\x00\x01\x11\x00", ffff, "\x01\x00"), nil),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name: "stream counts that overflow",
			data: build(cat("\x01\x04", packInfo, "\x07\x0b\x02\x00\x01\x01\x00\x01\x01\x00\x0c\x05\x05\x00",
				"\x08\x0d\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02\x00\x00", filesA, "\x00"), []byte("hello")),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name: "two streams in a folder and no sizes",
			data: build(cat("\x01\x04", packInfo, copyFolder, "\x08\x0d\x02\x00\x00",
				"\x05\x02\x11\x09\x00a\x00\x00\x00b\x00\x00\x00\x00\x00"), []byte("hello")),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "a file with data and no streams",
			data:    build(cat("\x01", filesA, "\x00"), nil),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:      "no pack info",
			data:      build(cat("\x01\x04", copyFolder, subStreams, "\x00", filesA, "\x00"), []byte("hello")),
			memberErr: unpack.ErrCorrupt,
		},
		{
			name:      "packed data beyond the archive",
			data:      build(cat("\x01\x04\x06\x00\x01\x09\x85\x00\x00", copyFolder, subStreams, "\x00", filesA, "\x00"), []byte("hello")),
			memberErr: unpack.ErrCorrupt,
		},
		{
			name: "bind pair out of range",
			data: build(cat("\x01\x04\x06\x00\x02\x09\x03\x02\x00",
				"\x07\x0b\x01\x00\x02\x01\x00\x01\x00\x05\x07\x0c\x05\x05\x00", subStreams, "\x00", filesA, "\x00"), []byte("hello")),
			memberErr: unpack.ErrCorrupt,
		},
		{
			name: "4 GiB LZMA window",
			data: build(cat("\x01\x04", packInfo, "\x07\x0b\x01\x00\x01\x23\x03\x01\x01\x05\x5d\xff\xff\xff\xff",
				"\x0c", ffff, "\x00", subStreams, "\x00", filesA, "\x00"), []byte("hello")),
			memberErr: unpack.ErrUnsupported,
		},
		{
			name: "unknown method",
			data: build(cat("\x01\x04", packInfo, "\x07\x0b\x01\x00\x01\x03\x01\x02\x03\x0c\x05\x00",
				subStreams, "\x00", filesA, "\x00"), []byte("hello")),
			memberErr: unpack.ErrUnsupported,
		},
		{
			name:    "encoded header that claims 1 GiB",
			data:    build(cat("\x17", packInfo, "\x07\x0b\x01\x00\x01\x01\x00\x0c\xf0\x00\x00\x00\x40\x00", "\x00"), []byte("hello")),
			wantErr: unpack.ErrUnsupported,
		},
		{
			name:    "encoded header in two folders",
			data:    build(cat("\x17", packInfo, "\x07\x0b\x02\x00\x01\x01\x00\x01\x01\x00\x0c\x05\x05\x00", "\x00"), []byte("hello")),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "header beyond the end",
			data:    build(cat("\x01\x00"), nil)[:33],
			wantErr: unpack.ErrCorrupt,
		},
		{
			name: "start header checksum",
			data: func() []byte {
				b := build(cat("\x01\x00"), nil)
				b[9] ^= 1
				return b
			}(),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "archive properties",
			data:    build(cat("\x01\x02\x00\x00"), nil),
			wantErr: unpack.ErrUnsupported,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := unpacktest.Input(tt.name, tt.data)
			start := time.Now()
			_, es, err := collect(t, in)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			switch {
			case tt.wantErr == exceeded:
				var ex *limits.Exceeded
				if !errors.As(err, &ex) || ex.Limit != "max-members" {
					t.Fatalf("Unpack error = %v, want a max-members *limits.Exceeded", err)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Unpack error = %v, want %v", err, tt.wantErr)
				}
			default:
				if err != nil {
					t.Fatalf("Unpack error = %v", err)
				}
				if len(es) != 1 || !errors.Is(es[0].Err, tt.memberErr) {
					t.Fatalf("members = %+v, want one failing with %v", es, tt.memberErr)
				}
			}
		})
	}
}

func TestMatch(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("7z"), []byte("PK\x03\x04"), []byte("7z\xbc\xaf\x27\x1d")} {
		if sevenzip.New().Match(unpacktest.Input("x", b)) {
			t.Errorf("Match(%q) = true", b)
		}
	}
	if !sevenzip.New().Match(unpacktest.Input("x", bytes.Clone(fixture(t, "empty.7z")))) {
		t.Error("Match(empty.7z) = false")
	}
}

// TestSkipBudget: reaching a member of a solid folder means decoding the
// members before it. When the engine skipped a 70 MiB member of an 11 KB
// archive, that decoding is over the budget and the next member fails
// (ErrUnsupported) instead of silently expanding a bomb; when the engine
// read it, nothing needs skipping.
func TestSkipBudget(t *testing.T) {
	data := fixture(t, "bomb.7z")
	for _, readFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("readFirst=%v", readFirst), func(t *testing.T) {
			var firstLen int64
			var second []byte
			var secondErr error
			err := sevenzip.New().Unpack(context.Background(), unpacktest.Input("bomb.7z", data), func(m *unpack.Member) error {
				if m.Name == "a.bin" && !readFirst {
					return nil
				}
				rc, err := m.Open()
				if err != nil {
					secondErr = err
					return nil
				}
				defer rc.Close()
				if m.Name == "a.bin" {
					firstLen, err = io.Copy(io.Discard, rc)
					return err
				}
				second, secondErr = io.ReadAll(rc)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if readFirst {
				if firstLen != 70<<20 || secondErr != nil || string(second) != "after\n" {
					t.Errorf("a.bin %d bytes, b.txt %q, %v; want 70 MiB, \"after\\n\", nil", firstLen, second, secondErr)
				}
			} else if !errors.Is(secondErr, unpack.ErrUnsupported) || !strings.Contains(secondErr.Error(), "solid block") {
				t.Errorf("b.txt after skipping a.bin: error %v, want the skip budget (ErrUnsupported)", secondErr)
			}
		})
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := sevenzip.New().Unpack(ctx, unpacktest.Input("solid.7z", fixture(t, "solid.7z")), func(*unpack.Member) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Unpack error = %v, want context.Canceled", err)
	}
}
