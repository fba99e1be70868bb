package pe_test

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/model"
)

// image builds a PE32+ file by hand: headers, then each section's raw data
// at 512-byte aligned offsets. Hostile layouts are easier to state this way
// than to coax out of a linker.
type image struct {
	sections []sec
	dirs     map[int][2]uint32 // index → RVA, size
	nsect    int               // overrides the section count when non-zero
	symPtr   uint32
	nsyms    uint32
	tail     []byte
}

type sec struct {
	name    string
	va      uint32
	data    []byte
	chars   uint32
	rawOff  uint32 // overrides the computed offset when non-zero
	rawSize uint32 // overrides len(data) when non-zero
}

const (
	imgBase = 0x140000000
	rwData  = 0xC0000040 // initialized data, read, write
)

func (m image) bytes() []byte {
	le := binary.LittleEndian
	const peOff, optSize = 0x40, 240
	hdrEnd := peOff + 24 + optSize + 40*len(m.sections)
	off := uint32((hdrEnd + 0x1ff) &^ 0x1ff)
	b := make([]byte, off)
	copy(b, "MZ")
	le.PutUint32(b[0x3c:], peOff)
	copy(b[peOff:], "PE\x00\x00")
	n := len(m.sections)
	if m.nsect != 0 {
		n = m.nsect
	}
	le.PutUint16(b[peOff+4:], 0x8664)
	le.PutUint16(b[peOff+6:], uint16(n))
	le.PutUint32(b[peOff+12:], m.symPtr)
	le.PutUint32(b[peOff+16:], m.nsyms)
	le.PutUint16(b[peOff+20:], optSize)
	le.PutUint16(b[peOff+22:], 0x22)
	opt := b[peOff+24:]
	le.PutUint16(opt, 0x20b)
	le.PutUint32(opt[16:], 0x1000) // entry
	le.PutUint64(opt[24:], imgBase)
	le.PutUint32(opt[32:], 0x1000) // section alignment
	le.PutUint32(opt[36:], 0x200)  // file alignment
	le.PutUint32(opt[60:], off)    // size of headers
	le.PutUint16(opt[68:], 3)
	le.PutUint32(opt[108:], 16)
	for i, d := range m.dirs {
		le.PutUint32(opt[112+8*i:], d[0])
		le.PutUint32(opt[112+8*i+4:], d[1])
	}
	var raw []byte
	for i, s := range m.sections {
		h := b[peOff+24+optSize+40*i:]
		copy(h, s.name)
		size := uint32((len(s.data) + 0x1ff) &^ 0x1ff)
		le.PutUint32(h[8:], uint32(len(s.data)))
		le.PutUint32(h[12:], s.va)
		rawOff, rawSize := off+uint32(len(raw)), size
		if s.rawOff != 0 {
			rawOff = s.rawOff
		}
		if s.rawSize != 0 {
			rawSize = s.rawSize
		}
		le.PutUint32(h[16:], rawSize)
		le.PutUint32(h[20:], rawOff)
		chars := s.chars
		if chars == 0 {
			chars = rwData
		}
		le.PutUint32(h[36:], chars)
		raw = append(raw, s.data...)
		raw = append(raw, make([]byte, int(size)-len(s.data))...)
	}
	return append(append(b, raw...), m.tail...)
}

// put writes little-endian values into b at off.
func put(b []byte, off int, vals ...any) {
	for _, v := range vals {
		n, _ := binary.Encode(b[off:], binary.LittleEndian, v)
		off += n
	}
}

// run analyses the image and fails if it took more than a second: every
// case here would take minutes or gigabytes if a count were trusted.
func run(t *testing.T, m image) (*model.PEFacts, error) {
	t.Helper()
	b := m.bytes()
	start := time.Now()
	got, err := analyzeBytes(t, b)
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
	if got == nil {
		t.Fatalf("no facts (error %v)", err)
	}
	return got, err
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("error = %v, want it to mention %q", err, p)
		}
	}
}

// resDir writes a resource directory at off with entries (id, target).
func resDir(b []byte, off int, entries [][2]uint32) {
	put(b, off+14, uint16(len(entries)))
	for i, e := range entries {
		put(b, off+16+8*i, e[0], e[1])
	}
}

// TestResourceDAG: 1000 types sharing one directory of 1000 names sharing
// one directory of 1000 languages would be a billion leaves to a walker
// that only refuses a directory that is its own ancestor.
func TestResourceDAG(t *testing.T) {
	data := make([]byte, 0x6000)
	const x, y, leaf = 0x2000, 0x4000, 0x5f00
	var root, mid, low [][2]uint32
	for i := range uint32(1000) {
		root = append(root, [2]uint32{i + 1, 0x80000000 | x})
		mid = append(mid, [2]uint32{i + 1, 0x80000000 | y})
		low = append(low, [2]uint32{i, leaf})
	}
	resDir(data, 0, root)
	resDir(data, x, mid)
	resDir(data, y, low[:1000])
	put(data, leaf, uint32(0x1000), uint32(4))
	got, err := run(t, image{
		sections: []sec{{name: ".rsrc", va: 0x1000, data: data}},
		dirs:     map[int][2]uint32{2: {0x1000, 0x6000}},
	})
	if diff := cmp.Diff(map[string]int{"RT_CURSOR": 1000}, got.Resources); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	wantErr(t, err, "resource tree: 1998 directories referenced more than once")
}

