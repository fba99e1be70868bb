package attest_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/attest"
	"github.com/vouch-sec/vouch/internal/model"
)

const (
	sumA   = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	sumB   = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	sumC   = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
	sumOld = "0000000000000000000000000000000000000000000000000000000000000000"
)

var testRules = attest.RuleSet{Digest: "sha256:rules", Files: 3, Engine: "test"}

func finding(id string, sev model.Severity, path string) model.Finding {
	return model.Finding{ID: id, Severity: sev, Path: path, Title: id + " in " + path, Evidence: map[string]any{"x": 1}}
}

func fileReport() *model.Report {
	return &model.Report{
		Schema:  model.SchemaInspect,
		Tool:    model.Tool{Name: "vouch", Version: "1.2.3"},
		Target:  model.Target{Path: "dist/App-1.0.msi", Kind: "file", SHA256: sumA, Size: 100},
		Verdict: model.SeverityHigh,
		Files: []*model.File{
			{Path: "App-1.0.msi", SHA256: sumA, Type: "file"},
			{Path: "App-1.0.msi!/a.dll", SHA256: sumB, Type: "file", Chain: []model.Container{{Path: "App-1.0.msi", Format: "msi"}}},
		},
		Findings: []model.Finding{
			finding("sig.untrusted", model.SeverityLow, "App-1.0.msi"),
			finding("cap.net", model.SeverityHigh, "App-1.0.msi!/a.dll"),
			finding("pe.overlay", model.SeverityMedium, "App-1.0.msi!/a.dll"),
		},
		Errors:     []model.FileError{{Path: "App-1.0.msi!/b", Error: "truncated"}},
		Suppressed: []model.Suppressed{{Finding: finding("x", model.SeverityHigh, "p"), Reason: "known"}},
	}
}

