package report

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vouch-sec/vouch/internal/model"
)

// HTML renders one self-contained page: verdict, findings with evidence,
// the release tree, for a diff a side-by-side view of every changed file,
// and charts drawn as inline SVG. The page loads nothing: a Content
// Security Policy allows only its own stylesheet and script (by hash), so
// even a mistake in escaping could not run a script or reach the network.
// It reads fully without JavaScript; the script only adds buttons to open
// and close the tree and to filter it.
//
// Every string of a report is attacker-controlled (file names, evidence,
// titles); html/template escapes each one for the context it lands in, and
// class names come from fixed sets, never from the report.
type HTML struct{}

// ID is the --format name.
func (HTML) ID() string { return "html" }

//go:embed html/report.html.tmpl html/style.css html/app.js
var htmlFS embed.FS

// The stylesheet and the script are inlined as typed content, byte for byte
// (a template would strip their comments), so that their hashes in the
// Content Security Policy match. They are this package's own files, never
// report data.
var (
	htmlTmpl  = template.Must(template.New("report.html.tmpl").ParseFS(htmlFS, "html/report.html.tmpl"))
	htmlStyle = template.CSS(asset("html/style.css"))
	htmlJS    = template.JS(asset("html/app.js"))
	htmlCSP   = "default-src 'none'; style-src '" + cspHash(string(htmlStyle)) +
		"'; script-src '" + cspHash(string(htmlJS)) + "'; img-src data:; base-uri 'none'; form-action 'none'"
)

