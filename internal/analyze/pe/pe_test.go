package pe_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/pe"
	"github.com/vouch-sec/vouch/internal/model"
)

// analyzeBytes runs the analyzer on b and returns the facts (nil when the
// analyzer set none) and its error.
func analyzeBytes(t testing.TB, b []byte) (*model.PEFacts, error) {
	t.Helper()
	f := &model.File{Facts: &model.Facts{}}
	in := &analyze.Input{Path: "x", Kind: "pe", R: bytes.NewReader(b), Size: int64(len(b)), Head: b[:min(len(b), 4096)]}
	err := pe.New().Analyze(context.Background(), in, f)
	if err != nil && strings.Contains(err.Error(), "panic") {
		t.Fatalf("analyzer panicked: %v", err)
	}
	return f.Facts.PE, err
}

func analyzeFixture(t *testing.T, name string) (*model.PEFacts, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return analyzeBytes(t, b)
}

// The MinGW runtime linked into every fixture imports these.
var (
	mingwKernel32 = []string{"DeleteCriticalSection", "EnterCriticalSection", "GetLastError", "GetStartupInfoA",
		"InitializeCriticalSection", "LeaveCriticalSection", "SetUnhandledExceptionFilter", "Sleep", "TlsGetValue",
		"VirtualProtect", "VirtualQuery"}
	mingwMsvcrt = []string{"__C_specific_handler", "__getmainargs", "__initenv", "__iob_func", "__set_app_type",
		"__setusermatherr", "_acmdln", "_amsg_exit", "_cexit", "_commode", "_fmode", "_initterm", "_onexit", "abort",
		"calloc", "exit", "fprintf", "free", "fwrite", "malloc", "memcpy", "signal", "strlen", "strncmp", "vfprintf"}
)

