package diff_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/diff"
	"github.com/vouch-sec/vouch/internal/model"
)

func withFacts(fs *model.Facts) *model.File { return &model.File{Path: "x", Facts: fs} }

func TestDeltaLists(t *testing.T) {
	winhttp := model.Capability{ID: "net/winhttp-client", Namespace: "net", Rule: "winhttp_client", Evidence: []string{"WinHttpOpen"}}
	vprot := model.Capability{ID: "mem/win-virtual-protect", Namespace: "mem", Rule: "win_virtual_protect"}
	crc := model.Capability{ID: "crypto/crc32", Namespace: "crypto", Rule: "crc32"}
	old := withFacts(&model.Facts{
		PE:           &model.PEFacts{Imports: []model.Import{{DLL: "KERNEL32.dll", Functions: []string{"CreateFileW"}}}, Exports: []string{"av_log", "av_free"}},
		Capabilities: []model.Capability{crc},
		Endpoints: []model.Endpoint{
			{Value: "https://ffmpeg.org/", Type: "url"},
			{Value: "https://x.invalid/", Type: "url", Encoding: "utf16"},
		},
	})
	new := withFacts(&model.Facts{
		PE: &model.PEFacts{Imports: []model.Import{
			{DLL: "kernel32.dll", Functions: []string{"CreateFileW", "VirtualProtect"}},
			{DLL: "WINHTTP.dll", Functions: []string{"WinHttpOpen"}, Delayed: true},
		}, Exports: []string{"av_log", "av_log_set_level"}},
		Capabilities: []model.Capability{vprot, winhttp},
		Endpoints: []model.Endpoint{
			{Value: "https://ffmpeg.org/", Type: "url"},
			{Value: "https://x.invalid/", Type: "url", Encoding: "xor:0x5a"}, // same value, now hidden
		},
	})
	d := diff.Delta(old, new)
	want := &model.FileDelta{
		CapabilitiesAdded:   []model.Capability{vprot, winhttp},
		CapabilitiesRemoved: []string{"crypto/crc32"},
		LibrariesAdded:      []string{"winhttp.dll"},
		ImportsAdded:        []string{"kernel32.dll!VirtualProtect", "winhttp.dll!WinHttpOpen"},
		ExportsAdded:        []string{"av_log_set_level"},
		ExportsRemoved:      []string{"av_free"},
		EndpointsAdded:      []model.Endpoint{{Value: "https://x.invalid/", Type: "url", Encoding: "xor:0x5a"}},
		EndpointsRemoved:    []string{"https://x.invalid/"},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("delta (-want +got):\n%s", diff)
	}
	if d.Empty() {
		t.Error("Empty() on a delta with changes")
	}
	if !diff.Delta(old, old).Empty() {
		t.Errorf("delta of a file with itself: %+v", diff.Delta(old, old))
	}
	var nilDelta *model.FileDelta
	if !nilDelta.Empty() || nilDelta.Change("x") != nil {
		t.Error("nil delta is not empty")
	}
}

