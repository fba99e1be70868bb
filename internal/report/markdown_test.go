package report_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/report"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/")

// compareGolden compares got with testdata/name, or rewrites it under -update.
func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}

func renderMarkdown(t testing.TB, d report.Document, failOn model.Severity) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := (report.Markdown{}).Render(&buf, d, report.Options{FailOn: failOn}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMarkdownGolden(t *testing.T) {
	clean := &model.Report{Schema: model.SchemaInspect, Tool: model.Tool{Name: "vouch", Version: "1"},
		Target: model.Target{Path: "dist/app-2.0.0.tgz", Kind: "file", Size: 10},
		Files:  []*model.File{{Path: "app-2.0.0.tgz", Kind: "gzip", Size: 10}}}
	clean.Sort()
	tests := []struct {
		name   string
		doc    report.Document
		failOn model.Severity
	}{
		{"markdown-diff-3cx.golden", report.Document{Diff: loadDiffFixture(t)}, model.SeverityHigh},
		{"markdown-inspect-tinyapp.golden", report.Document{Inspect: loadInspectFixture(t)}, model.SeverityHigh},
		{"markdown-inspect-clean.golden", report.Document{Inspect: clean}, model.SeverityHigh},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := renderMarkdown(t, tc.doc, tc.failOn)
			checkMarkdownTables(t, string(got))
			compareGolden(t, tc.name, got)
		})
	}
}

// checkMarkdownTables asserts that every table row has as many cells as
// its header: an unescaped '|' in a title or path would add one.
func checkMarkdownTables(t testing.TB, md string) {
	t.Helper()
	cells := -1
	for i, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			cells = -1
			continue
		}
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if cells < 0 {
			cells = n
			continue
		}
		if n != cells {
			t.Errorf("line %d has %d cell separators, the table header %d: %s", i+1, n, cells, line)
		}
	}
}

// TestMarkdownHostile: text from the artifact cannot open HTML, links,
// images or new lines, in tables or in the evidence.
func TestMarkdownHostile(t *testing.T) {
	title := "evil <img src=x onerror=alert(1)> ![i](https://t.invalid/p.png) [l](http://x.invalid) **bold** `code` | pipe\nsecond line www.example.invalid &amp;"
	r := &model.Report{Schema: model.SchemaInspect, Tool: model.Tool{Name: "vouch", Version: "1"},
		Target: model.Target{Path: "x.zip", Kind: "file"},
		Findings: []model.Finding{{ID: "rule.match", Severity: model.SeverityHigh,
			Path: "x.zip!/dir|a/``b`<c>\nd.txt", Title: title,
			Evidence: map[string]any{"strings": []string{"a|b", "<script>"}, "text": "x\r\ny`z"}}}}
	r.Sort()
	md := string(renderMarkdown(t, report.Document{Inspect: r}, model.SeverityHigh))
	checkMarkdownTables(t, md)
	// Outside code spans, nothing may form a tag, link, image or emphasis.
	prose := stripCodeSpans(md)
	if regexp.MustCompile(`[^\\]\]\(`).MatchString(prose) {
		t.Errorf("rendered Markdown has a link outside code spans:\n%s", md)
	}
	for _, bad := range []string{"<img", "<script", "**bold**", "\nsecond line", "http://", "https://", "www.example", "&amp;amp"} {
		if bad == "&amp;amp" {
			if !strings.Contains(md, "&amp;amp;") {
				t.Errorf("'&' was not escaped: %s", md)
			}
			continue
		}
		if strings.Contains(prose, bad) {
			t.Errorf("rendered Markdown contains %q outside code spans:\n%s", bad, md)
		}
	}
	if strings.Contains(md, "second line") && !strings.Contains(md, "pipe second line") {
		t.Errorf("a newline in a title was not flattened:\n%s", md)
	}
	// The path stays one code span whose fence is longer than any
	// backtick run inside it.
	if !strings.Contains(md, "```x.zip!/dir|a/``b`<c> d.txt```") {
		t.Errorf("path code span not found:\n%s", md)
	}
}

