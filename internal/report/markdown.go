package report

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/vouch-sec/vouch/internal/model"
)

// Markdown renders a report for a pull-request comment or a release note:
// a one-line verdict, counts, a table of the findings that matter, and the
// rest (evidence, changed files, context) folded into <details> sections,
// so it reads on a phone and stays under a comment's size limit.
//
// Everything that comes from the artifact (titles, paths, evidence) is
// escaped: it cannot open a link, an image, HTML or a new block.
type Markdown struct{}

// ID is the --format name.
func (Markdown) ID() string { return "markdown" }

// Caps that keep the comment short and bounded whatever the release holds.
const (
	mdTableRows    = 20  // findings in the main table
	mdEvidenceRows = 20  // findings with their evidence
	mdFileRows     = 50  // changed files
	mdContextRows  = 20  // existing, suppressed findings and errors
	mdEvidenceKeys = 12  // evidence fields per finding
	mdValueRunes   = 160 // one evidence value
	mdTitleRunes   = 200 // a title in a table cell
	mdPathRunes    = 60  // a path in the main table
)

// Render writes the Markdown report.
func (Markdown) Render(w io.Writer, d Document, o Options) error {
	m := &mdWriter{w: w}
	switch {
	case d.Diff != nil:
		m.diff(d.Diff, o)
	case d.Inspect != nil:
		m.inspect(d.Inspect, o)
	default:
		return fmt.Errorf("markdown: empty document")
	}
	return m.err
}

type mdWriter struct {
	w   io.Writer
	err error
}

func (m *mdWriter) line(format string, a ...any) {
	if m.err != nil {
		return
	}
	_, m.err = fmt.Fprintf(m.w, format+"\n", a...)
}

func (m *mdWriter) inspect(r *model.Report, o Options) {
	root := topName(r.Target)
	m.line("%s · vouch inspect %s: %s", badge(r.Verdict), codeSpan(mdName(r.Target), false), mdVerdict(r.Verdict, o.FailOn, "no findings"))
	m.line("")
	s := r.Summary
	var parts []string
	if n := len(r.Findings); n > 0 {
		parts = append(parts, fmt.Sprintf("%s: %s", count(n, "finding", "findings"), countsBySeverity(s.Findings)))
	}
	if n := len(r.Suppressed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d suppressed", n))
	}
	parts = append(parts, fmt.Sprintf("%s (%s) in %s: %s", count(s.Files, "file", "files"), humanBytes(s.Bytes),
		count(s.Containers, "container", "containers"), escapeText(kindSummary(s.Kinds, 6))))
	if s.Errors > 0 {
		parts = append(parts, count(s.Errors, "read error", "read errors"))
	}
	m.line("%s", strings.Join(parts, " · "))

	m.findingsTable("Findings", r.Findings, root)
	m.evidence(r.Findings)
	m.suppressed(r.Suppressed, root)
	m.errors(r.Errors, root)
}

func (m *mdWriter) diff(r *model.DiffReport, o Options) {
	oldRoot, newRoot := topName(r.Old), topName(r.New)
	m.line("%s · vouch diff %s → %s: %s", badge(r.Verdict), codeSpan(mdName(r.Old), false), codeSpan(mdName(r.New), false),
		mdVerdict(r.Verdict, o.FailOn, "no new findings"))
	m.line("")
	s := r.Summary
	var parts []string
	if n := len(r.Findings); n > 0 {
		parts = append(parts, fmt.Sprintf("%s: %s", count(n, "new finding", "new findings"), countsBySeverity(s.Findings)))
	}
	if n := len(r.Existing); n > 0 {
		parts = append(parts, fmt.Sprintf("%d already in the old release", n))
	}
	if n := len(r.Suppressed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d suppressed", n))
	}
	parts = append(parts, fmt.Sprintf("files: %d added, %d removed, %d changed, %d moved, %d unchanged",
		s.Added, s.Removed, s.Changed, s.Moved, s.Unchanged))
	if s.Errors > 0 {
		parts = append(parts, count(s.Errors, "read error", "read errors"))
	}
	m.line("%s", strings.Join(parts, " · "))

	m.findingsTable("New findings", r.Findings, newRoot)
	m.evidence(r.Findings)
	m.changedFiles(r.Files, newRoot, oldRoot)
	if len(r.Existing) > 0 {
		m.details(fmt.Sprintf("Already in the old release (%d)", len(r.Existing)))
		m.contextTable(r.Existing, nil, newRoot)
		m.endDetails()
	}
	m.suppressed(r.Suppressed, newRoot)
	m.errors(r.Errors, newRoot)
}

