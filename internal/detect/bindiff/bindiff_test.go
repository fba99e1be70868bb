package bindiff_test

import (
	"strings"
	"testing"

	"github.com/vouch-sec/vouch/internal/detect/bindiff"
	"github.com/vouch-sec/vouch/internal/model"
)

// Capabilities as the first-party rules report them.
var (
	winhttp = model.Capability{ID: "net/winhttp-client", Namespace: "net", Rule: "winhttp_client", Risk: model.SeverityLow,
		Description: "Makes HTTP requests with WinHTTP", Source: "vouch", Evidence: []string{"WinHttpConnect", "WinHttpOpen", "WinHttpOpenRequest"}}
	wininet = model.Capability{ID: "net/wininet-client", Namespace: "net", Rule: "wininet_client", Risk: model.SeverityLow,
		Description: "Makes HTTP/FTP requests with WinINet", Source: "vouch", Evidence: []string{"HttpSendRequestA", "InternetConnectA", "InternetOpenA"}}
	libcurl = model.Capability{ID: "net/libcurl-client", Namespace: "net", Rule: "libcurl_client", Risk: model.SeverityLow,
		Description: "Makes network requests with libcurl", Source: "vouch", Evidence: []string{"curl_easy_init", "curl_easy_perform"}}
	vprotect = model.Capability{ID: "mem/win-virtual-protect", Namespace: "mem", Rule: "win_virtual_protect", Risk: model.SeverityLow,
		Description: "Changes memory page protection (VirtualProtect)", Source: "vouch", Evidence: []string{"VirtualProtect"}}
	rwx = model.Capability{ID: "mem/win-rwx-alloc", Namespace: "mem", Rule: "win_rwx_alloc", Risk: model.SeverityMedium,
		Description: "Allocates memory that is writable and executable at once", Source: "vouch",
		Evidence: []string{"VirtualAlloc", "c7 44 24 0c 40 00 00 00 c7 44 24 08 00 30 00 00"}}
	createProc = model.Capability{ID: "exec/win-create-process", Namespace: "exec", Rule: "win_create_process", Risk: model.SeverityLow,
		Description: "Starts other programs (CreateProcess)", Source: "vouch", Evidence: []string{"CreateProcessA"}}
	fsWalk  = model.Capability{ID: "fs/walk", Namespace: "fs", Rule: "walk", Risk: model.SeverityNone, Source: "vouch", Evidence: []string{"FindFirstFileW"}}
	npmrc   = model.Capability{ID: "credential/npmrc-token", Namespace: "credential", Rule: "npmrc_token", Risk: model.SeverityMedium, Source: "vouch", Evidence: []string{".npmrc"}}
	hookCap = model.Capability{ID: "install-hook/npm-lifecycle-script", Namespace: "install-hook", Rule: "npm_lifecycle_script", Risk: model.SeverityLow, Source: "vouch"}
)

func caps(c ...model.Capability) []model.Capability { return c }

// dll is the facts of a Windows DLL importing from dlls (each with one
// function) and able to do caps.
func dll(dlls []string, c ...model.Capability) *model.Facts {
	p := &model.PEFacts{Machine: "amd64", Format: "pe32+", Type: "dll", Subsystem: "windows-gui"}
	for _, d := range dlls {
		p.Imports = append(p.Imports, model.Import{DLL: d, Functions: []string{"F"}})
	}
	return &model.Facts{PE: p, Capabilities: c}
}

func exe(machine string, c ...model.Capability) *model.Facts {
	return &model.Facts{PE: &model.PEFacts{Machine: machine, Format: "pe32", Type: "exe", Subsystem: "windows-gui"}, Capabilities: c}
}

const ffmpeg = "ProgramFilesFolder/App/ffmpeg.dll"