func TestResourceCycleAndDepth(t *testing.T) {
	data := make([]byte, 0x1000)
	// Root: type 3 points back at the root; type 16 goes four levels down.
	resDir(data, 0, [][2]uint32{{3, 0x80000000}, {16, 0x80000100}})
	resDir(data, 0x100, [][2]uint32{{1, 0x80000200}})
	resDir(data, 0x200, [][2]uint32{{1, 0x80000300}})
	resDir(data, 0x300, [][2]uint32{{1, 0x80000400}})
	got, err := run(t, image{
		sections: []sec{{name: ".rsrc", va: 0x1000, data: data}},
		dirs:     map[int][2]uint32{2: {0x1000, 0x1000}},
	})
	if got.Resources != nil || got.VersionInfo != nil {
		t.Errorf("resources %v, version %v; want none", got.Resources, got.VersionInfo)
	}
	wantErr(t, err, "resource tree deeper than 3 levels at offset 0x300", "1 directories referenced more than once")
}

// TestResourceEntryCap: directories claiming 2×65535 entries each stop at
// the overall entry budget.
func TestResourceEntryCap(t *testing.T) {
	data := make([]byte, 0x100000)
	put(data, 12, uint16(0xffff), uint16(0xffff))
	_, err := run(t, image{
		sections: []sec{{name: ".rsrc", va: 0x1000, data: data}},
		dirs:     map[int][2]uint32{2: {0x1000, 0x100000}},
	})
	wantErr(t, err, "resource tree has more than 65536 entries")
}

// TestImportStorm: thousands of descriptors sharing one huge name table.
func TestImportStorm(t *testing.T) {
	const ndesc, nthunks = 5000, 20000
	const descs, names, thunks = 0, 5000*20 + 20, 0x20000
	data := make([]byte, thunks+8*nthunks+8)
	copy(data[names:], "\x00\x00f\x00evil.dll\x00")
	for i := range ndesc {
		put(data, descs+20*i, uint32(0x1000+thunks), uint32(0), uint32(0), uint32(0x1000+names+4), uint32(0x1000+thunks))
	}
	for i := range nthunks {
		put(data, thunks+8*i, uint64(0x1000+names))
	}
	got, err := run(t, image{
		sections: []sec{{name: ".idata", va: 0x1000, data: data}},
		dirs:     map[int][2]uint32{1: {0x1000, 20}},
	})
	if diff := cmp.Diff([]model.Import{{DLL: "evil.dll", Functions: []string{"f"}}}, got.Imports); diff != "" {
		t.Errorf("imports (-want +got):\n%s", diff)
	}
	wantErr(t, err, `imports from "evil.dll" cut at 16384 functions`, "more than 65536 imported functions",
		"more than 4096 import descriptors")
}

// TestImportOrdinalsAndBadNames covers ordinals, an unreadable name and an
// unterminated descriptor list that runs off the section.
func TestImportOrdinalsAndBadNames(t *testing.T) {
	data := make([]byte, 0x200)
	copy(data[0x100:], "A.DLL\x00\x00\x00\x00\x00Good\x00")
	put(data, 0, uint32(0x1000+0x140), uint32(0), uint32(0), uint32(0x1100), uint32(0x1000+0x140))
	put(data, 0x140, uint64(1)<<63|5, uint64(0x1100+8), uint64(0x7fff0000), uint64(0))
	// The descriptor list is not terminated: the next descriptors are the
	// name bytes, then zeros.
	got, err := run(t, image{
		sections: []sec{{name: ".idata", va: 0x1000, data: data[:0x160]}},
		dirs:     map[int][2]uint32{1: {0x1000, 20}},
	})
	if diff := cmp.Diff([]model.Import{{DLL: "a.dll", Functions: []string{"#5", "Good"}}}, got.Imports); diff != "" {
		t.Errorf("imports (-want +got):\n%s", diff)
	}
	wantErr(t, err, `imports from "a.dll": entry 2: name at RVA 0x7fff0000 is not in the file`)
}

// TestExportLyingCounts: counts of 2^32-1 are capped before anything is
// allocated from them.
func TestExportLyingCounts(t *testing.T) {
	data := make([]byte, 0x200)
	put(data, 16, uint32(1), uint32(0xffffffff), uint32(0xffffffff), uint32(0x1100), uint32(0x1100), uint32(0x1100))
	_, err := run(t, image{
		sections: []sec{{name: ".edata", va: 0x1000, data: data}},
		dirs:     map[int][2]uint32{0: {0x1000, 40}},
	})
	wantErr(t, err, "declares 4294967295 functions; only 65536 read", "export name table: RVA 0x1100 (+262144) is not in the file")
}