// findingsTable is the table a reader sees first: severity, file, what.
func (m *mdWriter) findingsTable(heading string, fs []model.Finding, root string) {
	if len(fs) == 0 {
		return
	}
	m.line("")
	m.line("**%s**", heading)
	m.line("")
	m.line("| Severity | File | What |")
	m.line("|---|---|---|")
	for i, f := range fs {
		if i == mdTableRows {
			break
		}
		m.line("| %s | %s | %s |", badge(f.Severity), codeSpan(shortPath(f.Path, root), true), escapeText(truncate(f.Title, mdTitleRunes)))
	}
	if n := len(fs) - mdTableRows; n > 0 {
		m.line("")
		m.line("… and %d more (the JSON and SARIF reports list them all).", n)
	}
}

// evidence folds each finding's id, full path, meaning and evidence.
func (m *mdWriter) evidence(fs []model.Finding) {
	if len(fs) == 0 {
		return
	}
	m.details(fmt.Sprintf("Evidence (%s)", count(len(fs), "finding", "findings")))
	for i, f := range fs {
		if i == mdEvidenceRows {
			m.line("… and %d more.", len(fs)-mdEvidenceRows)
			m.line("")
			break
		}
		short, _ := Help(f.ID)
		m.line("%s · %s", badge(f.Severity), escapeText(truncate(f.Title, mdTitleRunes)))
		m.line("%s in %s", codeSpan(f.ID, false), codeSpan(f.Path, false))
		m.line("")
		m.line("_%s_", escapeText(short))
		keys := make([]string, 0, len(f.Evidence))
		for k := range f.Evidence {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) > 0 {
			m.line("")
		}
		for j, k := range keys {
			if j == mdEvidenceKeys {
				m.line("- … %s", count(len(keys)-mdEvidenceKeys, "more field", "more fields"))
				break
			}
			m.line("- %s: %s", codeSpan(k, false), codeSpan(evidenceValue(f.Evidence[k]), false))
		}
		m.line("")
	}
	m.endDetails()
}

// changedFiles lists every file of a diff that is not unchanged, with a
// one-line summary of its delta.
func (m *mdWriter) changedFiles(files []*model.DiffFile, newRoot, oldRoot string) {
	var changed []*model.DiffFile
	counts := map[string]int{}
	for _, f := range files {
		if f.Status == model.StatusUnchanged {
			continue
		}
		changed = append(changed, f)
		counts[f.Status]++
	}
	if len(changed) == 0 {
		return
	}
	var what []string
	for _, st := range []string{model.StatusChanged, model.StatusAdded, model.StatusRemoved, model.StatusMoved} {
		if n := counts[st]; n > 0 {
			what = append(what, fmt.Sprintf("%d %s", n, st))
		}
	}
	m.details("Changed files (" + strings.Join(what, ", ") + ")")
	m.line("| Status | File | Delta |")
	m.line("|---|---|---|")
	for i, f := range changed {
		if i == mdFileRows {
			break
		}
		root := newRoot
		if f.Status == model.StatusRemoved {
			root = oldRoot
		}
		file := codeSpan(shortPath(f.Path, root), true)
		if f.Status == model.StatusMoved && f.OldPath != "" && f.OldPath != f.Path {
			file = codeSpan(shortPath(f.OldPath, oldRoot), true) + " → " + file
		}
		m.line("| %s | %s | %s |", f.Status, file, escapeText(deltaSummary(f)))
	}
	if n := len(changed) - mdFileRows; n > 0 {
		m.line("")
		m.line("… and %d more.", n)
	}
	m.line("")
	m.endDetails()
}

func (m *mdWriter) suppressed(ss []model.Suppressed, root string) {
	if len(ss) == 0 {
		return
	}
	fs := make([]model.Finding, len(ss))
	reasons := make([]string, len(ss))
	for i, s := range ss {
		fs[i], reasons[i] = s.Finding, s.Reason
		if s.Expires != "" {
			reasons[i] += " (until " + s.Expires + ")"
		}
	}
	m.details(fmt.Sprintf("Suppressed by the baseline (%d)", len(ss)))
	m.contextTable(fs, reasons, root)
	m.endDetails()
}

