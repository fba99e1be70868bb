package macho_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/macho"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
	unpacklist "github.com/vouch-sec/vouch/internal/unpack/list"
)

// run analyses data as the engine would: kind from identify, facts into a
// fresh File.
func run(t testing.TB, name string, data []byte) (*model.MachOFacts, error) {
	t.Helper()
	head := data[:min(len(data), identify.HeadSize)]
	return runAs(t, identify.Identify(head, int64(len(data)), name), name, data)
}

// runAs analyses data as a file of the given kind.
func runAs(t testing.TB, kind, name string, data []byte) (*model.MachOFacts, error) {
	t.Helper()
	head := data[:min(len(data), identify.HeadSize)]
	a := macho.New()
	if !a.Match(kind) {
		t.Fatalf("%s: kind %q not matched", name, kind)
	}
	f := &model.File{Path: name, Kind: kind, Facts: &model.Facts{}}
	in := &analyze.Input{Path: name, Kind: kind, R: bytes.NewReader(data), Size: int64(len(data)), Head: head}
	err := a.Analyze(context.Background(), in, f)
	return f.Facts.MachO, err
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The signature of the thin arm64 dylib as ld64.lld writes it.
func lldSig(trailing int64, trailingEntropy float64, bad int) *model.MachOCodeSign {
	return &model.MachOCodeSign{
		Offset: 49408, Size: 560, AdHoc: true, Flags: []string{"adhoc", "linker-signed"},
		Identifier: "libvouchtest.dylib", CodeDirectories: 1, HashType: "sha256", PageSize: 4096,
		CodeLimit: 49408, Pages: 13, BadPages: bad, TrailingBytes: trailing, TrailingEntropy: trailingEntropy,
	}
}

func devidSig(bad int, cmsValid bool, err string) *model.MachOCodeSign {
	return &model.MachOCodeSign{
		Offset: 49408, Size: 12288, Flags: []string{"runtime"}, TeamID: "VOUCHTEST1",
		Identifier: "com.vouch.test", Signer: "Developer ID Application: Vouch Test (VOUCHTEST1)",
		CMSValid: &cmsValid, CodeDirectories: 1, HashType: "sha256", PageSize: 4096,
		CodeLimit: 49408, Pages: 13, BadPages: bad, Error: err,
	}
}

// sha1Sig: a sha1 primary and a sha256 alternate CodeDirectory.
func sha1Sig(bad int) *model.MachOCodeSign {
	cs := devidSig(bad, true, "")
	cs.CodeDirectories, cs.HashType = 2, "sha1"
	return cs
}

var (
	plainImports = []string{"_puts", "dyld_stub_binder"}
	libSystem    = []string{"/usr/lib/libSystem.B.dylib"}
)

func arm64Slice(off, size int64, cs *model.MachOCodeSign) model.MachOSlice {
	return model.MachOSlice{
		CPU: "arm64", Offset: off, Size: size, Type: "dylib", UUID: "4C4C4437-5555-3144-A118-F0E946BE02AB",
		LoadCommands: 14, Dylibs: libSystem, Imports: plainImports, InitFuncs: 1, CodeSign: cs,
	}
}

func x86Slice(size int64, cs *model.MachOCodeSign, uuid string, extra bool) model.MachOSlice {
	s := model.MachOSlice{
		CPU: "x86_64", Offset: 4096, Size: size, Type: "dylib", UUID: uuid,
		LoadCommands: 14, Dylibs: libSystem, Imports: plainImports, InitFuncs: 1, CodeSign: cs,
	}
	if extra {
		s.Imports, s.InitFuncs = []string{"_connect", "_dlopen", "_puts", "_socket", "dyld_stub_binder"}, 2
	}
	return s
}

func x86Sig(off int64) *model.MachOCodeSign {
	return &model.MachOCodeSign{
		Offset: off, Size: 304, AdHoc: true, Flags: []string{"adhoc", "linker-signed"},
		Identifier: "libvouchtest.dylib", CodeDirectories: 1, HashType: "sha256", PageSize: 4096,
		CodeLimit: off, Pages: 5,
	}
}

func TestFixtures(t *testing.T) {
	fatClean := []model.MachOSlice{
		x86Slice(16944, x86Sig(16640), "4C4C44E2-5555-3144-A188-5D577C3D085B", false),
		arm64Slice(32768, 49968, lldSig(0, 0, 0)),
	}
	tests := []struct {
		file    string
		want    *model.MachOFacts
		wantErr string
	}{
		{"thin-arm64.dylib", &model.MachOFacts{Slices: []model.MachOSlice{arm64Slice(0, 49968, lldSig(0, 0, 0))}}, ""},
		{"broken-page.dylib", &model.MachOFacts{Slices: []model.MachOSlice{arm64Slice(0, 49968, lldSig(0, 0, 1))}}, ""},
		{"appended.dylib", &model.MachOFacts{Slices: []model.MachOSlice{arm64Slice(0, 52968, lldSig(3000, 7.927, 0))}}, ""},
		{"devid-arm64.dylib", &model.MachOFacts{Slices: []model.MachOSlice{arm64Slice(0, 61696, devidSig(0, true, ""))}}, ""},
		{"devid-broken-page.dylib", &model.MachOFacts{Slices: []model.MachOSlice{arm64Slice(0, 61696, devidSig(1, true, ""))}}, ""},
		{"devid-stale-cms.dylib", &model.MachOFacts{Slices: []model.MachOSlice{arm64Slice(0, 61696,
			devidSig(0, false, "CMS signature: pkcs7.Verify: crypto/rsa: verification error"))}}, ""},
		{"devid-sha1-sha256.dylib", &model.MachOFacts{Slices: []model.MachOSlice{arm64Slice(0, 61696, sha1Sig(0))}}, ""},
		{"devid-sha256-rehashed.dylib", &model.MachOFacts{Slices: []model.MachOSlice{arm64Slice(0, 61696, sha1Sig(1))}}, ""},
		{"fat-clean.dylib", &model.MachOFacts{Fat: true, Slices: fatClean}, ""},
		{"fat-overlay.dylib", &model.MachOFacts{Fat: true, Slices: fatClean,
			Overlay: &model.Region{Offset: 82736, Size: 1120, Entropy: 3.638}}, ""},
		{"fat-asym.dylib", &model.MachOFacts{Fat: true, Slices: []model.MachOSlice{
			x86Slice(17104, x86Sig(16800), "4C4C4472-5555-3144-A1B6-81556D164832", true),
			arm64Slice(32768, 49968, lldSig(0, 0, 0)),
		}}, ""},
		{"truncated.dylib", &model.MachOFacts{Slices: []model.MachOSlice{{
			CPU: "arm64", Size: 20000, Type: "dylib", UUID: "4C4C4437-5555-3144-A118-F0E946BE02AB",
			LoadCommands: 14, Dylibs: libSystem, InitFuncs: 1,
			CodeSign: &model.MachOCodeSign{Offset: 49408, Size: 560,
				Error: "signature (560 bytes at 49408) extends past the end of the slice (20000 bytes)"},
			Error: "3 sections extend past the end of the slice; symbol table (5 entries at 49232) extends past the end of the slice; string table (72 bytes at 49328) extends past the end of the slice",
		}}}, "3 sections extend past the end of the slice; symbol table"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := run(t, tc.file, fixture(t, tc.file))
			if tc.wantErr == "" && err != nil {
				t.Fatalf("error: %v", err)
			}
			// Compared as the report shows it: one line.
			if tc.wantErr != "" && (err == nil || !strings.HasPrefix(analyze.OneLine(err), tc.wantErr)) {
				t.Fatalf("error = %v, want prefix %q", err, tc.wantErr)
			}
			if d := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(model.MachOSlice{}, "Sections")); d != "" {
				t.Errorf("facts (-want +got):\n%s", d)
			}
		})
	}
}