// TestTLSUnterminated: a callback array with no zero stops at the cap.
func TestTLSUnterminated(t *testing.T) {
	data := make([]byte, 0x10000)
	put(data, 24, uint64(imgBase+0x1100))
	for i := range 2000 {
		put(data, 0x100+8*i, uint64(imgBase+0x2000+uint64(i)))
	}
	got, err := run(t, image{
		sections: []sec{{name: ".tls", va: 0x1000, data: data}},
		dirs:     map[int][2]uint32{9: {0x1000, 40}},
	})
	if len(got.TLSCallbacks) != 1024 || got.TLSCallbacks[0] != 0x2000 {
		t.Errorf("%d callbacks, first %#x; want 1024 from 0x2000", len(got.TLSCallbacks), got.TLSCallbacks[0])
	}
	wantErr(t, err, "more than 1024 TLS callbacks")
}

// TestOverlappingSections: a thousand sections each declaring the whole
// file are measured within twice the file size.
func TestOverlappingSections(t *testing.T) {
	var secs []sec
	for i := range 1000 {
		secs = append(secs, sec{name: fmt.Sprintf("s%d", i), va: uint32(0x1000 * (i + 1)), data: []byte{1},
			rawOff: 0x200, rawSize: 0x100000})
	}
	m := image{sections: secs, tail: make([]byte, 0x100000)}
	got, err := run(t, m)
	if len(got.Sections) != 1000 {
		t.Errorf("%d sections", len(got.Sections))
	}
	wantErr(t, err, "entropy not measured, sections overlap beyond twice the file size")
}

func TestTooManySections(t *testing.T) {
	_, err := run(t, image{sections: []sec{{name: ".text", va: 0x1000, data: []byte{0xc3}}}, nsect: 0xffff})
	wantErr(t, err, "65535 sections declared, only the first 1024 read", "section table at 0x148 runs past the end of the file")
}

// TestLongSectionNames: "/N" names come from the COFF string table, and
// that table, right after the sections, is not overlay.
func TestLongSectionNames(t *testing.T) {
	m := image{sections: []sec{{name: "/4", va: 0x1000, data: []byte{1, 2, 3}}}}
	b := m.bytes()
	strtab := append([]byte{0, 0, 0, 0}, ".debug_info\x00"...)
	binary.LittleEndian.PutUint32(strtab, uint32(len(strtab)))
	m.symPtr, m.nsyms = uint32(len(b)), 1
	m.tail = append(make([]byte, 18), strtab...)
	got, err := run(t, m)
	if err != nil {
		t.Fatal(err)
	}
	if got.Sections[0].Name != ".debug_info" {
		t.Errorf("name = %q", got.Sections[0].Name)
	}
	if got.Overlay != nil || got.Symbols == nil || got.Symbols.Offset != int64(len(b)) || got.Symbols.Size != 18+16 {
		t.Errorf("overlay %+v, symbols %+v", got.Overlay, got.Symbols)
	}
}

// TestVersionInfoGarbage: a VS_VERSIONINFO whose lengths lie yields what
// can be read and no more.
func TestVersionInfoGarbage(t *testing.T) {
	data := make([]byte, 0x400)
	resDir(data, 0, [][2]uint32{{16, 0x80000100}})
	resDir(data, 0x100, [][2]uint32{{1, 0x80000200}})
	resDir(data, 0x200, [][2]uint32{{0x409, 0x300}})
	put(data, 0x300, uint32(0x1380), uint32(0xffffffff))
	// wLength 0xffff, a key with no NUL up to the end of the section.
	put(data, 0x380, uint16(0xffff), uint16(0xffff), uint16(1))
	for i := 0x386; i < 0x400; i += 2 {
		put(data, i, uint16('A'))
	}
	got, err := run(t, image{
		sections: []sec{{name: ".rsrc", va: 0x1000, data: data}},
		dirs:     map[int][2]uint32{2: {0x1000, 0x400}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"RT_VERSION": 1}, got.Resources); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	if got.VersionInfo != nil {
		t.Errorf("version info = %v", got.VersionInfo)
	}
}

// TestNameBudget: 17000 distinct 500-byte export names are 8.5 MB of
// strings; those past the 8 MiB name budget are dropped.
func TestNameBudget(t *testing.T) {
	const n, nameLen = 17000, 500
	const names, ords, strs = 0x100, 0x100 + 4*n, 0x100 + 6*n
	data := make([]byte, strs+n*(nameLen+1))
	put(data, 16, uint32(1), uint32(0), uint32(n), uint32(0), uint32(0x1000+names), uint32(0x1000+ords))
	for i := range n {
		off := strs + i*(nameLen+1)
		put(data, names+4*i, uint32(0x1000+off))
		put(data, ords+2*i, uint16(i))
		copy(data[off:], fmt.Sprintf("%0*d", nameLen, i))
	}
	got, err := run(t, image{
		sections: []sec{{name: ".edata", va: 0x1000, data: data}},
		dirs:     map[int][2]uint32{0: {0x1000, 40}},
	})
	if want := 8 << 20 / nameLen; len(got.Exports) != want {
		t.Errorf("%d exports kept, want %d", len(got.Exports), want)
	}
	wantErr(t, err, "more than 8388608 bytes of imported and exported names")
}
