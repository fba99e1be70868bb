package machofind_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/macho"
	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/detect/machofind"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
	unpacklist "github.com/vouch-sec/vouch/internal/unpack/list"
)

func inspect(t *testing.T, p string) *model.Report {
	t.Helper()
	rep, err := engine.Inspect(context.Background(), p, engine.Config{
		Limits:    limits.Default(),
		Unpackers: unpacklist.All(),
		Analyzers: []analyze.Analyzer{macho.New()},
		Detectors: []detect.Detector{machofind.New()},
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

type finding struct {
	ID       string
	Severity model.Severity
	Title    string
	Evidence map[string]any
}

func ours(rep *model.Report) []finding {
	var out []finding
	for _, f := range rep.Findings {
		out = append(out, finding{f.ID, f.Severity, f.Title, f.Evidence})
	}
	return out
}

// The fixtures are built by ../../analyze/macho/testdata/gen.sh.
func TestFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "analyze", "macho", "testdata")
	tests := []struct {
		file string
		want []finding
	}{
		{"thin-arm64.dylib", nil},
		{"fat-clean.dylib", nil},
		{"devid-arm64.dylib", nil},
		{"truncated.dylib", nil}, // an error, not a finding
		{"broken-page.dylib", []finding{{
			"macho.codesign-broken", model.SeverityHigh,
			"arm64 Mach-O was changed after code signing: 1 of 13 code pages no longer match their signed hashes",
			map[string]any{"ad_hoc": true, "bad_pages": 1, "cpu": "arm64", "hash_type": "sha256", "pages": 13},
		}}},
		{"devid-broken-page.dylib", []finding{{
			"macho.codesign-broken", model.SeverityHigh,
			"arm64 Mach-O was changed after code signing: 1 of 13 code pages no longer match their signed hashes",
			map[string]any{"ad_hoc": false, "bad_pages": 1, "cpu": "arm64", "hash_type": "sha256", "pages": 13,
				"signer": "Developer ID Application: Vouch Test (VOUCHTEST1)", "team_id": "VOUCHTEST1"},
		}}},
		{"devid-stale-cms.dylib", []finding{{
			"macho.codesign-broken", model.SeverityHigh,
			"arm64 Mach-O was changed after code signing: its code directory is not the one the certificate signature covers",
			map[string]any{"ad_hoc": false, "bad_pages": 0, "cpu": "arm64", "hash_type": "sha256", "pages": 13,
				"signer": "Developer ID Application: Vouch Test (VOUCHTEST1)", "team_id": "VOUCHTEST1", "cms_valid": false,
				"error": "CMS signature: pkcs7.Verify: crypto/rsa: verification error"},
		}}},
		{"devid-sha1-sha256.dylib", nil},
		{"devid-sha256-rehashed.dylib", []finding{{
			"macho.codesign-broken", model.SeverityHigh,
			"arm64 Mach-O was changed after code signing: 1 of 13 code pages no longer match their signed hashes",
			map[string]any{"ad_hoc": false, "bad_pages": 1, "cpu": "arm64", "hash_type": "sha1", "pages": 13,
				"signer": "Developer ID Application: Vouch Test (VOUCHTEST1)", "team_id": "VOUCHTEST1"},
		}}},
		{"appended.dylib", []finding{{
			"macho.data-after-signature", model.SeverityMedium,
			"arm64 Mach-O carries 3000 bytes after its code signature, which no signature covers",
			map[string]any{"cpu": "arm64", "signature_end": int64(49968), "trailing_bytes": int64(3000), "trailing_entropy": 7.927},
		}}},
		{"fat-overlay.dylib", []finding{{
			"macho.data-after-signature", model.SeverityMedium,
			"Universal binary carries 1120 bytes after its last slice, outside every code signature",
			map[string]any{"where": "after last slice", "offset": int64(82736), "bytes": int64(1120), "entropy": 3.638},
		}}},
		{"fat-asym.dylib", []finding{{
			"bin.arch-asymmetry", model.SeverityMedium,
			"Universal binary's architectures disagree: initializers x86_64 2, arm64 1; dynamic-loading only in x86_64; network only in x86_64",
			map[string]any{
				"init_funcs": map[string]int{"x86_64": 2, "arm64": 1},
				"capabilities_in_some_slices": map[string]any{
					"dynamic-loading": map[string]any{"slices": []string{"x86_64"}, "via": []string{"_dlopen"}},
					"network":         map[string]any{"slices": []string{"x86_64"}, "via": []string{"_connect", "_socket"}},
				},
				"slices": []string{"x86_64", "arm64"},
			},
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			rep := inspect(t, filepath.Join(dir, tc.file))
			if d := cmp.Diff(tc.want, ours(rep)); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

func fat(slices ...model.MachOSlice) *model.File {
	return &model.File{Path: "u", Kind: "macho-fat", Facts: &model.Facts{MachO: &model.MachOFacts{Fat: true, Slices: slices}}}
}

// TestFacts covers what real universal binaries legitimately differ in,
// and signature states the fixtures do not reach.
func TestFacts(t *testing.T) {
	sys := []string{"/usr/lib/libSystem.B.dylib"}
	tests := []struct {
		name string
		file *model.File
		want []string // "id severity"
	}{
		{"symbol variants only", fat(
			model.MachOSlice{CPU: "x86_64", Dylibs: sys, Imports: []string{"_fstat$INODE64", "_close$NOCANCEL", "____chkstk_darwin", "_socket"}},
			model.MachOSlice{CPU: "arm64", Dylibs: sys, Imports: []string{"_fstat", "_close", "_socket"}},
		), nil},
		{"same library under another path", fat(
			model.MachOSlice{CPU: "x86_64", Dylibs: []string{"@rpath/libswift_Concurrency.dylib"}},
			model.MachOSlice{CPU: "arm64", Dylibs: []string{"/usr/lib/swift/libswift_Concurrency.dylib"}},
		), nil},
		{"extra libraries in one slice", fat(
			model.MachOSlice{CPU: "x86_64", Dylibs: sys},
			model.MachOSlice{CPU: "arm64", Dylibs: append([]string{"/usr/lib/swift/libswiftCore.dylib"}, sys...)},
		), []string{"bin.arch-asymmetry low"}},
		{"curl linked by one slice only", fat(
			model.MachOSlice{CPU: "x86_64", Dylibs: append([]string{"/usr/lib/libcurl.4.dylib"}, sys...)},
			model.MachOSlice{CPU: "arm64", Dylibs: sys},
		), []string{"bin.arch-asymmetry medium"}},
		{"exec in one slice only", fat(
			model.MachOSlice{CPU: "x86_64", Imports: []string{"_posix_spawn"}},
			model.MachOSlice{CPU: "arm64"},
		), []string{"bin.arch-asymmetry medium"}},
		{"one slice only", fat(model.MachOSlice{CPU: "arm64", InitFuncs: 3}), nil},
		{"thin file", &model.File{Path: "t", Kind: "macho", Facts: &model.Facts{MachO: &model.MachOFacts{Slices: []model.MachOSlice{{CPU: "arm64"}}}}}, nil},
		{"overlay without any signature", &model.File{Path: "o", Kind: "macho-fat", Facts: &model.Facts{MachO: &model.MachOFacts{
			Fat: true, Slices: []model.MachOSlice{{CPU: "arm64"}, {CPU: "x86_64"}}, Overlay: &model.Region{Offset: 10, Size: 5},
		}}}, nil},
		{"unhashed bytes before the signature", &model.File{Path: "h", Kind: "macho", Facts: &model.Facts{MachO: &model.MachOFacts{
			Slices: []model.MachOSlice{{CPU: "arm64", CodeSign: &model.MachOCodeSign{Offset: 8192, Size: 100, CodeLimit: 4096, UnhashedBytes: 4096}}},
		}}}, []string{"macho.data-after-signature medium"}},
		{"requirements changed after signing", &model.File{Path: "r", Kind: "macho", Facts: &model.Facts{MachO: &model.MachOFacts{
			Slices: []model.MachOSlice{{CPU: "arm64", CodeSign: &model.MachOCodeSign{Pages: 3, BadSpecialSlots: 1}}},
		}}}, []string{"macho.codesign-broken high"}},
		{"CMS could not be checked", &model.File{Path: "c", Kind: "macho", Facts: &model.Facts{MachO: &model.MachOFacts{
			Slices: []model.MachOSlice{{CPU: "arm64", CodeSign: &model.MachOCodeSign{Pages: 3, Error: "CMS signature: pkcs7.Parse: …"}}},
		}}}, nil},
		{"no facts", &model.File{Path: "n", Kind: "macho"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range machofind.New().DetectFile(tc.file) {
				got = append(got, f.ID+" "+f.Severity.String())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

// TestRealQuiet: real signed Mach-O files raise nothing at medium or
// above. sentry-cli's arm64 slice links Swift and image libraries its
// x86_64 slice does not: that is a low finding, not more.
func TestRealQuiet(t *testing.T) {
	tests := []struct {
		archive string
		want    []string
	}{
		{"esbuild-darwin-arm64-0.28.2.tgz", nil},
		{"sentry-cli-darwin-3.8.0.tgz", []string{"bin.arch-asymmetry low sentry-cli-darwin-3.8.0.tgz!/package/bin/sentry-cli"}},
	}
	for _, tc := range tests {
		t.Run(tc.archive, func(t *testing.T) {
			rep := inspect(t, realdata.Path(t, tc.archive))
			var got []string
			for _, f := range rep.Findings {
				got = append(got, f.ID+" "+f.Severity.String()+" "+f.Path)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}
