package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/report"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

// sarifDoc is the part of a SARIF log the tests look at, read back from
// the rendered bytes rather than from the library's structs.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string `json:"id"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					FullDescription struct {
						Text string `json:"text"`
					} `json:"fullDescription"`
					Help struct {
						Text     string `json:"text"`
						Markdown string `json:"markdown"`
					} `json:"help"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Artifacts []struct {
			Location struct {
				URI string `json:"uri"`
			} `json:"location"`
			Length int               `json:"length"`
			Hashes map[string]string `json:"hashes"`
		} `json:"artifacts"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []sarifResult `json:"results"`
	} `json:"runs"`
}

type sarifResult struct {
	RuleID    string `json:"ruleId"`
	RuleIndex int    `json:"ruleIndex"`
	Level     string `json:"level"`
	Message   struct {
		Text string `json:"text"`
	} `json:"message"`
	Locations []struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI   string `json:"uri"`
				Index int    `json:"index"`
			} `json:"artifactLocation"`
			Region struct {
				StartLine int `json:"startLine"`
			} `json:"region"`
		} `json:"physicalLocation"`
		LogicalLocations []struct {
			FullyQualifiedName string `json:"fullyQualifiedName"`
		} `json:"logicalLocations"`
	} `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	BaselineState       string            `json:"baselineState"`
	Suppressions        []struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification"`
	} `json:"suppressions"`
	Properties map[string]any `json:"properties"`
}

// renderSARIF renders d, validates the bytes against the SARIF 2.1.0
// schema and decodes them.
func renderSARIF(t *testing.T, d report.Document) ([]byte, sarifDoc) {
	t.Helper()
	var buf bytes.Buffer
	if err := (report.SARIF{}).Render(&buf, d, report.Options{FailOn: model.SeverityHigh}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
	var doc sarifDoc
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("runs = %d, want 1", len(doc.Runs))
	}
	return buf.Bytes(), doc
}

