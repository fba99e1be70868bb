package policy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/policy"
)

const documented = `version: 1
suppress:
  - id: sig.unsigned-module-in-signed-package
    path: ffmpeg.dll        # optional: virtual path, path inside the release, or a glob of it
    sha256: 6c1f00aa
    reason: Electron ships ffmpeg.dll unsigned   # required
    expires: 2027-06-30     # optional: the entry stops applying after this day
`

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		err  string // substring; "" means it parses
	}{
		{"documented example", documented, ""},
		{"empty", "", ""},
		{"no entries", "version: 1\nsuppress: []\n", ""},
		{"reason missing", "suppress:\n  - id: pe.overlay\n    path: a.exe\n", "entry 1 (pe.overlay): a reason is required"},
		{"reason blank", "suppress:\n  - id: pe.overlay\n    reason: \"  \"\n", "a reason is required"},
		{"id missing", "suppress:\n  - reason: ok\n", "entry 1: id is required"},
		{"second entry bad", "suppress:\n  - id: a\n    reason: r\n  - id: b\n", "entry 2 (b)"},
		{"expiry not a date", "suppress:\n  - id: a\n    reason: r\n    expires: 30/06/2027\n", `expires "30/06/2027" is not YYYY-MM-DD`},
		{"expiry month 13", "suppress:\n  - id: a\n    reason: r\n    expires: 2027-13-01\n", "is not YYYY-MM-DD"},
		{"expiry with a time", "suppress:\n  - id: a\n    reason: r\n    expires: 2027-06-30T10:00:00Z\n", "is not YYYY-MM-DD"},
		{"unknown field", "suppress:\n  - id: a\n    reason: r\n    reasn: typo\n", "reasn"},
		{"unknown top-level field", "version: 1\nsupress: []\n", "supress"},
		{"unsupported version", "version: 2\n", "unsupported version 2"},
		{"bad glob", "suppress:\n  - id: a\n    reason: r\n    path: \"[a-\"\n", "bad path pattern"},
		{"not YAML", "suppress: [", "baseline:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Parse([]byte(tt.doc))
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error %v, want one saying %q", err, tt.err)
			}
		})
	}
	bl, err := policy.Parse([]byte(documented))
	if err != nil {
		t.Fatal(err)
	}
	want := []policy.Entry{{ID: "sig.unsigned-module-in-signed-package", Path: "ffmpeg.dll", SHA256: "6c1f00aa",
		Reason: "Electron ships ffmpeg.dll unsigned", Expires: "2027-06-30"}}
	if d := cmp.Diff(want, bl.Suppress); d != "" {
		t.Errorf("entries (-want +got):\n%s", d)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "vouch-baseline.yaml")
	if err := os.WriteFile(p, []byte(documented), 0o600); err != nil {
		t.Fatal(err)
	}
	if bl, err := policy.Load(p); err != nil || len(bl.Suppress) != 1 {
		t.Errorf("Load = %v, %v", bl, err)
	}
	if _, err := policy.Load(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("missing file loaded")
	}
}

const (
	ffmpegPath = "TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/ffmpeg.dll"
	d3dPath    = "TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/d3dcompiler_47.dll"
	ffmpegSHA  = "6C1F00AA"
)

var (
	unsignedFF = model.Finding{ID: "sig.unsigned-module-in-signed-package", Severity: model.SeverityMedium, Path: ffmpegPath,
		Title: "ffmpeg.dll is unsigned", Evidence: map[string]any{"signer": "none"}}
	overlayD3D = model.Finding{ID: "pe.overlay", Severity: model.SeverityLow, Path: d3dPath, Title: "overlay", Evidence: map[string]any{}}
	unsignedD3 = model.Finding{ID: "sig.unsigned-module-in-signed-package", Severity: model.SeverityMedium, Path: d3dPath, Title: "d3d is unsigned"}
)