func TestCapabilityGain(t *testing.T) {
	url := model.Endpoint{Value: "https://raw.githubusercontent.invalid/IconStorages/images/main/icon%d.ico", Type: "url", Encoding: "utf16", Offset: 2080}
	withURL := func(fs *model.Facts, e ...model.Endpoint) *model.Facts { fs.Endpoints = e; return fs }
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"media codec gains networking and memory tricks (3CX)",
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll([]string{"KERNEL32.dll"})}},
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: withURL(dll([]string{"KERNEL32.dll"}, vprotect, winhttp), url)}},
			[]want{{bindiff.IDCapabilityGain, model.SeverityHigh, "ffmpeg.dll", []string{"ffmpeg.dll gained", "networking (WinHttpConnect", "executable-memory manipulation (VirtualProtect)",
				"and the endpoint https://raw.githubusercontent.invalid/", "a media codec has no reason to need"}}}},
		{"media codec gains networking alone",
			[]f{{Path: "lib/libavcodec-58.so", Kind: "elf", Ver: "1", Facts: &model.Facts{ELF: &model.ELFFacts{Type: "dyn", Machine: "x86-64"}}}},
			[]f{{Path: "lib/libavcodec-58.so", Kind: "elf", Ver: "2", Facts: &model.Facts{ELF: &model.ELFFacts{Type: "dyn", Machine: "x86-64"}, Capabilities: caps(libcurl)}}},
			[]want{{bindiff.IDCapabilityGain, model.SeverityMedium, "libavcodec-58.so", []string{"gained networking", "a media codec has no reason to need networking"}}}},
		// Benign twins.
		{"network library gains more networking",
			[]f{{Path: "app/System.Net.Http.dll", Kind: "pe", Ver: "1", Facts: dll(nil)}},
			[]f{{Path: "app/System.Net.Http.dll", Kind: "pe", Ver: "2", Facts: dll(nil, winhttp)}},
			[]want{{bindiff.IDCapabilityGain, model.SeverityLow, "System.Net.Http.dll", []string{"gained networking"}}}},
		{"codec that already talked to the network gains another client",
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll(nil, wininet)}},
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: dll(nil, wininet, winhttp)}},
			[]want{{bindiff.IDCapabilityGain, model.SeverityLow, "ffmpeg.dll", []string{"gained networking"}}}},
		{"installer gains process execution",
			[]f{{Path: "setup.exe", Kind: "pe", Ver: "1", Facts: exe("i386")}},
			[]f{{Path: "setup.exe", Kind: "pe", Ver: "2", Facts: exe("i386", createProc)}},
			[]want{{bindiff.IDCapabilityGain, model.SeverityLow, "setup.exe", []string{"gained process execution (CreateProcessA)"}}}},
		{"program gains networking: low, no role sentence",
			[]f{{Path: "app/App.exe", Kind: "pe", Ver: "1", Facts: exe("amd64")}},
			[]f{{Path: "app/App.exe", Kind: "pe", Ver: "2", Facts: exe("amd64", wininet)}},
			[]want{{bindiff.IDCapabilityGain, model.SeverityLow, "App.exe", []string{"App.exe gained networking"}}}},
		{"program gains RWX memory: the rule's own risk",
			[]f{{Path: "app/App.exe", Kind: "pe", Ver: "1", Facts: exe("amd64")}},
			[]f{{Path: "app/App.exe", Kind: "pe", Ver: "2", Facts: exe("amd64", rwx)}},
			[]want{{bindiff.IDCapabilityGain, model.SeverityMedium, "App.exe", []string{"executable-memory manipulation (VirtualAlloc)"}}}},
		{"riskless gain outside the risky namespaces is quiet",
			[]f{{Path: "app/App.exe", Kind: "pe", Ver: "1", Facts: exe("amd64")}},
			[]f{{Path: "app/App.exe", Kind: "pe", Ver: "2", Facts: exe("amd64", fsWalk)}},
			nil},
		{"capability lost is quiet",
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll(nil, winhttp)}},
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: dll(nil)}},
			nil},
		{"unchanged file is quiet",
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll(nil, winhttp)}},
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll(nil, winhttp)}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := compare(tt.old, tt.new)
			check(t, d, tt.want)
			for _, g := range d.Findings {
				if strings.Contains(g.Title, "c7 44") {
					t.Errorf("title quotes a byte pattern: %q", g.Title)
				}
			}
		})
	}
}