// contextTable lists findings that do not drive the verdict, with the
// baseline's reason when there is one.
func (m *mdWriter) contextTable(fs []model.Finding, reasons []string, root string) {
	if reasons != nil {
		m.line("| Severity | File | What | Reason |")
		m.line("|---|---|---|---|")
	} else {
		m.line("| Severity | File | What |")
		m.line("|---|---|---|")
	}
	for i, f := range fs {
		if i == mdContextRows {
			break
		}
		row := fmt.Sprintf("| %s | %s | %s |", strings.ToUpper(f.Severity.String()), codeSpan(shortPath(f.Path, root), true),
			escapeText(truncate(f.Title, mdTitleRunes)))
		if reasons != nil {
			row += " " + escapeText(truncate(reasons[i], mdTitleRunes)) + " |"
		}
		m.line("%s", row)
	}
	if n := len(fs) - mdContextRows; n > 0 {
		m.line("")
		m.line("… and %d more.", n)
	}
	m.line("")
}

func (m *mdWriter) errors(es []model.FileError, root string) {
	if len(es) == 0 {
		return
	}
	m.details(fmt.Sprintf("Files that could not be fully read (%d)", len(es)))
	for i, e := range es {
		if i == mdContextRows {
			m.line("- … and %d more", len(es)-mdContextRows)
			break
		}
		side := ""
		if e.Side != "" {
			side = e.Side + ": "
		}
		m.line("- %s%s: %s", side, codeSpan(shortPath(e.Path, root), false), escapeText(truncate(e.Error, mdTitleRunes)))
	}
	m.line("")
	m.endDetails()
}

// details opens a collapsed section. The blank line after the summary lets
// GitHub render the Markdown inside.
func (m *mdWriter) details(summary string) {
	m.line("")
	m.line("<details><summary>%s</summary>", html.EscapeString(summary))
	m.line("")
}

func (m *mdWriter) endDetails() { m.line("</details>") }

// badge is a severity as bold capitals: no colour or emoji, so it reads
// the same in a mail digest, a terminal and a screen reader.
func badge(s model.Severity) string {
	if s == model.SeverityNone {
		return "**CLEAN**"
	}
	return "**" + strings.ToUpper(s.String()) + "**"
}

func mdVerdict(v, failOn model.Severity, clean string) string {
	switch {
	case v == model.SeverityNone:
		return clean
	case failOn > model.SeverityCritical:
		return "gate off (`--fail-on none`)"
	case v >= failOn:
		return fmt.Sprintf("fails the gate (`--fail-on %s`)", failOn)
	default:
		return fmt.Sprintf("below the gate (`--fail-on %s`)", failOn)
	}
}