func TestApply(t *testing.T) {
	now := time.Date(2027, 6, 30, 23, 0, 0, 0, time.UTC)
	sha := func(p string) string {
		if p == ffmpegPath {
			return strings.ToLower(ffmpegSHA)
		}
		return "ffff"
	}
	all := []model.Finding{unsignedFF, overlayD3D, unsignedD3}
	tests := []struct {
		name       string
		entries    []policy.Entry
		suppressed []string // "id path" of suppressed findings
	}{
		{"by id alone", []policy.Entry{{ID: "sig.unsigned-module-in-signed-package", Reason: "r"}},
			[]string{"sig.unsigned-module-in-signed-package " + ffmpegPath, "sig.unsigned-module-in-signed-package " + d3dPath}},
		{"by id and full virtual path", []policy.Entry{{ID: unsignedFF.ID, Path: ffmpegPath, Reason: "r"}},
			[]string{unsignedFF.ID + " " + ffmpegPath}},
		{"by path inside the release", []policy.Entry{{ID: unsignedFF.ID, Path: "ProgramFilesFolder/TinyApp/ffmpeg.dll", Reason: "r"}},
			[]string{unsignedFF.ID + " " + ffmpegPath}},
		{"by glob", []policy.Entry{{ID: unsignedFF.ID, Path: "ProgramFilesFolder/*/ffmpeg.dll", Reason: "r"}},
			[]string{unsignedFF.ID + " " + ffmpegPath}},
		{"by glob on the full path", []policy.Entry{{ID: unsignedFF.ID, Path: "TinyApp-*.msi!/ProgramFilesFolder/TinyApp/*.dll", Reason: "r"}},
			[]string{unsignedFF.ID + " " + ffmpegPath, unsignedFF.ID + " " + d3dPath}},
		{"a bare file name names the file anywhere", []policy.Entry{{ID: unsignedFF.ID, Path: "ffmpeg.dll", Reason: "r"}},
			[]string{unsignedFF.ID + " " + ffmpegPath}},
		{"a bare glob names files anywhere", []policy.Entry{{ID: unsignedFF.ID, Path: "*.dll", Reason: "r"}},
			[]string{unsignedFF.ID + " " + ffmpegPath, unsignedFF.ID + " " + d3dPath}},
		{"a path with a directory is anchored", []policy.Entry{{ID: unsignedFF.ID, Path: "TinyApp/ffmpeg.dll", Reason: "r"}}, nil},
		{"same path, other id", []policy.Entry{{ID: "pe.overlay", Path: "ProgramFilesFolder/TinyApp/ffmpeg.dll", Reason: "r"}}, nil},
		{"pinned to the file's content", []policy.Entry{{ID: unsignedFF.ID, SHA256: ffmpegSHA, Reason: "r"}},
			[]string{unsignedFF.ID + " " + ffmpegPath}},
		{"pinned content changed", []policy.Entry{{ID: unsignedFF.ID, Path: "ProgramFilesFolder/TinyApp/ffmpeg.dll", SHA256: "0123", Reason: "r"}}, nil},
		{"expires today: still applies", []policy.Entry{{ID: "pe.overlay", Reason: "r", Expires: "2027-06-30"}},
			[]string{"pe.overlay " + d3dPath}},
		{"expired, then a live entry", []policy.Entry{{ID: "pe.overlay", Reason: "old", Expires: "2027-06-29"}, {ID: "pe.overlay", Reason: "new"}},
			[]string{"pe.overlay " + d3dPath}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bl := &policy.Baseline{Version: 1, Suppress: tt.entries}
			kept, sup := bl.Apply(all, sha, now)
			var got []string
			for _, s := range sup {
				got = append(got, s.ID+" "+s.Path)
				if s.Reason == "" {
					t.Errorf("suppressed without a reason: %+v", s)
				}
			}
			if d := cmp.Diff(tt.suppressed, got); d != "" {
				t.Errorf("suppressed (-want +got):\n%s", d)
			}
			if len(kept)+len(sup) != len(all) {
				t.Errorf("%d kept + %d suppressed of %d findings: some were lost", len(kept), len(sup), len(all))
			}
		})
	}
}

func TestApplyExpired(t *testing.T) {
	bl := &policy.Baseline{Version: 1, Suppress: []policy.Entry{{ID: unsignedFF.ID, Reason: "accepted for 1.0", Expires: "2027-06-29"}}}
	now := time.Date(2027, 6, 30, 0, 0, 1, 0, time.UTC)
	kept, sup := bl.Apply([]model.Finding{unsignedFF}, nil, now)
	if len(sup) != 0 || len(kept) != 1 {
		t.Fatalf("kept %v, suppressed %v", kept, sup)
	}
	if got := kept[0].Evidence["baseline_expired"]; got != "2027-06-29" {
		t.Errorf("evidence baseline_expired = %v", got)
	}
	if kept[0].Evidence["signer"] != "none" {
		t.Error("the finding's own evidence was lost")
	}
	if _, ok := unsignedFF.Evidence["baseline_expired"]; ok {
		t.Error("Apply changed the caller's evidence map")
	}
	// The day before, the entry still held.
	if _, sup := bl.Apply([]model.Finding{unsignedFF}, nil, now.Add(-2*time.Second)); len(sup) != 1 {
		t.Error("entry did not apply on its last day")
	}
}