func TestForReport(t *testing.T) {
	st, err := attest.ForReport(fileReport(), attest.Options{FailOn: model.SeverityHigh, Rules: testRules, MaxFindings: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := &attest.Statement{
		Type:          "https://in-toto.io/Statement/v1",
		Subject:       []attest.Subject{{Name: "App-1.0.msi", Digest: map[string]string{"sha256": sumA}}},
		PredicateType: "https://vouch.dev/attestation/verdict/v1",
		Predicate: attest.Predicate{
			Schema:  "vouch/inspect/v1",
			Verdict: "high",
			FailOn:  "high",
			Passed:  false,
			Target:  attest.Artifact{Path: "dist/App-1.0.msi", Kind: "file", SHA256: sumA, Size: 100},
			Counts:  map[string]int{"none": 0, "low": 1, "medium": 1, "high": 1, "critical": 0},
			// Most severe first, cut at MaxFindings.
			FindingsTotal: 3,
			Findings: []attest.FindingRef{
				{ID: "cap.net", Severity: "high", Path: "App-1.0.msi!/a.dll", Title: "cap.net in App-1.0.msi!/a.dll"},
				{ID: "pe.overlay", Severity: "medium", Path: "App-1.0.msi!/a.dll", Title: "pe.overlay in App-1.0.msi!/a.dll"},
			},
			Suppressed: 1,
			Errors:     1,
			Tool:       model.Tool{Name: "vouch", Version: "1.2.3"},
			Rules:      testRules,
		},
	}
	if d := cmp.Diff(want, st); d != "" {
		t.Errorf("statement (-want +got):\n%s", d)
	}
}

func TestGate(t *testing.T) {
	tests := []struct {
		verdict, failOn model.Severity
		wantFailOn      string
		passed          bool
	}{
		{model.SeverityHigh, model.SeverityHigh, "high", false},
		{model.SeverityCritical, model.SeverityHigh, "high", false},
		{model.SeverityMedium, model.SeverityHigh, "high", true},
		{model.SeverityNone, model.SeverityLow, "low", true},
		{model.SeverityCritical, model.SeverityCritical + 1, "none", true}, // --fail-on none
		{model.SeverityCritical, model.SeverityNone, "none", true},
	}
	for _, tc := range tests {
		rep := fileReport()
		rep.Verdict = tc.verdict
		st, err := attest.ForReport(rep, attest.Options{FailOn: tc.failOn, Rules: testRules})
		if err != nil {
			t.Fatal(err)
		}
		if p := st.Predicate; p.FailOn != tc.wantFailOn || p.Passed != tc.passed || p.Verdict != tc.verdict.String() {
			t.Errorf("verdict %v, fail-on %v: got fail_on %q passed %v verdict %q", tc.verdict, tc.failOn, p.FailOn, p.Passed, p.Verdict)
		}
	}
}

// TestRulesFilledIn: without a rule set in the options, the embedded
// first-party rules are named.
func TestRulesFilledIn(t *testing.T) {
	st, err := attest.ForReport(fileReport(), attest.Options{FailOn: model.SeverityHigh})
	if err != nil {
		t.Fatal(err)
	}
	r := st.Predicate.Rules
	if !strings.HasPrefix(r.Digest, "sha256:") || len(r.Digest) != len("sha256:")+64 || r.Files == 0 || r.Engine == "" {
		t.Errorf("rules = %+v", r)
	}
	if len(st.Predicate.Findings) != 3 {
		t.Errorf("%d findings listed, want all 3 under the default limit", len(st.Predicate.Findings))
	}
}

func TestClipsLongText(t *testing.T) {
	rep := fileReport()
	rep.Findings = []model.Finding{{ID: "x", Severity: model.SeverityLow, Path: strings.Repeat("é", 2000), Title: strings.Repeat("t", 5000)}}
	st, err := attest.ForReport(rep, attest.Options{Rules: testRules})
	if err != nil {
		t.Fatal(err)
	}
	f := st.Predicate.Findings[0]
	if len(f.Title) > 300 || len(f.Path) > 1024 || !strings.HasSuffix(f.Title, "…") || !strings.HasSuffix(f.Path, "é…") {
		t.Errorf("title %d bytes, path %d bytes ending %q", len(f.Title), len(f.Path), f.Path[len(f.Path)-8:])
	}
}

func dirReport() *model.Report {
	return &model.Report{
		Schema: model.SchemaInspect,
		Target: model.Target{Path: "/build/out", Kind: "directory", Size: 30},
		Files: []*model.File{
			{Path: "b/app.deb", SHA256: sumB, Size: 10, Type: "file", Format: "deb"},
			{Path: "b/app.deb!/control.tar.gz", SHA256: sumC, Type: "file", Chain: []model.Container{{Path: "b/app.deb", Format: "deb"}}},
			{Path: "a.zip", SHA256: sumA, Size: 20, Type: "file"},
			{Path: "latest", Type: "symlink", LinkTo: "a.zip"},
		},
	}
}

func TestForReportDirectory(t *testing.T) {
	st, err := attest.ForReport(dirReport(), attest.Options{Rules: testRules})
	if err != nil {
		t.Fatal(err)
	}
	wantSubjects := []attest.Subject{
		{Name: "a.zip", Digest: map[string]string{"sha256": sumA}},
		{Name: "b/app.deb", Digest: map[string]string{"sha256": sumB}},
	}
	if d := cmp.Diff(wantSubjects, st.Subject); d != "" {
		t.Errorf("subjects (-want +got):\n%s", d)
	}
	// sha256 of the sha256sum manifest "<a>  a.zip\n<b>  b/app.deb\n".
	want := attest.Artifact{Path: "/build/out", Kind: "directory", Size: 30, Files: 2,
		SHA256: attest.ManifestDigest(wantSubjects)}
	if d := cmp.Diff(want, st.Predicate.Target); d != "" {
		t.Errorf("target (-want +got):\n%s", d)
	}
	const manifest = "c6ee8965075aea2fa86efa6bac219c749fca2ec9267964183aad17c07a50a262" // printf '%s  a.zip\n%s  b/app.deb\n' $A $B | sha256sum
	if got := attest.ManifestDigest(wantSubjects); got != manifest {
		t.Errorf("ManifestDigest = %s, want %s", got, manifest)
	}

	rep := dirReport()
	rep.Files[2].SHA256 = "" // unreadable file
	if _, err := attest.ForReport(rep, attest.Options{Rules: testRules}); err == nil || !strings.Contains(err.Error(), "a.zip has no sha256") {
		t.Errorf("unreadable top-level file: err = %v", err)
	}
	rep = dirReport()
	rep.Files = rep.Files[3:]
	if _, err := attest.ForReport(rep, attest.Options{Rules: testRules}); err == nil || !strings.Contains(err.Error(), "no files") {
		t.Errorf("empty directory: err = %v", err)
	}
}

func TestForDiff(t *testing.T) {
	newRep := fileReport()
	oldRep := fileReport()
	oldRep.Target = model.Target{Path: "dist/App-0.9.msi", Kind: "file", SHA256: sumOld, Size: 90}
	d := &model.DiffReport{
		Schema:     model.SchemaDiff,
		Tool:       model.Tool{Name: "vouch", Version: "1.2.3"},
		Old:        oldRep.Target,
		New:        newRep.Target,
		Verdict:    model.SeverityCritical,
		Findings:   []model.Finding{finding("diff.capability-added", model.SeverityCritical, "App-1.0.msi!/a.dll")},
		Existing:   []model.Finding{finding("sig.untrusted", model.SeverityLow, "App-1.0.msi"), finding("y", model.SeverityLow, "z")},
		Suppressed: []model.Suppressed{},
		OldReport:  oldRep,
		NewReport:  newRep,
	}
	st, err := attest.ForDiff(d, attest.Options{FailOn: model.SeverityHigh, Rules: testRules})
	if err != nil {
		t.Fatal(err)
	}
	p := st.Predicate
	got := []any{st.Subject, p.Schema, p.Verdict, p.Passed, p.Target.SHA256, p.Previous, p.Existing, p.FindingsTotal, p.Counts["critical"]}
	want := []any{
		[]attest.Subject{{Name: "App-1.0.msi", Digest: map[string]string{"sha256": sumA}}},
		"vouch/diff/v1", "critical", false, sumA,
		&attest.Artifact{Path: "dist/App-0.9.msi", Kind: "file", SHA256: sumOld, Size: 90},
		2, 1, 1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diff statement (-want +got):\n%s", diff)
	}

	// Without the inspections, the targets alone give the same subjects.
	d.OldReport, d.NewReport = nil, nil
	st2, err := attest.ForDiff(d, attest.Options{FailOn: model.SeverityHigh, Rules: testRules})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(st, st2); diff != "" {
		t.Errorf("targets only (-reports +targets):\n%s", diff)
	}
}