// validateSARIF checks b against the SARIF 2.1.0 JSON schema go-sarif
// carries. Strict loading keeps missing arrays missing, so the check sees
// what was written.
func validateSARIF(t *testing.T, b []byte) {
	t.Helper()
	log, err := sarif.FromBytes(b, sarif.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Validate(); err != nil {
		t.Fatalf("SARIF does not validate against 2.1.0: %v", err)
	}
}

var hex32 = regexp.MustCompile(`^[0-9a-f]{32}(:[0-9]+)?$`)

// checkResults asserts what every result must carry for GitHub code
// scanning, against the findings it came from (in order).
func checkResults(t *testing.T, doc sarifDoc, want []model.Finding) {
	t.Helper()
	run := doc.Runs[0]
	if len(run.Results) != len(want) {
		t.Fatalf("results = %d, want %d", len(run.Results), len(want))
	}
	levels := map[model.Severity]string{
		model.SeverityCritical: "error", model.SeverityHigh: "error", model.SeverityMedium: "warning",
		model.SeverityLow: "note", model.SeverityNone: "none",
	}
	for i, r := range run.Results {
		f := want[i]
		if r.RuleID != f.ID || r.Message.Text != f.Title || r.Level != levels[f.Severity] {
			t.Errorf("result %d = %s %q %s, want %s %q %s", i, r.RuleID, r.Message.Text, r.Level, f.ID, f.Title, levels[f.Severity])
		}
		if r.RuleIndex < 0 || r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[r.RuleIndex].ID != f.ID {
			t.Errorf("result %d: ruleIndex %d does not point at rule %s", i, r.RuleIndex, f.ID)
		}
		if len(r.Locations) != 1 {
			t.Fatalf("result %d: %d locations", i, len(r.Locations))
		}
		loc := r.Locations[0]
		if got, w := loc.PhysicalLocation.ArtifactLocation.URI, report.ArtifactURI(f.Path); got != w {
			t.Errorf("result %d: uri %q, want %q", i, got, w)
		}
		if loc.PhysicalLocation.Region.StartLine != 1 {
			t.Errorf("result %d: region.startLine %d, want 1", i, loc.PhysicalLocation.Region.StartLine)
		}
		if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName != f.Path {
			t.Errorf("result %d: logical locations %+v, want %q", i, loc.LogicalLocations, f.Path)
		}
		if fp := r.PartialFingerprints[report.FingerprintKey]; !hex32.MatchString(fp) {
			t.Errorf("result %d: partial fingerprint %q", i, fp)
		}
		if r.Properties["severity"] != f.Severity.String() {
			t.Errorf("result %d: properties.severity %v, want %s", i, r.Properties["severity"], f.Severity)
		}
	}
	for _, rule := range run.Tool.Driver.Rules {
		short, long := report.Help(rule.ID)
		if rule.ShortDescription.Text != short || rule.Help.Markdown != long || rule.Help.Text == "" || rule.FullDescription.Text == "" {
			t.Errorf("rule %s: descriptions do not carry the help text", rule.ID)
		}
		tags, _ := rule.Properties["tags"].([]any)
		if len(tags) == 0 || tags[0] != "security" {
			t.Errorf("rule %s: tags %v, want security first", rule.ID, rule.Properties["tags"])
		}
	}
}

func TestSARIFInspectExample(t *testing.T) {
	r := inspectExamples(t)["TinyApp-1.0.1.msi"]
	if len(r.Findings) == 0 {
		t.Fatal("the example has no findings; the test would prove nothing")
	}
	_, doc := renderSARIF(t, report.Document{Inspect: r})
	if doc.Version != "2.1.0" || doc.Schema == "" {
		t.Errorf("version %q schema %q", doc.Version, doc.Schema)
	}
	d := doc.Runs[0].Tool.Driver
	if d.Name != "vouch" || d.Version != r.Tool.Version || d.InformationURI != report.InformationURI {
		t.Errorf("driver = %s %s %s", d.Name, d.Version, d.InformationURI)
	}
	checkResults(t, doc, r.Findings)
	// Every result's file is an artifact with its hash.
	hashes := map[string]string{}
	for _, a := range doc.Runs[0].Artifacts {
		hashes[a.Location.URI] = a.Hashes["sha-256"]
	}
	files := map[string]string{}
	for _, f := range r.Files {
		files[f.Path] = f.SHA256
	}
	for _, f := range r.Findings {
		if got := hashes[report.ArtifactURI(f.Path)]; got != files[f.Path] {
			t.Errorf("artifact %s: sha-256 %q, want %q", f.Path, got, files[f.Path])
		}
	}
	for _, res := range doc.Runs[0].Results {
		if res.BaselineState != "" || len(res.Suppressions) != 0 {
			t.Errorf("inspect result %s has baseline state %q / suppressions", res.RuleID, res.BaselineState)
		}
	}
}

func TestSARIFDiff(t *testing.T) {
	r := loadDiffFixture(t)
	_, doc := renderSARIF(t, report.Document{Diff: r})
	var all []model.Finding
	all = append(all, r.Findings...)
	all = append(all, r.Existing...)
	for _, s := range r.Suppressed {
		all = append(all, s.Finding)
	}
	checkResults(t, doc, all)

	var states []string
	for _, res := range doc.Runs[0].Results {
		s := res.BaselineState
		if len(res.Suppressions) > 0 {
			s += "suppressed:" + res.Suppressions[0].Kind + ":" + res.Suppressions[0].Justification
		}
		states = append(states, s)
	}
	want := []string{"new", "new", "new", "new", "new", "new", "unchanged", "unchanged",
		"suppressed:external:test CA root; CI passes it with --trust-root"}
	if diff := cmp.Diff(want, states); diff != "" {
		t.Errorf("baseline states (-want +got):\n%s", diff)
	}

	type ruleSum struct{ Level, Score string }
	rules := map[string]ruleSum{}
	for _, rule := range doc.Runs[0].Tool.Driver.Rules {
		score, _ := rule.Properties["security-severity"].(string)
		rules[rule.ID] = ruleSum{rule.DefaultConfiguration.Level, score}
	}
	wantRules := map[string]ruleSum{
		"pe.cert-table-payload":                 {"error", "9.5"},
		"pe.same-digest-new-bytes":              {"error", "8.0"},
		"bin.capability-gain":                   {"error", "8.0"},
		"net.new-endpoint":                      {"warning", "5.5"},
		"image.trailing-data":                   {"warning", "5.5"},
		"file.disguised-executable":             {"warning", "5.5"},
		"sig.unsigned-module-in-signed-package": {"note", "3.0"},
		"sig.untrusted":                         {"note", "3.0"},
	}
	if diff := cmp.Diff(wantRules, rules); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}

	// A hostile file name is percent-encoded in the URI, verbatim in the
	// logical location.
	const hostile = "TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/assets/logo|<b>.png"
	found := false
	for _, res := range doc.Runs[0].Results {
		if res.Locations[0].LogicalLocations[0].FullyQualifiedName == hostile {
			found = true
			if got := res.Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/assets/logo%7C%3Cb%3E.png" {
				t.Errorf("uri of hostile name = %q", got)
			}
		}
	}
	if !found {
		t.Error("no result for the hostile file name")
	}

	inv := doc.Runs[0].Invocations
	if len(inv) != 1 || !inv[0].ExecutionSuccessful || len(inv[0].ToolExecutionNotifications) != 1 {
		t.Fatalf("invocations = %+v", inv)
	}
	if n := inv[0].ToolExecutionNotifications[0]; n.Level != "warning" || !strings.Contains(n.Message.Text, "unsupported compression LZX") || !strings.HasPrefix(n.Message.Text, "new release: ") {
		t.Errorf("notification = %+v", n)
	}
}