// TestMarkdownCaps: a long report stays short; what is left out is counted.
func TestMarkdownCaps(t *testing.T) {
	r := loadDiffFixture(t)
	r.Findings = nil
	for i := range 45 {
		r.Findings = append(r.Findings, model.Finding{ID: "net.new-endpoint", Severity: model.SeverityMedium,
			Path:  fmt.Sprintf("TinyApp-1.0.1.msi!/very/deep/directory/structure/that/goes/on/and/on/and/on/lib%02d.dll", i),
			Title: fmt.Sprintf("endpoint %d", i), Evidence: map[string]any{"endpoint": fmt.Sprintf("h%d.invalid", i)}})
	}
	for i := range 70 {
		r.Files = append(r.Files, &model.DiffFile{Path: fmt.Sprintf("TinyApp-1.0.1.msi!/gen/%03d.js", i), Status: model.StatusAdded, Kind: "script/js", Size: 10})
	}
	md := string(renderMarkdown(t, report.Document{Diff: r}, model.SeverityHigh))
	checkMarkdownTables(t, md)
	if got := strings.Count(md, "| **MEDIUM** |"); got != 20 {
		t.Errorf("table rows = %d, want 20", got)
	}
	for _, want := range []string{
		"… and 25 more (the JSON and SARIF reports list them all).",
		"… and 25 more.\n", // evidence
		"… and 27 more.\n", // 77 changed files, 50 shown
		"| `…/directory/structure/that/goes/on/and/on/and/on/lib00.dll` |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
	if n := len(md); n > 20000 {
		t.Errorf("rendered %d bytes; a capped report should stay well under a comment's limit", n)
	}
}

func TestMarkdownExample(t *testing.T) {
	r := inspectExamples(t)["TinyApp-1.0.1.msi"]
	md := string(renderMarkdown(t, report.Document{Inspect: r}, model.SeverityHigh))
	checkMarkdownTables(t, md)
	if !strings.HasPrefix(md, "**LOW** · vouch inspect `TinyApp-1.0.1.msi`: below the gate (`--fail-on high`)\n") {
		t.Errorf("verdict line:\n%s", md)
	}
	for _, f := range r.Findings {
		if !strings.Contains(md, "`"+f.ID+"` in `"+f.Path+"`") {
			t.Errorf("evidence for %s at %s missing", f.ID, f.Path)
		}
	}
}

func TestMarkdownVerdictLine(t *testing.T) {
	base := func(v model.Severity) *model.Report {
		r := &model.Report{Schema: model.SchemaInspect, Target: model.Target{Path: "/tmp/rel", Kind: "directory"}}
		if v > model.SeverityNone {
			r.Findings = []model.Finding{{ID: "x.y", Severity: v, Path: "a", Title: "t"}}
		}
		r.Sort()
		return r
	}
	tests := []struct {
		v, failOn model.Severity
		want      string
	}{
		{model.SeverityNone, model.SeverityHigh, "**CLEAN** · vouch inspect `/tmp/rel`: no findings"},
		{model.SeverityCritical, model.SeverityHigh, "**CRITICAL** · vouch inspect `/tmp/rel`: fails the gate (`--fail-on high`)"},
		{model.SeverityMedium, model.SeverityHigh, "**MEDIUM** · vouch inspect `/tmp/rel`: below the gate (`--fail-on high`)"},
		{model.SeverityHigh, model.SeverityCritical + 1, "**HIGH** · vouch inspect `/tmp/rel`: gate off (`--fail-on none`)"},
	}
	for _, tc := range tests {
		md := string(renderMarkdown(t, report.Document{Inspect: base(tc.v)}, tc.failOn))
		if got, _, _ := strings.Cut(md, "\n"); got != tc.want {
			t.Errorf("verdict %s / fail-on %s: %q, want %q", tc.v, tc.failOn, got, tc.want)
		}
	}
}

// stripCodeSpans removes CommonMark code spans: a run of n backticks up to
// the next run of exactly n.
func stripCodeSpans(s string) string {
	var b strings.Builder
	run := func(i int) int {
		j := i
		for j < len(s) && s[j] == '`' {
			j++
		}
		return j - i
	}
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+1 < len(s) {
			b.WriteString(s[i : i+2])
			i += 2
			continue
		}
		if s[i] != '`' {
			b.WriteByte(s[i])
			i++
			continue
		}
		n := run(i)
		end := -1
		for j := i + n; j < len(s); {
			if s[j] != '`' {
				j++
				continue
			}
			if m := run(j); m == n {
				end = j + m
				break
			} else {
				j += m
			}
		}
		if end < 0 {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		i = end
	}
	return b.String()
}

func TestMarkdownRealDiffs(t *testing.T) {
	diffs := realDiffs(t)
	for _, name := range []string{"3cx-bad", "3cx-next", "examples"} {
		d := diffs[name]
		t.Run(name, func(t *testing.T) {
			md := string(renderMarkdown(t, report.Document{Diff: d}, model.SeverityHigh))
			checkMarkdownTables(t, md)
			if !strings.HasPrefix(md, "**"+strings.ToUpper(d.Verdict.String())) && !(d.Verdict == model.SeverityNone && strings.HasPrefix(md, "**CLEAN**")) {
				t.Errorf("verdict line does not start with the %s badge:\n%s", d.Verdict, md)
			}
			for _, f := range d.Findings {
				if !strings.Contains(md, "`"+f.ID+"` in `"+f.Path+"`") {
					t.Errorf("no evidence entry for %s at %s", f.ID, f.Path)
				}
			}
			if strings.Count(md, "<details>") != strings.Count(md, "</details>") {
				t.Error("unbalanced <details>")
			}
		})
	}
}

var knownTags = strings.NewReplacer("<details><summary>", "", "</summary>", "", "</details>", "")

// FuzzMarkdownText: whatever a title, path, reason or error holds, the
// report keeps its shape (same lines, same table cells) and the text
// outside code spans cannot open a tag, a link or a mention. (A backslash
// before ':' or '.' keeps GitHub from turning "http://" and "www." into
// links: its autolink extension needs the characters unescaped.)
func FuzzMarkdownText(f *testing.F) {
	for _, s := range []string{"plain", "a|b", "x\ny", "<script>", "[l](http://x)", "``", "@org/team", "www.x.invalid", "\\|", "&amp;", "\xff\xfe", " ` "} {
		f.Add(s, s)
	}
	build := func(title, path string) *model.Report {
		r := &model.Report{Schema: model.SchemaInspect, Tool: model.Tool{Name: "vouch", Version: "1"},
			Target: model.Target{Path: "rel.zip", Kind: "file"}}
		r.Findings = []model.Finding{
			{ID: "rule.match", Severity: model.SeverityHigh, Path: "rel.zip!/" + path, Title: title, Evidence: map[string]any{"v": title, "l": []string{path}}},
			{ID: "pe.rwx-section", Severity: model.SeverityLow, Path: "rel.zip!/x.dll", Title: "t", Evidence: map[string]any{}},
		}
		r.Suppressed = []model.Suppressed{{Finding: r.Findings[0], Reason: title}}
		r.Errors = []model.FileError{{Path: path, Error: title}}
		r.Sort()
		return r
	}
	want := strings.Count(string(renderMarkdown(f, report.Document{Inspect: build("t", "p")}, model.SeverityHigh)), "\n")
	link := regexp.MustCompile(`(^|[^\\])\]\(`)
	mention := regexp.MustCompile(`@[A-Za-z0-9]`)
	url := regexp.MustCompile(`(^|[^\\])://|www\.`)
	f.Fuzz(func(t *testing.T, title, path string) {
		md := string(renderMarkdown(t, report.Document{Inspect: build(title, path)}, model.SeverityHigh))
		if got := strings.Count(md, "\n"); got != want {
			t.Fatalf("%d lines, want %d:\n%s", got, want, md)
		}
		checkMarkdownTables(t, md)
		prose := knownTags.Replace(stripCodeSpans(md))
		switch {
		case strings.Contains(prose, "<"):
			t.Fatalf("'<' outside code spans:\n%s", md)
		case url.MatchString(prose):
			t.Fatalf("URL outside code spans:\n%s", md)
		case link.MatchString(prose):
			t.Fatalf("link outside code spans:\n%s", md)
		case mention.MatchString(prose):
			t.Fatalf("mention outside code spans:\n%s", md)
		}
	})
}