func TestNewLibrary(t *testing.T) {
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"codec now loads WinHTTP",
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll([]string{"KERNEL32.dll"})}},
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: dll([]string{"KERNEL32.dll", "WINHTTP.dll"})}},
			[]want{{bindiff.IDNewLibrary, model.SeverityMedium, "ffmpeg.dll", []string{"ffmpeg.dll now loads winhttp.dll"}}}},
		{"codec now loads the C runtime",
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll([]string{"KERNEL32.dll"})}},
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: dll([]string{"KERNEL32.dll", "VCRUNTIME140.dll"})}},
			[]want{{bindiff.IDNewLibrary, model.SeverityLow, "ffmpeg.dll", []string{"vcruntime140.dll"}}}},
		{"program now loads WinINet",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: dll([]string{"KERNEL32.dll"})}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: dll([]string{"KERNEL32.dll", "WININET.dll"})}},
			[]want{{bindiff.IDNewLibrary, model.SeverityLow, "App.exe", []string{"wininet.dll"}}}},
		{"network library now loads Winsock",
			[]f{{Path: "libcurl.dll", Kind: "pe", Ver: "1", Facts: dll([]string{"KERNEL32.dll"})}},
			[]f{{Path: "libcurl.dll", Kind: "pe", Ver: "2", Facts: dll([]string{"KERNEL32.dll", "WS2_32.dll"})}},
			[]want{{bindiff.IDNewLibrary, model.SeverityLow, "libcurl.dll", []string{"ws2_32.dll"}}}},
		{"many libraries are counted, not listed",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: dll(nil)}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: dll([]string{"a.dll", "b.dll", "c.dll", "d.dll", "e.dll", "f.dll"})}},
			[]want{{bindiff.IDNewLibrary, model.SeverityLow, "App.exe", []string{"a.dll, b.dll, c.dll, d.dll and 2 more"}}}},
		{"library removed is quiet",
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll([]string{"KERNEL32.dll", "WINHTTP.dll"})}},
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: dll([]string{"KERNEL32.dll"})}},
			nil},
		{"import case changes are no new library",
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll([]string{"kernel32.dll"})}},
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: dll([]string{"KERNEL32.DLL"})}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, compare(tt.old, tt.new), tt.want) })
	}
}

func TestNewInitEntry(t *testing.T) {
	tls := func(n int) *model.Facts {
		fs := dll(nil)
		for i := range n {
			fs.PE.TLSCallbacks = append(fs.PE.TLSCallbacks, uint64(0x1000+i*16))
		}
		return fs
	}
	so := func(init int, ifuncs ...string) *model.Facts {
		return &model.Facts{ELF: &model.ELFFacts{Class: "elf64", Machine: "x86-64", Type: "dyn", InitArray: init, IFuncs: ifuncs}}
	}
	fat := func(x86init, armInit int) *model.Facts {
		return &model.Facts{MachO: &model.MachOFacts{Fat: true, Slices: []model.MachOSlice{
			{CPU: "x86_64", Type: "dylib", InitFuncs: x86init, Dylibs: []string{"/usr/lib/libSystem.B.dylib"}},
			{CPU: "arm64", Type: "dylib", InitFuncs: armInit, Dylibs: []string{"/usr/lib/libSystem.B.dylib"}},
		}}}
	}
	const lzma = "usr/lib/x86_64-linux-gnu/liblzma.so.5.6.0"
	const libc = "usr/lib/x86_64-linux-gnu/libc.so.6"
	const dylib = "App.app/Contents/Frameworks/libffmpeg.dylib"
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"first TLS callback", []f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: tls(0)}}, []f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: tls(1)}},
			[]want{{bindiff.IDNewInitEntry, model.SeverityMedium, "ffmpeg.dll", []string{"gained TLS callbacks (0 → 1)", "before its entry point"}}}},
		{"one more TLS callback", []f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: tls(1)}}, []f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: tls(2)}},
			[]want{{bindiff.IDNewInitEntry, model.SeverityLow, "ffmpeg.dll", []string{"(1 → 2)"}}}},
		{"TLS callback removed", []f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: tls(2)}}, []f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: tls(1)}}, nil},
		{"more constructors", []f{{Path: lzma, Kind: "elf", Ver: "1", Facts: so(3)}}, []f{{Path: lzma, Kind: "elf", Ver: "2", Facts: so(4)}},
			[]want{{bindiff.IDNewInitEntry, model.SeverityLow, "liblzma.so.5.6.0", []string{"more start-up constructors (3 → 4)"}}}},
		{"first IFUNC in a library that had none (xz)",
			[]f{{Path: lzma, Kind: "elf", Ver: "1", Facts: so(1)}}, []f{{Path: lzma, Kind: "elf", Ver: "2", Facts: so(1, "crc32_resolve", "crc64_resolve")}},
			[]want{{bindiff.IDNewInitEntry, model.SeverityMedium, "liblzma.so.5.6.0", []string{"gained IFUNC resolvers crc32_resolve, crc64_resolve", "xz backdoor"}}}},
		{"glibc gains another IFUNC",
			[]f{{Path: libc, Kind: "elf", Ver: "1", Facts: so(1, "memcpy", "strlen")}}, []f{{Path: libc, Kind: "elf", Ver: "2", Facts: so(1, "memcpy", "strlen", "wcslen")}},
			[]want{{bindiff.IDNewInitEntry, model.SeverityLow, "libc.so.6", []string{"gained IFUNC resolvers wcslen"}}}},
		{"IFUNC removed", []f{{Path: libc, Kind: "elf", Ver: "1", Facts: so(1, "memcpy", "strlen")}}, []f{{Path: libc, Kind: "elf", Ver: "2", Facts: so(1, "memcpy")}}, nil},
		{"first Mach-O initialiser in one slice",
			[]f{{Path: dylib, Kind: "macho-fat", Ver: "1", Facts: fat(0, 0)}}, []f{{Path: dylib, Kind: "macho-fat", Ver: "2", Facts: fat(1, 0)}},
			[]want{
				{bindiff.IDArchAsymmetry, model.SeverityMedium, "libffmpeg.dylib", []string{"only in its x86_64 slice, not in arm64"}},
				{bindiff.IDNewInitEntry, model.SeverityMedium, "libffmpeg.dylib", []string{"gained initialisers in its x86_64 slice (0 → 1)"}},
			}},
		{"one more initialiser in both slices",
			[]f{{Path: dylib, Kind: "macho-fat", Ver: "1", Facts: fat(2, 2)}}, []f{{Path: dylib, Kind: "macho-fat", Ver: "2", Facts: fat(3, 3)}},
			[]want{
				{bindiff.IDNewInitEntry, model.SeverityLow, "libffmpeg.dylib", []string{"arm64 slice (2 → 3)"}},
				{bindiff.IDNewInitEntry, model.SeverityLow, "libffmpeg.dylib", []string{"x86_64 slice (2 → 3)"}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, compare(tt.old, tt.new), tt.want) })
	}
}