// TestSARIFFingerprintsAcrossReleases: the findings both example releases
// share keep their fingerprints although the release's file name (and so
// every virtual path) carries the version.
func TestSARIFFingerprintsAcrossReleases(t *testing.T) {
	rs := inspectExamples(t)
	fps := func(r *model.Report) map[string]string {
		_, doc := renderSARIF(t, report.Document{Inspect: r})
		m := map[string]string{}
		for _, res := range doc.Runs[0].Results {
			path := res.Locations[0].LogicalLocations[0].FullyQualifiedName
			_, rest, _ := strings.Cut(path, "!/")
			m[res.RuleID+" "+rest] = res.PartialFingerprints[report.FingerprintKey]
		}
		return m
	}
	old, cur := fps(rs["TinyApp-1.0.0.msi"]), fps(rs["TinyApp-1.0.1.msi"])
	shared := 0
	for k, fp := range old {
		if k[len(k)-1] == ' ' {
			continue // the release file itself: its name differs, its finding may too
		}
		if got, ok := cur[k]; ok {
			shared++
			if got != fp {
				t.Errorf("%s: fingerprint %s in 1.0.0, %s in 1.0.1", k, fp, got)
			}
		}
	}
	if shared == 0 {
		t.Fatalf("no finding shared between the releases (old %v, new %v)", old, cur)
	}
}

func TestSARIFDeterministic(t *testing.T) {
	r := inspectExamples(t)["TinyApp-1.0.1.msi"]
	a, _ := renderSARIF(t, report.Document{Inspect: r})
	b, _ := renderSARIF(t, report.Document{Inspect: r})
	if !bytes.Equal(a, b) {
		t.Error("two renderings of one report differ")
	}
}

// TestSARIFValidatorRejects makes sure the schema check can fail: a level
// outside the enum must not validate.
func TestSARIFValidatorRejects(t *testing.T) {
	b, _ := renderSARIF(t, report.Document{Diff: loadDiffFixture(t)})
	bad := bytes.Replace(b, []byte(`"level": "error"`), []byte(`"level": "fatal"`), 1)
	if bytes.Equal(bad, b) {
		t.Fatal("no level to corrupt")
	}
	log, err := sarif.FromBytes(bad, sarif.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	if err := log.Validate(); err == nil {
		t.Error("a result with level \"fatal\" validated")
	}
}

func TestSARIFLevels(t *testing.T) {
	r := &model.Report{Schema: model.SchemaInspect, Tool: model.Tool{Name: "vouch", Version: "1"},
		Target: model.Target{Path: "x.zip", Kind: "file"}}
	for s := model.SeverityNone; s <= model.SeverityCritical; s++ {
		r.Findings = append(r.Findings, model.Finding{ID: "test." + s.String(), Severity: s, Path: "x.zip!/" + s.String(), Title: s.String()})
	}
	r.Sort()
	_, doc := renderSARIF(t, report.Document{Inspect: r})
	checkResults(t, doc, r.Findings)
	got := map[string]string{}
	for _, rule := range doc.Runs[0].Tool.Driver.Rules {
		score, _ := rule.Properties["security-severity"].(string)
		got[rule.ID] = rule.DefaultConfiguration.Level + " " + score
	}
	want := map[string]string{
		"test.critical": "error 9.5", "test.high": "error 8.0", "test.medium": "warning 5.5",
		"test.low": "note 3.0", "test.none": "none ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rule levels (-want +got):\n%s", diff)
	}
	// An unknown id still gets a rule with a generic explanation.
	for _, rule := range doc.Runs[0].Tool.Driver.Rules {
		if !strings.Contains(rule.Help.Markdown, rule.ID) {
			t.Errorf("rule %s: generic help does not name the id", rule.ID)
		}
	}
}

