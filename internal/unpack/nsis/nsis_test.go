package nsis_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/nsis"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// names are the members every fixture has, in container order.
var names = []string{
	"[NSIS].nsi-header.bin",
	"$INSTDIR/hello.txt",
	"$INSTDIR/sub/copy.txt", // same bytes as hello.txt: one shared data block
	"$INSTDIR/tiny.exe",
	"$INSTDIR/sub/data.bin",
	"$PLUGINSDIR/helper.txt",
	"[NSIS].uninstaller-icons.bin",
	"$INSTDIR/uninstall.exe",
}

// sources maps members to the files makensis packed.
var sources = map[string]string{
	"$INSTDIR/hello.txt":     "src/hello.txt",
	"$INSTDIR/sub/copy.txt":  "src/hello.txt",
	"$INSTDIR/tiny.exe":      "src/tiny.exe",
	"$INSTDIR/sub/data.bin":  "src/sub/data.bin",
	"$PLUGINSDIR/helper.txt": "src/helper.txt",
}

func memberNames(es []unpacktest.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

func TestUnpack(t *testing.T) {
	tests := []struct {
		file string
		meta map[string]string
		// offsets of the named data blocks (solid items are stored,
		// so they sit further apart)
		offsets []string
	}{
		{"zlib.exe", meta("zlib", "false", "false"), []string{"0", "0", "38", "339", "371", "411", "695"}},
		{"zlib-solid.exe", meta("zlib", "true", "true"), solidOffsets},
		{"zlib-amd64.exe", meta("zlib", "false", "true"), []string{"0", "0", "38", "339", "371", "411", "695"}},
		{"bzip2.exe", meta("bzip2", "false", "true"), []string{"0", "0", "38", "375", "410", "450", "776"}},
		{"bzip2-solid.exe", meta("bzip2", "true", "false"), solidOffsets},
		{"lzma.exe", meta("lzma", "false", "true"), []string{"0", "0", "38", "326", "368", "408", "687"}},
		{"lzma-solid.exe", meta("lzma", "true", "true"), solidOffsets},
		{"lzma-solid-ansi.exe", meta("lzma", "true", "false"), solidOffsets},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b := readFile(t, tt.file)
			in := unpacktest.Input(tt.file, b)
			if !nsis.New().Match(in) {
				t.Fatal("Match = false")
			}
			es, err := unpacktest.Collect(nsis.New(), in)
			if err != nil {
				t.Fatalf("Unpack: %v", err)
			}
			if diff := cmp.Diff(names, memberNames(es)); diff != "" {
				t.Fatalf("names (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.meta, in.Meta); diff != "" {
				t.Errorf("container meta (-want +got):\n%s", diff)
			}
			var offs []string
			for _, e := range es {
				if e.Err != nil {
					t.Errorf("%s: %v", e.Name, e.Err)
				}
				if e.Type != unpack.TypeFile {
					t.Errorf("%s: type %v", e.Name, e.Type)
				}
				if e.Size >= 0 && e.Size != int64(len(e.Data)) {
					t.Errorf("%s: Size %d, read %d bytes", e.Name, e.Size, len(e.Data))
				}
				if o, ok := e.Meta["nsis.offset"]; ok {
					offs = append(offs, o)
				}
				if src, ok := sources[e.Name]; ok {
					if want := readFile(t, src); !bytes.Equal(e.Data, want) {
						t.Errorf("%s: content differs from %s (%d vs %d bytes)", e.Name, src, len(e.Data), len(want))
					}
				}
			}
			if diff := cmp.Diff(tt.offsets, offs); diff != "" {
				t.Errorf("data offsets (-want +got):\n%s", diff)
			}
			checkHeader(t, es[0], tt.meta["nsis.unicode"] == "true")
			checkUninstaller(t, b, es[len(es)-1])
		})
	}
}

var solidOffsets = []string{"0", "0", "38", "3626", "6635", "6675", "7463"}

func meta(comp, solid, unicode string) map[string]string {
	return map[string]string{
		"nsis.compression":  comp,
		"nsis.solid":        solid,
		"nsis.unicode":      unicode,
		"nsis.version_hint": "3",
		"nsis.files":        "5",
		"nsis.crc":          "ok",
	}
}

