package report_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/report"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

func htmlRender(t *testing.T, d report.Document, o report.Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := (report.HTML{}).Render(&buf, d, o); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.String()
}

func htmlInspectSample(t *testing.T) *model.Report {
	t.Helper()
	rep, err := vouch.Inspect(context.Background(), filepath.Join("..", "..", "examples", "TinyApp-1.0.1.msi"), vouch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// htmlCheckSelfContained asserts what every page must satisfy: one stylesheet
// and one script, both allowed by hash in the page's Content Security
// Policy and nothing else allowed; nothing that would load a resource;
// balanced collapsible sections.
func htmlCheckSelfContained(t *testing.T, page string) {
	t.Helper()
	for _, tag := range []string{"<style", "</style>", "<script", "</script>"} {
		if n := strings.Count(page, tag); n != 1 {
			t.Errorf("%d × %q, want 1", n, tag)
		}
	}
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
	if csp == nil {
		t.Fatal("no Content-Security-Policy meta element")
	}
	policy := strings.NewReplacer("&#39;", "'", "&#43;", "+").Replace(csp[1])
	inner := func(open, close string) string {
		i, j := strings.Index(page, open), strings.Index(page, close)
		if i < 0 || j < i {
			t.Fatalf("no %s element", open)
		}
		return page[i+len(open) : j]
	}
	for _, el := range []struct{ directive, open, close string }{
		{"style-src", "<style>", "</style>"},
		{"script-src", "<script>", "</script>"},
	} {
		sum := sha256.Sum256([]byte(inner(el.open, el.close)))
		want := el.directive + " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		if !strings.Contains(policy, want) {
			t.Errorf("policy %q lacks %q", policy, want)
		}
	}
	if !strings.Contains(policy, "default-src 'none'") {
		t.Errorf("policy %q does not deny by default", policy)
	}
	// Report text is escaped, so every "<" left starts a tag of the page.
	for _, tag := range regexp.MustCompile(`<[a-zA-Z][^>]*>`).FindAllString(page, -1) {
		name := strings.ToLower(strings.Fields(strings.Trim(tag, "<>/"))[0])
		switch name {
		case "link", "img", "iframe", "object", "embed", "base", "form", "audio", "video", "source", "image", "use", "foreignobject":
			t.Errorf("page has a %s element: %s", name, tag)
		}
		if m := regexp.MustCompile(`\s(src|srcset|href|action|xlink:href|poster|data)=("[^"]*"|\S+)`).FindAllStringSubmatch(tag, -1); m != nil {
			for _, a := range m {
				if a[1] != "href" || !strings.HasPrefix(a[2], `"#`) {
					t.Errorf("tag %s has %s=%s", tag, a[1], a[2])
				}
			}
		}
	}
	for _, bad := range []string{"url(", "@import"} {
		if strings.Contains(inner("<style>", "</style>"), bad) {
			t.Errorf("stylesheet contains %q", bad)
		}
	}
	if o, c := strings.Count(page, "<details"), strings.Count(page, "</details>"); o != c {
		t.Errorf("%d <details> but %d </details>", o, c)
	}
	if o, c := strings.Count(page, "<svg"), strings.Count(page, "</svg>"); o != c {
		t.Errorf("%d <svg> but %d </svg>", o, c)
	}
}

func TestHTMLInspectSample(t *testing.T) {
	rep := htmlInspectSample(t)
	page := htmlRender(t, report.Document{Inspect: rep}, report.Options{FailOn: model.SeverityHigh})
	htmlCheckSelfContained(t, page)

	// Verdict first, coloured by severity, with the gate.
	if i, j := strings.Index(page, `<header class="verdict sev-low">`), strings.Index(page, `id="findings"`); i < 0 || j < i {
		t.Errorf("verdict banner missing or after the findings (%d, %d)", i, j)
	}
	for _, want := range []string{
		"passes the gate (--fail-on high)", "3 findings: 3 low",
		"examples/TinyApp-1.0.1.msi",
		rep.Target.SHA256,
		`<span class="chip sev-low">3 low</span>`,
		"sig.unsigned-module-in-signed-package",
		// Low findings keep their evidence folded.
		`<details class="evd"><summary>2 facts</summary>`,
		// Evidence: keys sorted, a list as a list.
		`<dt>importers</dt><dd><ul class="items"><li>TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/TinyApp.exe</li></ul>`,
		// Entropy chart of a flagged file, with accessible names.
		`<title id="entropy-1-t">Entropy per region of TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/TinyApp.exe</title>`,
		"section .text",
		"certificate table",
		"file offset (bytes from the start)",
		`<div class="chart narrow"><svg viewBox="0 0 360 `,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Evidence keys come sorted.
	if a, b := strings.Index(page, "<dt>chain_error</dt>"), strings.Index(page, "<dt>signer</dt>"); a < 0 || b < a {
		t.Errorf("evidence keys not sorted (%d, %d)", a, b)
	}

	// The tree: every file once, container members nested under the MSI,
	// badges for kind, signature and findings.
	if n := strings.Count(page, `id="file-`); n != len(rep.Files) {
		t.Errorf("%d file nodes, want %d", n, len(rep.Files))
	}
	for _, want := range []string{
		`title="TinyApp-1.0.1.msi"><span class="name">TinyApp-1.0.1.msi</span> <span class="b kind">msi</span> <span class="b sig-ok">signed</span> <span class="b sev-low">low · 1</span>`,
		`<span class="name">ProgramFilesFolder/TinyApp</span>`,
		`<span class="name">ffmpeg.dll</span> <span class="b kind">pe</span> <span class="b sig-no">unsigned</span> <span class="b sev-low">low · 1</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("tree lacks %q", want)
		}
	}
	// Members sit inside the MSI's own <details>, not beside it.
	msi := strings.Index(page, `<span class="name">TinyApp-1.0.1.msi</span>`)
	dll := strings.Index(page, `<span class="name">ffmpeg.dll</span>`)
	if msi < 0 || dll < msi || strings.Count(page[msi:dll], "</details>") > strings.Count(page[msi:dll], "<details") {
		t.Errorf("ffmpeg.dll is not nested under the MSI node")
	}

	// Deterministic, and the same whether the report came straight from
	// the engine or back from its JSON.
	if again := htmlRender(t, report.Document{Inspect: rep}, report.Options{FailOn: model.SeverityHigh}); again != page {
		t.Error("two renderings differ")
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back model.Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(page, htmlRender(t, report.Document{Inspect: &back}, report.Options{FailOn: model.SeverityHigh})); d != "" {
		t.Errorf("rendering the JSON round trip differs (-engine +json):\n%s", d)
	}
}

// TestHTMLEscaping feeds markup through every place report strings land:
// a file name, a finding title, evidence values and keys, section names
// (chart labels) and errors.
func TestHTMLEscaping(t *testing.T) {
	const evil = "<script>alert(1)</script>.dll"
	dll := "setup.zip!/" + evil
	rep := &model.Report{
		Schema: model.SchemaInspect,
		Tool:   model.Tool{Name: "vouch", Version: "test"},
		Target: model.Target{Path: "setup.zip", Kind: "file", Size: 9000},
		Files: []*model.File{
			{Path: "setup.zip", Kind: "zip", Size: 9000, Format: "zip", Type: "file"},
			{Path: dll, Kind: "pe", Size: 8192, Type: "file", Entropy: 6.1, Facts: &model.Facts{
				PE: &model.PEFacts{Sections: []model.Section{
					{Name: "</text><script>alert(4)</script>", Offset: 1024, Size: 4096, Entropy: 7.9},
				}},
			}},
		},
		Findings: []model.Finding{{
			ID: "pe.test", Severity: model.SeverityHigh, Path: dll,
			Title: `<img src=x onerror="alert(2)"> in ` + evil,
			Evidence: map[string]any{
				"note":              "</style><script>alert(3)</script>",
				"<b>key</b>":        "v",
				"list":              []string{"</title><svg onload=alert(5)>", "ok"},
				"nested":            map[string]any{"x": "</script>"},
				"javascript:alert(": "javascript:alert(6)",
			},
		}},
		Errors: []model.FileError{{Path: dll, Error: "</ul><script>alert(7)</script>"}},
	}
	rep.Sort()
	page := htmlRender(t, report.Document{Inspect: rep}, report.Options{FailOn: model.SeverityHigh})
	htmlCheckSelfContained(t, page)
	for _, bad := range []string{"<script>alert", "<img", "<svg onload", "<b>key", "</text><script>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt;.dll",
		"&lt;/style&gt;&lt;script&gt;alert(3)&lt;/script&gt;",
		"&lt;/title&gt;&lt;svg onload=alert(5)&gt;",
		"&lt;/ul&gt;&lt;script&gt;alert(7)&lt;/script&gt;",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks escaped %q", want)
		}
	}
	// The long section name is cut in the chart label; its full text
	// stays in the bar's tooltip, escaped.
	if !strings.Contains(page, "section &lt;/text&gt;&lt;script&gt;alert(4)&lt;/script&gt;: offset 1024") {
		t.Error("chart tooltip lacks the escaped section name")
	}
}

// htmlFixtureDiff is a 3CX-shaped diff built by hand: ffmpeg.dll gains
// networking, d3dcompiler_47.dll keeps its signer but grows a payload in its
// certificate table, an icon with a base64 trailer arrives, a file goes
// and one is renamed.
func htmlFixtureDiff() *model.DiffReport {
	signer := &model.Certificate{Subject: "CN=Microsoft Corporation, O=Microsoft Corporation", Issuer: "CN=Microsoft Code Signing PCA",
		NotBefore: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	sig := func(hidden []model.Region, size int64) *model.SignatureFacts {
		return &model.SignatureFacts{Signed: true, Format: "pe",
			Signatures: []model.Signature{{DigestValid: true, SignatureValid: true, Signer: signer}},
			CertTable:  &model.CertTable{Offset: 1 << 20, Size: size, Hidden: hidden}}
	}
	pe := func(entropy float64) *model.PEFacts {
		return &model.PEFacts{Sections: []model.Section{
			{Name: ".text", Offset: 1024, Size: 700 << 10, Entropy: 6.3},
			{Name: ".rdata", Offset: 701 << 10, Size: 200 << 10, Entropy: 5.1},
			{Name: ".rsrc", Offset: 901 << 10, Size: 123 << 10, Entropy: entropy},
		}}
	}
	oldD3D := &model.File{Path: "TinyApp-1.0.0.msi!/d3dcompiler_47.dll", Kind: "pe", Size: 1<<20 + 10<<10, Entropy: 6.2,
		SHA256: strings.Repeat("a", 64),
		Facts:  &model.Facts{PE: pe(4.0), Signature: sig(nil, 10<<10)}}
	newD3D := &model.File{Path: "TinyApp-1.0.1.msi!/d3dcompiler_47.dll", Kind: "pe", Size: 1<<20 + 300<<10, Entropy: 6.9,
		SHA256: strings.Repeat("b", 64),
		Facts:  &model.Facts{PE: pe(4.0), Signature: sig([]model.Region{{Offset: 1<<20 + 10<<10, Size: 290 << 10, Entropy: 7.99}}, 300<<10)}}
	oldFF := &model.File{Path: "TinyApp-1.0.0.msi!/ffmpeg.dll", Kind: "pe", Size: 800 << 10, Entropy: 6.0,
		Facts: &model.Facts{PE: pe(3.0), Capabilities: []model.Capability{{ID: "fs/read-file", Risk: model.SeverityLow}}}}
	newFF := &model.File{Path: "TinyApp-1.0.1.msi!/ffmpeg.dll", Kind: "pe", Size: 830 << 10, Entropy: 6.1,
		Facts: &model.Facts{PE: pe(3.0), Capabilities: []model.Capability{
			{ID: "fs/read-file", Risk: model.SeverityLow},
			{ID: "net/winhttp-client", Risk: model.SeverityHigh},
			{ID: "mem/virtualprotect", Risk: model.SeverityMedium},
		}}}
	icon := &model.File{Path: "TinyApp-1.0.1.msi!/icon_3.ico", Kind: "image/ico", Size: 9000, Entropy: 5.9,
		Facts: &model.Facts{Image: &model.ImageFacts{Format: "ico", LogicalEnd: 1000,
			Trailer: &model.Trailer{Offset: 1000, Size: 8000, Entropy: 6.0, Class: "base64", Marker: "$"}}}}
	gone := &model.File{Path: "TinyApp-1.0.0.msi!/legacy/old.dll", Kind: "pe", Size: 2048}
	oldMSI := &model.File{Path: "TinyApp-1.0.0.msi", Kind: "msi", Size: 3 << 20, Format: "msi"}
	newMSI := &model.File{Path: "TinyApp-1.0.1.msi", Kind: "msi", Size: 3<<20 + 400<<10, Format: "msi"}
	oldRep := &model.Report{Files: []*model.File{oldMSI, oldD3D, oldFF, gone}, Findings: []model.Finding{
		{ID: "sig.untrusted", Severity: model.SeverityLow, Path: oldMSI.Path, Title: "untrusted signer"},
	}}
	newRep := &model.Report{Files: []*model.File{newMSI, newD3D, newFF, icon}, Findings: []model.Finding{
		{ID: "sig.untrusted", Severity: model.SeverityLow, Path: newMSI.Path, Title: "untrusted signer"},
	}}
	r := &model.DiffReport{
		Schema: model.SchemaDiff, Tool: model.Tool{Name: "vouch", Version: "test"},
		Old: model.Target{Path: "TinyApp-1.0.0.msi", Kind: "file", Size: oldMSI.Size, SHA256: strings.Repeat("1", 64)},
		New: model.Target{Path: "TinyApp-1.0.1.msi", Kind: "file", Size: newMSI.Size, SHA256: strings.Repeat("2", 64)},
		Files: []*model.DiffFile{
			{Path: newMSI.Path, OldPath: oldMSI.Path, Status: model.StatusChanged, Pairing: "path", Kind: "msi",
				Size: newMSI.Size, OldSize: oldMSI.Size, Old: oldMSI, New: newMSI},
			{Path: newD3D.Path, OldPath: oldD3D.Path, Status: model.StatusChanged, Pairing: "path", Kind: "pe",
				Size: newD3D.Size, OldSize: oldD3D.Size, SHA256: newD3D.SHA256, OldSHA256: oldD3D.SHA256, Old: oldD3D, New: newD3D,
				Delta: &model.FileDelta{Changes: []model.FactChange{
					{What: "cert_table_hidden_bytes", Old: "0", New: "296960"},
					{What: "entropy", Old: "6.20", New: "6.90"},
				}}},
			{Path: newFF.Path, OldPath: oldFF.Path, Status: model.StatusChanged, Pairing: "path", Kind: "pe",
				Size: newFF.Size, OldSize: oldFF.Size, Old: oldFF, New: newFF,
				Delta: &model.FileDelta{
					CapabilitiesAdded: newFF.Facts.Capabilities[1:],
					ImportsAdded:      []string{"winhttp.dll!WinHttpOpen", "winhttp.dll!WinHttpSendRequest"},
					LibrariesAdded:    []string{"winhttp.dll"},
					EndpointsAdded:    []model.Endpoint{{Value: "https://raw.githubusercontent.invalid/IconStorages/images/master/", Type: "url"}},
					Changes:           []model.FactChange{{What: "signer", Old: "CN=TinyApp Ltd", New: ""}},
				}},
			{Path: icon.Path, Status: model.StatusAdded, Kind: "image/ico", Size: icon.Size, New: icon},
			{Path: gone.Path, Status: model.StatusRemoved, Kind: "pe", Size: gone.Size, Old: gone},
			{Path: "TinyApp-1.0.1.msi!/docs/README.md", OldPath: "TinyApp-1.0.0.msi!/README.md", Status: model.StatusMoved, Pairing: "content", Kind: "text", Size: 40},
		},
		Findings: []model.Finding{
			{ID: "diff.cert-table-payload", Severity: model.SeverityCritical, Path: newD3D.Path, Title: "certificate table grew by 290 KiB of high-entropy data",
				Evidence: map[string]any{"hidden_bytes": 296960, "entropy": 7.99, "markers": []string{"FEEDFACE"}}},
			{ID: "diff.capability-gain", Severity: model.SeverityHigh, Path: newFF.Path, Title: "ffmpeg.dll gained networking",
				Evidence: map[string]any{"added": []string{"net/winhttp-client", "mem/virtualprotect"}}},
			{ID: "image.trailer", Severity: model.SeverityMedium, Path: icon.Path, Title: "icon carries a base64 trailer"},
		},
		Existing: []model.Finding{{ID: "sig.untrusted", Severity: model.SeverityLow, Path: newMSI.Path, Title: "untrusted signer"}},
		Suppressed: []model.Suppressed{{Finding: model.Finding{ID: "pe.no-aslr", Severity: model.SeverityLow,
			Path: newMSI.Path + "!/LicenseCheck", Title: "no ASLR"}, Reason: "known, vendor ticket 12", Expires: "2030-01-01"}},
		Errors:    []model.FileError{{Side: "old", Path: "TinyApp-1.0.0.msi!/broken.cab", Error: "truncated cabinet"}},
		OldReport: oldRep,
		NewReport: newRep,
	}
	r.Sort()
	return r
}

func TestHTMLDiffFixture(t *testing.T) {
	d := report.Document{Diff: htmlFixtureDiff()}
	page := htmlRender(t, d, report.Options{FailOn: model.SeverityHigh})
	htmlCheckSelfContained(t, page)
	for _, want := range []string{
		`<header class="verdict sev-critical">`,
		"fails the gate (--fail-on high)", "3 new findings: 1 critical, 1 high, 1 medium",
		"TinyApp-1.0.0.msi", "TinyApp-1.0.1.msi",
		// Side by side: capabilities and libraries added in the new column,
		// single facts old → new, signer from the signature facts.
		`<th scope="row">capabilities</th>`,
		"<li>net/winhttp-client (high)</li>",
		`<th scope="row">libraries</th>`,
		"<li>winhttp.dll!WinHttpOpen</li>",
		"<li>https://raw.githubusercontent.invalid/IconStorages/images/master/</li>",
		`<th scope="row">cert_table_hidden_bytes</th>`,
		`<span class="val">296960</span>`,
		`<th scope="row">signer</th>`,
		"CN=Microsoft Corporation, O=Microsoft Corporation",
		// Charts: risk per file and entropy with old and new side.
		`<title id="risk-t">Risk per changed file, old release against new</title>`,
		"highest capability risk",
		"new capability risk: high",
		"old capability risk: low",
		`<title id="entropy-1-t">Entropy per region of TinyApp-1.0.1.msi!/d3dcompiler_47.dll</title>`,
		"hidden in cert table",
		"old release: d3dcompiler_47.dll",
		"trailer (base64, after $)",
		// Tree: statuses, the removed file under the new MSI.
		`<span class="b st-added">added</span>`,
		`<span class="b st-moved">moved</span> <span class="b kind">text</span> <span class="size">40 B</span> <span class="sub">from TinyApp-1.0.0.msi!/README.md</span>`,
		// Context stays collapsed; errors name their side.
		`<details class="ctx">`,
		"known, vendor ticket 12",
		`<span class="b">old</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, `<details class="ctx" open>`) {
		t.Error("context is open")
	}
	// The removed file hangs under the new MSI, next to its old siblings.
	legacy := strings.Index(page, `title="TinyApp-1.0.0.msi!/legacy/old.dll"`)
	root := strings.Index(page, `<span class="name">TinyApp-1.0.1.msi</span>`)
	if legacy < 0 || root < 0 || legacy < root || strings.Contains(page, `<span class="name">TinyApp-1.0.0.msi</span>`) {
		t.Errorf("removed file not placed in the new release's tree (root %d, file %d)", root, legacy)
	}
	// The card of the worst file comes first; a file with only a rename
	// has no card.
	cards := regexp.MustCompile(`<details class="card"[^>]*>\s*<summary><span class="b st-[a-z]+">[a-z]+</span> <span class="path">([^<]*)</span>`).FindAllStringSubmatch(page, -1)
	var got []string
	for _, c := range cards {
		got = append(got, c[1])
	}
	want := []string{
		"TinyApp-1.0.1.msi!/d3dcompiler_47.dll",
		"TinyApp-1.0.1.msi!/ffmpeg.dll",
		"TinyApp-1.0.1.msi!/icon_3.ico",
		"TinyApp-1.0.1.msi",
		"TinyApp-1.0.0.msi!/legacy/old.dll",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("cards (-want +got):\n%s", d)
	}
	if again := htmlRender(t, d, report.Options{FailOn: model.SeverityHigh}); again != page {
		t.Error("two renderings differ")
	}
}

// htmlDiff runs vouch.Diff.
func htmlDiff(t *testing.T, old, new string, o vouch.Options) *model.DiffReport {
	t.Helper()
	d, err := vouch.Diff(context.Background(), old, new, o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// htmlCards lists the paths of the side-by-side cards in page order.
func htmlCards(page string) []string {
	var out []string
	re := regexp.MustCompile(`<details class="card"[^>]*>\s*<summary><span class="b st-[a-z]+">[a-z]+</span> <span class="path">([^<]*)</span>`)
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestHTMLDiffSample renders vouch.Diff of the two bundled releases: one
// DLL added, the MSI re-signed, the rest unchanged.
func TestHTMLDiffSample(t *testing.T) {
	ex := filepath.Join("..", "..", "examples")
	d := htmlDiff(t, filepath.Join(ex, "TinyApp-1.0.0.msi"), filepath.Join(ex, "TinyApp-1.0.1.msi"), vouch.Options{})
	doc := report.Document{Diff: d}
	page := htmlRender(t, doc, report.Options{FailOn: model.SeverityHigh})
	htmlCheckSelfContained(t, page)
	for _, want := range []string{
		// The changed unsigned codec the signed EXE loads is medium.
		`<header class="verdict sev-medium">`,
		"2 new findings: 1 medium, 1 low",
		"passes the gate (--fail-on high)",
		`<title id="risk-t">`,
		`<th scope="row">signer</th>`,
		"Already in the old release",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Every file of both releases is in the tree once, with its status.
	if n := strings.Count(page, `id="file-`); n != len(d.Files) {
		t.Errorf("%d file nodes, want %d", n, len(d.Files))
	}
	for status, want := range map[string]int{"added": d.Summary.Added, "changed": d.Summary.Changed, "unchanged": d.Summary.Unchanged} {
		if n := strings.Count(page, `<span class="b st-`+status+`">`); n < want {
			t.Errorf("%d %s badges, want at least %d", n, status, want)
		}
	}
	// Unchanged files get no card; the file with the new finding comes
	// first.
	var want []string
	for _, f := range d.Files {
		if f.Status != model.StatusUnchanged {
			want = append(want, f.Path)
		}
	}
	got := htmlCards(page)
	if len(got) != len(want) || len(got) == 0 || got[0] != d.Findings[0].Path {
		t.Errorf("cards %q, want the %d changed files %q with %s first", got, len(want), want, d.Findings[0].Path)
	}
	if again := htmlRender(t, doc, report.Options{FailOn: model.SeverityHigh}); again != page {
		t.Error("two renderings differ")
	}
}

// TestHTMLDiff3CX renders the 3CX-shaped case of the attack corpus: the
// charts and the side-by-side view must show what changed.
func TestHTMLDiff3CX(t *testing.T) {
	c := filepath.Join("..", "..", "testdata", "corpus", "3cx-windows")
	if _, err := os.Stat(c); err != nil {
		t.Skipf("corpus case missing: %v", err)
	}
	d := htmlDiff(t, filepath.Join(c, "clean", "TinyApp-1.0.0.msi"), filepath.Join(c, "bad", "TinyApp-1.0.1.msi"), vouch.Options{
		TrustRoots: []string{filepath.Join(c, "roots", "vendor.pem"), filepath.Join(c, "roots", "thirdparty.pem")},
	})
	page := htmlRender(t, report.Document{Diff: d}, report.Options{FailOn: model.SeverityHigh})
	htmlCheckSelfContained(t, page)
	for _, want := range []string{
		`<header class="verdict sev-critical">`,
		"fails the gate (--fail-on high)",
		"pe.cert-table-payload",
		// The payload in the certificate table, drawn next to the old file.
		`<title id="entropy-1-t">Entropy per region of TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/d3dcompiler_47.dll</title>`,
		"hidden in cert table",
		"old release: d3dcompiler_47.dll",
		// The icon's trailer.
		"trailer (base64, after $)",
		// ffmpeg.dll side by side: networking added, in the new column.
		`<td class="add"><ul class="items"><li>kernel32.dll</li><li>user32.dll</li><li>winhttp.dll</li></ul>`,
		"winhttp.dll!WinHttpOpen",
		"https://raw.githubusercontent.invalid/IconStorages/images/main/icon%d.ico",
		`<th scope="row">cert_table_hidden_bytes</th>`,
		// Risk chart: ffmpeg.dll's capabilities rise.
		"new capabilities: 2",
		"old capabilities: 0",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if got := htmlCards(page); len(got) < 3 || !strings.HasSuffix(got[0], "d3dcompiler_47.dll") {
		t.Errorf("cards %q: want d3dcompiler_47.dll (critical) first", got)
	}
}

// TestHTMLRealDiff renders a real, benign update of a Microsoft-signed PE
// (skipped when the releases are not fetched).
func TestHTMLRealDiff(t *testing.T) {
	old, new := realdata.PairPaths(t, "vsce-sign-win32-x64")
	d := htmlDiff(t, old, new, vouch.Options{})
	doc := report.Document{Diff: d}
	page := htmlRender(t, doc, report.Options{FailOn: model.SeverityHigh})
	htmlCheckSelfContained(t, page)
	if n := strings.Count(page, `id="file-`); n != len(d.Files) {
		t.Errorf("%d file nodes, want %d", n, len(d.Files))
	}
	if !strings.Contains(page, "CN=Microsoft Corporation") {
		t.Error("no signer subject on the page")
	}
	if again := htmlRender(t, doc, report.Options{FailOn: model.SeverityHigh}); again != page {
		t.Error("two renderings differ")
	}
}

// TestHTMLLargeDiff checks the limits that keep a rebuild (every file
// changed) readable: a hundred cards, the rest listed; folders open only
// on the way to a finding.
func TestHTMLLargeDiff(t *testing.T) {
	r := &model.DiffReport{Schema: model.SchemaDiff, Old: model.Target{Path: "a-1.deb"}, New: model.Target{Path: "a-2.deb"}}
	r.Files = append(r.Files, &model.DiffFile{Path: "a-2.deb", OldPath: "a-1.deb", Status: model.StatusChanged, Pairing: "path", Kind: "deb"})
	for d := range 20 {
		for f := range 20 {
			p := fmt.Sprintf("a-2.deb!/lib/d%02d/f%02d.so", d, f)
			r.Files = append(r.Files, &model.DiffFile{Path: p, OldPath: strings.Replace(p, "a-2", "a-1", 1),
				Status: model.StatusChanged, Pairing: "path", Kind: "elf", Size: 2000, OldSize: 1000})
		}
	}
	r.Findings = []model.Finding{{ID: "x", Severity: model.SeverityHigh, Path: "a-2.deb!/lib/d07/f03.so", Title: "t"}}
	r.Sort()
	page := htmlRender(t, report.Document{Diff: r}, report.Options{FailOn: model.SeverityHigh})
	htmlCheckSelfContained(t, page)
	if n := strings.Count(page, `<details class="card"`); n != 100 {
		t.Errorf("%d cards, want 100", n)
	}
	if got := htmlCards(page); len(got) == 0 || got[0] != "a-2.deb!/lib/d07/f03.so" {
		t.Errorf("first card %q, want the flagged file", got[:min(1, len(got))])
	}
	if !strings.Contains(page, "301 more changed files") || !strings.Contains(page, `<td class="size">1000 B → 2.0 KiB</td>`) {
		t.Error("the files beyond the cards are not listed with their sizes")
	}
	// Open: the deb (top level), lib (on the way), d07; closed: the other 19.
	tree := page[strings.Index(page, `<ul class="tree">`):]
	if n := strings.Count(tree, "<details open>"); n != 3 {
		t.Errorf("%d open folders in the tree, want 3", n)
	}
}

// TestHTMLEmpty renders documents with nothing in them.
func TestHTMLEmpty(t *testing.T) {
	rep := &model.Report{Schema: model.SchemaInspect, Target: model.Target{Path: "empty", Kind: "directory"}}
	rep.Sort()
	page := htmlRender(t, report.Document{Inspect: rep}, report.Options{FailOn: model.SeverityCritical + 1})
	htmlCheckSelfContained(t, page)
	for _, want := range []string{`<header class="verdict sev-none">`, "CLEAN", "no findings", "gate off", "No findings.", "No file of this release has measured regions"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	dr := &model.DiffReport{Schema: model.SchemaDiff}
	dr.Sort()
	page = htmlRender(t, report.Document{Diff: dr}, report.Options{FailOn: model.SeverityHigh})
	htmlCheckSelfContained(t, page)
	for _, want := range []string{"Nothing new", "No file changed"} {
		if !strings.Contains(page, want) {
			t.Errorf("diff page lacks %q", want)
		}
	}
}

// TestHTMLWriteSamples writes pages to look at in a browser when
// VOUCH_HTML_OUT names a directory (scripts/screenshot-html.sh takes
// screenshots of them).
func TestHTMLWriteSamples(t *testing.T) {
	dir := os.Getenv("VOUCH_HTML_OUT")
	if dir == "" {
		t.Skip("VOUCH_HTML_OUT not set")
	}
	o := report.Options{FailOn: model.SeverityHigh}
	write := func(name string, d report.Document) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(htmlRender(t, d, o)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("inspect-sample.html", report.Document{Inspect: htmlInspectSample(t)})
	write("diff-fixture.html", report.Document{Diff: htmlFixtureDiff()})
	ex := filepath.Join("..", "..", "examples")
	write("diff-sample.html", report.Document{Diff: htmlDiff(t, filepath.Join(ex, "TinyApp-1.0.0.msi"), filepath.Join(ex, "TinyApp-1.0.1.msi"), vouch.Options{})})
	// VOUCH_HTML_PAIRS: real-release pair ids (realdata) to diff.
	for _, id := range strings.Fields(os.Getenv("VOUCH_HTML_PAIRS")) {
		old, new := realdata.PairPaths(t, id)
		write("diff-"+id+".html", report.Document{Diff: htmlDiff(t, old, new, vouch.Options{})})
	}
	// VOUCH_HTML_TARGETS: more releases to inspect, separated by spaces.
	for i, target := range strings.Fields(os.Getenv("VOUCH_HTML_TARGETS")) {
		rep, err := vouch.Inspect(context.Background(), target, vouch.Options{})
		if err != nil {
			t.Fatal(err)
		}
		write(fmt.Sprintf("inspect-%d-%s.html", i+1, filepath.Base(target)), report.Document{Inspect: rep})
	}
}

// BenchmarkHTMLDiffFixture measures rendering the hand-built 3CX diff.
func BenchmarkHTMLDiffFixture(b *testing.B) {
	d := report.Document{Diff: htmlFixtureDiff()}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := (report.HTML{}).Render(&buf, d, report.Options{FailOn: model.SeverityHigh}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

// htmlTags are the elements the page is made of; report text must never
// add one.
var htmlTags = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`html head meta title style body header div main section table thead tbody tr th td
		span code dl dt dd p a nav h2 h3 figure figcaption svg rect line circle text desc details summary ul li
		button label input footer strong script`) {
		htmlTags[t] = true
	}
}

// FuzzHTMLStrings renders a report whose strings are arbitrary and checks
// that none of them became markup: every element is one the template
// writes, no attribute is an event handler, and there is one script.
func FuzzHTMLStrings(f *testing.F) {
	f.Add("a.zip!/<script>alert(1)</script>.dll", "</style><b>", "x\"onload=\"y", ".text")
	f.Add("a!/b//c!/", "<!--", "]]><svg/onload=alert(1)>", "</text><foreignObject>")
	f.Add("", "", "", "")
	f.Add("a.msi!/'\"&<>", "{{.CSP}}", "javascript:alert(1)", "\x00\xff")
	tagRe := regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
	onRe := regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	f.Fuzz(func(t *testing.T, path, title, evidence, section string) {
		rep := &model.Report{
			Target: model.Target{Path: path, Kind: "file"},
			Files: []*model.File{{Path: path, Kind: title, Size: 100, Facts: &model.Facts{
				PE:        &model.PEFacts{Sections: []model.Section{{Name: section, Offset: 10, Size: 20, Entropy: 7.5}}},
				Signature: &model.SignatureFacts{Signed: true, Signatures: []model.Signature{{Signer: &model.Certificate{Subject: evidence}}}},
			}}},
			Findings: []model.Finding{{ID: title, Severity: model.SeverityHigh, Path: path, Title: title,
				Evidence: map[string]any{evidence: evidence, "list": []string{section, evidence}}}},
			Errors: []model.FileError{{Path: path, Error: evidence}},
		}
		rep.Sort()
		var buf bytes.Buffer
		if err := (report.HTML{}).Render(&buf, report.Document{Inspect: rep}, report.Options{FailOn: model.SeverityHigh}); err != nil {
			t.Fatal(err)
		}
		page := buf.String()
		for _, m := range tagRe.FindAllStringSubmatch(page, -1) {
			if !htmlTags[strings.ToLower(m[1])] {
				t.Fatalf("element %q from report text", m[0])
			}
			if onRe.MatchString(m[2]) {
				t.Fatalf("event handler in %q", m[0])
			}
		}
		if n := strings.Count(strings.ToLower(page), "<script"); n != 1 {
			t.Fatalf("%d script elements", n)
		}
	})
}