func TestSections(t *testing.T) {
	got, err := run(t, "thin", fixture(t, "thin-arm64.dylib"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	byName := map[string]model.Section{}
	for _, s := range got.Slices[0].Sections {
		names = append(names, s.Name)
		byName[s.Name] = s
	}
	want := []string{"__TEXT,__text", "__TEXT,__stubs", "__TEXT,__stub_helper", "__TEXT,__cstring", "__TEXT,__unwind_info",
		"__DATA_CONST,__got", "__DATA_CONST,__mod_init_func", "__DATA,__la_symbol_ptr", "__DATA,__data", "__LINKEDIT"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("sections (-want +got):\n%s", d)
	}
	if s := byName["__DATA_CONST,__mod_init_func"]; s.Size != 8 || s.Flags != "rw" {
		t.Errorf("__mod_init_func = %+v", s)
	}
	if s := byName["__TEXT,__text"]; s.Flags != "rx" || s.Entropy <= 0 {
		t.Errorf("__text = %+v", s)
	}
}

// sectionHeader returns the file offset of a 64-bit section header.
func sectionHeader(t *testing.T, d []byte, name string) int {
	t.Helper()
	n, off := binary.LittleEndian.Uint32(d[16:]), 32
	for range n {
		cmd, size := binary.LittleEndian.Uint32(d[off:]), binary.LittleEndian.Uint32(d[off+4:])
		if cmd == 0x19 {
			for i := range int(binary.LittleEndian.Uint32(d[off+64:])) {
				s := off + 72 + 80*i
				if string(bytes.TrimRight(d[s:s+16], "\x00")) == name {
					return s
				}
			}
		}
		off += int(size)
	}
	t.Fatalf("no section %s", name)
	return 0
}

// TestInitOffsets: an S_INIT_FUNC_OFFSETS section counts 4 bytes per entry,
// by type whatever its name (dyld goes by type).
func TestInitOffsets(t *testing.T) {
	d := fixture(t, "thin-arm64.dylib")
	s := sectionHeader(t, d, "__mod_init_func")
	copy(d[s:s+16], "__init_offsets\x00\x00")
	binary.LittleEndian.PutUint32(d[s+64:], 0x16)
	got, _ := run(t, "init-offsets", d)
	if n := got.Slices[0].InitFuncs; n != 2 {
		t.Errorf("init funcs = %d, want 2 (8 bytes of 4-byte offsets)", n)
	}
	// A __mod_init_func-named section of a regular type runs nothing.
	binary.LittleEndian.PutUint32(d[s+64:], 0)
	got, _ = run(t, "init-regular", d)
	if n := got.Slices[0].InitFuncs; n != 0 {
		t.Errorf("init funcs = %d, want 0", n)
	}
}

func le32(v ...uint32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], x)
	}
	return b
}

