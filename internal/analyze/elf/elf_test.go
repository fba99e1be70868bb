package elf_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vouch-sec/vouch/internal/analyze"
	elfa "github.com/vouch-sec/vouch/internal/analyze/elf"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
	unpacklist "github.com/vouch-sec/vouch/internal/unpack/list"
)

const fixtureBuildID = "0123456789abcdef0123456789abcdef01234567"

// run analyses b as an ELF file.
func run(t testing.TB, b []byte) (*model.ELFFacts, error) {
	t.Helper()
	f := &model.File{Path: "x", Kind: "elf", Facts: &model.Facts{}}
	in := &analyze.Input{Path: "x", Kind: "elf", R: bytes.NewReader(b), Size: int64(len(b)), Head: b[:min(len(b), 64<<10)]}
	err := elfa.New().Analyze(context.Background(), in, f)
	if f.Facts.ELF == nil {
		t.Fatalf("no ELF facts (err %v)", err)
	}
	return f.Facts.ELF, err
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var libcStartImports = []string{"_ITM_deregisterTMCloneTable", "_ITM_registerTMCloneTable", "__cxa_finalize", "__gmon_start__"}

func TestFixtures(t *testing.T) {
	pieImports := append(append([]string{}, libcStartImports[:4]...), "__libc_start_main", "cos", "printf")
	tests := []struct {
		file    string
		want    *model.ELFFacts
		wantErr string // substring; "" for none
	}{
		{"pie", &model.ELFFacts{
			Class: "elf64", Machine: "x86_64", Type: "dyn", EntryPoint: 0x690, PIE: true,
			Interpreter: "/lib64/ld-linux-x86-64.so.2", Needed: []string{"libm.so.6", "libc.so.6"},
			Imports: pieImports, InitArray: 1, BuildID: fixtureBuildID,
		}, ""},
		{"libctor.so", &model.ELFFacts{
			Class: "elf64", Machine: "x86_64", Type: "dyn", Needed: []string{"libc.so.6"}, Soname: "libctor.so.1",
			Imports: append(append([]string{}, libcStartImports...), "puts"),
			Exports: []string{"ctor_add", "ctor_hello", "ctor_ran", "ctor_weak"},
			// The constructor and crtbegin's frame_dummy.
			InitArray: 2, BuildID: fixtureBuildID,
		}, ""},
		{"libifunc.so", &model.ELFFacts{
			Class: "elf64", Machine: "x86_64", Type: "dyn", Soname: "libifunc.so.5",
			Imports: libcStartImports, Exports: []string{"lzma_crc64", "lzma_version"},
			InitArray: 2, IFuncs: []string{"local_crc32", "lzma_crc64"}, BuildID: fixtureBuildID,
		}, ""},
		{"ctors.o", &model.ELFFacts{
			Class: "elf64", Machine: "x86_64", Type: "rel",
			// One each of .init_array, .preinit_array and .ctors (the
			// -1/0 sentinels are not entries).
			InitArray: 3,
		}, ""},
		{"lib32.so", &model.ELFFacts{
			Class: "elf32", Machine: "i386", Type: "dyn", Soname: "lib32.so.1",
			Exports: []string{"add32", "value32"}, InitArray: 1, BuildID: fixtureBuildID,
		}, ""},
		{"static", &model.ELFFacts{
			Class: "elf64", Machine: "x86_64", Type: "exec", EntryPoint: 0x40010c, Static: true, BuildID: fixtureBuildID,
		}, ""},
		{"execstack", &model.ELFFacts{
			Class: "elf64", Machine: "x86_64", Type: "exec", EntryPoint: 0x40010c, Static: true, BuildID: fixtureBuildID,
		}, ""},
		{"rwx", &model.ELFFacts{
			Class: "elf64", Machine: "x86_64", Type: "exec", EntryPoint: 0x400144, Static: true, BuildID: fixtureBuildID,
		}, ""},
		{"gobuild", &model.ELFFacts{
			Class: "elf64", Machine: "x86_64", Type: "exec", EntryPoint: 0x401000, Static: true,
			Go: &model.GoBuild{
				Version: "go1.26.8",
				Path:    "example.com/hello",
				Module:  "example.com/hello@v0.0.0-20231114221320-c7a2de37640f",
				Deps:    []string{"example.com/dep@v1.0.0 => ../dep@(devel)"},
				Settings: map[string]string{
					"-buildmode": "exe", "-compiler": "gc", "CGO_ENABLED": "0", "GOAMD64": "v1", "GOARCH": "amd64", "GOOS": "linux",
					"-ldflags":     "-s -w -buildid=vouch-fixture-buildid -X main.version=1.2.3",
					"vcs":          "git",
					"vcs.modified": "false",
					"vcs.revision": "c7a2de37640fbbd0f64c688de30cc6e6d3e860c2",
					"vcs.time":     "2023-11-14T22:13:20Z",
				},
				BuildID: "vouch-fixture-buildid",
			},
		}, ""},
		// Cut at 3000 bytes: the header, program headers, interpreter and
		// build id note are there; the dynamic section and the section
		// headers are not.
		{"truncated", &model.ELFFacts{
			Class: "elf64", Machine: "x86_64", Type: "dyn", EntryPoint: 0x690, PIE: true,
			Interpreter: "/lib64/ld-linux-x86-64.so.2", BuildID: fixtureBuildID,
		}, "section headers: 29 entries at 0x1158: past the end of the file (3000 bytes)"},
		// e_shnum lies (65535): the section headers are unusable, but the
		// loader's view (PT_DYNAMIC, DT_SYMTAB sized by DT_GNU_HASH) still
		// yields the dependencies and imports.
		{"shnum-lie", &model.ELFFacts{
			Class: "elf64", Machine: "x86_64", Type: "dyn", EntryPoint: 0x690, PIE: true,
			Interpreter: "/lib64/ld-linux-x86-64.so.2", Needed: []string{"libm.so.6", "libc.so.6"},
			Imports: pieImports, InitArray: 1, BuildID: fixtureBuildID,
		}, "section headers: 65535 entries at 0x1158: past the end of the file (6296 bytes)"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := run(t, readFixture(t, tc.file))
			if tc.wantErr == "" && err != nil {
				t.Errorf("error: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error %v, want it to contain %q", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(model.ELFFacts{}, "Sections", "Segments")); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSections checks the section list of the PIE: names in order, flags,
// NOBITS sizes and entropy only where there are file bytes.
func TestSections(t *testing.T) {
	got, err := run(t, readFixture(t, "pie"))
	if err != nil {
		t.Fatal(err)
	}
	type sec struct {
		Name  string
		Flags string
	}
	var names []sec
	for _, s := range got.Sections {
		names = append(names, sec{s.Name, s.Flags})
	}
	want := []sec{
		{".interp", "r"}, {".note.gnu.property", "r"}, {".note.gnu.build-id", "r"}, {".note.ABI-tag", "r"},
		{".gnu.hash", "r"}, {".dynsym", "r"}, {".dynstr", "r"}, {".gnu.version", "r"}, {".gnu.version_r", "r"},
		{".rela.dyn", "r"}, {".rela.plt", "r"}, {".init", "rx"}, {".plt", "rx"}, {".plt.got", "rx"}, {".text", "rx"},
		{".fini", "rx"}, {".rodata", "r"}, {".eh_frame_hdr", "r"}, {".eh_frame", "r"}, {".init_array", "rw"},
		{".fini_array", "rw"}, {".dynamic", "rw"}, {".got", "rw"}, {".got.plt", "rw"}, {".data", "rw"},
		{".bss", "rw"}, {".comment", ""}, {".shstrtab", ""},
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	for _, s := range got.Sections {
		switch s.Name {
		case ".bss":
			if diff := cmp.Diff(model.Section{Name: ".bss", Offset: 0x1020, VirtualSize: 8, Flags: "rw"}, s); diff != "" {
				t.Errorf(".bss (-want +got):\n%s", diff)
			}
		case ".text":
			if s.Offset != 0x660 || s.Size != 0x119 || s.Entropy < 4 || s.Entropy > 7 {
				t.Errorf(".text = %+v", s)
			}
		}
	}
}

func TestSegments(t *testing.T) {
	type seg struct {
		Name, Flags string
	}
	segs := func(file string) []seg {
		got, err := run(t, readFixture(t, file))
		if err != nil {
			t.Fatal(err)
		}
		var out []seg
		for _, s := range got.Segments {
			out = append(out, seg{s.Name, s.Flags})
		}
		return out
	}
	tests := []struct {
		file string
		want []seg
	}{
		{"rwx", []seg{{"LOAD", "rx"}, {"LOAD", "rwx"}, {"NOTE", "r"}, {"GNU_STACK", "rw"}}},
		{"execstack", []seg{{"LOAD", "rx"}, {"NOTE", "r"}, {"GNU_STACK", "rwx"}}},
		{"pie", []seg{{"PHDR", "r"}, {"INTERP", "r"}, {"LOAD", "rx"}, {"LOAD", "rw"},
			{"DYNAMIC", "rw"}, {"NOTE", "r"}, {"NOTE", "r"}, {"GNU_PROPERTY", "r"}, {"GNU_EH_FRAME", "r"},
			{"GNU_STACK", "rw"}, {"GNU_RELRO", "r"}}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, segs(tc.file)); diff != "" {
			t.Errorf("%s segments (-want +got):\n%s", tc.file, diff)
		}
	}
}

// elf64 builds a minimal little-endian ELF64 header; the caller appends
// program or section headers and sets their offsets.
func elf64(typ elf.Type, phoff uint64, phnum uint16, shoff uint64, shnum, shstrndx uint16) []byte {
	h := elf.Header64{
		Type: uint16(typ), Machine: uint16(elf.EM_X86_64), Version: 1, Phoff: phoff, Shoff: shoff,
		Ehsize: 64, Phentsize: 56, Phnum: phnum, Shentsize: 64, Shnum: shnum, Shstrndx: shstrndx,
	}
	copy(h.Ident[:], "\x7fELF\x02\x01\x01")
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, h)
	return b.Bytes()
}

func TestMalformed(t *testing.T) {
	le := binary.LittleEndian
	tests := []struct {
		name    string
		b       []byte
		want    *model.ELFFacts
		wantErr string
	}{
		{"not ELF", []byte("MZ\x90\x00 not an ELF file at all"), &model.ELFFacts{}, "not an ELF file"},
		{"bad class", []byte("\x7fELF\x07\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"), &model.ELFFacts{}, "unknown ELF class 7"},
		{"header cut", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00"),
			&model.ELFFacts{Class: "elf64"}, "ELF header: 64 bytes at 0x0: past the end of the file (18 bytes)"},
		{"header only", elf64(elf.ET_EXEC, 0, 0, 0, 0, 0), &model.ELFFacts{Class: "elf64", Machine: "x86_64", Type: "exec", Static: true}, ""},
		{"phnum past EOF", elf64(elf.ET_DYN, 64, 1000, 0, 0, 0),
			&model.ELFFacts{Class: "elf64", Machine: "x86_64", Type: "dyn"}, "program headers: 1000 entries at 0x40"},
		{"shoff past EOF", elf64(elf.ET_DYN, 0, 0, 1<<62, 3, 2),
			&model.ELFFacts{Class: "elf64", Machine: "x86_64", Type: "dyn"}, "section headers: 3 entries at 0x4000000000000000: past the end"},
		{"extended shnum past EOF", func() []byte {
			// e_shnum 0: the count is sh_size of section 0, here 2^40.
			b := elf64(elf.ET_REL, 0, 0, 64, 0, 0)
			s0 := make([]byte, 64)
			le.PutUint64(s0[32:], 1<<40)
			return append(b, s0...)
		}(), &model.ELFFacts{Class: "elf64", Machine: "x86_64", Type: "rel", Truncated: []string{"sections"}},
			"section headers: 1099511627776 entries at 0x40: past the end"},
		{"PN_XNUM from section 0", func() []byte {
			b := elf64(elf.ET_EXEC, 128, 0xffff, 64, 1, 0)
			s0 := make([]byte, 64)
			le.PutUint32(s0[44:], 0xffffffff) // sh_info: real e_phnum
			return append(b, s0...)
		}(), &model.ELFFacts{Class: "elf64", Machine: "x86_64", Type: "exec", Static: true}, "program headers: 4294967295 program headers, more than 65536"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := run(t, tc.b)
			if tc.wantErr == "" && err != nil {
				t.Errorf("error: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error %v, want it to contain %q", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
		})
	}
}

// dynELF builds a minimal dynamic ELF in either class and byte order: one
// LOAD segment over the whole file, PT_INTERP, and PT_DYNAMIC with
// DT_NEEDED, DT_SONAME, DT_RUNPATH, DT_STRTAB and DT_STRSZ. No sections.
func dynELF(is64 bool, bo binary.ByteOrder, machine elf.Machine) []byte {
	const base = 0x10000
	ehsize, phentsize, word := 52, 32, 4
	if is64 {
		ehsize, phentsize, word = 64, 56, 8
	}
	interp := "/lib/ld.so.1\x00"
	strtab := "\x00libc.so.6\x00libbe.so.2\x00$ORIGIN/../lib\x00"
	phoff := ehsize
	interpOff := phoff + 3*phentsize
	strOff := interpOff + len(interp)
	dynOff := (strOff + len(strtab) + 7) &^ 7
	dyn := [][2]uint64{{uint64(elf.DT_NEEDED), 1}, {uint64(elf.DT_SONAME), 11}, {uint64(elf.DT_RUNPATH), 22},
		{uint64(elf.DT_STRTAB), uint64(base + strOff)}, {uint64(elf.DT_STRSZ), uint64(len(strtab))}, {0, 0}}
	size := dynOff + len(dyn)*2*word
	b := make([]byte, size)
	put := func(off int, v uint64, n int) {
		switch n {
		case 2:
			bo.PutUint16(b[off:], uint16(v))
		case 4:
			bo.PutUint32(b[off:], uint32(v))
		case 8:
			bo.PutUint64(b[off:], v)
		}
	}
	copy(b, "\x7fELF")
	b[4], b[5], b[6] = 1, 1, 1
	if is64 {
		b[4] = 2
	}
	if bo == binary.BigEndian {
		b[5] = 2
	}
	put(16, uint64(elf.ET_DYN), 2)
	put(18, uint64(machine), 2)
	put(20, 1, 4)
	o := 0
	if is64 {
		o = 4
	}
	put(28+o, uint64(phoff), word) // e_phoff
	rest := 40 + 3*o
	put(rest, uint64(ehsize), 2)
	put(rest+2, uint64(phentsize), 2)
	put(rest+4, 3, 2)
	progs := [][4]uint64{ // type, offset, filesz, flags
		{uint64(elf.PT_LOAD), 0, uint64(size), uint64(elf.PF_R | elf.PF_W)},
		{uint64(elf.PT_INTERP), uint64(interpOff), uint64(len(interp)), uint64(elf.PF_R)},
		{uint64(elf.PT_DYNAMIC), uint64(dynOff), uint64(len(dyn) * 2 * word), uint64(elf.PF_R | elf.PF_W)},
	}
	for i, g := range progs {
		e := phoff + i*phentsize
		put(e, g[0], 4)
		if is64 {
			put(e+4, g[3], 4)
			put(e+8, g[1], 8)
			put(e+16, base+g[1], 8)
			put(e+32, g[2], 8)
			put(e+40, g[2], 8)
		} else {
			put(e+4, g[1], 4)
			put(e+8, base+g[1], 4)
			put(e+16, g[2], 4)
			put(e+20, g[2], 4)
			put(e+24, g[3], 4)
		}
	}
	copy(b[interpOff:], interp)
	copy(b[strOff:], strtab)
	for i, d := range dyn {
		put(dynOff+i*2*word, d[0], word)
		put(dynOff+i*2*word+word, d[1], word)
	}
	return b
}

// TestByteOrders reads the loader's view of ELF files of every class and
// byte order (the committed fixtures are all little-endian x86).
func TestByteOrders(t *testing.T) {
	tests := []struct {
		is64    bool
		bo      binary.ByteOrder
		machine elf.Machine
		class   string
		want    string
	}{
		{false, binary.BigEndian, elf.EM_MIPS, "elf32", "mips"},
		{false, binary.LittleEndian, elf.EM_MIPS, "elf32", "mipsel"},
		{true, binary.BigEndian, elf.EM_PPC64, "elf64", "ppc64"},
		{true, binary.LittleEndian, elf.EM_PPC64, "elf64", "ppc64le"},
		{true, binary.BigEndian, elf.EM_S390, "elf64", "s390x"},
		{true, binary.LittleEndian, elf.EM_AARCH64, "elf64", "aarch64"},
		{true, binary.LittleEndian, elf.EM_RISCV, "elf64", "riscv64"},
		{false, binary.LittleEndian, elf.EM_ARM, "elf32", "arm"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			got, err := run(t, dynELF(tc.is64, tc.bo, tc.machine))
			if err != nil {
				t.Fatal(err)
			}
			want := &model.ELFFacts{
				Class: tc.class, Machine: tc.want, Type: "dyn", Interpreter: "/lib/ld.so.1",
				Needed: []string{"libc.so.6"}, Soname: "libbe.so.2", RPath: []string{"$ORIGIN/../lib"},
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(model.ELFFacts{}, "Segments")); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOverlappingTables: 20000 symbol tables, note sections and .ctors
// sections all claiming the same 1 MiB must not multiply the work. Past the
// string table budget names are read from the file one by one, and must
// read the same.
func TestOverlappingTables(t *testing.T) {
	const n = 20000
	le := binary.LittleEndian
	name := strings.Repeat("resolve_", 40) // longer than one on-demand read
	region, regionSize := uint64(64), uint64(1<<20)
	strOff := region + regionSize
	// 17 MiB: too large to load, so every name is read from the file.
	strtab := "\x00" + name + "\x00" + strings.Repeat("\x00", 17<<20)
	shoff := strOff + uint64(len(strtab)+7)&^7
	b := elf64(elf.ET_REL, 0, 0, shoff, n, 0)
	b = append(b, make([]byte, shoff-64)...)
	copy(b[strOff:], strtab)
	// The region holds STT_GNU_IFUNC symbols (info 0x1a) with shndx 1 and
	// name offset 1.
	for off := region; off+24 <= strOff; off += 24 {
		le.PutUint32(b[off:], 1)
		b[off+4] = 0x1a
		le.PutUint16(b[off+6:], 1)
	}
	for i := range n {
		sh := make([]byte, 64)
		switch {
		case i == 0:
		case i == 1:
			le.PutUint32(sh[4:], uint32(elf.SHT_STRTAB))
			le.PutUint64(sh[24:], strOff)
			le.PutUint64(sh[32:], uint64(len(strtab)))
		default:
			le.PutUint32(sh[4:], []uint32{uint32(elf.SHT_SYMTAB), uint32(elf.SHT_NOTE), uint32(elf.SHT_PROGBITS)}[i%3])
			le.PutUint64(sh[24:], region)
			le.PutUint64(sh[32:], regionSize)
			le.PutUint32(sh[40:], 1) // sh_link: the string table
		}
		b = append(b, sh...)
	}
	start := time.Now()
	got, err := run(t, b)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
	if !slices.Equal(got.IFuncs, []string{name}) || !slices.Equal(got.Truncated, []string{"entropy", "names", "notes", "sections", "symbols"}) {
		t.Errorf("ifuncs %q truncated %v (err %v)", got.IFuncs, got.Truncated, err)
	}
}

// TestGoWithoutSections: with the section headers gone (sstrip), Go build
// info is still found in the first writable segment, and the Go build ID
// in PT_NOTE.
func TestGoWithoutSections(t *testing.T) {
	b := readFixture(t, "gobuild")
	le := binary.LittleEndian
	le.PutUint64(b[40:], 0) // e_shoff
	le.PutUint16(b[60:], 0) // e_shnum
	le.PutUint16(b[62:], 0) // e_shstrndx
	got, err := run(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Go == nil || got.Go.Version != "go1.26.8" || got.Go.Path != "example.com/hello" || got.Go.BuildID != "vouch-fixture-buildid" || len(got.Sections) != 0 {
		t.Errorf("go %+v, %d sections", got.Go, len(got.Sections))
	}
}

// TestCompressedNameTable is the debug/elf trap: a SHF_COMPRESSED section
// name table that inflates to 256 MiB. elf.NewFile (and so
// debug/buildinfo) would inflate it whole; the analyzer must not.
func TestCompressedNameTable(t *testing.T) {
	if testing.Short() {
		t.Skip("compresses 256 MiB")
	}
	b := readFixture(t, "gobuild")
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	zero := make([]byte, 1<<20)
	for range 256 {
		zw.Write(zero)
	}
	zw.Close()
	ch := elf.Chdr64{Type: uint32(elf.COMPRESS_ZLIB), Size: 256 << 20, Addralign: 1}
	var bomb bytes.Buffer
	binary.Write(&bomb, binary.LittleEndian, ch)
	bomb.Write(z.Bytes())

	le := binary.LittleEndian
	shoff := le.Uint64(b[40:])
	shstrndx := uint64(le.Uint16(b[62:]))
	sh := b[shoff+shstrndx*64:]
	le.PutUint64(sh[8:], uint64(elf.SHF_COMPRESSED))
	le.PutUint64(sh[24:], uint64(len(b)))
	le.PutUint64(sh[32:], uint64(bomb.Len()))
	b = append(b, bomb.Bytes()...)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got, err := run(t, b)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "section name table is SHF_COMPRESSED") {
		t.Errorf("error %v, want the compressed name table reported", err)
	}
	if got.Go != nil {
		t.Errorf("Go build info read through debug/elf despite the compressed name table: %+v", got.Go)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 32<<20 {
		t.Errorf("allocated %d MiB analysing a %d KiB file", d>>20, len(b)>>10)
	}
}

// TestReal checks facts of real releases (skipped when not fetched).
func TestReal(t *testing.T) {
	tests := []struct {
		file, path string
		check      func(t *testing.T, e *model.ELFFacts)
	}{
		{"esbuild-linux-x64-0.28.2.tgz", "esbuild-linux-x64-0.28.2.tgz!/package/bin/esbuild", func(t *testing.T, e *model.ELFFacts) {
			// A static Go binary whose build info blob was stripped: it is
			// recognised as Go by its sections, with no version.
			want := &model.ELFFacts{Class: "elf64", Machine: "x86_64", Type: "exec", EntryPoint: 0x48e840, Static: true, Go: &model.GoBuild{}}
			if diff := cmp.Diff(want, e, cmpopts.IgnoreFields(model.ELFFacts{}, "Sections", "Segments")); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
			if len(e.Sections) != 12 || e.Sections[2].Name != ".gopclntab" {
				t.Errorf("sections %+v", e.Sections)
			}
		}},
		{"liblzma5_5.4.1-1+deb12u1_amd64.deb", "liblzma5_5.4.1-1+deb12u1_amd64.deb!/data.tar.xz!/lib/x86_64-linux-gnu/liblzma.so.5.4.1", func(t *testing.T, e *model.ELFFacts) {
			// Debian's 5.4.1 has no IFUNC (the CLMUL CRC resolvers that
			// the backdoor abused came with 5.5/5.6).
			if e.Soname != "liblzma.so.5" || !cmp.Equal(e.Needed, []string{"libc.so.6"}) || len(e.IFuncs) != 0 ||
				len(e.Exports) != 107 || len(e.Imports) != 34 || e.InitArray != 2 || e.BuildID != "f08160bd59a9d726da9bb8a8b62f23244556e19a" {
				t.Errorf("liblzma: soname %q needed %v ifuncs %v exports %d imports %d init %d build id %s",
					e.Soname, e.Needed, e.IFuncs, len(e.Exports), len(e.Imports), e.InitArray, e.BuildID)
			}
		}},
		{"curl_7.88.1-10+deb12u15_amd64.deb", "curl_7.88.1-10+deb12u15_amd64.deb!/data.tar.xz!/usr/bin/curl", func(t *testing.T, e *model.ELFFacts) {
			if !e.PIE || e.Interpreter != "/lib64/ld-linux-x86-64.so.2" || !cmp.Equal(e.Needed, []string{"libcurl.so.4", "libz.so.1", "libc.so.6"}) ||
				!cmp.Equal(e.Exports, []string{"stderr", "stdin", "stdout"}) || len(e.Imports) != 135 {
				t.Errorf("curl: pie %v interp %q needed %v exports %v imports %d", e.PIE, e.Interpreter, e.Needed, e.Exports, len(e.Imports))
			}
		}},
		{"libssl3_3.0.22-1~deb12u2_amd64.deb", "libssl3_3.0.22-1~deb12u2_amd64.deb!/data.tar.xz!/usr/lib/x86_64-linux-gnu/libssl.so.3", func(t *testing.T, e *model.ELFFacts) {
			if e.Soname != "libssl.so.3" || !cmp.Equal(e.Needed, []string{"libcrypto.so.3", "libc.so.6"}) || len(e.Exports) != 518 || len(e.IFuncs) != 0 {
				t.Errorf("libssl: soname %q needed %v exports %d ifuncs %v", e.Soname, e.Needed, len(e.Exports), e.IFuncs)
			}
		}},
		{"libc6_2.36-9+deb12u14_amd64.deb", "libc6_2.36-9+deb12u14_amd64.deb!/data.tar.xz!/lib/x86_64-linux-gnu/libc.so.6", func(t *testing.T, e *model.ELFFacts) {
			// glibc picks its string functions with IFUNC resolvers.
			has := slices.Contains[[]string]
			if e.Soname != "libc.so.6" || len(e.IFuncs) != 58 || !has(e.IFuncs, "memcpy") || !has(e.IFuncs, "strlen") || has(e.Exports, "GLIBC_2.2.5") {
				t.Errorf("libc: soname %q ifuncs %d %v", e.Soname, len(e.IFuncs), e.IFuncs)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			rep := inspectReal(t, tc.file)
			elfFiles := 0
			for _, f := range rep.Files {
				if f.Kind == "elf" {
					elfFiles++
					if f.Facts == nil || f.Facts.ELF == nil {
						t.Errorf("%s: no ELF facts", f.Path)
					}
				}
				if f.Path == tc.path {
					tc.check(t, f.Facts.ELF)
				}
			}
			for _, e := range rep.Errors {
				t.Errorf("error: %s: %s", e.Path, e.Error)
			}
			if elfFiles == 0 {
				t.Errorf("no ELF files in %s", tc.file)
			}
		})
	}
}

// inspectReal unpacks a cached real release with vouch's engine and runs
// only this analyzer on what is inside (skips when not fetched).
func inspectReal(t *testing.T, file string) *model.Report {
	t.Helper()
	rep, err := engine.Inspect(context.Background(), realdata.Path(t, file), engine.Config{
		Limits:    limits.Default(),
		Unpackers: unpacklist.All(),
		Analyzers: []analyze.Analyzer{elfa.New()},
		Tool:      model.Tool{Name: "vouch", Version: "test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
