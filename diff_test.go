package vouch_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/eval"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

func diffOf(t *testing.T, old, new string, o vouch.Options) *model.DiffReport {
	t.Helper()
	d, err := vouch.Diff(context.Background(), old, new, o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// findingsOn returns the ids of new findings on files named base.
func findingsOn(d *model.DiffReport, base string, min model.Severity) []string {
	var ids []string
	for _, f := range d.Findings {
		if f.Severity >= min && (strings.HasSuffix(f.Path, "/"+base) || f.Path == base) {
			ids = append(ids, f.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func corpusCase(t *testing.T, id string) eval.Case {
	t.Helper()
	cs, err := eval.LoadCases("testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("corpus case %s missing", id)
	return eval.Case{}
}

// TestDiff3CXWindows is the defining case: against the clean previous
// release, the trojanized one fails the gate and names each of the three
// files with its reason; the clean next release passes.
func TestDiff3CXWindows(t *testing.T) {
	c := corpusCase(t, "3cx-windows")
	o := vouch.Options{TrustRoots: c.Roots}
	bad := diffOf(t, c.Clean, c.Bad, o)
	if bad.Verdict < model.SeverityHigh {
		t.Errorf("clean→bad verdict = %s, want ≥ high", bad.Verdict)
	}
	want := map[string][]string{
		"ffmpeg.dll":         {"bin.capability-gain", "net.new-endpoint"},
		"d3dcompiler_47.dll": {"pe.cert-table-growth", "pe.cert-table-payload", "pe.same-digest-new-bytes"},
		"TinyApp.ico":        {"image.trailing-data"},
	}
	for file, ids := range want {
		got := findingsOn(bad, file, model.SeverityMedium)
		for _, id := range ids {
			if !slices.Contains(got, id) {
				t.Errorf("%s: %s missing (got %v)", file, id, got)
			}
		}
		if len(findingsOn(bad, file, model.SeverityHigh)) == 0 {
			t.Errorf("%s: no finding at high or above", file)
		}
	}
	for _, f := range bad.Findings {
		if f.ID == "bin.capability-gain" && strings.HasSuffix(f.Path, "ffmpeg.dll") {
			for _, w := range []string{"networking", "WinHttp", "media codec"} {
				if !strings.Contains(f.Title, w) {
					t.Errorf("capability-gain title %q does not say %q", f.Title, w)
				}
			}
		}
	}
	next := diffOf(t, c.Clean, c.Next, o)
	if next.Verdict >= model.SeverityHigh {
		t.Errorf("clean→next verdict = %s, want < high: %v", next.Verdict, next.Findings)
	}
}

// TestDiffNPMHook: a patch release that adds a postinstall running a new
// credential-stealing file fails the gate; the benign patch passes.
func TestDiffNPMHook(t *testing.T) {
	c := corpusCase(t, "npm-install-hook")
	bad := diffOf(t, c.Clean, c.Bad, vouch.Options{})
	if got := findingsOn(bad, "package.json", model.SeverityHigh); !slices.Contains(got, "pkg.install-hook-added") {
		t.Errorf("package.json high findings = %v, want pkg.install-hook-added", got)
	}
	if got := findingsOn(bad, "setup.js", model.SeverityHigh); !slices.Contains(got, "pkg.secret-harvest") {
		t.Errorf("setup.js high findings = %v, want pkg.secret-harvest", got)
	}
	next := diffOf(t, c.Clean, c.Next, vouch.Options{})
	if next.Verdict >= model.SeverityMedium {
		t.Errorf("clean→next verdict = %s: %v", next.Verdict, next.Findings)
	}
}

// TestDiffBundledSample: the README's diff of the two bundled installers
// reports the added DLL and the changed codec, and passes the gate.
func TestDiffBundledSample(t *testing.T) {
	d := diffOf(t, "examples/TinyApp-1.0.0.msi", "examples/TinyApp-1.0.1.msi", vouch.Options{})
	status := map[string]string{}
	for _, f := range d.Files {
		status[filepath.Base(f.Path)] = f.Status
	}
	for name, want := range map[string]string{"d3dcompiler_47.dll": "added", "ffmpeg.dll": "changed", "TinyApp.exe": "unchanged", "TinyApp-1.0.1.msi": "changed"} {
		if status[name] != want {
			t.Errorf("%s: status %q, want %q", name, status[name], want)
		}
	}
	for _, f := range d.Files {
		if filepath.Base(f.Path) == "ffmpeg.dll" && (f.Delta == nil || !slices.Contains(f.Delta.ExportsAdded, "av_log_set_level")) {
			t.Errorf("ffmpeg.dll delta = %+v, want export av_log_set_level added", f.Delta)
		}
	}
	if d.Verdict >= model.SeverityHigh {
		t.Errorf("verdict %s: %v", d.Verdict, d.Findings)
	}
	// The signer of the EXE was untrusted before too: context.
	if len(d.Existing) == 0 {
		t.Error("no existing findings: the old release's findings were not matched")
	}
	// The unsigned codec the signed EXE loads changed: the side-loading
	// surface is in use, so the finding is new and raised to medium.
	if got := findingsOn(d, "ffmpeg.dll", model.SeverityMedium); !slices.Contains(got, "sig.unsigned-module-in-signed-package") {
		t.Errorf("ffmpeg.dll medium findings = %v, want sig.unsigned-module-in-signed-package", got)
	}
}

// TestDiffAcrossFormats compares an MSI with the unpacked directory of its
// predecessor: files pair by name and the codec's change is seen.
func TestDiffAcrossFormats(t *testing.T) {
	d := diffOf(t, "internal/unpack/msi/testdata/payload/1.0.0", "examples/TinyApp-1.0.1.msi", vouch.Options{})
	paired := map[string]string{}
	for _, f := range d.Files {
		if f.OldPath != "" {
			paired[filepath.Base(f.Path)] = f.Status
		}
	}
	for _, name := range []string{"ffmpeg.dll", "TinyApp.exe", "TinyApp.ico"} {
		if paired[name] == "" {
			t.Errorf("%s not paired across formats (paired: %v)", name, paired)
		}
	}
	if paired["ffmpeg.dll"] != "changed" && paired["ffmpeg.dll"] != "moved" {
		t.Errorf("ffmpeg.dll status %q", paired["ffmpeg.dll"])
	}
}

// TestDiffBaseline: a baseline suppresses a known finding by id and path,
// the verdict drops, and the suppressed finding is still counted.
func TestDiffBaseline(t *testing.T) {
	c := corpusCase(t, "3cx-windows")
	bl := filepath.Join(t.TempDir(), "baseline.yaml")
	writeFile(t, bl, `version: 1
suppress:
  - id: image.trailing-data
    path: "*.ico"
    reason: icon padding reviewed
`)
	d := diffOf(t, c.Clean, c.Bad, vouch.Options{TrustRoots: c.Roots, Baseline: bl})
	if len(findingsOn(d, "TinyApp.ico", model.SeverityLow)) != 0 {
		t.Errorf("icon finding not suppressed: %v", findingsOn(d, "TinyApp.ico", model.SeverityLow))
	}
	if d.Summary.Suppressed != 1 || d.Suppressed[0].Reason != "icon padding reviewed" {
		t.Errorf("suppressed = %+v", d.Suppressed)
	}
}

// TestDiffRealBenignPairs: real successive releases produce no high
// finding. Missing data skips.
func TestDiffRealBenignPairs(t *testing.T) {
	pairs, err := realdata.Pairs()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		t.Run(p.ID, func(t *testing.T) {
			if testing.Short() && strings.HasPrefix(p.ID, "deb-linux-image") {
				t.Skip("large pair skipped in -short")
			}
			old, new := realdata.PairPaths(t, p.ID)
			d := diffOf(t, old, new, vouch.Options{})
			for _, f := range d.Findings {
				if f.Severity >= model.SeverityMedium {
					t.Logf("%s %s %s: %s", f.Severity, f.ID, f.Path, f.Title)
				}
				if f.Severity >= model.SeverityHigh {
					t.Errorf("benign update got %s %s on %s: %s", f.Severity, f.ID, f.Path, f.Title)
				}
			}
		})
	}
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDiffReferenceTable: with a reference of the clean third-party DLL,
// the trojanized copy (same signed digest, other bytes) is named, and the
// clean release itself is quiet.
func TestDiffReferenceTable(t *testing.T) {
	c := corpusCase(t, "3cx-windows")
	clean, err := vouch.Inspect(context.Background(), c.Clean, vouch.Options{TrustRoots: c.Roots})
	if err != nil {
		t.Fatal(err)
	}
	var sha, digest string
	for _, f := range clean.Files {
		if strings.HasSuffix(f.Path, "/d3dcompiler_47.dll") && f.Facts != nil && f.Facts.Signature != nil && len(f.Facts.Signature.Signatures) > 0 {
			sha, digest = f.SHA256, f.Facts.Signature.Signatures[0].Digest
		}
	}
	if sha == "" {
		t.Fatal("clean release has no signed d3dcompiler_47.dll")
	}
	ref := filepath.Join(t.TempDir(), "ref.yaml")
	writeFile(t, ref, "version: 1\ncomponents:\n  - name: D3DCompiler_47.dll\n    sha256: ["+sha+"]\n    authenticode: ["+digest+"]\n")
	o := vouch.Options{TrustRoots: c.Roots, References: []string{ref}}
	bad := diffOf(t, c.Clean, c.Bad, o)
	if got := findingsOn(bad, "d3dcompiler_47.dll", model.SeverityHigh); !slices.Contains(got, "bin.vendored-mismatch") {
		t.Errorf("d3dcompiler_47.dll high findings = %v, want bin.vendored-mismatch", got)
	}
	r, err := vouch.Inspect(context.Background(), c.Clean, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if f.ID == "bin.vendored-mismatch" {
			t.Errorf("known build flagged: %s", f.Title)
		}
	}
}