func be32(v ...uint32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.BigEndian.PutUint32(b[4*i:], x)
	}
	return b
}

// hdr64 is an arm64 dylib header followed by the given load commands.
func hdr64(ncmds uint32, cmds ...[]byte) []byte {
	body := bytes.Join(cmds, nil)
	return append(le32(0xfeedfacf, 0x0100000c, 0, 6, ncmds, uint32(len(body)), 0, 0), body...)
}

// TestHostile feeds headers that lie about counts and sizes. Each must
// end in an error (or partial facts) without allocating from the lie.
func TestHostile(t *testing.T) {
	sigCmd := func(off, size uint32) []byte { return le32(0x1d, 16, off, size) }
	superblob := func(count uint32, rest ...[]byte) []byte {
		return append(be32(0xfade0cc0, 12+uint32(len(bytes.Join(rest, nil))), count), bytes.Join(rest, nil)...)
	}
	withSig := func(sig []byte) []byte {
		h := hdr64(1, sigCmd(48, uint32(len(sig))))
		return append(h, sig...)
	}
	// A version 0x20001 CodeDirectory (44-byte header) and room for slots.
	cd := func(nCode, codeLimit uint32, hashSize, pageShift byte, slots int) []byte {
		b := be32(0xfade0c02, uint32(44+slots), 0x20001, 0, 44, 0, 0, nCode, codeLimit)
		return append(append(b, hashSize, 2, 0, pageShift, 0, 0, 0, 0), make([]byte, slots)...)
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr string // substring of the analyzer error or of the signature error
	}{
		{"ncmds and sizeofcmds at max", append(le32(0xfeedfacf, 0x0100000c, 0, 2, 0xffffffff, 0xffffffff, 0, 0), make([]byte, 64)...), "extend past the end"},
		{"command size zero", hdr64(3, le32(0x19, 0)), "bad size 0"},
		{"command size past the end", hdr64(1, le32(0x19, 0x7fffffff)), "bad size"},
		{"segment with 2^32-1 sections", hdr64(1, append(le32(0x19, 72), make([]byte, 56)...)), ""},
		{"segment nsects lie", hdr64(1, append(append(le32(0x19, 72), make([]byte, 56)...)[:64], le32(0xffffffff, 0)...)), "sections declared, room for 0"},
		{"symtab huge", hdr64(1, le32(0x2, 24, 0x100, 0xffffffff, 0x100, 0xffffffff)), "symbol table (4294967295 entries at 256) extends past the end"},
		{"dylib name offset outside", hdr64(1, le32(0xc, 24, 0xffff, 0, 0, 0)), "dylib name offset 65535 outside"},
		{"fixups huge", hdr64(1, le32(0x80000034, 16, 0, 0xffffff00)), "chained fixups (4294967040 bytes at 0) extend past"},
		{"signature past the end", hdr64(1, sigCmd(0x1000, 0xffffffff)), "extends past the end"},
		{"superblob count lies", withSig(superblob(0xffffffff)), "SuperBlob lists 4294967295 blobs, room for 0"},
		{"blob offset lies", withSig(superblob(1, be32(0, 0xfffffff0))), "outside the SuperBlob"},
		{"code slots lie", withSig(superblob(1, be32(0, 20), cd(0xffffffff, 0xffffffff, 32, 12, 0))), "code slots at 44 do not fit"},
		{"code limit past the end", withSig(superblob(1, be32(0, 20), cd(1, 0xffffffff, 32, 0, 32))), "code limit 4294967295 is past the end of the slice (144 bytes)"},
		{"page shift 255", withSig(superblob(1, be32(0, 20), cd(1, 16, 32, 255, 32))), "page size 2^255"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			got, err := run(t, "hostile", tc.data)
			runtime.ReadMemStats(&after)
			if a := after.TotalAlloc - before.TotalAlloc; a > 8<<20 {
				t.Errorf("allocated %d bytes for a %d-byte file", a, len(tc.data))
			}
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			if got != nil && len(got.Slices) > 0 && got.Slices[0].CodeSign != nil {
				msg += " | " + got.Slices[0].CodeSign.Error
			}
			if !strings.Contains(msg, tc.wantErr) {
				t.Errorf("errors %q, want %q", msg, tc.wantErr)
			}
		})
	}
}