func TestApplyEmpty(t *testing.T) {
	fs := []model.Finding{unsignedFF}
	var nilBL *policy.Baseline
	if kept, sup := nilBL.Apply(fs, nil, time.Now()); len(kept) != 1 || sup != nil {
		t.Errorf("nil baseline: kept %v, suppressed %v", kept, sup)
	}
}

// TestRoundTrip: a baseline made from one release's findings, written and
// read back, suppresses the same findings in the next release.
func TestRoundTrip(t *testing.T) {
	bl := policy.FromFindings([]model.Finding{unsignedFF, overlayD3D, unsignedFF, unsignedD3}, "reviewed in #123", "2027-12-31")
	want := []policy.Entry{
		{ID: "pe.overlay", Path: "ProgramFilesFolder/TinyApp/d3dcompiler_47.dll", Reason: "reviewed in #123", Expires: "2027-12-31"},
		{ID: "sig.unsigned-module-in-signed-package", Path: "ProgramFilesFolder/TinyApp/d3dcompiler_47.dll", Reason: "reviewed in #123", Expires: "2027-12-31"},
		{ID: "sig.unsigned-module-in-signed-package", Path: "ProgramFilesFolder/TinyApp/ffmpeg.dll", Reason: "reviewed in #123", Expires: "2027-12-31"},
	}
	if d := cmp.Diff(want, bl.Suppress); d != "" {
		t.Fatalf("FromFindings (-want +got):\n%s", d)
	}
	var buf bytes.Buffer
	if err := bl.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "# ") {
		t.Errorf("no header comment:\n%s", buf.String())
	}
	back, err := policy.Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("written baseline does not parse: %v\n%s", err, buf.String())
	}
	if d := cmp.Diff(bl, back); d != "" {
		t.Errorf("round trip (-wrote +read):\n%s", d)
	}
	next := []model.Finding{unsignedFF, overlayD3D, unsignedD3}
	for i := range next {
		next[i].Path = strings.Replace(next[i].Path, "TinyApp-1.0.1.msi", "TinyApp-1.0.2.msi", 1)
	}
	kept, sup := back.Apply(next, nil, time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC))
	if len(kept) != 0 || len(sup) != 3 {
		t.Errorf("next release: kept %v, suppressed %d", kept, len(sup))
	}
}

// TestFromFindingsDirectoryTarget: paths of a directory target have no
// release file name to drop.
func TestFromFindingsDirectoryTarget(t *testing.T) {
	bl := policy.FromFindings([]model.Finding{{ID: "pe.overlay", Path: "out/app/App.exe"}, {ID: "x", Path: "out/a.zip!/b.exe"}}, "r", "")
	var paths []string
	for _, e := range bl.Suppress {
		paths = append(paths, e.Path)
	}
	if d := cmp.Diff([]string{"out/a.zip!/b.exe", "out/app/App.exe"}, paths); d != "" {
		t.Error(d)
	}
}

// FuzzParse: baselines are user files. Parse must not panic; what it
// accepts has ids and reasons, and survives Write and Parse unchanged.
func FuzzParse(f *testing.F) {
	f.Add([]byte(documented))
	f.Add([]byte("suppress:\n  - id: a\n    reason: r\n    path: \"[a-\"\n"))
	f.Add([]byte("suppress: [{id: a, reason: r, expires: 2027-01-01}]"))
	f.Add([]byte("version: 2"))
	f.Fuzz(func(t *testing.T, b []byte) {
		bl, err := policy.Parse(b)
		if err != nil {
			return
		}
		for _, e := range bl.Suppress {
			if e.ID == "" || strings.TrimSpace(e.Reason) == "" {
				t.Fatalf("accepted %+v", e)
			}
		}
		var buf bytes.Buffer
		if err := bl.Write(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := policy.Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("written baseline does not parse: %v\n%s", err, buf.String())
		}
		if d := cmp.Diff(bl, back, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("round trip (-wrote +read):\n%s", d)
		}
	})
}