// deltaSummary summarises what changed in a file in a few words, for the
// terminal and Markdown reports: "+2 capabilities, +1 endpoint, signer".
func deltaSummary(f *model.DiffFile) string {
	var parts []string
	switch f.Status {
	case model.StatusAdded:
		parts = append(parts, fmt.Sprintf("new %s, %s", f.Kind, humanBytes(f.Size)))
	case model.StatusRemoved:
		parts = append(parts, fmt.Sprintf("%s, %s", f.Kind, humanBytes(f.Size)))
	default:
		if f.OldSHA256 != "" && f.OldSize != f.Size {
			parts = append(parts, fmt.Sprintf("%s → %s", humanBytes(f.OldSize), humanBytes(f.Size)))
		}
		if f.OldKind != "" && f.OldKind != f.Kind {
			parts = append(parts, fmt.Sprintf("was %s", f.OldKind))
		}
	}
	if d := f.Delta; d != nil {
		add := func(sign string, n int, one, many string) {
			if n > 0 {
				parts = append(parts, sign+count(n, one, many))
			}
		}
		add("+", len(d.CapabilitiesAdded), "capability", "capabilities")
		add("−", len(d.CapabilitiesRemoved), "capability", "capabilities")
		add("+", len(d.LibrariesAdded), "library", "libraries")
		add("−", len(d.LibrariesRemoved), "library", "libraries")
		add("+", len(d.ImportsAdded), "import", "imports")
		add("−", len(d.ImportsRemoved), "import", "imports")
		add("+", len(d.ExportsAdded), "export", "exports")
		add("−", len(d.ExportsRemoved), "export", "exports")
		add("+", len(d.EndpointsAdded), "endpoint", "endpoints")
		add("−", len(d.EndpointsRemoved), "endpoint", "endpoints")
		add("+", len(d.DependenciesAdded), "dependency", "dependencies")
		add("−", len(d.DependenciesRemoved), "dependency", "dependencies")
		for _, c := range d.Changes {
			s := c.What
			if len(c.Old)+len(c.New) <= 24 {
				s = fmt.Sprintf("%s %s → %s", c.What, orDash(c.Old), orDash(c.New))
			}
			parts = append(parts, s)
		}
	}
	switch {
	case len(parts) > 0:
	case f.Status == model.StatusChanged:
		parts = append(parts, "content only")
	case f.Status == model.StatusMoved && f.OldSHA256 == "":
		parts = append(parts, "renamed, same content")
	case f.Status == model.StatusMoved:
		parts = append(parts, "renamed, content changed")
	}
	if len(parts) > 6 {
		parts = append(parts[:6], "…")
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// shortPath shows a path for a narrow table: without the release's own
// name, and with only its last segments when it is still long.
func shortPath(p, root string) string {
	if root != "" {
		if p == root {
			return p
		}
		if rest, ok := strings.CutPrefix(p, root+"!/"); ok {
			p = rest
		}
	}
	if utf8.RuneCountInString(p) <= mdPathRunes {
		return p
	}
	segs := strings.Split(p, "/")
	out := segs[len(segs)-1]
	for i := len(segs) - 2; i >= 0; i-- {
		next := segs[i] + "/" + out
		if utf8.RuneCountInString(next) > mdPathRunes-2 {
			break
		}
		out = next
	}
	return truncateLeft("…/"+out, mdPathRunes)
}

// evidenceValue formats one evidence value on one line.
func evidenceValue(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case nil:
		s = "null"
	case fmt.Stringer:
		s = x.String()
	case bool, int, int64, uint64, float64, uint32, int32:
		s = fmt.Sprint(x)
	default:
		var buf strings.Builder
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(x); err != nil {
			s = fmt.Sprint(x)
		} else {
			s = strings.TrimSuffix(buf.String(), "\n")
		}
	}
	return truncate(s, mdValueRunes)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func truncateLeft(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return "…" + string(r[len(r)-n+1:])
}

// oneLine turns control characters (newlines included) into spaces and
// invalid UTF-8 into U+FFFD, so text stays on its line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// escapeText makes untrusted text inert Markdown: punctuation that could
// start emphasis, code, links, images, HTML or strike-through is
// backslash-escaped ('|' too, so it cannot end a table cell), '<' and '&'
// become entities, "://" and "www." are broken up so they do not turn
// into links, and '@' before a name gets a zero-width space so that a
// scoped package name ("@org/pkg") mentions no one. The text never starts a line in this renderer's output, so
// block syntax (#, -, >) needs no care.
func escapeText(s string) string {
	s = oneLine(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '_', '[', ']', '~', '>', '!', '|':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '<':
			b.WriteString("&lt;")
		case '&':
			b.WriteString("&amp;")
		case ':':
			if strings.HasPrefix(s[i:], "://") {
				b.WriteString("\\:")
			} else {
				b.WriteByte(c)
			}
		case '@':
			// A zero-width space keeps "@org/team" from mentioning
			// anyone when the comment is posted.
			b.WriteByte(c)
			if i+1 < len(s) && isWordByte(s[i+1]) {
				b.WriteString("\u200b")
			}
		case '.':
			if i >= 3 && strings.EqualFold(s[i-3:i], "www") {
				b.WriteString("\\.")
			} else {
				b.WriteByte(c)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// codeSpan puts untrusted text in a code span: fenced by one more backtick
// than the longest run inside it (padded when it starts or ends with one),
// on one line, and with '|' escaped in a table cell, where GitHub splits
// cells before it parses code spans.
func codeSpan(s string, inTable bool) string {
	s = oneLine(s)
	if s == "" {
		return "` `"
	}
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	if inTable {
		s = strings.ReplaceAll(s, "|", "\\|")
	}
	fence := strings.Repeat("`", longest+1)
	if s[0] == '`' || s[len(s)-1] == '`' || (s[0] == ' ' && s[len(s)-1] == ' ') {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdName is the display name of a target: its file name when it is a
// file.
func mdName(t model.Target) string {
	if t.Kind == "file" && t.Path != "" {
		return filepath.Base(t.Path)
	}
	return t.Path
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}
