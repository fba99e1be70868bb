package cab_test

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/cab"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

// got is what a test compares for one member.
type got struct {
	Name   string
	Size   int64
	SHA256 string // of the bytes read, "" when Open failed
	Err    string // substring of the Open/read error
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func numbers(n int) []byte {
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		b.WriteString(strconv.Itoa(i))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func collect(t *testing.T, b []byte) ([]got, map[string]string, error) {
	t.Helper()
	in := unpacktest.Input("test.cab", b)
	es, err := unpacktest.Collect(cab.New(), in)
	var out []got
	for _, e := range es {
		g := got{Name: e.Name, Size: e.Size}
		if e.Type != unpack.TypeFile {
			t.Errorf("%s: type %v, want file", e.Name, e.Type)
		}
		if e.Err != nil {
			g.Err = e.Err.Error()
		} else {
			g.SHA256 = sum(e.Data)
		}
		out = append(out, g)
	}
	return out, in.Meta, err
}

// errMatches reports whether err's text contains want (when not empty).
func cmpErr(err error, want string) bool {
	if err == nil || want == "" {
		return err == nil && want == ""
	}
	return strings.Contains(err.Error(), want)
}

func TestUnpackFixtures(t *testing.T) {
	hello, inner, cafe := []byte("hello cab\n"), []byte("nested\n"), []byte("café\n")
	nums := numbers(12000)
	mszip := []got{
		{Name: "hello.txt", Size: 10, SHA256: sum(hello)},
		{Name: "sub/inner.txt", Size: 7, SHA256: sum(inner)},
		{Name: "café.txt", Size: 6, SHA256: sum(cafe)},
		{Name: "numbers.txt", Size: int64(len(nums)), SHA256: sum(nums)},
	}
	const lzxErr = "unsupported compression LZX"
	tests := []struct {
		file    string
		want    []got
		meta    map[string]string
		err     error // errors.Is target of Unpack's error
		errText string
	}{
		{
			file: "mszip.cab", want: mszip,
			meta: map[string]string{"cab.files": "4", "cab.folders": "1", "cab.compression": "MSZIP"},
		},
		{
			file: "none.cab", want: mszip[:3],
			meta: map[string]string{"cab.files": "3", "cab.folders": "1", "cab.compression": "none"},
		},
		{
			file: "signed.cab", want: mszip,
			meta: map[string]string{"cab.files": "4", "cab.folders": "1", "cab.compression": "MSZIP", "cab.signed": "true"},
		},
		{
			file: "lzx.cab",
			want: []got{
				{Name: "hello.txt", Size: 10, Err: lzxErr},
				{Name: "sub/inner.txt", Size: 7, Err: lzxErr},
				{Name: "café.txt", Size: 6, Err: lzxErr},
			},
			meta: map[string]string{"cab.files": "3", "cab.folders": "1", "cab.compression": "LZX"},
		},
		{
			file: "badsum.cab",
			want: []got{
				{Name: "hello.txt", Size: 10, Err: "checksum"},
				{Name: "sub/inner.txt", Size: 7, Err: "checksum"},
				{Name: "café.txt", Size: 6, Err: "checksum"},
			},
			meta: map[string]string{"cab.files": "3", "cab.folders": "1", "cab.compression": "none"},
		},
		{
			// Cut in the second block: the small files come from the
			// first block, the numbers fail.
			file: "truncated.cab",
			want: []got{mszip[0], mszip[1], mszip[2], {Name: "numbers.txt", Size: int64(len(nums)), Err: "CFDATA 1"}},
			meta: map[string]string{"cab.files": "4", "cab.folders": "1", "cab.compression": "MSZIP"},
			err:  unpack.ErrCorrupt, errText: "cab truncated",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !cab.New().Match(unpacktest.Input(tt.file, b)) {
				t.Errorf("Match(%s) = false", tt.file)
			}
			es, meta, err := collect(t, b)
			if !errors.Is(err, tt.err) || (tt.err != nil && !strings.Contains(err.Error(), tt.errText)) {
				t.Errorf("Unpack error = %v, want %v (%q)", err, tt.err, tt.errText)
			}
			if diff := cmp.Diff(tt.want, es, cmp.Comparer(func(a, b got) bool {
				return a.Name == b.Name && a.Size == b.Size && a.SHA256 == b.SHA256 &&
					(a.Err == b.Err || a.Err != "" && strings.Contains(b.Err, a.Err) || b.Err != "" && strings.Contains(a.Err, b.Err))
			})); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.meta, meta); diff != "" {
				t.Errorf("meta (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOpenErrorsAreTyped(t *testing.T) {
	b, err := os.ReadFile("testdata/lzx.cab")
	if err != nil {
		t.Fatal(err)
	}
	err = cab.Walk(context.Background(), bytes.NewReader(b), int64(len(b)), func(f *cab.File, open func() (io.ReadCloser, error)) error {
		_, err := open()
		if !errors.Is(err, unpack.ErrUnsupported) || !strings.Contains(err.Error(), "unsupported compression LZX") {
			t.Errorf("%s: Open error = %v, want unsupported compression LZX", f.Name, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	// Quantum, by the same patch.
	b[42] = 2
	es, _, err := collect(t, b)
	if err != nil || len(es) != 3 || !strings.Contains(es[0].Err, "unsupported compression Quantum") {
		t.Errorf("quantum: %v %+v", err, es)
	}
}

func TestIgnoreChecksums(t *testing.T) {
	b, err := os.ReadFile("testdata/badsum.cab")
	if err != nil {
		t.Fatal(err)
	}
	c, err := cab.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	c.IgnoreChecksums = true
	var got []string
	err = c.Walk(context.Background(), func(f *cab.File, open func() (io.ReadCloser, error)) error {
		rc, err := open()
		if err != nil {
			return err
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		got = append(got, string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// gen.sh flipped the "h" of hello.
	if diff := cmp.Diff([]string{"jello cab\n", "nested\n", "café\n"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestModTimeAndMeta(t *testing.T) {
	b, err := os.ReadFile("testdata/none.cab")
	if err != nil {
		t.Fatal(err)
	}
	c, err := cab.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 1, 2, 3, 4, 6, 0, time.UTC)
	if got := c.Files[0].ModTime; !got.Equal(want) {
		t.Errorf("ModTime = %v, want %v", got, want)
	}
	// Bytes appended after the cabinet are reported.
	in := unpacktest.Input("x.cab", append(b, "appended payload"...))
	if _, err := unpacktest.Collect(cab.New(), in); err != nil {
		t.Fatal(err)
	}
	if got := in.Meta["cab.trailing_bytes"]; got != "16" {
		t.Errorf("cab.trailing_bytes = %q, want 16", got)
	}
}

// block is one CFDATA payload and its uncompressed size.
type block struct {
	data   []byte
	uncomp int
}

type folder struct {
	method uint16
	blocks []block
}

type file struct {
	name    string
	size    uint32
	off     uint32
	iFolder uint16
}

// build writes a cabinet by hand, for layouts gcab cannot produce.
func build(flags uint16, prev, next string, folders []folder, files []file) []byte {
	le := binary.LittleEndian
	var names []byte
	if flags&1 != 0 {
		names = append(names, prev+"\x00disk\x00"...)
	}
	if flags&2 != 0 {
		names = append(names, next+"\x00disk\x00"...)
	}
	fileTab := 36 + len(names) + 8*len(folders)
	var ft []byte
	for _, f := range files {
		var h [16]byte
		le.PutUint32(h[0:], f.size)
		le.PutUint32(h[4:], f.off)
		le.PutUint16(h[8:], f.iFolder)
		le.PutUint16(h[10:], 0x5822) // 2024-01-02
		ft = append(append(ft, h[:]...), f.name+"\x00"...)
	}
	dataOff := fileTab + len(ft)
	var fo, data []byte
	for _, f := range folders {
		var h [8]byte
		le.PutUint32(h[0:], uint32(dataOff+len(data)))
		le.PutUint16(h[4:], uint16(len(f.blocks)))
		le.PutUint16(h[6:], f.method)
		fo = append(fo, h[:]...)
		for _, b := range f.blocks {
			var d [8]byte // checksum 0: not checked
			le.PutUint16(d[4:], uint16(len(b.data)))
			le.PutUint16(d[6:], uint16(b.uncomp))
			data = append(append(data, d[:]...), b.data...)
		}
	}
	h := make([]byte, 36)
	copy(h, "MSCF")
	le.PutUint32(h[8:], uint32(dataOff+len(data)))
	le.PutUint32(h[16:], uint32(fileTab))
	h[24], h[25] = 3, 1
	le.PutUint16(h[26:], uint16(len(folders)))
	le.PutUint16(h[28:], uint16(len(files)))
	le.PutUint16(h[30:], flags)
	out := append(h, names...)
	out = append(out, fo...)
	out = append(out, ft...)
	return append(out, data...)
}

// mszip compresses data into MSZIP blocks, each deflated with the previous
// 32 KiB as its dictionary, as Microsoft's encoder does.
func mszip(t *testing.T, data []byte) []block {
	t.Helper()
	var out []block
	var window []byte
	for len(data) > 0 {
		n := min(len(data), 32<<10)
		var buf bytes.Buffer
		buf.WriteString("CK")
		w, err := flate.NewWriterDict(&buf, flate.BestCompression, window)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data[:n])
		w.Close()
		out = append(out, block{buf.Bytes(), n})
		window = append(window, data[:n]...)
		if len(window) > 32<<10 {
			window = window[len(window)-32<<10:]
		}
		data = data[n:]
	}
	return out
}

func stored(data []byte) []block {
	var out []block
	for len(data) > 0 {
		n := min(len(data), 32<<10)
		out = append(out, block{data[:n], n})
		data = data[n:]
	}
	return out
}

func TestMSZIPDictionaryAcrossBlocks(t *testing.T) {
	rnd := make([]byte, 20000)
	rand.New(rand.NewSource(1)).Read(rnd)
	data := bytes.Repeat(rnd, 3) // blocks 2 refer back into block 1
	blocks := mszip(t, data)
	if len(blocks) != 2 || len(blocks[1].data) > 2000 {
		t.Fatalf("fixture does not use the dictionary: %d blocks, second %d bytes", len(blocks), len(blocks[1].data))
	}
	b := build(0, "", "", []folder{{1, blocks}}, []file{
		{"a.bin", 30000, 0, 0},
		{"b.bin", 30000, 30000, 0},
	})
	es, _, err := collect(t, b)
	want := []got{
		{Name: "a.bin", Size: 30000, SHA256: sum(data[:30000])},
		{Name: "b.bin", Size: 30000, SHA256: sum(data[30000:])},
	}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, es); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFolderOrderAndOverlap(t *testing.T) {
	a, bb := numbers(3000), []byte("second folder\n")
	data := append(append([]byte{}, a...), a...)
	b := build(0, "", "", []folder{{1, mszip(t, data)}, {0, stored(bb)}}, []file{
		{"late.txt", uint32(len(a)), uint32(len(a)), 0}, // listed before the earlier bytes
		{"early.txt", uint32(len(a)), 0, 0},
		{"again.txt", uint32(len(a)), 0, 0}, // same bytes as early.txt
		{"other/folder.txt", uint32(len(bb)), 0, 1},
		{"back.txt", 10, 5, 0}, // back to the first folder
	})
	es, meta, err := collect(t, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []got{
		{Name: "late.txt", Size: int64(len(a)), SHA256: sum(a)},
		{Name: "early.txt", Size: int64(len(a)), SHA256: sum(a)},
		{Name: "again.txt", Size: int64(len(a)), SHA256: sum(a)},
		{Name: "other/folder.txt", Size: int64(len(bb)), SHA256: sum(bb)},
		{Name: "back.txt", Size: 10, SHA256: sum(a[5:15])},
	}
	if diff := cmp.Diff(want, es); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if meta["cab.compression"] != "MSZIP,none" || meta["cab.folders"] != "2" {
		t.Errorf("meta = %v", meta)
	}
}

func TestSpannedCabinet(t *testing.T) {
	whole, head := []byte("whole file\n"), []byte("first part")
	b := build(3, "prev.cab", "next.cab", []folder{{0, stored(append(append([]byte{}, whole...), head...))}}, []file{
		{"from-prev.bin", 100, 0, 0xFFFD},
		{"whole.txt", uint32(len(whole)), 0, 0},
		{"to-next.bin", 1000, uint32(len(whole)), 0xFFFE},
	})
	es, meta, err := collect(t, b)
	if err != nil {
		t.Fatal(err)
	}
	want := []got{
		{Name: "from-prev.bin", Size: 100, Err: `continues from previous cabinet "prev.cab"`},
		{Name: "whole.txt", Size: int64(len(whole)), SHA256: sum(whole)},
		{Name: "to-next.bin", Size: 1000, Err: `continues in next cabinet "next.cab"`},
	}
	if diff := cmp.Diff(want, es, cmp.Comparer(func(a, b got) bool {
		return a.Name == b.Name && a.Size == b.Size && a.SHA256 == b.SHA256 &&
			(strings.Contains(a.Err, b.Err) || strings.Contains(b.Err, a.Err))
	})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if meta["cab.prev_cabinet"] != "prev.cab" || meta["cab.next_cabinet"] != "next.cab" {
		t.Errorf("meta = %v", meta)
	}
}

func TestHostileHeaders(t *testing.T) {
	ok := build(0, "", "", []folder{{0, stored([]byte("abc"))}}, []file{{"a", 3, 0, 0}})
	le := binary.LittleEndian
	patch := func(f func(b []byte)) []byte {
		b := append([]byte{}, ok...)
		f(b)
		return b
	}
	tests := []struct {
		name string
		b    []byte
		want string // in Unpack's error, or in the member's error
	}{
		{"short", ok[:20], "cab header"},
		{"folders beyond file", patch(func(b []byte) { le.PutUint16(b[26:], 60000) }), "folder table"},
		{"files beyond file", patch(func(b []byte) { le.PutUint16(b[28:], 60000) }), "cab file 2 of 60000"},
		{"file table offset", patch(func(b []byte) { le.PutUint32(b[16:], 1<<30) }), "file table"},
		{"reserve beyond file", patch(func(b []byte) { le.PutUint16(b[30:], 4); le.PutUint16(b[36:], 65535) }), "reserve"},
		{"data offset", patch(func(b []byte) { le.PutUint32(b[36:], 1<<31) }), "CFDATA 0"},
		{"huge file", patch(func(b []byte) { le.PutUint32(b[44:], 1<<31) }), "beyond folder"},
		{"huge block", patch(func(b []byte) { le.PutUint16(b[len(b)-5:], 65535) }), "expanding"},
		{"bad folder index", patch(func(b []byte) { le.PutUint16(b[52:], 7) }), "folder 7 of 1"},
		{"version", patch(func(b []byte) { b[25] = 2 }), "cab version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, _, err := collect(t, tt.b)
			text := fmt.Sprint(err)
			for _, e := range es {
				text += " " + e.Err
			}
			if !strings.Contains(text, tt.want) {
				t.Errorf("errors %q, want %q", text, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	for _, tt := range []struct {
		head string
		want bool
	}{
		{"MSCF\x00\x00\x00\x00rest", true},
		{"MSCF\x01\x00\x00\x00", false},
		{"ISc(", false},
		{"", false},
	} {
		if got := cab.New().Match(unpacktest.Input("x", []byte(tt.head))); got != tt.want {
			t.Errorf("Match(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}