func asset(name string) string {
	b, err := htmlFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// cspHash is the CSP source that allows one inline element's text.
func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// Limits of what the page draws. They keep a page for a release of
// thousands of files readable; everything stays in the JSON report.
const (
	htmlMaxCharts     = 12   // entropy charts
	htmlMaxCards      = 100  // side-by-side cards; further changed files are listed
	htmlMaxRegions    = 40   // rows of one entropy chart
	htmlMaxRiskRows   = 30   // rows of the risk chart
	htmlMaxListShown  = 12   // list items before "N more"
	htmlMaxListItems  = 500  // list items at all
	htmlMaxText       = 2000 // characters of one evidence value
	htmlTreeOpenFiles = 300  // open every directory of a tree this small
	htmlMaxLabelRunes = 26   // chart row labels
	htmlEntropyHigh   = 7.2  // bits per byte whose value a chart marks
)

// Render writes the page.
func (HTML) Render(w io.Writer, d Document, o Options) error {
	var p *htmlPage
	if d.Diff != nil {
		p = diffPage(d.Diff, o)
	} else {
		p = inspectPage(d.Inspect, o)
	}
	p.CSP, p.Style, p.Script = htmlCSP, htmlStyle, htmlJS
	var buf bytes.Buffer
	if err := htmlTmpl.Execute(&buf, p); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// htmlPage is everything the template shows, already in display form.
type htmlPage struct {
	CSP        string
	Style      template.CSS
	Script     template.JS
	Title      string
	Diff       bool
	Verdict    string // "HIGH", "CLEAN"
	VerdictSub string // the findings behind it
	VerdictSev string // class
	Gate       string
	GateClass  string
	Targets    []htmlTarget
	Stats      []htmlStat
	SevCounts  []htmlStat
	Kinds      string
	Findings   []htmlFinding
	Existing   []htmlFinding
	Suppressed []htmlFinding
	Errors     []htmlError
	Tree       []htmlTreeRow
	TreeFiles  int
	Changed    []htmlCard
	More       []htmlCard // changed files listed without a card
	Unchanged  int
	Entropy    []htmlChart
	EntropyMsg string
	Risk       *htmlChart
	RiskMsg    string
	Tool       string
	Schema     string
}

type htmlTarget struct{ Label, Path, Kind, Size, SHA256 string }

type htmlStat struct {
	Label, Value, Class string
}

type htmlFinding struct {
	Sev, SevClass string
	ID, Title     string
	Path, Anchor  string
	Evidence      []htmlEvidence
	Fold          bool   // evidence starts closed (low findings)
	Reason        string // suppressed only
	Expires       string
}

type htmlEvidence struct {
	Key  string
	Text string
	JSON bool // Text is compact JSON
	List *htmlList
}

// htmlList is a list shown a few items at a time.
type htmlList struct {
	Shown, Rest []string
	Cut         int // items left out entirely
}

type htmlError struct{ Side, Path, Error string }

func newList(items []string) *htmlList {
	l := &htmlList{}
	if len(items) > htmlMaxListItems {
		l.Cut = len(items) - htmlMaxListItems
		items = items[:htmlMaxListItems]
	}
	if len(items) > htmlMaxListShown {
		l.Shown, l.Rest = items[:htmlMaxListShown], items[htmlMaxListShown:]
	} else {
		l.Shown = items
	}
	return l
}

// sevClass maps a severity to one of a fixed set of class names.
func sevClass(s model.Severity) string {
	if s < model.SeverityNone || s > model.SeverityCritical {
		return "sev-none"
	}
	return "sev-" + s.String()
}

func inspectPage(r *model.Report, o Options) *htmlPage {
	s := r.Summary
	p := &htmlPage{
		Title:      strings.ToUpper(r.Verdict.String()) + ": vouch inspect " + r.Target.Path,
		Verdict:    verdictBig(r.Verdict),
		VerdictSub: findingCount(len(r.Findings), s.Findings, ""),
		VerdictSev: sevClass(r.Verdict),
		Targets:    []htmlTarget{target("target", r.Target)},
		Kinds:      kindSummary(s.Kinds, 12),
		Tool:       r.Tool.Name + " " + r.Tool.Version,
		Schema:     r.Schema,
	}
	p.Gate, p.GateClass = gateLine(r.Verdict, o.FailOn)
	p.Stats = []htmlStat{
		{Label: "files", Value: strconv.Itoa(s.Files)},
		{Label: "expanded", Value: humanBytes(s.Bytes)},
		{Label: "containers", Value: strconv.Itoa(s.Containers)},
		{Label: "findings", Value: strconv.Itoa(len(r.Findings))},
		{Label: "errors", Value: strconv.Itoa(s.Errors)},
	}
	if len(r.Suppressed) > 0 {
		p.Stats = append(p.Stats, htmlStat{Label: "suppressed", Value: strconv.Itoa(len(r.Suppressed))})
	}
	p.SevCounts = sevCounts(s.Findings)

	t := newTree()
	for _, f := range r.Files {
		t.add(f.Path, treeEntry{file: f, kind: f.Kind})
	}
	byPath := findingsByPath(r.Findings)
	anchors := t.flatten(byPath, len(r.Files) <= htmlTreeOpenFiles)
	p.Tree, p.TreeFiles = t.rows, t.files

	p.Findings = findingViews(r.Findings, anchors)
	for _, sf := range r.Suppressed {
		p.Suppressed = append(p.Suppressed, suppressedView(sf, anchors))
	}
	for _, e := range r.Errors {
		p.Errors = append(p.Errors, htmlError{Path: e.Path, Error: e.Error})
	}

	files := map[string]*model.File{}
	for _, f := range r.Files {
		files[f.Path] = f
	}
	p.Entropy, p.EntropyMsg = entropyCharts(r.Findings, func(path string) (*model.File, *model.File) {
		return files[path], nil
	}, r.Files)
	return p
}

func diffPage(r *model.DiffReport, o Options) *htmlPage {
	s := r.Summary
	p := &htmlPage{
		Diff:       true,
		Title:      strings.ToUpper(r.Verdict.String()) + ": vouch diff " + r.Old.Path + " → " + r.New.Path,
		Verdict:    verdictBig(r.Verdict),
		VerdictSub: findingCount(len(r.Findings), s.Findings, "new "),
		VerdictSev: sevClass(r.Verdict),
		Targets:    []htmlTarget{target("old", r.Old), target("new", r.New)},
		Tool:       r.Tool.Name + " " + r.Tool.Version,
		Schema:     r.Schema,
		Unchanged:  s.Unchanged,
	}
	p.Gate, p.GateClass = gateLine(r.Verdict, o.FailOn)
	p.Stats = []htmlStat{
		{Label: "old files", Value: strconv.Itoa(s.OldFiles)},
		{Label: "new files", Value: strconv.Itoa(s.NewFiles)},
		{Label: "added", Value: strconv.Itoa(s.Added), Class: "st-added"},
		{Label: "removed", Value: strconv.Itoa(s.Removed), Class: "st-removed"},
		{Label: "changed", Value: strconv.Itoa(s.Changed), Class: "st-changed"},
		{Label: "moved", Value: strconv.Itoa(s.Moved), Class: "st-moved"},
		{Label: "unchanged", Value: strconv.Itoa(s.Unchanged)},
		{Label: "new findings", Value: strconv.Itoa(len(r.Findings))},
		{Label: "existing", Value: strconv.Itoa(s.Existing)},
		{Label: "suppressed", Value: strconv.Itoa(s.Suppressed)},
		{Label: "errors", Value: strconv.Itoa(s.Errors)},
	}
	p.SevCounts = sevCounts(s.Findings)

	// Removed files are placed where they would be in the new release:
	// the old top-level file (and any renamed container) is mapped onto
	// its new name so that both releases share one tree.
	prefix := map[string]string{}
	for _, f := range r.Files {
		if f.OldPath != "" && f.OldPath != f.Path {
			prefix[f.OldPath+"!/"] = f.Path + "!/"
		}
	}
	t := newTree()
	for _, f := range r.Files {
		e := treeEntry{diff: f, kind: f.Kind, file: f.New, status: f.Status}
		place := f.Path
		if f.Status == model.StatusRemoved {
			e.file = f.Old
			place = remapPrefix(f.Path, prefix)
		}
		t.add(place, e)
	}
	byPath := findingsByPath(r.Findings)
	anchors := t.flatten(byPath, len(r.Files) <= htmlTreeOpenFiles)
	p.Tree, p.TreeFiles = t.rows, t.files

	p.Findings = findingViews(r.Findings, anchors)
	p.Existing = findingViews(r.Existing, anchors)
	for _, sf := range r.Suppressed {
		p.Suppressed = append(p.Suppressed, suppressedView(sf, anchors))
	}
	for _, e := range r.Errors {
		p.Errors = append(p.Errors, htmlError{Side: e.Side, Path: e.Path, Error: e.Error})
	}

	p.Changed = diffCards(r, byPath, anchors)
	if len(p.Changed) > htmlMaxCards {
		p.Changed, p.More = p.Changed[:htmlMaxCards], p.Changed[htmlMaxCards:]
		for i := range p.More {
			p.More[i].Rows = nil
		}
	}
	byNew := map[string]*model.DiffFile{}
	for _, f := range r.Files {
		if f.Status != model.StatusRemoved {
			byNew[f.Path] = f
		}
	}
	var newFiles []*model.File
	if r.NewReport != nil {
		newFiles = r.NewReport.Files
	} else {
		for _, f := range r.Files {
			if f.New != nil {
				newFiles = append(newFiles, f.New)
			}
		}
	}
	p.Entropy, p.EntropyMsg = entropyCharts(r.Findings, func(path string) (*model.File, *model.File) {
		if f := byNew[path]; f != nil {
			return f.New, f.Old
		}
		return nil, nil
	}, newFiles)
	p.Risk, p.RiskMsg = riskChart(r, byPath)
	return p
}

func target(label string, t model.Target) htmlTarget {
	return htmlTarget{Label: label, Path: t.Path, Kind: t.Kind, Size: humanBytes(t.Size), SHA256: t.SHA256}
}

func verdictBig(v model.Severity) string {
	if v == model.SeverityNone {
		return "CLEAN"
	}
	return strings.ToUpper(v.String())
}

// findingCount says how many findings of which severities there are.
func findingCount(n int, bySev map[string]int, adj string) string {
	if n == 0 {
		return "no " + adj + "findings"
	}
	return plural(n, adj+"finding") + ": " + countsBySeverity(bySev)
}

// gateLine says what the verdict means for --fail-on.
func gateLine(v, failOn model.Severity) (string, string) {
	switch {
	case failOn > model.SeverityCritical:
		return "gate off (--fail-on none): the verdict never fails the build", "gate-off"
	case v > model.SeverityNone && v >= failOn:
		return fmt.Sprintf("fails the gate (--fail-on %s)", failOn), "gate-fail"
	default:
		return fmt.Sprintf("passes the gate (--fail-on %s)", failOn), "gate-pass"
	}
}

func sevCounts(m map[string]int) []htmlStat {
	var out []htmlStat
	for s := model.SeverityCritical; s >= model.SeverityLow; s-- {
		if n := m[s.String()]; n > 0 {
			out = append(out, htmlStat{Label: s.String(), Value: strconv.Itoa(n), Class: sevClass(s)})
		}
	}
	return out
}

// remapPrefix rewrites the longest container prefix of p found in m.
func remapPrefix(p string, m map[string]string) string {
	for i := strings.LastIndex(p, "!/"); i >= 0; i = strings.LastIndex(p[:i], "!/") {
		if to, ok := m[p[:i+2]]; ok {
			return to + p[i+2:]
		}
	}
	return p
}

// fileFindings are the findings on one path, counted for badges.
type fileFindings struct {
	n     int
	worst model.Severity
}

func findingsByPath(fs []model.Finding) map[string]fileFindings {
	m := map[string]fileFindings{}
	for _, f := range fs {
		c := m[f.Path]
		c.n++
		c.worst = max(c.worst, f.Severity)
		m[f.Path] = c
	}
	return m
}

func findingViews(fs []model.Finding, anchors map[string]string) []htmlFinding {
	out := make([]htmlFinding, 0, len(fs))
	for _, f := range fs {
		out = append(out, findingView(f, anchors))
	}
	return out
}

func findingView(f model.Finding, anchors map[string]string) htmlFinding {
	return htmlFinding{
		Sev:      f.Severity.String(),
		SevClass: sevClass(f.Severity),
		ID:       f.ID,
		Title:    f.Title,
		Path:     f.Path,
		Anchor:   anchors[f.Path],
		Evidence: evidenceView(f.Evidence),
		Fold:     f.Severity <= model.SeverityLow,
	}
}

func suppressedView(s model.Suppressed, anchors map[string]string) htmlFinding {
	v := findingView(s.Finding, anchors)
	v.Reason, v.Expires = s.Reason, s.Expires
	return v
}

// evidenceView lists evidence keys sorted, each value as text, a list or
// compact JSON.
func evidenceView(m map[string]any) []htmlEvidence {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]htmlEvidence, 0, len(keys))
	for _, k := range keys {
		e := htmlEvidence{Key: k}
		v, ok := normalise(m[k])
		switch x := v.(type) {
		case string:
			e.Text = x
			e.JSON = !ok
		case []any:
			items := make([]string, 0, len(x))
			for _, it := range x {
				if s, isStr := it.(string); isStr {
					items = append(items, clip(s))
				} else {
					items = append(items, compactJSON(it))
				}
			}
			if len(items) == 0 {
				e.Text, e.JSON = "[]", true
			} else {
				e.List = newList(items)
			}
		default:
			e.Text, e.JSON = compactJSON(x), true
		}
		e.Text = clip(e.Text)
		out = append(out, e)
	}
	return out
}