// checkHeader looks for the installer's strings in the decompressed header.
func checkHeader(t *testing.T, e unpacktest.Entry, unicode bool) {
	t.Helper()
	want := []byte("VouchFixture")
	if unicode {
		want = utf16le("VouchFixture")
	}
	if e.Size != int64(len(e.Data)) || !bytes.Contains(e.Data, want) {
		t.Errorf("header member (%d bytes) lacks the install dir string", len(e.Data))
	}
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

// checkUninstaller unpacks the rebuilt uninstaller: it must be the stub of
// the installer followed by an NSIS uninstaller whose CRC (which covers the
// stub with its icons patched in) holds.
func checkUninstaller(t *testing.T, installer []byte, e unpacktest.Entry) {
	t.Helper()
	if e.Meta["nsis.part"] != "uninstaller" || e.Size != int64(len(e.Data)) {
		t.Fatalf("uninstaller member: meta %v, size %d, %d bytes", e.Meta, e.Size, len(e.Data))
	}
	fh := bytes.Index(installer, []byte("\xef\xbe\xad\xdeNullsoftInst")) - 4
	if fh <= 0 || !bytes.Equal(e.Data[:512], installer[:512]) {
		t.Fatal("uninstaller does not start with the installer's stub")
	}
	in := unpacktest.Input("uninstall.exe", e.Data)
	if !nsis.New().Match(in) {
		t.Fatal("rebuilt uninstaller is not matched")
	}
	es, err := unpacktest.Collect(nsis.New(), in)
	if err != nil {
		t.Fatalf("unpack rebuilt uninstaller: %v", err)
	}
	if diff := cmp.Diff([]string{"[NSIS].nsi-header.bin"}, memberNames(es)); diff != "" {
		t.Errorf("uninstaller members (-want +got):\n%s", diff)
	}
	if in.Meta["nsis.uninstaller"] != "true" || in.Meta["nsis.crc"] != "ok" {
		t.Errorf("uninstaller meta %v, want nsis.uninstaller=true and nsis.crc=ok", in.Meta)
	}
}

func TestModTime(t *testing.T) {
	in := unpacktest.Input("zlib.exe", readFile(t, "zlib.exe"))
	var got []time.Time
	err := nsis.New().Unpack(t.Context(), in, func(m *unpack.Member) error {
		if _, ok := sources[m.Name]; ok {
			got = append(got, m.ModTime)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := time.Unix(1700000000, 0).UTC() // gen.sh's touch -d
	if len(got) != len(sources) {
		t.Fatalf("%d files, want %d", len(got), len(sources))
	}
	for _, g := range got {
		if !g.Equal(want) {
			t.Errorf("ModTime %v, want %v", g, want)
		}
	}
}

func TestTruncated(t *testing.T) {
	// The committed fixture is cut inside the solid stream.
	b := readFile(t, "lzma-solid-truncated.exe")
	in := unpacktest.Input("lzma-solid-truncated.exe", b)
	if !nsis.New().Match(in) {
		t.Fatal("Match = false")
	}
	es, err := unpacktest.Collect(nsis.New(), in)
	if !errors.Is(err, unpack.ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	if len(es) < 6 {
		t.Fatalf("%d members before the cut, want at least 6: %v", len(es), memberNames(es))
	}
	if diff := cmp.Diff(names[:6], memberNames(es)[:6]); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	for _, e := range es[1:6] {
		if want := readFile(t, sources[e.Name]); e.Err != nil || !bytes.Equal(e.Data, want) {
			t.Errorf("%s: err %v, content ok %v", e.Name, e.Err, bytes.Equal(e.Data, want))
		}
	}
	if last := es[len(es)-1]; last.Name != "$INSTDIR/uninstall.exe" || !errors.Is(last.Err, unpack.ErrCorrupt) {
		t.Errorf("last member %q: err %v, want the cut uninstaller failing with ErrCorrupt", last.Name, last.Err)
	}
	if in.Meta["nsis.crc"] != "bad" {
		t.Errorf("nsis.crc = %q, want bad", in.Meta["nsis.crc"])
	}

	// Every fixture cut anywhere fails cleanly.
	for _, f := range []string{"zlib.exe", "zlib-solid.exe", "bzip2.exe", "bzip2-solid.exe", "lzma.exe", "zlib-amd64.exe"} {
		b := readFile(t, f)
		fh := bytes.Index(b, []byte("NullsoftInst")) - 8
		for _, cut := range []int{fh + 20, fh + 28, fh + 40, fh + 300, fh + 1000, len(b) - 700, len(b) - 100, len(b) - 1} {
			in := unpacktest.Input(f, b[:cut])
			_, err := unpacktest.Collect(nsis.New(), in)
			if nsis.New().Match(in) && !errors.Is(err, unpack.ErrCorrupt) {
				t.Errorf("%s cut at %d: err = %v, want ErrCorrupt", f, cut, err)
			}
		}
	}
}

// TestUnreadableHeader damages the compressed header of a non-solid
// installer: the data blocks must still all come out, unnamed.
func TestUnreadableHeader(t *testing.T) {
	b := bytes.Clone(readFile(t, "zlib.exe"))
	fh := bytes.Index(b, []byte("NullsoftInst")) - 8
	for i := fh + 32; i < fh+32+40; i++ {
		b[i] = 0xff
	}
	in := unpacktest.Input("zlib.exe", b)
	es, err := unpacktest.Collect(nsis.New(), in)
	if !errors.Is(err, unpack.ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	want := []string{"[data]/0", "[data]/38", "[data]/339", "[data]/371", "[data]/411", "[data]/695"}
	if diff := cmp.Diff(want, memberNames(es)); diff != "" {
		t.Fatalf("names (-want +got):\n%s", diff)
	}
	if !bytes.Equal(es[0].Data, readFile(t, "src/hello.txt")) || !bytes.Equal(es[1].Data, readFile(t, "src/tiny.exe")) {
		t.Error("unnamed blocks do not hold the packed files")
	}
	if in.Meta["nsis.crc"] != "bad" {
		t.Errorf("nsis.crc = %q, want bad", in.Meta["nsis.crc"])
	}
}

// TestNSIS2Strings rebuilds the ANSI zlib fixture the way NSIS 2 stores
// it: string codes 252..255 instead of 1..4, and, as small NSIS 2 installers
// often have, the header stored uncompressed (so the method of each data
// block has to be told from its own bytes). No CRC.
func TestNSIS2Strings(t *testing.T) {
	orig := readFile(t, "zlib.exe")
	es, err := unpacktest.Collect(nsis.New(), unpacktest.Input("zlib.exe", orig))
	if err != nil {
		t.Fatal(err)
	}
	h := bytes.Clone(es[0].Data)
	strOff := binary.LittleEndian.Uint32(h[4+8*3:])
	strEnd := binary.LittleEndian.Uint32(h[4+8*4:])
	for i := strOff; i < strEnd; i++ {
		switch c := h[i]; c {
		case 1, 2, 3: // lang, shell, var: two data bytes follow
			h[i] = map[byte]byte{1: 255, 2: 254, 3: 253}[c]
			i += 2
		case 4:
			h[i] = 252
			i++
		}
	}
	fh := bytes.Index(orig, []byte("NullsoftInst")) - 8
	hdrBlock := int(binary.LittleEndian.Uint32(orig[fh+28:]) &^ 0x80000000)
	crcLen := 4
	data := orig[fh+28+4+hdrBlock : len(orig)-crcLen]

	var arc bytes.Buffer
	arc.Write(orig[:fh])
	var first [28]byte
	binary.LittleEndian.PutUint32(first[0:], 4) // FH_FLAGS_NO_CRC
	copy(first[4:], "\xef\xbe\xad\xdeNullsoftInst")
	binary.LittleEndian.PutUint32(first[20:], uint32(len(h)))
	binary.LittleEndian.PutUint32(first[24:], uint32(28+4+len(h)+len(data)))
	arc.Write(first[:])
	binary.Write(&arc, binary.LittleEndian, uint32(len(h)))
	arc.Write(h)
	arc.Write(data)

	in := unpacktest.Input("nsis2.exe", arc.Bytes())
	got, err := unpacktest.Collect(nsis.New(), in)
	if err != nil {
		t.Fatalf("Unpack: %v", err)
	}
	if diff := cmp.Diff(names, memberNames(got)); diff != "" {
		t.Fatalf("names (-want +got):\n%s", diff)
	}
	want := map[string]string{
		"nsis.compression": "none", "nsis.solid": "false", "nsis.unicode": "false",
		"nsis.version_hint": "2", "nsis.files": "5", "nsis.crc": "none",
	}
	if diff := cmp.Diff(want, in.Meta); diff != "" {
		t.Errorf("meta (-want +got):\n%s", diff)
	}
	for _, e := range got {
		if src, ok := sources[e.Name]; ok && !bytes.Equal(e.Data, readFile(t, src)) {
			t.Errorf("%s: content differs (err %v)", e.Name, e.Err)
		}
	}
}

// TestMovedFirstHeader puts junk between the stub and the NSIS data, as the
// NSIS stub tolerates (it searches every 512-byte boundary).
func TestMovedFirstHeader(t *testing.T) {
	orig := readFile(t, "lzma.exe")
	fh := bytes.Index(orig, []byte("NullsoftInst")) - 8
	b := append(append(bytes.Clone(orig[:fh]), bytes.Repeat([]byte{0xcc}, 1024)...), orig[fh:]...)
	in := unpacktest.Input("moved.exe", b)
	if !nsis.New().Match(in) {
		t.Fatal("Match = false")
	}
	es, err := unpacktest.Collect(nsis.New(), in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names, memberNames(es)); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if in.Meta["nsis.crc"] != "bad" { // the CRC covers the stub too
		t.Errorf("nsis.crc = %q, want bad", in.Meta["nsis.crc"])
	}
}

// TestDecoyFirstHeader hides an installer's data inside the stub, where
// the stub's own search (from offset 0) finds it first, and leaves another
// installer's data after the sections, where makensis would put it. The
// unpacker must read what the stub would run.
func TestDecoyFirstHeader(t *testing.T) {
	base := bytes.Clone(readFile(t, "zlib.exe")) // its data is the decoy
	hidden := readFile(t, "lzma.exe")
	fh := bytes.Index(hidden, []byte("NullsoftInst")) - 8
	copy(base[4096:], hidden[fh:])
	in := unpacktest.Input("decoy.exe", base)
	es, err := unpacktest.Collect(nsis.New(), in)
	if err != nil {
		t.Fatal(err)
	}
	if in.Meta["nsis.compression"] != "lzma" {
		t.Errorf("read the %s data after the sections, want the lzma data inside the stub", in.Meta["nsis.compression"])
	}
	if diff := cmp.Diff(names, memberNames(es)); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

func TestMatch(t *testing.T) {
	lz := readFile(t, "lzma.exe")
	fh := bytes.Index(lz, []byte("NullsoftInst")) - 8
	unaligned := append(append(bytes.Clone(lz[:fh]), make([]byte, 100)...), lz[fh:]...)
	notPE := bytes.Clone(lz)
	notPE[0] = 'X'
	tests := []struct {
		name string
		b    []byte
		want bool
	}{
		{"installer", lz, true},
		{"plain PE", readFile(t, "src/tiny.exe"), false},
		{"firstheader off the 512-byte grid", unaligned, false},
		{"no MZ", notPE, false},
		{"short", []byte("MZ"), false},
		{"text", readFile(t, "src/hello.txt"), false},
	}
	for _, tt := range tests {
		if got := nsis.New().Match(unpacktest.Input(tt.name, tt.b)); got != tt.want {
			t.Errorf("%s: Match = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMaxMembers(t *testing.T) {
	in := unpacktest.Input("zlib.exe", readFile(t, "zlib.exe"))
	in.MaxMembers = 3
	es, err := unpacktest.Collect(nsis.New(), in)
	var ex *limits.Exceeded
	if !errors.As(err, &ex) || ex.Limit != "max-members" {
		t.Fatalf("err = %v, want max-members exceeded", err)
	}
	if len(es) != 3 {
		t.Errorf("%d members, want 3", len(es))
	}
}

// TestLyingLengths makes the firstheader and the first data block lie.
func TestLyingLengths(t *testing.T) {
	orig := readFile(t, "zlib.exe")
	fh := bytes.Index(orig, []byte("NullsoftInst")) - 8
	hdrBlock := int(binary.LittleEndian.Uint32(orig[fh+28:]) &^ 0x80000000)
	set := func(off int, v uint32) []byte {
		b := bytes.Clone(orig)
		binary.LittleEndian.PutUint32(b[off:], v)
		return b
	}
	tests := []struct {
		name string
		b    []byte
		err  error
	}{
		{"header length 0", set(fh+20, 0), unpack.ErrCorrupt},
		{"header length 1 GiB", set(fh+20, 1<<30), unpack.ErrUnsupported},
		{"archive length past the file", set(fh+24, 0x7fffffff), unpack.ErrCorrupt},
		{"header block past the data", set(fh+28, 0x80000000|0x7fffff00), unpack.ErrCorrupt},
		{"first data block past the data", set(fh+28+4+hdrBlock, 0x7fffff00), unpack.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := unpacktest.Collect(nsis.New(), unpacktest.Input(tt.name, tt.b))
			if !errors.Is(err, tt.err) {
				t.Errorf("err = %v, want %v", err, tt.err)
			}
		})
	}
}
