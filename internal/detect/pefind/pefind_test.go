package pefind_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/pe"
	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/detect/pefind"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
	unpacklist "github.com/vouch-sec/vouch/internal/unpack/list"
)

// fixture analyses one of analyze/pe's fixtures.
func fixture(t *testing.T, name string) *model.File {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "analyze", "pe", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f := &model.File{Path: "release.zip!/" + name, Kind: "pe", Type: "file", Facts: &model.Facts{}}
	in := &analyze.Input{Path: f.Path, Kind: "pe", R: bytes.NewReader(b), Size: int64(len(b))}
	if err := pe.New().Analyze(context.Background(), in, f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDetectFile(t *testing.T) {
	tests := []struct {
		file string
		want []model.Finding
	}{
		{"rwx64.exe", []model.Finding{{
			ID: "pe.rwx-section", Severity: model.SeverityLow, Path: "release.zip!/rwx64.exe",
			Title:    `PE section ".rwx" is writable and executable, as packers and injected loaders make them`,
			Evidence: map[string]any{"sections": []string{".rwx"}},
		}}},
		// An unsigned user-mode program: nothing reads its checksum.
		{"checksum-bad.exe", nil},
		// Quiet: correct checksums, appended overlay with a fixed checksum,
		// the EFI image, the i386 build, the DLL with resources.
		{"hello64.exe", nil},
		{"overlay64.exe", nil},
		{"hello.efi", nil},
		{"hello32.exe", nil},
		{"lib64.dll", nil},
		{"app64.exe", nil},
		{"tls64.exe", nil},
		{"driver.sys", nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got := pefind.New().DetectFile(fixture(t, tc.file))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// A stored checksum of zero means "not computed" (Go, most MinGW and MSVC
// builds without /RELEASE) and is never a mismatch.
func TestZeroChecksumQuiet(t *testing.T) {
	f := &model.File{Path: "a.exe", Kind: "pe", Facts: &model.Facts{PE: &model.PEFacts{
		Checksum: &model.Checksum{Stored: 0, Computed: 0x1234},
	}}}
	if got := pefind.New().DetectFile(f); got != nil {
		t.Errorf("findings = %v", got)
	}
}

// pefile builds a PE file with the given type, imports and signature
// state; signed nil means the signature analyzer did not run.
func pefile(path, typ string, signed *bool, imports ...model.Import) *model.File {
	f := &model.File{Path: path, Kind: "pe", Type: "file", Facts: &model.Facts{
		PE: &model.PEFacts{Type: typ, Imports: imports},
	}}
	if signed != nil {
		f.Facts.Signature = &model.SignatureFacts{Signed: *signed}
	}
	return f
}

func TestSideload(t *testing.T) {
	yes, no := true, false
	app := pefile("3CX.msi!/app/3CXDesktopApp.exe", "exe", &yes,
		model.Import{DLL: "kernel32.dll", Functions: []string{"CreateFileW"}},
		model.Import{DLL: "ffmpeg.dll", Functions: []string{"avcodec_open2"}},
		model.Import{DLL: "d3dcompiler_47.dll", Functions: []string{"D3DCompile"}, Delayed: true},
		model.Import{DLL: "unknown.dll", Functions: []string{"f"}},
		model.Import{DLL: "signed.dll", Functions: []string{"f"}},
	)
	helper := pefile("3CX.msi!/app/Update.exe", "exe", &yes, model.Import{DLL: "ffmpeg.dll"})
	files := []*model.File{
		app, helper,
		pefile("3CX.msi!/app/FFmpeg.dll", "dll", &no),         // case differs from the import
		pefile("3CX.msi!/app/d3dcompiler_47.dll", "dll", &no), // delay-loaded
		pefile("3CX.msi!/app/unknown.dll", "dll", nil),        // signature state unknown
		pefile("3CX.msi!/app/signed.dll", "dll", &yes),        // signed
		pefile("3CX.msi!/other/ffmpeg.dll", "dll", &no),       // another directory
		pefile("3CX.msi!/app/kernel32.dll.txt", "dll", &no),   // not the imported name
		pefile("unsigned.zip!/tool.exe", "exe", &no, model.Import{DLL: "lib.dll"}),
		pefile("unsigned.zip!/lib.dll", "dll", &no), // importer not signed
		pefile("nosig.zip!/tool.exe", "exe", nil, model.Import{DLL: "lib.dll"}),
		pefile("nosig.zip!/lib.dll", "dll", &no), // importer's state unknown
	}
	want := []model.Finding{
		{
			ID: "sig.unsigned-module-in-signed-package", Severity: model.SeverityLow, Path: "3CX.msi!/app/FFmpeg.dll",
			Title:    "unsigned FFmpeg.dll is loaded by the signed 3CXDesktopApp.exe (and 1 more) beside it: whoever replaces it runs code inside a signed program",
			Evidence: map[string]any{"importers": []string{"3CX.msi!/app/3CXDesktopApp.exe", "3CX.msi!/app/Update.exe"}, "delay_loaded": false},
		},
		{
			ID: "sig.unsigned-module-in-signed-package", Severity: model.SeverityLow, Path: "3CX.msi!/app/d3dcompiler_47.dll",
			Title:    "unsigned d3dcompiler_47.dll is loaded by the signed 3CXDesktopApp.exe beside it: whoever replaces it runs code inside a signed program",
			Evidence: map[string]any{"importers": []string{"3CX.msi!/app/3CXDesktopApp.exe"}, "delay_loaded": true},
		},
	}
	got := pefind.NewSideload().DetectRelease(files)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestRealQuiet: real benign releases raise none of these findings. The
// signature analyzer is not run here, so the side-loading detector has no
// signed EXE to look from; its real-data check belongs with it.
func TestRealQuiet(t *testing.T) {
	for _, name := range []string{
		"esbuild-win32-x64-0.28.2.tgz", "7zip-bin-5.2.0.tgz", "rcedit-5.0.2.tgz", "node-windows-0.1.14.tgz",
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := engine.Inspect(context.Background(), realdata.Path(t, name), engine.Config{
				Limits:    limits.Default(),
				Unpackers: unpacklist.All(),
				Analyzers: []analyze.Analyzer{pe.New()},
				Detectors: []detect.Detector{pefind.New(), pefind.NewSideload()},
			})
			if err != nil {
				t.Fatal(err)
			}
			pes := 0
			for _, f := range rep.Files {
				if f.Facts != nil && f.Facts.PE != nil {
					pes++
				}
			}
			if pes == 0 {
				t.Errorf("no PE analysed")
			}
			for _, f := range rep.Findings {
				t.Errorf("finding on a real benign release: %s %s %s", f.ID, f.Path, f.Title)
			}
		})
	}
}

// A stale checksum is reported where something reads it: drivers, EFI
// images, and signed files (outside the signed digest).
func TestChecksumWhereItMatters(t *testing.T) {
	for _, tc := range []struct {
		typ    string
		signed bool
		want   bool
	}{
		{"exe", false, false}, {"dll", false, false}, {"driver", false, true}, {"efi", false, true}, {"dll", true, true},
	} {
		f := &model.File{Path: "x", Kind: "pe", Facts: &model.Facts{PE: &model.PEFacts{
			Type: tc.typ, Checksum: &model.Checksum{Stored: 1, Computed: 2},
		}}}
		if tc.signed {
			f.Facts.Signature = &model.SignatureFacts{Signed: true}
		}
		got := pefind.New().DetectFile(f)
		if (len(got) == 1 && got[0].ID == "pe.checksum-mismatch") != tc.want {
			t.Errorf("type %s signed %v: findings %v, want reported=%v", tc.typ, tc.signed, got, tc.want)
		}
	}
}