// normalise turns any evidence value into what encoding/json would read
// back (string, float64/json.Number, bool, nil, []any, map[string]any), so
// typed slices and structs render like the JSON report shows them. It
// returns false with a printed form when the value has no JSON form.
func normalise(v any) (any, bool) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v), false
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return fmt.Sprint(v), false
	}
	return out, true
}

// compactJSON writes v as one line of JSON with map keys sorted.
func compactJSON(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// clip shortens a long value for display.
func clip(s string) string {
	if len(s) <= htmlMaxText {
		return s
	}
	cut := htmlMaxText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d more bytes; see the JSON report)", len(s)-cut)
}

// shortLabel shortens a chart label to n runes.
func shortLabel(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, "/"); i >= 0 && i+1 < len(p) {
		return p[i+1:]
	}
	return p
}

func shortHash(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// The release tree.

// treeEntry is what the tree knows of one file.
type treeEntry struct {
	file   *model.File     // inspect; in a diff the new file (old when removed)
	diff   *model.DiffFile // diff only
	kind   string
	status string
}

type treeNode struct {
	name     string
	path     string // the file's virtual path; "" for a directory
	entry    *treeEntry
	children map[string]*treeNode
}

type tree struct {
	root  *treeNode
	rows  []htmlTreeRow
	files int
	next  int
}

// htmlTreeRow is one step of the flattened tree: Op "open" starts a node
// with children, "leaf" is a node without, "close" ends the last open
// node. A flat list keeps the template free of recursion, however deep a
// hostile path is.
type htmlTreeRow struct {
	Op, Name, Path, ID     string
	Open, Dir              bool
	Kind                   string
	Sig, SigClass          string
	Status, StatusClass    string
	Findings, FindingClass string
	Size, Members, Moved   string
}

func newTree() *tree { return &tree{root: &treeNode{children: map[string]*treeNode{}}} }

// splitVirtual splits a virtual path into its elements: "!/" enters a
// container (whose members then hang under the container file) and "/"
// separates directories. Empty elements are dropped.
func splitVirtual(p string) []string {
	var out []string
	for _, part := range strings.Split(p, "!/") {
		for _, s := range strings.Split(part, "/") {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func (t *tree) add(path string, e treeEntry) {
	n := t.root
	parts := splitVirtual(path)
	if len(parts) == 0 {
		parts = []string{path}
	}
	for _, part := range parts {
		c := n.children[part]
		if c == nil {
			c = &treeNode{name: part, children: map[string]*treeNode{}}
			n.children[part] = c
		}
		n = c
	}
	if n.entry == nil {
		n.path = path
		n.entry = &e
		t.files++
	}
}

// flatten writes the rows and returns the anchor of each file with
// findings. Directories open when they hold a finding or when the tree is
// small (then also for a change in a diff).
func (t *tree) flatten(byPath map[string]fileFindings, small bool) map[string]string {
	anchors := map[string]string{}
	t.walk(t.root, byPath, anchors, small, 0)
	return anchors
}

// walk emits n's children and reports whether anything below n is worth
// opening for.
func (t *tree) walk(n *treeNode, byPath map[string]fileFindings, anchors map[string]string, small bool, depth int) (interesting bool) {
	names := make([]string, 0, len(n.children))
	for k := range n.children {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		c := n.children[name]
		label := c.name
		// A directory with a single directory inside shows as one "a/b".
		for c.entry == nil && len(c.children) == 1 {
			var only *treeNode
			for _, v := range c.children {
				only = v
			}
			if only.entry != nil || len(only.children) == 0 {
				break
			}
			label += "/" + only.name
			c = only
		}
		row := htmlTreeRow{Name: label, Dir: c.entry == nil}
		hot := false
		if c.entry != nil {
			hot = t.fileRow(&row, c, byPath, anchors)
		}
		if len(c.children) == 0 {
			row.Op = "leaf"
			t.rows = append(t.rows, row)
			interesting = interesting || hot
			continue
		}
		row.Op = "open"
		at := len(t.rows)
		t.rows = append(t.rows, row)
		below := t.walk(c, byPath, anchors, small, depth+1)
		t.rows[at].Open = below || small || depth == 0
		if c.entry == nil {
			t.rows[at].Members = plural(countFiles(c), "file")
		}
		t.rows = append(t.rows, htmlTreeRow{Op: "close"})
		interesting = interesting || hot || below
	}
	return interesting
}

func countFiles(n *treeNode) int {
	c := 0
	if n.entry != nil {
		c++
	}
	for _, k := range n.children {
		c += countFiles(k)
	}
	return c
}

// fileRow fills the badges of a file and reports whether it has findings
// or, in a diff, changed.
func (t *tree) fileRow(row *htmlTreeRow, n *treeNode, byPath map[string]fileFindings, anchors map[string]string) bool {
	e := n.entry
	t.next++
	row.ID = "file-" + strconv.Itoa(t.next)
	row.Path = n.path
	if e.diff != nil {
		row.Path = e.diff.Path // a removed file's own path, not its place
	}
	row.Kind = e.kind
	if f := e.file; f != nil {
		row.Size = humanBytes(f.Size)
		if f.Type != "" && f.Type != "file" {
			row.Kind = f.Type
			if f.LinkTo != "" {
				row.Moved = "→ " + f.LinkTo
			}
		}
		if f.Facts != nil && f.Facts.Signature != nil {
			row.Sig, row.SigClass = sigBadge(f.Facts.Signature)
		}
	} else if e.diff != nil {
		row.Size = humanBytes(e.diff.Size)
	}
	hot := false
	if e.diff != nil {
		row.Status = e.status
		row.StatusClass = statusClass(e.status)
		if e.status == model.StatusMoved && e.diff.OldPath != "" {
			row.Moved = "from " + e.diff.OldPath
		}
		// Changes open their folders only in a small tree: in a large
		// one (a rebuild changes every file) findings alone do.
		hot = e.status != model.StatusUnchanged && t.files <= htmlTreeOpenFiles
	}
	if c, ok := byPath[row.Path]; ok && e.status != model.StatusRemoved {
		row.Findings = fmt.Sprintf("%s · %d", c.worst, c.n)
		row.FindingClass = sevClass(c.worst)
		anchors[row.Path] = row.ID
		hot = true
	}
	return hot
}

// sigBadge summarises Authenticode facts: signed, signed but not valid,
// or unsigned.
func sigBadge(s *model.SignatureFacts) (string, string) {
	if !s.Signed {
		return "unsigned", "sig-no"
	}
	for _, g := range s.Signatures {
		if !g.DigestValid || !g.SignatureValid {
			return "signed, invalid", "sig-bad"
		}
	}
	return "signed", "sig-ok"
}

func statusClass(s string) string {
	switch s {
	case model.StatusAdded, model.StatusRemoved, model.StatusChanged, model.StatusMoved, model.StatusUnchanged:
		return "st-" + s
	}
	return "st-other"
}

// Side-by-side view of changed files.

type htmlCard struct {
	Path, OldPath, Anchor string
	Status, StatusClass   string
	Pairing, Kind         string
	Findings, FindClass   string
	Sizes                 string // old → new
	Open                  bool
	Rows                  []htmlSide
}

// htmlSide is one row of a side-by-side table: a fact with its old and
// new value, or a list whose removed items stand in the old column and
// added items in the new one.
type htmlSide struct {
	What     string
	Old, New string
	Differs  bool
	OldList  *htmlList
	NewList  *htmlList
	Lists    bool
	OldClass string // "del" for removed items
	NewClass string // "add" for added items
}

func diffCards(r *model.DiffReport, byPath map[string]fileFindings, anchors map[string]string) []htmlCard {
	var out []htmlCard
	for _, f := range r.Files {
		switch f.Status {
		case model.StatusUnchanged:
			continue
		case model.StatusMoved:
			if f.Delta.Empty() && f.OldSHA256 == "" {
				if _, ok := byPath[f.Path]; !ok {
					continue // renamed only
				}
			}
		}
		c := htmlCard{
			Path: f.Path, Status: f.Status, StatusClass: statusClass(f.Status),
			Pairing: f.Pairing, Kind: f.Kind, Anchor: anchors[f.Path],
		}
		if f.OldPath != f.Path && (f.Status == model.StatusMoved || f.Pairing != "path") {
			c.OldPath = f.OldPath
		}
		if fc, ok := byPath[f.Path]; ok && f.Status != model.StatusRemoved {
			c.Findings = fmt.Sprintf("%d new · %s", fc.n, fc.worst)
			c.FindClass = sevClass(fc.worst)
			c.Open = true
		}
		c.Rows = sideRows(f)
		switch {
		case f.Status == model.StatusAdded || f.Status == model.StatusRemoved:
			c.Sizes = humanBytes(f.Size)
		case f.OldSize != 0:
			c.Sizes = humanBytes(f.OldSize) + " → " + humanBytes(f.Size)
		}
		out = append(out, c)
	}
	// Files with new findings first, worst first; then changed, added,
	// moved and removed files, each by path.
	rank := map[string]int{model.StatusChanged: 0, model.StatusAdded: 1, model.StatusMoved: 2, model.StatusRemoved: 3}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := byPath[out[i].Path], byPath[out[j].Path]
		if out[i].Status == model.StatusRemoved {
			a = fileFindings{}
		}
		if out[j].Status == model.StatusRemoved {
			b = fileFindings{}
		}
		if a.worst != b.worst {
			return a.worst > b.worst
		}
		if a.n != b.n {
			return a.n > b.n
		}
		return rank[out[i].Status] < rank[out[j].Status]
	})
	return out
}

// sideRows lays out a changed file's facts, old next to new.
func sideRows(f *model.DiffFile) []htmlSide {
	var rows []htmlSide
	d := f.Delta
	changed := map[string]bool{}
	if d != nil {
		for _, c := range d.Changes {
			changed[c.What] = true
		}
	}
	fact := func(what, o, n string) {
		if o == "" && n == "" || changed[what] {
			return
		}
		rows = append(rows, htmlSide{What: what, Old: o, New: n, Differs: o != n})
	}
	oldKind := f.OldKind
	if oldKind == "" && f.Status != model.StatusAdded {
		oldKind = f.Kind
	}
	newKind := f.Kind
	if f.Status == model.StatusRemoved {
		newKind = ""
	}
	fact("kind", oldKind, newKind)
	oldSize, newSize := "", ""
	if f.Old != nil {
		oldSize = humanBytes(f.Old.Size)
	} else if f.OldSize != 0 {
		oldSize = humanBytes(f.OldSize)
	}
	if f.New != nil {
		newSize = humanBytes(f.New.Size)
	} else if f.Status != model.StatusRemoved {
		newSize = humanBytes(f.Size)
	}
	fact("size", oldSize, newSize)
	fact("sha256", shortHash(fileSHA(f.Old, f.OldSHA256, f.SHA256, f.Status != model.StatusAdded)),
		shortHash(fileSHA(f.New, f.SHA256, "", f.Status != model.StatusRemoved)))
	fact("entropy", entropyOf(f.Old), entropyOf(f.New))
	fact("signed", signedOf(f.Old), signedOf(f.New))
	fact("signer", signerOf(f.Old), signerOf(f.New))
	fact("version", versionOf(f.Old), versionOf(f.New))
	if d != nil {
		for _, c := range d.Changes {
			rows = append(rows, htmlSide{What: c.What, Old: c.Old, New: c.New, Differs: c.Old != c.New})
		}
	}
	lists := func(what string, removed, added []string) {
		if len(removed)+len(added) == 0 {
			return
		}
		s := htmlSide{What: what, Lists: true, Differs: true, OldClass: "del", NewClass: "add"}
		if len(removed) > 0 {
			s.OldList = newList(removed)
		}
		if len(added) > 0 {
			s.NewList = newList(added)
		}
		rows = append(rows, s)
	}
	switch {
	case d != nil:
		var capsAdded, epAdded []string
		for _, c := range d.CapabilitiesAdded {
			capsAdded = append(capsAdded, capLabel(c))
		}
		for _, e := range d.EndpointsAdded {
			epAdded = append(epAdded, endpointLabel(e))
		}
		lists("capabilities", d.CapabilitiesRemoved, capsAdded)
		lists("libraries", d.LibrariesRemoved, d.LibrariesAdded)
		lists("imports", d.ImportsRemoved, d.ImportsAdded)
		lists("exports", d.ExportsRemoved, d.ExportsAdded)
		lists("endpoints", d.EndpointsRemoved, epAdded)
		lists("dependencies", d.DependenciesRemoved, d.DependenciesAdded)
	case f.Status == model.StatusAdded || f.Status == model.StatusRemoved:
		// A file on one side only: what it brings (or took away).
		one := f.New
		if f.Status == model.StatusRemoved {
			one = f.Old
		}
		caps, libs, eps := factLists(one)
		side := func(what string, items []string) {
			if len(items) == 0 {
				return
			}
			s := htmlSide{What: what, Lists: true, OldClass: "del", NewClass: "add"}
			if f.Status == model.StatusRemoved {
				s.OldList = newList(items)
			} else {
				s.NewList = newList(items)
			}
			rows = append(rows, s)
		}
		side("capabilities", caps)
		side("libraries", libs)
		side("endpoints", eps)
	}
	return rows
}

func fileSHA(f *model.File, recorded, fallback string, present bool) string {
	switch {
	case !present:
		return ""
	case f != nil && f.SHA256 != "":
		return f.SHA256
	case recorded != "":
		return recorded
	}
	return fallback
}

func entropyOf(f *model.File) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(f.Entropy, 'f', 2, 64) + " bits/byte"
}

func signedOf(f *model.File) string {
	if f == nil || f.Facts == nil || f.Facts.Signature == nil {
		return ""
	}
	s, _ := sigBadge(f.Facts.Signature)
	return s
}

func signerOf(f *model.File) string {
	if f == nil || f.Facts == nil {
		return ""
	}
	if s := f.Facts.Signature; s != nil && len(s.Signatures) > 0 && s.Signatures[0].Signer != nil {
		return s.Signatures[0].Signer.Subject
	}
	if m := f.Facts.MachO; m != nil {
		for _, sl := range m.Slices {
			if sl.CodeSign != nil && sl.CodeSign.Signer != "" {
				return sl.CodeSign.Signer
			}
		}
	}
	return ""
}

func versionOf(f *model.File) string {
	if f == nil || f.Facts == nil {
		return ""
	}
	if p := f.Facts.PE; p != nil && p.VersionInfo != nil {
		if v := p.VersionInfo["FileVersion"]; v != "" {
			return v
		}
		return p.VersionInfo["ProductVersion"]
	}
	if p := f.Facts.Package; p != nil {
		return p.Version
	}
	return ""
}

func capLabel(c model.Capability) string {
	return c.ID + " (" + c.Risk.String() + ")"
}

func endpointLabel(e model.Endpoint) string {
	s := e.Value
	if e.Encoding != "" {
		s += " [" + e.Encoding + "]"
	}
	return s
}

// factLists are the capabilities, libraries and endpoints of one file.
func factLists(f *model.File) (caps, libs, eps []string) {
	if f == nil || f.Facts == nil {
		return nil, nil, nil
	}
	for _, c := range f.Facts.Capabilities {
		caps = append(caps, capLabel(c))
	}
	if p := f.Facts.PE; p != nil {
		for _, im := range p.Imports {
			libs = append(libs, im.DLL)
		}
	}
	if e := f.Facts.ELF; e != nil {
		libs = append(libs, e.Needed...)
	}
	if m := f.Facts.MachO; m != nil {
		for _, sl := range m.Slices {
			libs = append(libs, sl.Dylibs...)
		}
	}
	for _, e := range f.Facts.Endpoints {
		eps = append(eps, endpointLabel(e))
	}
	return caps, libs, eps
}

// Charts, drawn as SVG primitives the template writes out. Geometry is
// laid out here from numbers the report already holds; every label goes
// through the template's escaping.

type htmlChart struct {
	ID, Title, Desc string
	Caption, Path   string
	CaptionClass    string
	Flagged         bool
	W, H            int
	Narrow          bool       // the phone layout, shown instead of the wide one
	Small           *htmlChart // the same chart in the phone layout
	Rects           []svgRect
	Lines           []svgLine
	Texts           []svgText
	Circles         []svgCircle
}

type svgRect struct{ X, Y, W, H, Class, Title string }
type svgLine struct{ X1, Y1, X2, Y2, Class string }
type svgText struct{ X, Y, Anchor, Class, Text string }
type svgCircle struct{ X, Y, R, Class, Title string }

func (c *htmlChart) rect(x, y, w, h float64, class, title string) {
	c.Rects = append(c.Rects, svgRect{num(x), num(y), num(w), num(h), class, title})
}

func (c *htmlChart) line(x1, y1, x2, y2 float64, class string) {
	c.Lines = append(c.Lines, svgLine{num(x1), num(y1), num(x2), num(y2), class})
}

func (c *htmlChart) text(x, y float64, anchor, class, s string) {
	c.Texts = append(c.Texts, svgText{num(x), num(y), anchor, class, s})
}

func (c *htmlChart) circle(x, y, r float64, class, title string) {
	c.Circles = append(c.Circles, svgCircle{num(x), num(y), num(r), class, title})
}

// region is a byte range of a file drawn in an entropy chart.
type region struct {
	label    string
	offset   int64
	size     int64
	entropy  float64
	measured bool
}

// regionsOf lists the byte ranges a file's facts describe: sections,
// overlays, certificate-table contents, code signatures and image
// trailers.
func regionsOf(f *model.File) []region {
	if f == nil || f.Facts == nil {
		return nil
	}
	var out []region
	add := func(label string, off, size int64, ent float64, measured bool) {
		if size > 0 && off >= 0 {
			out = append(out, region{label, off, size, ent, measured})
		}
	}
	addRegion := func(label string, r *model.Region) {
		if r != nil {
			add(label, r.Offset, r.Size, r.Entropy, true)
		}
	}
	sections := func(prefix string, base int64, ss []model.Section, measured bool) {
		for _, s := range ss {
			name := s.Name
			if name == "" {
				name = "(unnamed)"
			}
			add(prefix+name, base+s.Offset, s.Size, s.Entropy, measured)
		}
	}
	fa := f.Facts
	if p := fa.PE; p != nil {
		sections("section ", 0, p.Sections, true)
		addRegion("overlay", p.Overlay)
		addRegion("signed overlay", p.SignedOverlay)
		addRegion("COFF symbols", p.Symbols)
	}
	if e := fa.ELF; e != nil {
		if len(e.Sections) > 0 {
			sections("section ", 0, e.Sections, true)
		} else {
			for _, s := range e.Segments {
				add("segment "+s.Name, s.Offset, s.Size, s.Entropy, s.Name == "LOAD")
			}
		}
	}
	if m := fa.MachO; m != nil {
		for _, sl := range m.Slices {
			prefix := ""
			if m.Fat {
				prefix = sl.CPU + " "
				add("slice "+sl.CPU, sl.Offset, sl.Size, 0, false)
			}
			sections(prefix, sl.Offset, sl.Sections, true)
			if cs := sl.CodeSign; cs != nil {
				add(prefix+"code signature", sl.Offset+cs.Offset, cs.Size, 0, false)
				if cs.TrailingBytes > 0 {
					add(prefix+"after code signature", sl.Offset+cs.Offset+cs.Size, cs.TrailingBytes, cs.TrailingEntropy, true)
				}
			}
		}
		addRegion("overlay", m.Overlay)
	}
	if s := fa.Signature; s != nil && s.CertTable != nil && (s.Format == "pe" || s.Format == "cab") {
		ct := s.CertTable
		add("certificate table", ct.Offset, ct.Size, 0, false)
		for i := range ct.Hidden {
			addRegion("hidden in cert table", &ct.Hidden[i])
		}
		if ct.TrailingBytes > 0 && f.Size >= ct.TrailingBytes {
			add("after cert table", f.Size-ct.TrailingBytes, ct.TrailingBytes, ct.TrailingEntropy, true)
		}
	}
	if im := fa.Image; im != nil {
		add("image data", 0, im.LogicalEnd, 0, false)
		trailer := func(label string, t *model.Trailer) {
			if t == nil {
				return
			}
			what := t.Class
			if t.Marker != "" {
				what += ", after " + t.Marker
			}
			add(label+" ("+what+")", t.Offset, t.Size, t.Entropy, true)
		}
		trailer("trailer", im.Trailer)
		for i := range im.Gaps {
			trailer("gap", &im.Gaps[i])
		}
		for i := range im.Entries {
			trailer(fmt.Sprintf("icon %d trailer", i+1), im.Entries[i].Trailer)
		}
	}
	return out
}

// entropyClass buckets bits per byte into the chart's colour scale.
func entropyClass(r region) string {
	switch {
	case !r.measured:
		return "ena"
	case r.entropy < 2:
		return "e0"
	case r.entropy < 4:
		return "e1"
	case r.entropy < 6:
		return "e2"
	case r.entropy < 7:
		return "e3"
	case r.entropy < 7.5:
		return "e4"
	}
	return "e5"
}

// entropyCharts draws one chart per flagged file that has regions, in the
// order of the findings (worst first); in a diff the old file's regions
// are drawn under the new ones on the same scale. Without a flagged file
// to draw, the largest files with regions are shown instead.
func entropyCharts(findings []model.Finding, lookup func(string) (*model.File, *model.File), all []*model.File) ([]htmlChart, string) {
	var out []htmlChart
	seen := map[string]bool{}
	worst := map[string]model.Severity{}
	skipped := 0
	for _, fd := range findings {
		worst[fd.Path] = max(worst[fd.Path], fd.Severity)
	}
	for _, fd := range findings {
		if seen[fd.Path] {
			continue
		}
		seen[fd.Path] = true
		nf, of := lookup(fd.Path)
		if len(regionsOf(nf)) == 0 {
			continue
		}
		if len(out) == htmlMaxCharts {
			skipped++
			continue
		}
		c := entropyChart(len(out), nf, of)
		c.Caption = fmt.Sprintf("%s finding", worst[fd.Path])
		c.Flagged = true
		c.CaptionClass = sevClass(worst[fd.Path])
		out = append(out, c)
	}
	if len(out) > 0 {
		msg := ""
		if skipped > 0 {
			msg = fmt.Sprintf("%s not charted.", plural(skipped, "more flagged file"))
		}
		return out, msg
	}
	var cands []*model.File
	for _, f := range all {
		if len(regionsOf(f)) > 0 {
			cands = append(cands, f)
		}
	}
	if len(cands) == 0 {
		return nil, "No file of this release has measured regions (sections, overlays, certificate tables, image trailers) to chart."
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].Size != cands[j].Size {
			return cands[i].Size > cands[j].Size
		}
		return cands[i].Path < cands[j].Path
	})
	for i, f := range cands {
		if i == 3 {
			break
		}
		_, of := lookup(f.Path)
		c := entropyChart(i, f, of)
		c.Caption = "largest file with regions"
		out = append(out, c)
	}
	msg := "No flagged file has measured regions; the largest files that have them are shown instead."
	if len(findings) == 0 {
		msg = "Nothing was flagged; the largest files with measured regions are shown."
	}
	return out, msg
}