func TestSARIFEmpty(t *testing.T) {
	r := &model.Report{Schema: model.SchemaInspect, Tool: model.Tool{Name: "vouch", Version: "1"},
		Target: model.Target{Path: "empty", Kind: "directory"}}
	r.Sort()
	b, doc := renderSARIF(t, report.Document{Inspect: r})
	if len(doc.Runs[0].Results) != 0 || !bytes.Contains(b, []byte(`"results": []`)) {
		t.Errorf("an empty report must still carry an empty results array (GitHub requires it):\n%s", b)
	}
	if err := (report.SARIF{}).Render(&bytes.Buffer{}, report.Document{}, report.Options{}); err == nil {
		t.Error("rendering an empty document succeeded")
	}
}

func TestFingerprint(t *testing.T) {
	base := model.Finding{ID: "rule.match", Severity: model.SeverityMedium, Path: "app-1.2.0.zip!/bin/libx.so.1.2",
		Title: "matches rule A", Evidence: map[string]any{"rule": "A", "offset": 10}}
	fp := report.Fingerprint(base, "app-1.2.0.zip")
	with := func(mod func(f *model.Finding)) model.Finding {
		f := base
		f.Evidence = map[string]any{}
		for k, v := range base.Evidence {
			f.Evidence[k] = v
		}
		mod(&f)
		return f
	}
	tests := []struct {
		name  string
		f     model.Finding
		roots []string
		same  bool
	}{
		{"next release", with(func(f *model.Finding) { f.Path = "app-1.3.0.zip!/bin/libx.so.1.3" }), []string{"app-1.3.0.zip"}, true},
		{"title, severity and measurements", with(func(f *model.Finding) {
			f.Title, f.Severity, f.Evidence["offset"] = "other words", model.SeverityHigh, 99
		}), []string{"app-1.2.0.zip"}, true},
		{"other rule", with(func(f *model.Finding) { f.Evidence["rule"] = "B" }), []string{"app-1.2.0.zip"}, false},
		{"other id", with(func(f *model.Finding) { f.ID = "ioc.match" }), []string{"app-1.2.0.zip"}, false},
		{"other file", with(func(f *model.Finding) { f.Path = "app-1.2.0.zip!/bin/liby.so.1.2" }), []string{"app-1.2.0.zip"}, false},
		{"root not stripped", base, nil, false},
	}
	for _, tc := range tests {
		got := report.Fingerprint(tc.f, tc.roots...)
		if (got == fp) != tc.same {
			t.Errorf("%s: fingerprint %s vs %s, same = %v, want %v", tc.name, got, fp, got == fp, tc.same)
		}
	}
}

func TestArtifactURI(t *testing.T) {
	tests := map[string]string{
		"TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/ffmpeg.dll": "TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/ffmpeg.dll",
		"a b/c#d?e%f":       "a%20b/c%23d%3Fe%25f",
		"C:\\x\\y":          "C%3A%5Cx%5Cy",
		"//host/share":      "/%2Fhost/share",
		"π.txt":             "%CF%80.txt",
		"pkg@1.0/(x)+y;z=1": "pkg@1.0/(x)+y;z=1",
		"a|b<c>\"d`e":       "a%7Cb%3Cc%3E%22d%60e",
	}
	var keys []string
	for k := range tests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, in := range keys {
		if got := report.ArtifactURI(in); got != tests[in] {
			t.Errorf("ArtifactURI(%q) = %q, want %q", in, got, tests[in])
		}
	}
}