func TestArchAsymmetry(t *testing.T) {
	fat := func(x86, arm []string) *model.Facts {
		return &model.Facts{MachO: &model.MachOFacts{Fat: true, Slices: []model.MachOSlice{
			{CPU: "x86_64", Type: "dylib", Dylibs: x86, Imports: []string{"_malloc"}},
			{CPU: "arm64", Type: "dylib", Dylibs: arm, Imports: []string{"_malloc"}},
		}}}
	}
	sys := "/usr/lib/libSystem.B.dylib"
	curl := "/usr/lib/libcurl.4.dylib"
	const dylib = "App.app/Contents/Frameworks/libffmpeg.dylib"
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"one slice gains a library (3CX macOS)",
			[]f{{Path: dylib, Kind: "macho-fat", Ver: "1", Facts: fat([]string{sys}, []string{sys})}},
			[]f{{Path: dylib, Kind: "macho-fat", Ver: "2", Facts: fat([]string{sys, curl}, []string{sys})}},
			[]want{
				{bindiff.IDArchAsymmetry, model.SeverityMedium, "libffmpeg.dylib", []string{"libffmpeg.dylib changed start-up code or libraries only in its x86_64 slice, not in arm64"}},
				{bindiff.IDNewLibrary, model.SeverityMedium, "libffmpeg.dylib", []string{"now loads /usr/lib/libcurl.4.dylib"}},
			}},
		{"both slices gain the library",
			[]f{{Path: dylib, Kind: "macho-fat", Ver: "1", Facts: fat([]string{sys}, []string{sys})}},
			[]f{{Path: dylib, Kind: "macho-fat", Ver: "2", Facts: fat([]string{sys, curl}, []string{sys, curl})}},
			[]want{{bindiff.IDNewLibrary, model.SeverityMedium, "libffmpeg.dylib", []string{"/usr/lib/libcurl.4.dylib"}}}},
		{"thin binary has nothing to compare",
			[]f{{Path: dylib, Kind: "macho", Ver: "1", Facts: &model.Facts{MachO: &model.MachOFacts{Slices: []model.MachOSlice{{CPU: "arm64", Dylibs: []string{sys}}}}}}},
			[]f{{Path: dylib, Kind: "macho", Ver: "2", Facts: &model.Facts{MachO: &model.MachOFacts{Slices: []model.MachOSlice{{CPU: "arm64", Dylibs: []string{sys, curl}}}}}}},
			[]want{{bindiff.IDNewLibrary, model.SeverityMedium, "libffmpeg.dylib", nil}}},
		{"32-bit build alone gains an implant (CCleaner)",
			[]f{
				{Path: "$INSTDIR/SweepClean.exe", Kind: "pe", Ver: "1", Facts: exe("i386")},
				{Path: "$INSTDIR/SweepClean64.exe", Kind: "pe", Ver: "1", Facts: exe("amd64")},
			},
			[]f{
				{Path: "$INSTDIR/SweepClean.exe", Kind: "pe", Ver: "2", Facts: exe("i386", createProc, rwx, wininet)},
				{Path: "$INSTDIR/SweepClean64.exe", Kind: "pe", Ver: "2", Facts: exe("amd64")},
			},
			[]want{
				{bindiff.IDArchAsymmetry, model.SeverityMedium, "SweepClean.exe", []string{"the i386 build of SweepClean.exe gained process execution, executable-memory manipulation and networking; its other builds did not"}},
				{bindiff.IDCapabilityGain, model.SeverityMedium, "SweepClean.exe", nil},
			}},
		{"both builds gain the same ability",
			[]f{
				{Path: "x86/tool.exe", Kind: "pe", Ver: "1", Facts: exe("i386")},
				{Path: "x64/tool_x64.exe", Kind: "pe", Ver: "1", Facts: exe("amd64")},
			},
			[]f{
				{Path: "x86/tool.exe", Kind: "pe", Ver: "2", Facts: exe("i386", wininet)},
				{Path: "x64/tool_x64.exe", Kind: "pe", Ver: "2", Facts: exe("amd64", wininet)},
			},
			[]want{
				{bindiff.IDCapabilityGain, model.SeverityLow, "tool.exe", nil},
				{bindiff.IDCapabilityGain, model.SeverityLow, "tool_x64.exe", nil},
			}},
		{"two copies of one build are no builds",
			[]f{
				{Path: "a/tool.exe", Kind: "pe", Ver: "1", Facts: exe("amd64")},
				{Path: "b/tool.exe", Kind: "pe", Ver: "1", Facts: exe("amd64")},
			},
			[]f{
				{Path: "a/tool.exe", Kind: "pe", Ver: "2", Facts: exe("amd64", wininet)},
				{Path: "b/tool.exe", Kind: "pe", Ver: "2", Facts: exe("amd64")},
			},
			[]want{{bindiff.IDCapabilityGain, model.SeverityLow, "tool.exe", nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, compare(tt.old, tt.new), tt.want) })
	}
}