// Chart layouts: the wide one puts labels beside the bars; the narrow one,
// shown on phones instead, puts each label above its bar so that the text
// stays legible without scrolling sideways.
const (
	wideW   = 760.0
	narrowW = 360.0
)

// legendItem is one swatch of the entropy scale.
var entropyLegend = []struct{ class, label string }{
	{"e0", "0–2"}, {"e1", "2–4"}, {"e2", "4–6"}, {"e3", "6–7"}, {"e4", "7–7.5"}, {"e5", "7.5–8"}, {"ena", "not measured"},
}

// entropyChart draws one file's regions (and, in a diff, the old file's
// under them on the same scale) in the wide layout, with the narrow one
// as Small.
func entropyChart(i int, nf, of *model.File) htmlChart {
	type group struct {
		label string
		f     *model.File
		regs  []region
		more  int
	}
	groups := []group{{f: nf, regs: regionsOf(nf)}}
	if ro := regionsOf(of); len(ro) > 0 {
		groups[0].label = "new release"
		groups = append(groups, group{label: "old release", f: of, regs: ro})
	}
	span := int64(1)
	for gi := range groups {
		g := &groups[gi]
		span = max(span, g.f.Size)
		// Keep the regions with the highest entropy when there are too
		// many to draw, then order them by offset.
		if len(g.regs) > htmlMaxRegions {
			sort.SliceStable(g.regs, func(a, b int) bool { return g.regs[a].entropy > g.regs[b].entropy })
			g.more = len(g.regs) - htmlMaxRegions
			g.regs = g.regs[:htmlMaxRegions]
		}
		sort.SliceStable(g.regs, func(a, b int) bool {
			if g.regs[a].offset != g.regs[b].offset {
				return g.regs[a].offset < g.regs[b].offset
			}
			return g.regs[a].label < g.regs[b].label
		})
	}
	draw := func(narrow bool) htmlChart {
		w, plotX0, plotX1, rowH, barH, barY, textY := wideW, 196.0, 690.0, 20.0, 14.0, 3.0, 14.0
		id := "entropy-" + strconv.Itoa(i+1)
		if narrow {
			w, plotX0, plotX1, rowH, barH, barY, textY = narrowW, 6, narrowW-6, 32, 12, 16, 12
			id += "-narrow"
		}
		const labelX = 6.0
		valueX := w - 6
		xOf := func(off int64) float64 {
			off = min(max(off, 0), span)
			return plotX0 + (plotX1-plotX0)*float64(off)/float64(span)
		}
		c := htmlChart{
			ID:    id,
			Path:  nf.Path,
			Title: "Entropy per region of " + nf.Path,
			Desc: "Horizontal bars place each region (section, overlay, certificate table, trailer) at its byte range " +
				"in the file; colour and the number on the right give its entropy in bits per byte (0 to 8).",
			W:      int(w),
			Narrow: narrow,
		}
		// Legend, wrapped to the width.
		lx, ly := labelX, 8.0
		c.text(lx, ly+10, "start", "axis", "bits/byte:")
		lx += 64
		for _, l := range entropyLegend {
			iw := 26 + float64(utf8.RuneCountInString(l.label))*6.5
			if lx+iw > w {
				lx, ly = labelX+64, ly+18
			}
			c.rect(lx, ly, 14, 12, l.class, l.label+" bits per byte")
			c.text(lx+18, ly+10, "start", "axis", l.label)
			lx += iw + 4
		}
		y := ly + 26
		c.text(valueX, y, "end", "axis", "entropy")
		y += 4
		labelRunes := htmlMaxLabelRunes
		if narrow {
			labelRunes = 40
		}
		row := func(label, title string, r region) {
			c.rect(plotX0, y+barY, plotX1-plotX0, barH, "track", "")
			x0, x1 := xOf(r.offset), xOf(r.offset+r.size)
			c.rect(x0, y+barY, max(x1-x0, 1.5), barH, entropyClass(r), title)
			c.text(labelX, y+textY, "start", "lbl", shortLabel(label, labelRunes))
			v := "–"
			if r.measured {
				v = strconv.FormatFloat(r.entropy, 'f', 2, 64)
			}
			cls := "val"
			if r.measured && r.entropy >= htmlEntropyHigh {
				cls = "val hot"
			}
			c.text(valueX, y+textY, "end", cls, v)
			y += rowH
		}
		for _, g := range groups {
			if g.label != "" {
				c.text(labelX, y+14, "start", "grp", shortLabel(g.label+": "+baseName(g.f.Path), 48)+", "+humanBytes(g.f.Size))
				y += 20
			}
			whole := region{label: "whole file", size: g.f.Size, entropy: g.f.Entropy, measured: true}
			row("whole file", fmt.Sprintf("whole file: %s, entropy %.2f bits/byte", humanBytes(g.f.Size), g.f.Entropy), whole)
			for _, r := range g.regs {
				title := fmt.Sprintf("%s: offset %d (0x%x), %s", r.label, r.offset, r.offset, humanBytes(r.size))
				if r.measured {
					title += fmt.Sprintf(", entropy %.2f bits/byte", r.entropy)
				}
				row(r.label, title, r)
			}
			if g.more > 0 {
				c.text(labelX, y+14, "start", "axis", fmt.Sprintf("… %s with lower entropy not drawn", plural(g.more, "more region")))
				y += 20
			}
		}
		// Axis: quarters, or halves where there is little room.
		y += 4
		c.line(plotX0, y, plotX1, y, "axisline")
		parts := int64(4)
		if narrow {
			parts = 2
		}
		for q := int64(0); q <= parts; q++ {
			off := span * q / parts
			x := xOf(off)
			c.line(x, y, x, y+4, "axisline")
			lbl, anchor := "0", "middle"
			switch {
			case q == 0:
				anchor = "start"
			case q == parts:
				lbl, anchor = humanBytes(off), "end"
			default:
				lbl = humanBytes(off)
			}
			c.text(x, y+16, anchor, "axis", lbl)
		}
		c.text((plotX0+plotX1)/2, y+32, "middle", "axis", "file offset (bytes from the start)")
		c.H = int(y + 40)
		return c
	}
	c := draw(false)
	small := draw(true)
	c.Small = &small
	return c
}