func TestHostileFat(t *testing.T) {
	thin := fixture(t, "thin-arm64.dylib")
	tests := []struct {
		name    string
		data    []byte
		slices  int
		wantErr string
	}{
		{"narch at max", be32(0xcafebabe, 0xffffffff, 0x0100000c, 0, 64, 64, 14), 1, "lists 4294967295 architectures, reading the first 64"},
		{"narch lies", be32(0xcafebabe, 19, 0x0100000c, 0, 64, 64, 14), 1, "lists 19 architectures, the file holds 1"},
		{"slice past the end", be32(0xcafebabe, 1, 0x0100000c, 0, 0xffff0000, 64, 14), 1, "past the end of the file"},
		{"slice overlapping the header", be32(0xcafebabe, 1, 0x0100000c, 0, 0, 28, 14), 1, "overlaps the fat header"},
		{"slice cut short", append(be32(0xcafebabe, 1, 0x0100000c, 0, 28, 0x7fffffff, 14), thin...), 1, "slice is cut short"},
		{"cpu disagrees", append(be32(0xcafebabe, 1, 0x01000007, 3, 28, uint32(len(thin)), 14), thin...), 1, "fat header says x86_64, slice header says arm64"},
		{"64-bit fat", append(be32(0xcafebabf, 1, 0x0100000c, 0, 0, 40, 0, uint32(len(thin)), 14, 0), thin...), 1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runAs(t, identify.MachOFat, "fat", tc.data)
			if len(got.Slices) != tc.slices {
				t.Errorf("slices = %d, want %d", len(got.Slices), tc.slices)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Errorf("error: %v", err)
				}
				if cs := got.Slices[0].CodeSign; cs == nil || cs.BadPages != 0 || cs.Pages != 13 {
					t.Errorf("code signature = %+v", cs)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// TestRealFiles runs the whole pipeline over real releases: esbuild's
// linker-signed arm64 Go binary and sentry-cli's Developer ID signed
// universal binary.
func TestRealFiles(t *testing.T) {
	tests := []struct {
		archive, path string
		want          []model.MachOSlice // CPU, Type, CodeSign compared
	}{
		{"esbuild-darwin-arm64-0.28.2.tgz", "esbuild-darwin-arm64-0.28.2.tgz!/package/bin/esbuild", []model.MachOSlice{{
			CPU: "arm64", Type: "execute", CodeSign: &model.MachOCodeSign{
				Offset: 10508656, Size: 82226, AdHoc: true, Flags: []string{"adhoc", "linker-signed"},
				Identifier: "a.out", CodeDirectories: 1, HashType: "sha256", PageSize: 4096,
				CodeLimit: 10508656, Pages: 2566,
			}}}},
		{"sentry-cli-darwin-3.8.0.tgz", "sentry-cli-darwin-3.8.0.tgz!/package/bin/sentry-cli", []model.MachOSlice{
			{CPU: "x86_64", Type: "execute", CodeSign: &model.MachOCodeSign{
				Offset: 14869584, Size: 133120, Flags: []string{"runtime"}, TeamID: "97JCY7859U",
				Identifier: "sentry-cli-Darwin-universal", Signer: "Developer ID Application: GetSentry LLC (97JCY7859U)",
				CMSValid: ptr(true), CodeDirectories: 1, HashType: "sha256", PageSize: 4096, CodeLimit: 14869584, Pages: 3631,
			}},
			{CPU: "arm64", Type: "execute", CodeSign: &model.MachOCodeSign{
				Offset: 13515184, Size: 121856, Flags: []string{"runtime"}, TeamID: "97JCY7859U",
				Identifier: "sentry_cli-ed605fe0983d3ac0", Signer: "Developer ID Application: GetSentry LLC (97JCY7859U)",
				CMSValid: ptr(true), CodeDirectories: 1, HashType: "sha256", PageSize: 4096, CodeLimit: 13515184, Pages: 3300,
			}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.archive, func(t *testing.T) {
			p := realdata.Path(t, tc.archive)
			rep, err := inspect(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range rep.Errors {
				t.Errorf("error: %s: %s", e.Path, e.Error)
			}
			var f *model.File
			for _, x := range rep.Files {
				if x.Path == tc.path {
					f = x
				}
			}
			if f == nil || f.Facts == nil || f.Facts.MachO == nil {
				t.Fatalf("no Mach-O facts for %s", tc.path)
			}
			var got []model.MachOSlice
			for _, s := range f.Facts.MachO.Slices {
				if len(s.Imports) == 0 || len(s.Dylibs) == 0 || len(s.Sections) == 0 {
					t.Errorf("%s: imports %d, dylibs %d, sections %d", s.CPU, len(s.Imports), len(s.Dylibs), len(s.Sections))
				}
				got = append(got, model.MachOSlice{CPU: s.CPU, Type: s.Type, CodeSign: s.CodeSign})
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("slices (-want +got):\n%s", d)
			}
		})
	}
}

// inspect runs the engine with every unpacker and this analyzer only.
func inspect(p string) (*model.Report, error) {
	return engine.Inspect(context.Background(), p, engine.Config{
		Limits:    limits.Default(),
		Unpackers: unpacklist.All(),
		Analyzers: []analyze.Analyzer{macho.New()},
	})
}

func ptr[T any](v T) *T { return &v }

// TestManyFaults: one fault repeated in every load command is reported a
// bounded number of times.
func TestManyFaults(t *testing.T) {
	var cmds [][]byte
	for range 10000 {
		cmds = append(cmds, le32(0x2, 8)) // LC_SYMTAB too short
	}
	_, err := run(t, "faults", hdr64(10000, cmds...))
	if err == nil || len(err.Error()) > 2000 || !strings.HasSuffix(err.Error(), "9984 more problems") {
		t.Errorf("error = %.300q…", err)
	}
}

// TestSpecialSlots: a requirements blob changed after signing no longer
// matches special slot -2.
func TestSpecialSlots(t *testing.T) {
	d := fixture(t, "devid-arm64.dylib")
	sb := d[49408:]
	count := binary.BigEndian.Uint32(sb[8:])
	for i := range count {
		e := sb[12+8*i:]
		if binary.BigEndian.Uint32(e) == 2 {
			sb[binary.BigEndian.Uint32(e[4:])+11] ^= 1 // the requirement count
		}
	}
	got, err := run(t, "reqs", d)
	if err != nil {
		t.Fatal(err)
	}
	cs := got.Slices[0].CodeSign
	if cs.BadSpecialSlots != 1 || cs.BadPages != 0 || cs.CMSValid == nil || !*cs.CMSValid {
		t.Errorf("code signature = %+v", cs)
	}
}

// TestChainedFixups reads imports from LC_DYLD_CHAINED_FIXUPS in its three
// import formats (ld64.lld 14 does not write them, so the blob is built
// here as dyld's fixup-chains.h lays it out).
func TestChainedFixups(t *testing.T) {
	names := []byte("\x00_dlopen\x00_socket\x00")
	for _, tc := range []struct {
		format  uint32
		imports []byte
	}{
		{1, le32(1|9<<9, 1|1<<8|1<<9)}, // ordinal 1; name offsets 9 and 1; the second weak
		{2, le32(1|9<<9, 0, 1|1<<9, 0)},
		{3, le32(1, 9, 0, 0, 1, 1, 0, 0)},
	} {
		hdr := le32(0, 28, 28, 28+uint32(len(tc.imports)), 2, tc.format, 0)
		blob := append(append(hdr, tc.imports...), names...)
		data := hdr64(1, le32(0x80000034, 16, 48, uint32(len(blob))))
		data = append(data, blob...)
		got, err := run(t, "fixups", data)
		if err != nil {
			t.Fatalf("format %d: %v", tc.format, err)
		}
		if d := cmp.Diff([]string{"_dlopen", "_socket"}, got.Slices[0].Imports); d != "" {
			t.Errorf("format %d imports (-want +got):\n%s", tc.format, d)
		}
	}
}