func TestGrowth(t *testing.T) {
	sections := func(ss ...model.Section) *model.Facts {
		fs := exe("amd64")
		fs.PE.Sections = append([]model.Section{{Name: ".text", Size: 8192, Entropy: 6.1, Flags: "rx"}}, ss...)
		return fs
	}
	overlay := func(n int64) *model.Facts {
		fs := exe("amd64")
		if n > 0 {
			fs.PE.Overlay = &model.Region{Offset: 40960, Size: n, Entropy: 7.9}
		}
		return fs
	}
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"new packed section",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: sections()}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: sections(model.Section{Name: ".xdata2", Size: 65536, Entropy: 7.93, Flags: "r"})}},
			[]want{{bindiff.IDEntropyJump, model.SeverityMedium, "App.exe", []string{"gained a high-entropy section .xdata2 (65536 bytes, entropy 7.93"}}}},
		{"new zero-filled section",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: sections()}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: sections(model.Section{Name: ".bss", VirtualSize: 65568, Flags: "rw"})}},
			nil},
		{"new small dense section",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: sections()}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: sections(model.Section{Name: ".rdata2", Size: 512, Entropy: 7.5, Flags: "r"})}},
			nil},
		{"whole file turned dense",
			[]f{{Path: "data/model.bin", Kind: "data", Ver: "1", Size: 65536, Entropy: 5.5}},
			[]f{{Path: "data/model.bin", Kind: "data", Ver: "2", Size: 65536, Entropy: 7.9}},
			[]want{{bindiff.IDEntropyJump, model.SeverityMedium, "model.bin", []string{"became high-entropy (5.50 → 7.90"}}}},
		{"dense file a little denser",
			[]f{{Path: "data/model.bin", Kind: "data", Ver: "1", Size: 65536, Entropy: 6.6}},
			[]f{{Path: "data/model.bin", Kind: "data", Ver: "2", Size: 65536, Entropy: 7.3}},
			nil},
		{"small file turned dense",
			[]f{{Path: "data/key", Kind: "data", Ver: "1", Size: 512, Entropy: 4}},
			[]f{{Path: "data/key", Kind: "data", Ver: "2", Size: 512, Entropy: 7.6}},
			nil},
		{"overlay appears",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: overlay(0)}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: overlay(8192)}},
			[]want{{bindiff.IDOverlayGrowth, model.SeverityMedium, "App.exe", []string{"carries 8192 bytes after its image where it carried 0"}}}},
		{"overlay grows a little",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: overlay(100)}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: overlay(600)}},
			nil},
		{"overlay shrinks",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: overlay(8192)}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: overlay(0)}},
			nil},
		{"file grows tenfold",
			[]f{{Path: "lib/bundle.js", Kind: "script/js", Ver: "1", Size: 100 << 10, Entropy: 5}},
			[]f{{Path: "lib/bundle.js", Kind: "script/js", Ver: "2", Size: 1 << 20, Entropy: 5}},
			[]want{{bindiff.IDSizeJump, model.SeverityLow, "bundle.js", []string{"bundle.js grew 10.2× (102400 → 1048576 bytes)"}}}},
		{"small file grows eightfold",
			[]f{{Path: "lib/index.js", Kind: "script/js", Ver: "1", Size: 1024, Entropy: 5}},
			[]f{{Path: "lib/index.js", Kind: "script/js", Ver: "2", Size: 8192, Entropy: 5}},
			nil},
		{"big file grows by half",
			[]f{{Path: "lib/bundle.js", Kind: "script/js", Ver: "1", Size: 4 << 20, Entropy: 5}},
			[]f{{Path: "lib/bundle.js", Kind: "script/js", Ver: "2", Size: 6 << 20, Entropy: 5}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, compare(tt.old, tt.new), tt.want) })
	}
}