// riskRow is one file of the old-vs-new chart.
type riskRow struct {
	f                 *model.DiffFile
	newFind           fileFindings // new findings of the diff on the file
	risk, caps, finds [2]int       // old, new; -1 when the side is absent
}

// riskChart draws, per changed file, its highest capability risk, its
// capability count and its findings in the old and the new release as
// dumbbells: a hollow dot for old, a filled one for new.
func riskChart(r *model.DiffReport, byPath map[string]fileFindings) (*htmlChart, string) {
	rows := riskRows(r, byPath)
	if len(rows) == 0 {
		return nil, "No file changed between the two releases."
	}
	msg := ""
	if len(rows) > htmlMaxRiskRows {
		msg = fmt.Sprintf("%s with fewer new findings not drawn.", plural(len(rows)-htmlMaxRiskRows, "more changed file"))
		rows = rows[:htmlMaxRiskRows]
	}
	c := drawRisk(rows, false)
	small := drawRisk(rows, true)
	c.Small = &small
	return &c, msg
}

// riskRows collects the changed files with their numbers, the files with
// the worst new findings first.
func riskRows(r *model.DiffReport, byPath map[string]fileFindings) []riskRow {
	// Findings on a file: in the new release, what the diff holds (new and
	// already-there findings, suppressed ones aside); in the old release,
	// what its inspection found, or without it the already-there ones.
	oldFind, newFind := map[string]int{}, map[string]int{}
	for _, f := range r.Findings {
		newFind[f.Path]++
	}
	for _, f := range r.Existing {
		newFind[f.Path]++
	}
	if r.OldReport != nil {
		for _, f := range r.OldReport.Findings {
			oldFind[f.Path]++
		}
	}
	var rows []riskRow
	for _, f := range r.Files {
		fc, flagged := byPath[f.Path]
		if f.Status == model.StatusRemoved {
			fc, flagged = fileFindings{}, false
		}
		switch f.Status {
		case model.StatusUnchanged:
			continue
		case model.StatusMoved:
			if f.Delta.Empty() && f.OldSHA256 == "" && !flagged {
				continue
			}
		}
		rr := riskRow{f: f, newFind: fc, risk: [2]int{-1, -1}, caps: [2]int{-1, -1}, finds: [2]int{-1, -1}}
		if f.Status != model.StatusAdded {
			rr.risk[0], rr.caps[0] = capStats(f.Old)
			oldPath := f.OldPath
			if f.Status == model.StatusRemoved {
				oldPath = f.Path
			}
			rr.finds[0] = oldFind[oldPath]
			if r.OldReport == nil {
				for _, e := range r.Existing {
					if e.Path == f.Path {
						rr.finds[0]++
					}
				}
			}
		}
		if f.Status != model.StatusRemoved {
			rr.risk[1], rr.caps[1] = capStats(f.New)
			rr.finds[1] = newFind[f.Path]
		}
		rows = append(rows, rr)
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.newFind.worst != b.newFind.worst {
			return a.newFind.worst > b.newFind.worst
		}
		if a.newFind.n != b.newFind.n {
			return a.newFind.n > b.newFind.n
		}
		da, db := a.risk[1]-a.risk[0], b.risk[1]-b.risk[0]
		if da != db {
			return da > db
		}
		return a.f.Path < b.f.Path
	})
	return rows
}