func plus(a []string, more ...string) []string {
	out := append(append([]string{}, a...), more...)
	return sortedCopy(out)
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestFixtures(t *testing.T) {
	const base64 = 0x140000000
	hello64Imports := []model.Import{
		{DLL: "kernel32.dll", Functions: plus(mingwKernel32, "GetCurrentProcessId")},
		{DLL: "msvcrt.dll", Functions: mingwMsvcrt},
	}
	tests := []struct {
		file string
		want *model.PEFacts
		// Fields not compared for this fixture.
		ignore []string
	}{
		{
			file: "lib64.dll",
			want: &model.PEFacts{
				Machine: "amd64", Format: "pe32+", Type: "dll", Subsystem: "windows-cui",
				Timestamp: 1600000000, ImageBase: 0x381bf0000, EntryPoint: 0x1320,
				Sections: []model.Section{
					{Name: ".text", Offset: 0x400, Size: 0x1400, VirtualSize: 0x13d8, Flags: "rx", Entropy: 6.021},
					{Name: ".data", Offset: 0x1800, Size: 0x200, VirtualSize: 0x70, Flags: "rw", Entropy: 0.586},
					{Name: ".rdata", Offset: 0x1a00, Size: 0x600, VirtualSize: 0x500, Flags: "r", Entropy: 3.688},
					{Name: ".pdata", Offset: 0x2000, Size: 0x200, VirtualSize: 0x1e0, Flags: "r", Entropy: 3.471},
					{Name: ".xdata", Offset: 0x2200, Size: 0x200, VirtualSize: 0x138, Flags: "r", Entropy: 2.611},
					{Name: ".bss", VirtualSize: 0x110, Flags: "rw"},
					{Name: ".edata", Offset: 0x2400, Size: 0x200, VirtualSize: 0x75, Flags: "r", Entropy: 0.792},
					{Name: ".idata", Offset: 0x2600, Size: 0x400, VirtualSize: 0x368, Flags: "rw", Entropy: 3.255},
					{Name: ".CRT", Offset: 0x2a00, Size: 0x200, VirtualSize: 0x58, Flags: "rw", Entropy: 0.253},
					{Name: ".tls", Offset: 0x2c00, Size: 0x200, VirtualSize: 0x10, Flags: "rw"},
					{Name: ".rsrc", Offset: 0x2e00, Size: 0x600, VirtualSize: 0x418, Flags: "rw", Entropy: 2.357},
					{Name: ".reloc", Offset: 0x3400, Size: 0x200, VirtualSize: 0x60, Flags: "r", Entropy: 1.007},
				},
				Imports: []model.Import{
					{DLL: "kernel32.dll", Functions: []string{"DeleteCriticalSection", "EnterCriticalSection", "GetLastError",
						"InitializeCriticalSection", "LeaveCriticalSection", "Sleep", "TlsGetValue", "VirtualProtect", "VirtualQuery"}},
					{DLL: "msvcrt.dll", Functions: []string{"__iob_func", "_amsg_exit", "_initterm", "_lock", "_unlock", "abort",
						"calloc", "free", "fwrite", "realloc", "strlen", "strncmp", "vfprintf"}},
				},
				Exports:      []string{"#7", "lib_add", "lib_mul"},
				TLSCallbacks: []uint64{0x14b0, 0x1480},
				Resources:    map[string]int{"BLOB": 1, "RT_RCDATA": 1, "RT_VERSION": 1},
				VersionInfo: map[string]string{
					"CompanyName":      "Vouch Test Fixtures",
					"FileDescription":  "vouch PE fixture library",
					"FileVersion":      "1.2.3.4",
					"InternalName":     "lib64",
					"LegalCopyright":   "Public domain",
					"OriginalFilename": "lib64.dll",
					"ProductName":      "vouch fixtures",
					"ProductVersion":   "1.2",
				},
				Checksum: &model.Checksum{Stored: 0xa78a, Computed: 0xa78a},
			},
		},
		{
			file: "app64.exe",
			want: &model.PEFacts{
				Machine: "amd64", Format: "pe32+", Type: "exe", Subsystem: "windows-cui",
				ImageBase: base64, EntryPoint: 0x14d0,
				Imports: []model.Import{
					{DLL: "kernel32.dll", Functions: plus(mingwKernel32, "FreeLibrary", "GetProcAddress", "GetTickCount",
						"LoadLibraryA", "LocalAlloc", "LocalFree", "RaiseException")},
					{DLL: "lib64.dll", Functions: []string{"#7", "lib_add"}},
					{DLL: "msvcrt.dll", Functions: mingwMsvcrt},
					{DLL: "user32.dll", Functions: []string{"MessageBoxA"}, Delayed: true},
				},
				TLSCallbacks: []uint64{0x16c0, 0x1690},
				Checksum:     &model.Checksum{Stored: 0xb060, Computed: 0xb060},
			},
			ignore: []string{"Sections"},
		},
		{
			file: "tls64.exe",
			want: &model.PEFacts{
				Machine: "amd64", Format: "pe32+", Type: "exe", Subsystem: "windows-cui",
				ImageBase: base64, EntryPoint: 0x14d0,
				Imports:      []model.Import{{DLL: "kernel32.dll", Functions: mingwKernel32}, {DLL: "msvcrt.dll", Functions: mingwMsvcrt}},
				TLSCallbacks: []uint64{0x1530, 0x1650, 0x1620}, // ours (.CRT$XLB) first, then the runtime's
			},
			ignore: []string{"Sections", "Checksum"},
		},
		{
			file: "hello32.exe",
			want: &model.PEFacts{
				Machine: "i386", Format: "pe32", Type: "exe", Subsystem: "windows-cui",
				ImageBase: 0x400000, EntryPoint: 0x14b0,
				Sections: []model.Section{
					{Name: ".text", Offset: 0x400, Size: 0x1800, VirtualSize: 0x1684, Flags: "rx"},
					{Name: ".data", Offset: 0x1c00, Size: 0x200, VirtualSize: 0x28, Flags: "rw"},
					{Name: ".rdata", Offset: 0x1e00, Size: 0x600, VirtualSize: 0x558, Flags: "r"},
					// Long names need the COFF string table, which -s removes.
					{Name: ".eh_fram", Offset: 0x2400, Size: 0x800, VirtualSize: 0x7bc, Flags: "r"},
					{Name: ".bss", VirtualSize: 0xc0, Flags: "rw"},
					{Name: ".idata", Offset: 0x2c00, Size: 0x600, VirtualSize: 0x498, Flags: "rw"},
					{Name: ".CRT", Offset: 0x3200, Size: 0x200, VirtualSize: 0x30, Flags: "rw"},
					{Name: ".tls", Offset: 0x3400, Size: 0x200, VirtualSize: 0x8, Flags: "rw"},
					{Name: ".reloc", Offset: 0x3600, Size: 0x400, VirtualSize: 0x248, Flags: "r"},
				},
				Imports: []model.Import{
					{DLL: "kernel32.dll", Functions: []string{"DeleteCriticalSection", "EnterCriticalSection", "FreeLibrary",
						"GetCurrentProcessId", "GetLastError", "GetModuleHandleA", "GetProcAddress", "GetStartupInfoA",
						"InitializeCriticalSection", "LeaveCriticalSection", "LoadLibraryA", "SetUnhandledExceptionFilter",
						"Sleep", "TlsGetValue", "VirtualProtect", "VirtualQuery"}},
					{DLL: "msvcrt.dll", Functions: []string{"__getmainargs", "__initenv", "__p__acmdln", "__p__commode",
						"__p__fmode", "__set_app_type", "__setusermatherr", "_amsg_exit", "_cexit", "_initterm", "_iob",
						"_onexit", "abort", "calloc", "exit", "fprintf", "free", "fwrite", "malloc", "memcpy", "signal",
						"strlen", "strncmp", "vfprintf"}},
				},
				TLSCallbacks: []uint64{0x16d0, 0x1680},
				Checksum:     &model.Checksum{Stored: 0x10d88, Computed: 0x10d88},
			},
			ignore: []string{"Entropy"},
		},
		{
			file: "hello.efi",
			want: &model.PEFacts{
				Machine: "amd64", Format: "pe32+", Type: "efi", Subsystem: "efi-application",
				ImageBase: base64, EntryPoint: 0x1000,
				Sections: []model.Section{
					{Name: ".text", Offset: 0x400, Size: 0x200, VirtualSize: 0x30, Flags: "rx"},
					{Name: ".rdata", Offset: 0x600, Size: 0x200, VirtualSize: 0x20, Flags: "r"},
					{Name: ".pdata", Offset: 0x800, Size: 0x200, VirtualSize: 0xc, Flags: "r"},
					{Name: ".xdata", Offset: 0xa00, Size: 0x200, VirtualSize: 0x4, Flags: "r"},
					{Name: ".idata", Offset: 0xc00, Size: 0x200, VirtualSize: 0x18, Flags: "rw"},
				},
				// Not stripped: the COFF symbols follow the sections and are
				// not overlay.
				Symbols:  &model.Region{Offset: 0xe00, Size: 5474 - 0xe00, Entropy: 3.775},
				Checksum: &model.Checksum{Stored: 0x3631, Computed: 0x3631},
			},
			ignore: []string{"Entropy"},
		},
		{
			file: "driver.sys",
			want: &model.PEFacts{
				Machine: "amd64", Format: "pe32+", Type: "driver", Subsystem: "native",
				ImageBase: base64, EntryPoint: 0x1000,
				Sections: []model.Section{
					{Name: ".text", Offset: 0x400, Size: 0x200, VirtualSize: 0x50, Flags: "rx"},
					{Name: ".rdata", Offset: 0x600, Size: 0x200, VirtualSize: 0x30, Flags: "r"},
					{Name: ".pdata", Offset: 0x800, Size: 0x200, VirtualSize: 0xc, Flags: "r"},
					{Name: ".xdata", Offset: 0xa00, Size: 0x200, VirtualSize: 0x8, Flags: "r"},
					{Name: ".idata", Offset: 0xc00, Size: 0x200, VirtualSize: 0x68, Flags: "rw"},
				},
				Imports:  []model.Import{{DLL: "ntoskrnl.exe", Functions: []string{"DbgPrint"}}},
				Checksum: &model.Checksum{Stored: 0x60ef, Computed: 0x60ef},
			},
			ignore: []string{"Entropy"},
		},
		{
			file: "hello64.exe",
			want: &model.PEFacts{
				Machine: "amd64", Format: "pe32+", Type: "exe", Subsystem: "windows-cui",
				ImageBase: base64, EntryPoint: 0x14d0, Imports: hello64Imports,
				TLSCallbacks: []uint64{0x1640, 0x1610},
				Checksum:     &model.Checksum{Stored: 0x8381, Computed: 0x8381},
			},
			ignore: []string{"Sections"},
		},
		{
			file: "checksum-bad.exe",
			want: &model.PEFacts{
				Machine: "amd64", Format: "pe32+", Type: "exe", Subsystem: "windows-cui",
				ImageBase: base64, EntryPoint: 0x14d0, Imports: hello64Imports,
				TLSCallbacks: []uint64{0x1640, 0x1610},
				Checksum:     &model.Checksum{Stored: 0x8381, Computed: 0x83a8},
			},
			ignore: []string{"Sections"},
		},
		{
			file: "overlay64.exe",
			want: &model.PEFacts{
				Machine: "amd64", Format: "pe32+", Type: "exe", Subsystem: "windows-cui",
				ImageBase: base64, EntryPoint: 0x14d0, Imports: hello64Imports,
				TLSCallbacks: []uint64{0x1640, 0x1610},
				Overlay:      &model.Region{Offset: 14848, Size: 4096, Entropy: 7.953},
				Checksum:     &model.Checksum{Stored: 0x1079d, Computed: 0x1079d},
			},
			ignore: []string{"Sections"},
		},
		{
			file: "dotnet.exe",
			want: &model.PEFacts{
				Machine: "amd64", Format: "pe32+", Type: "exe", Subsystem: "windows-cui",
				ImageBase: base64, EntryPoint: 0x14d0, Imports: hello64Imports,
				TLSCallbacks: []uint64{0x1640, 0x1610},
				DotNet:       true,
			},
			ignore: []string{"Sections", "Checksum"},
		},
		{
			file: "rwx64.exe",
			want: &model.PEFacts{
				Machine: "amd64", Format: "pe32+", Type: "exe", Subsystem: "windows-cui",
				ImageBase: base64, EntryPoint: 0x14d0,
				Sections: []model.Section{
					{Name: ".text", Offset: 0x400, Size: 0x1800, VirtualSize: 0x1798, Flags: "rx"},
					{Name: ".data", Offset: 0x1c00, Size: 0x200, VirtualSize: 0xa0, Flags: "rw"},
					{Name: ".rwx", Offset: 0x1e00, Size: 0x200, VirtualSize: 0x4, Flags: "rwx"},
					{Name: ".rdata", Offset: 0x2000, Size: 0xa00, VirtualSize: 0x8b0, Flags: "r"},
					{Name: ".pdata", Offset: 0x2a00, Size: 0x400, VirtualSize: 0x21c, Flags: "r"},
					{Name: ".xdata", Offset: 0x2e00, Size: 0x200, VirtualSize: 0x190, Flags: "r"},
					{Name: ".bss", VirtualSize: 0x1a0, Flags: "rw"},
					{Name: ".idata", Offset: 0x3000, Size: 0x600, VirtualSize: 0x554, Flags: "rw"},
					{Name: ".CRT", Offset: 0x3600, Size: 0x200, VirtualSize: 0x60, Flags: "rw"},
					{Name: ".tls", Offset: 0x3800, Size: 0x200, VirtualSize: 0x10, Flags: "rw"},
					{Name: ".reloc", Offset: 0x3a00, Size: 0x200, VirtualSize: 0x80, Flags: "r"},
				},
			},
			ignore: []string{"Entropy", "Imports", "TLSCallbacks", "Checksum"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := analyzeFixture(t, tc.file)
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			opts := []cmp.Option{cmpopts.EquateEmpty()}
			for _, f := range tc.ignore {
				if f == "Entropy" {
					opts = append(opts, cmpopts.IgnoreFields(model.Section{}, "Entropy"))
					continue
				}
				opts = append(opts, cmpopts.IgnoreFields(model.PEFacts{}, f))
			}
			if diff := cmp.Diff(tc.want, got, opts...); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSignedTail: the certificate table osslsigncode put after the overlay
// turns that overlay into signed overlay; the 100 bytes appended after the
// table are overlay; the stored checksum is osslsigncode's, now stale.
func TestSignedTail(t *testing.T) {
	got, err := analyzeFixture(t, "signed-tail.exe")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&model.Region{Offset: 14848, Size: 4096, Entropy: 7.953}, got.SignedOverlay); diff != "" {
		t.Errorf("signed overlay (-want +got):\n%s", diff)
	}
	st, _ := os.Stat("testdata/signed-tail.exe")
	if got.Overlay == nil || got.Overlay.Size != 100 || got.Overlay.Offset != st.Size()-100 {
		t.Errorf("overlay = %+v, want the last 100 bytes", got.Overlay)
	}
	if got.Checksum == nil || got.Checksum.Stored == 0 || got.Checksum.Stored == got.Checksum.Computed {
		t.Errorf("checksum = %+v, want a stale non-zero one", got.Checksum)
	}
}

// TestTruncated: a DLL cut inside its sections keeps its header facts and
// says what is missing.
func TestTruncated(t *testing.T) {
	got, err := analyzeFixture(t, "truncated.dll")
	if err == nil || !strings.Contains(err.Error(), "truncated: section data runs to 0x3600 but the file has 8000 bytes") {
		t.Errorf("error = %v, want the truncation named", err)
	}
	if got == nil {
		t.Fatal("no facts")
	}
	if got.Machine != "amd64" || got.Type != "dll" || len(got.Sections) != 12 || got.Sections[0].Entropy != 6.021 {
		t.Errorf("partial facts = %+v", got)
	}
	if got.Exports != nil || got.Imports != nil || got.Overlay != nil {
		t.Errorf("facts from beyond the end of the file: exports %v imports %v overlay %v", got.Exports, got.Imports, got.Overlay)
	}
}

func TestNotPE(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "reading DOS header"},
		{"mz only", append([]byte("MZ"), make([]byte, 62)...), "no PE signature at 0x0"},
		{"lfanew past end", func() []byte {
			b := append([]byte("MZ"), make([]byte, 62)...)
			b[0x3c], b[0x3f] = 0xff, 0xff
			return b
		}(), "reading PE header at 0xff0000ff"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzeBytes(t, tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
			if got != nil {
				t.Errorf("facts = %+v, want none", got)
			}
		})
	}
}