func TestDeltaChanges(t *testing.T) {
	at := func(s ...string) []string { return s }
	tests := []struct {
		name     string
		old, new *model.File
		want     []model.FactChange
	}{
		{"PE start-up code, overlay, version, machine and sections",
			withFacts(&model.Facts{PE: &model.PEFacts{Machine: "i386", VersionInfo: map[string]string{"FileVersion": "6.0.0.0"},
				Sections: []model.Section{{Name: ".text", Size: 4096, Entropy: 6}, {Name: ".reloc", Size: 512, Entropy: 2, Flags: "r"}}}}),
			withFacts(&model.Facts{PE: &model.PEFacts{Machine: "amd64", VersionInfo: map[string]string{"FileVersion": "6.0.1.0"}, TLSCallbacks: []uint64{0x1010},
				Overlay:  &model.Region{Offset: 9000, Size: 4096, Entropy: 7.9},
				Sections: []model.Section{{Name: ".text", Size: 8192, Entropy: 6.1}, {Name: ".bss", VirtualSize: 65568, Flags: "rw"}}}}),
			[]model.FactChange{
				{What: "file_version", Old: "6.0.0.0", New: "6.0.1.0"},
				{What: "machine", Old: "i386", New: "amd64"},
				{What: "overlay_bytes", Old: "0", New: "4096"},
				{What: "section:.bss", Old: "", New: "65568 bytes, entropy 0.00, rw"},
				{What: "section:.reloc", Old: "512 bytes, entropy 2.00, r", New: ""},
				{What: "tls_callbacks", Old: "0", New: "1"},
			}},
		{"ELF constructors, IFUNCs, interpreter and run path",
			withFacts(&model.Facts{ELF: &model.ELFFacts{Machine: "x86-64", InitArray: 1, Interpreter: "/lib64/ld-linux-x86-64.so.2"}}),
			withFacts(&model.Facts{ELF: &model.ELFFacts{Machine: "x86-64", InitArray: 2, IFuncs: at("crc32_resolve", "crc64_resolve"),
				Interpreter: "/tmp/ld.so", RPath: at("$ORIGIN", "/opt/x")}}),
			[]model.FactChange{
				{What: "ifuncs", Old: "", New: "crc32_resolve crc64_resolve"},
				{What: "init_array", Old: "1", New: "2"},
				{What: "interpreter", Old: "/lib64/ld-linux-x86-64.so.2", New: "/tmp/ld.so"},
				{What: "rpath", Old: "", New: "$ORIGIN:/opt/x"},
			}},
		{"Mach-O slices",
			withFacts(&model.Facts{MachO: &model.MachOFacts{Fat: true, Slices: []model.MachOSlice{
				{CPU: "x86_64", Dylibs: at("/usr/lib/libSystem.B.dylib")}, {CPU: "arm64", Dylibs: at("/usr/lib/libSystem.B.dylib")}, {CPU: "i386"}}}}),
			withFacts(&model.Facts{MachO: &model.MachOFacts{Fat: true, Slices: []model.MachOSlice{
				{CPU: "x86_64", InitFuncs: 1, Dylibs: at("/usr/lib/libSystem.B.dylib", "/usr/lib/libcurl.4.dylib")}, {CPU: "arm64", Dylibs: at("/usr/lib/libSystem.B.dylib")}, {CPU: "arm64e"}},
				Overlay: &model.Region{Size: 100}}}),
			[]model.FactChange{
				{What: "overlay_bytes", Old: "0", New: "100"},
				{What: "slice:arm64e", Old: "", New: "added"},
				{What: "slice:i386", Old: "present", New: ""},
				{What: "x86_64.dylibs", Old: "1", New: "2"},
				{What: "x86_64.init_funcs", Old: "0", New: "1"},
			}},
		{"package hooks, version and dependency ranges",
			withFacts(&model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Version: "1.4.2", InstallHooks: map[string]string{"prepare": "tsc", "preinstall": "x"},
				Dependencies: map[string]string{"a": "^1.0.0", "gone": "*"}}}),
			withFacts(&model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Version: "1.4.3", InstallHooks: map[string]string{"prepare": "tsc", "postinstall": "node lib/setup.js"},
				Dependencies: map[string]string{"a": "^1.1.0", "b": "^2"}}}),
			[]model.FactChange{
				{What: "dependency:a", Old: "^1.0.0", New: "^1.1.0"},
				{What: "hook:postinstall", Old: "", New: "node lib/setup.js"},
				{What: "hook:preinstall", Old: "x", New: ""},
				{What: "version", Old: "1.4.2", New: "1.4.3"},
			}},
		{"Authenticode signature, signer and certificate table",
			withFacts(&model.Facts{Signature: &model.SignatureFacts{Signed: false}}),
			withFacts(&model.Facts{Signature: &model.SignatureFacts{Signed: true, Signatures: []model.Signature{{DigestValid: true, SignatureValid: true,
				ChainProblem: model.ChainUnknownAuthority, Signer: &model.Certificate{Subject: "CN=Vendor", Issuer: "CN=Vendor CA"}}},
				CertTable: &model.CertTable{HiddenBytes: 4104, TrailingBytes: 8}}}),
			[]model.FactChange{
				{What: "cert_table_hidden_bytes", Old: "0", New: "4112"},
				{What: "signature", Old: "unsigned", New: "untrusted (unknown-authority)"},
				{What: "signer", Old: "", New: "CN=Vendor"},
				{What: "signer_issuer", Old: "", New: "CN=Vendor CA"},
			}},
		{"image trailer",
			withFacts(&model.Facts{Image: &model.ImageFacts{Format: "ico"}}),
			withFacts(&model.Facts{Image: &model.ImageFacts{Format: "ico", Trailer: &model.Trailer{Size: 241, Class: "base64", Marker: "$"}}}),
			[]model.FactChange{{What: "image_trailer_bytes", Old: "0", New: "241"}}},
		{"entropy moves by a quarter bit or more",
			&model.File{Entropy: 1.25}, &model.File{Entropy: 5.5},
			[]model.FactChange{{What: "entropy", Old: "1.25", New: "5.50"}}},
		{"entropy jitter", &model.File{Entropy: 5.5}, &model.File{Entropy: 5.7}, nil},
		{"no facts on either side", &model.File{}, &model.File{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diff.Delta(tt.old, tt.new)
			if diff := cmp.Diff(tt.want, d.Changes); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeltaChangeLookup(t *testing.T) {
	d := diff.Delta(withFacts(&model.Facts{PE: &model.PEFacts{}}), withFacts(&model.Facts{PE: &model.PEFacts{TLSCallbacks: []uint64{1, 2}}}))
	if c := d.Change("tls_callbacks"); c == nil || c.Old != "0" || c.New != "2" {
		t.Errorf("Change(tls_callbacks) = %+v", c)
	}
	if d.Change("overlay_bytes") != nil {
		t.Error("Change of an unchanged fact")
	}
}

func TestDeltaCapsLongLists(t *testing.T) {
	var imports []string
	for i := range 250 {
		imports = append(imports, fmt.Sprintf("sym%03d", i))
	}
	d := diff.Delta(withFacts(&model.Facts{ELF: &model.ELFFacts{}}), withFacts(&model.Facts{ELF: &model.ELFFacts{Imports: imports}}))
	if len(d.ImportsAdded) != 200 || d.ImportsAdded[0] != "sym000" {
		t.Errorf("%d imports listed", len(d.ImportsAdded))
	}
	if c := d.Change("imports_added"); c == nil || c.New != "250" {
		t.Errorf("full count not recorded: %+v", c)
	}
}

func TestSignatureState(t *testing.T) {
	valid := model.Signature{DigestValid: true, SignatureValid: true, ChainValid: true}
	bad := model.Signature{DigestValid: false, SignatureValid: true, Problem: "digest mismatch"}
	ok := true
	notOK := false
	tests := []struct {
		f    *model.Facts
		want string
	}{
		{&model.Facts{}, ""},
		{&model.Facts{Signature: &model.SignatureFacts{}}, "unsigned"},
		{&model.Facts{Signature: &model.SignatureFacts{Signed: true}}, "unchecked"},
		{&model.Facts{Signature: &model.SignatureFacts{Signed: true, Signatures: []model.Signature{valid}}}, "valid"},
		{&model.Facts{Signature: &model.SignatureFacts{Signed: true, Signatures: []model.Signature{bad}}}, "invalid (digest mismatch)"},
		{&model.Facts{Signature: &model.SignatureFacts{Signed: true, Signatures: []model.Signature{{SignatureValid: true}}}}, "invalid (digest mismatch)"},
		{&model.Facts{Signature: &model.SignatureFacts{Signed: true, Signatures: []model.Signature{{DigestValid: true, SignatureValid: true}}}}, "untrusted (chain)"},
		{&model.Facts{MachO: &model.MachOFacts{Slices: []model.MachOSlice{{CPU: "arm64"}}}}, "unsigned"},
		{&model.Facts{MachO: &model.MachOFacts{Slices: []model.MachOSlice{{CPU: "arm64", CodeSign: &model.MachOCodeSign{AdHoc: true}}}}}, "ad-hoc"},
		{&model.Facts{MachO: &model.MachOFacts{Slices: []model.MachOSlice{{CPU: "arm64", CodeSign: &model.MachOCodeSign{CMSValid: &ok}}}}}, "signed"},
		{&model.Facts{MachO: &model.MachOFacts{Slices: []model.MachOSlice{{CPU: "arm64", CodeSign: &model.MachOCodeSign{CMSValid: &notOK}}}}}, "invalid (page hashes)"},
		{&model.Facts{MachO: &model.MachOFacts{Slices: []model.MachOSlice{{CPU: "arm64", CodeSign: &model.MachOCodeSign{BadPages: 1}}}}}, "invalid (page hashes)"},
	}
	for i, tt := range tests {
		if got := diff.SignatureState(tt.f); got != tt.want {
			t.Errorf("%d: SignatureState = %q, want %q", i, got, tt.want)
		}
	}
	sub, iss := diff.Signer(&model.Facts{MachO: &model.MachOFacts{Slices: []model.MachOSlice{{CodeSign: &model.MachOCodeSign{Signer: "Developer ID Application: X (T1)", TeamID: "T1"}}}}})
	if sub != "Developer ID Application: X (T1)" || iss != "team T1" {
		t.Errorf("Signer = %q, %q", sub, iss)
	}
}