// drawRisk lays out the dumbbells: in the wide layout a file's label and
// its three panels share a row; in the narrow one the label has a line of
// its own above the panels.
func drawRisk(rows []riskRow, narrow bool) htmlChart {
	type panel struct {
		x0, x1 float64
		title  string
		name   string
		vals   func(riskRow) [2]int
		max    int
		cats   []string // categorical axis
	}
	w, rowH, labelLine, dotR := wideW, 24.0, 0.0, 5.0
	panels := []*panel{
		{x0: 246, x1: 406, title: "highest capability risk", name: "capability risk", vals: func(r riskRow) [2]int { return r.risk },
			cats: []string{"none", "low", "med", "high", "crit"}},
		{x0: 446, x1: 576, title: "capabilities", name: "capabilities", vals: func(r riskRow) [2]int { return r.caps }},
		{x0: 616, x1: 746, title: "findings on the file", name: "findings", vals: func(r riskRow) [2]int { return r.finds }},
	}
	id := "risk"
	if narrow {
		w, rowH, labelLine, dotR = narrowW, 38, 14, 4.5
		id = "risk-narrow"
		panels[0].x0, panels[0].x1, panels[0].title, panels[0].cats = 14, 114, "capability risk", []string{"–", "L", "M", "H", "C"}
		panels[1].x0, panels[1].x1 = 136, 226
		panels[2].x0, panels[2].x1, panels[2].title = 258, 348, "findings"
	}
	for _, p := range panels {
		p.max = 1
		if p.cats != nil {
			p.max = len(p.cats) - 1
			continue
		}
		for _, rr := range rows {
			v := p.vals(rr)
			p.max = max(p.max, v[0], v[1])
		}
		if p.max > 5 && p.max%2 == 1 {
			p.max++ // an even maximum gives an integer midpoint tick
		}
	}
	xOf := func(p *panel, v int) float64 {
		return p.x0 + (p.x1-p.x0)*float64(min(max(v, 0), p.max))/float64(p.max)
	}
	c := htmlChart{
		ID:    id,
		Title: "Risk per changed file, old release against new",
		Desc: "One row per changed, added or removed file. For each of highest capability risk (none, low, medium, " +
			"high, critical), number of capabilities and number of findings, a hollow dot marks the old release and a " +
			"filled dot the new one; a red line means the new release is worse, a green one better.",
		W:      int(w),
		Narrow: narrow,
	}
	const labelX = 6.0
	// Legend, on two lines when narrow.
	c.circle(labelX+6, 14, dotR, "dot-old", "old release")
	c.text(labelX+16, 18, "start", "axis", "old")
	c.circle(labelX+56, 14, dotR, "dot-new", "new release")
	c.text(labelX+66, 18, "start", "axis", "new")
	c.line(labelX+106, 14, labelX+128, 14, "dl-up")
	c.text(labelX+134, 18, "start", "axis", "worse")
	c.line(labelX+176, 14, labelX+198, 14, "dl-down")
	c.text(labelX+204, 18, "start", "axis", "better")
	statusY, statusX := 18.0, labelX+260
	if narrow {
		statusY, statusX = 36, labelX
	}
	c.text(statusX, statusY, "start", "axis", "+ added  − removed  ~ changed  → moved")
	firstY := statusY + 44
	for _, p := range panels {
		c.text((p.x0+p.x1)/2, firstY-14, "middle", "ptitle", p.title)
	}
	bottom := firstY + rowH*float64(len(rows))
	for _, p := range panels {
		ticks := []int{0, p.max / 2, p.max}
		if p.max <= 5 {
			ticks = ticks[:0]
			for v := 0; v <= p.max; v++ {
				ticks = append(ticks, v)
			}
		}
		for _, t := range ticks {
			x := xOf(p, t)
			c.line(x, firstY-4+labelLine, x, bottom, "grid")
			lbl := strconv.Itoa(t)
			if p.cats != nil {
				lbl = p.cats[t]
			}
			c.text(x, bottom+16, "middle", "axis", lbl)
		}
	}
	marks := map[string]string{
		model.StatusAdded: "+ ", model.StatusRemoved: "− ", model.StatusChanged: "~ ", model.StatusMoved: "→ ",
	}
	y := firstY
	for i, rr := range rows {
		if i%2 == 1 {
			c.rect(0, y, w, rowH, "zebra", "")
		}
		label := marks[rr.f.Status] + baseName(rr.f.Path)
		title := rr.f.Status + ": " + rr.f.Path
		if rr.f.OldPath != "" && rr.f.OldPath != rr.f.Path {
			title += " (was " + rr.f.OldPath + ")"
		}
		cls := "lbl"
		if rr.newFind.n > 0 {
			title += fmt.Sprintf("; %d new finding(s), worst %s", rr.newFind.n, rr.newFind.worst)
			cls = "lbl " + sevClass(rr.newFind.worst)
		}
		if narrow {
			c.rect(0, y, w, labelLine+2, "hit", title)
			c.text(labelX, y+12, "start", cls, shortLabel(label, 52))
		} else {
			c.rect(labelX-4, y+2, 232, rowH-4, "hit", title)
			c.text(labelX, y+rowH/2+4, "start", cls, shortLabel(label, 30))
		}
		cy := y + labelLine + (rowH-labelLine)/2
		for _, p := range panels {
			v := p.vals(rr)
			valText := func(n int) string {
				if p.cats != nil {
					return model.Severity(n).String()
				}
				return strconv.Itoa(n)
			}
			if v[0] >= 0 && v[1] >= 0 && v[0] != v[1] {
				lc := "dl-down"
				if v[1] > v[0] {
					lc = "dl-up"
				}
				c.line(xOf(p, v[0]), cy, xOf(p, v[1]), cy, lc)
			}
			if v[0] >= 0 {
				c.circle(xOf(p, v[0]), cy, dotR+1, "dot-old", "old "+p.name+": "+valText(v[0]))
			}
			if v[1] >= 0 {
				nc := "dot-new"
				if p.cats != nil {
					nc = "dot-new " + sevClass(model.Severity(v[1]))
				}
				c.circle(xOf(p, v[1]), cy, dotR, nc, "new "+p.name+": "+valText(v[1]))
			}
		}
		y += rowH
	}
	c.H = int(bottom + 28)
	return c
}

// capStats are a file's highest capability risk and capability count.
func capStats(f *model.File) (int, int) {
	if f == nil || f.Facts == nil {
		return 0, 0
	}
	worst := model.SeverityNone
	for _, c := range f.Facts.Capabilities {
		worst = max(worst, c.Risk)
	}
	return int(min(max(worst, model.SeverityNone), model.SeverityCritical)), len(f.Facts.Capabilities)
}