// TestSARIFRealDiffs renders vouch.Diff output of the 3CX-shape corpus
// case, its benign next release and the examples, and validates it.
func TestSARIFRealDiffs(t *testing.T) {
	diffs := realDiffs(t)
	for _, name := range []string{"3cx-bad", "3cx-next", "examples"} {
		d := diffs[name]
		t.Run(name, func(t *testing.T) {
			_, doc := renderSARIF(t, report.Document{Diff: d})
			var all []model.Finding
			all = append(all, d.Findings...)
			all = append(all, d.Existing...)
			for _, s := range d.Suppressed {
				all = append(all, s.Finding)
			}
			checkResults(t, doc, all)
			news := 0
			for _, res := range doc.Runs[0].Results {
				if res.BaselineState == "new" {
					news++
				}
			}
			if news != len(d.Findings) {
				t.Errorf("%d results are new, want %d", news, len(d.Findings))
			}
			if name == "3cx-bad" && d.Verdict < model.SeverityHigh {
				t.Errorf("the 3CX shape diff has verdict %s; the fixture no longer shows what it should", d.Verdict)
			}
		})
	}
}

// TestSARIFRealBenignDiff: on real successive releases (fetched by
// scripts/fetch-real-data.sh; skipped otherwise) the SARIF validates, and
// every finding the old release already had keeps the fingerprint it had
// when the old release was inspected alone: code scanning sees the same
// alert, not a closed one and a new one.
func TestSARIFRealBenignDiff(t *testing.T) {
	if testing.Short() {
		t.Skip("real data is slow")
	}
	for _, id := range []string{"deb-rsync", "vsce-sign-win32-x64", "deb-grub-efi-amd64-signed"} {
		t.Run(id, func(t *testing.T) {
			oldPath, newPath := realdata.PairPaths(t, id)
			ctx := context.Background()
			d, err := vouch.Diff(ctx, oldPath, newPath, vouch.Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			old, err := vouch.Inspect(ctx, oldPath, vouch.Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			_, diffDoc := renderSARIF(t, report.Document{Diff: d})
			_, oldDoc := renderSARIF(t, report.Document{Inspect: old})
			before := map[string]bool{}
			for _, res := range oldDoc.Runs[0].Results {
				before[res.RuleID+" "+res.PartialFingerprints[report.FingerprintKey]] = true
			}
			unchanged := 0
			for _, res := range diffDoc.Runs[0].Results {
				if res.BaselineState != "unchanged" {
					continue
				}
				unchanged++
				if !before[res.RuleID+" "+res.PartialFingerprints[report.FingerprintKey]] {
					t.Errorf("existing finding %s at %s has a fingerprint the old release's report does not have",
						res.RuleID, res.Locations[0].LogicalLocations[0].FullyQualifiedName)
				}
			}
			md := string(renderMarkdown(t, report.Document{Diff: d}, model.SeverityHigh))
			checkMarkdownTables(t, md)
			t.Logf("%s: %d new, %d existing findings; %d bytes of Markdown", id, len(d.Findings), unchanged, len(md))
		})
	}
}

// FuzzArtifactURI: the URI of any virtual path is a relative reference
// without a scheme or an authority, made of URI characters only, that
// decodes back to the path.
func FuzzArtifactURI(f *testing.F) {
	for _, s := range []string{"a.msi!/b/c.dll", "a b", "C:\\x", "//h/s", "%", "π", "?#[]", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		u := report.ArtifactURI(p)
		for i := 0; i < len(u); i++ {
			if c := u[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("\"<>\\^`{|}:?#[]", c) >= 0 {
				t.Fatalf("ArtifactURI(%q) = %q holds %q", p, u, c)
			}
		}
		if strings.HasPrefix(u, "//") {
			t.Fatalf("ArtifactURI(%q) = %q starts an authority", p, u)
		}
		back, err := url.PathUnescape(u)
		if err != nil || back != p {
			t.Fatalf("ArtifactURI(%q) = %q decodes to %q, %v", p, u, back, err)
		}
	})
}