func TestReleaseGain(t *testing.T) {
	script := func(c ...model.Capability) *model.Facts {
		return &model.Facts{Script: &model.ScriptFacts{Language: "js", Lines: 40}, Capabilities: c}
	}
	nodeHTTP := model.Capability{ID: "net/node-http", Namespace: "net", Rule: "node_http", Risk: model.SeverityLow, Source: "vouch", Evidence: []string{"https.request"}}
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"new script brings credential theft to a release without capabilities",
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script()}},
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script()},
				{Path: "package/lib/setup.js", Kind: "script/js", Ver: "1", Facts: script(npmrc, nodeHTTP, hookCap)}},
			[]want{{bindiff.IDCapabilityGain, model.SeverityMedium, "setup.js", []string{"the release gained credential access (.npmrc) and networking (https.request) through the new file setup.js"}}}},
		{"new script does what the release already did",
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script(nodeHTTP)}},
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script(nodeHTTP)},
				{Path: "package/lib/client.js", Kind: "script/js", Ver: "1", Facts: script(nodeHTTP)}},
			nil},
		{"new native file is judged by its own findings",
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script()}},
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script()},
				{Path: "package/bin/tool.exe", Kind: "pe", Ver: "1", Facts: exe("amd64", wininet)}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, compare(tt.old, tt.new), tt.want) })
	}
}

// TestQuietOnIdenticalRelease: a release compared with itself has no
// delta and so no findings, whatever its files can do.
func TestQuietOnIdenticalRelease(t *testing.T) {
	files := []f{
		{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll([]string{"WINHTTP.dll"}, winhttp, vprotect)},
		{Path: "App.exe", Kind: "pe", Ver: "1", Size: 1 << 20, Entropy: 7.9, Facts: exe("amd64", rwx)},
	}
	d := compare(files, files)
	if len(d.Findings) != 0 {
		t.Errorf("findings on an identical release: %v", d.Findings)
	}
}
