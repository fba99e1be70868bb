package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/vouch-sec/vouch/internal/diff/pair"
	"github.com/vouch-sec/vouch/internal/model"
)

// SARIF renders SARIF 2.1.0 as GitHub code scanning and other SARIF
// consumers read it: one run whose driver is vouch, one rule per finding id
// with the help text of [Help], one result per finding located at its
// virtual path, and partial fingerprints that stay the same across runs
// and releases so an alert is not closed and reopened on every version.
//
// For a diff the results are the new findings (baselineState "new"), the
// findings the old release already had ("unchanged") and the findings a
// baseline suppressed (with an external suppression carrying the reason).
type SARIF struct{}

// ID is the --format name.
func (SARIF) ID() string { return "sarif" }

// Render writes one indented SARIF log.
func (SARIF) Render(w io.Writer, d Document, _ Options) error {
	log, err := SARIFLog(d)
	if err != nil {
		return err
	}
	if err := log.PrettyWrite(w); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// InformationURI is where the SARIF driver says vouch is documented.
const InformationURI = "https://github.com/vouch-sec/vouch"

// FingerprintKey names vouch's entry in a result's partialFingerprints. The
// version suffix changes only if the fingerprint's inputs change.
const FingerprintKey = "vouchFinding/v1"

// securitySeverity is the score GitHub code scanning reads from a rule's
// "security-severity" property to class an alert (≥9 critical, ≥7 high,
// ≥4 medium, otherwise low).
var securitySeverity = map[model.Severity]string{
	model.SeverityCritical: "9.5",
	model.SeverityHigh:     "8.0",
	model.SeverityMedium:   "5.5",
	model.SeverityLow:      "3.0",
}

// sarifLevel maps a severity to a SARIF result level.
func sarifLevel(s model.Severity) string {
	switch {
	case s >= model.SeverityHigh:
		return sarif.LevelError
	case s == model.SeverityMedium:
		return sarif.LevelWarning
	case s == model.SeverityLow:
		return sarif.LevelNote
	}
	return sarif.LevelNone
}

// sarifItem is one finding to report with its place in a diff.
type sarifItem struct {
	f          model.Finding
	baseline   string // "new", "unchanged" or "" (inspect, suppressed)
	suppressed bool
	reason     string
}

// sarifArtifact is what the document knows about a file a result names.
type sarifArtifact struct {
	size   int64
	sha256 string
}

// SARIFLog builds the SARIF log of a document. It is exported so tests and
// integrations can validate or post-process the log before writing it.
func SARIFLog(d Document) (*sarif.Report, error) {
	var (
		items   []sarifItem
		files   = map[string]sarifArtifact{}
		errs    []model.FileError
		tool    model.Tool
		roots   []string
		props   = sarif.NewPropertyBag()
		addFile = func(p, sum string, size int64) {
			if _, ok := files[p]; !ok && p != "" {
				files[p] = sarifArtifact{size: size, sha256: sum}
			}
		}
	)
	switch {
	case d.Diff != nil:
		r := d.Diff
		tool, errs = r.Tool, r.Errors
		for _, f := range r.Findings {
			items = append(items, sarifItem{f: f, baseline: "new"})
		}
		for _, f := range r.Existing {
			items = append(items, sarifItem{f: f, baseline: "unchanged"})
		}
		for _, s := range r.Suppressed {
			items = append(items, sarifItem{f: s.Finding, suppressed: true, reason: s.Reason})
		}
		for _, f := range r.Files {
			if f.Status != model.StatusRemoved {
				addFile(f.Path, f.SHA256, f.Size)
			}
		}
		for _, f := range r.Files {
			if f.Status == model.StatusRemoved {
				addFile(f.Path, f.SHA256, f.Size)
			} else if f.OldPath != "" && f.OldSHA256 != "" {
				addFile(f.OldPath, f.OldSHA256, f.OldSize)
			}
		}
		roots = append(roots, topName(r.New), topName(r.Old))
		props.Add("vouch.schema", r.Schema).Add("vouch.verdict", r.Verdict.String()).
			Add("vouch.old", r.Old).Add("vouch.new", r.New)
	case d.Inspect != nil:
		r := d.Inspect
		tool, errs = r.Tool, r.Errors
		for _, f := range r.Findings {
			items = append(items, sarifItem{f: f})
		}
		for _, s := range r.Suppressed {
			items = append(items, sarifItem{f: s.Finding, suppressed: true, reason: s.Reason})
		}
		for _, f := range r.Files {
			addFile(f.Path, f.SHA256, f.Size)
		}
		roots = append(roots, topName(r.Target))
		props.Add("vouch.schema", r.Schema).Add("vouch.verdict", r.Verdict.String()).
			Add("vouch.target", r.Target)
	default:
		return nil, fmt.Errorf("sarif: empty document")
	}

	name := tool.Name
	if name == "" {
		name = "vouch"
	}
	run := sarif.NewRunWithInformationURI(name, InformationURI)
	if tool.Version != "" {
		run.Tool.Driver.Version = ptr(tool.Version)
	}
	run.Properties = props

	// Rules: one per id, sorted, at the highest severity reported for it
	// in this document.
	worst := map[string]model.Severity{}
	for _, it := range items {
		if s, ok := worst[it.f.ID]; !ok || it.f.Severity > s {
			worst[it.f.ID] = it.f.Severity
		}
	}
	ids := make([]string, 0, len(worst))
	for id := range worst {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	ruleIndex := map[string]int{}
	for i, id := range ids {
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule(id, worst[id]))
		ruleIndex[id] = i
	}

	// Artifacts: the files results and notifications name, sorted, with
	// their size and sha256.
	named := map[string]bool{}
	for _, it := range items {
		named[it.f.Path] = true
	}
	for _, e := range errs {
		named[e.Path] = true
	}
	var artPaths []string
	for p := range named {
		if _, ok := files[p]; ok {
			artPaths = append(artPaths, p)
		}
	}
	sort.Strings(artPaths)
	artIndex := map[string]int{}
	for i, p := range artPaths {
		a := sarif.NewArtifact()
		a.Location = artifactLocation(p, i)
		fa := files[p]
		a.Length = int(fa.size)
		if fa.sha256 != "" {
			a.Hashes = map[string]string{"sha-256": fa.sha256}
		}
		run.AddArtifact(a)
		artIndex[p] = i
	}
	index := func(p string) int {
		if i, ok := artIndex[p]; ok {
			return i
		}
		return -1
	}

	seen := map[string]int{}
	for _, it := range items {
		f := it.f
		res := sarif.NewRuleResult(f.ID)
		res.RuleIndex = ruleIndex[f.ID]
		res.Level = sarifLevel(f.Severity)
		if f.Severity == model.SeverityNone {
			res.Kind = "informational"
		}
		res.Message = sarif.NewTextMessage(f.Title)
		res.Locations = []*sarif.Location{sarifLocation(f.Path, index(f.Path))}
		fp := Fingerprint(f, roots...)
		seen[fp]++
		if n := seen[fp]; n > 1 {
			// Two findings that agree on every stable input (two
			// versions of one library in a release): keep them apart.
			fp = fmt.Sprintf("%s:%d", fp, n)
		}
		res.PartialFingerprints = map[string]string{FingerprintKey: fp}
		if it.baseline != "" {
			res.BaselineState = ptr(it.baseline)
		}
		if it.suppressed {
			s := sarif.NewSuppression()
			s.Kind = ptr("external")
			s.Status = ptr("accepted")
			s.Justification = ptr(it.reason)
			res.Suppressions = []*sarif.Suppression{s}
		}
		rp := sarif.NewPropertyBag().Add("severity", f.Severity.String())
		if len(f.Evidence) > 0 {
			rp.Add("evidence", f.Evidence)
		}
		res.Properties = rp
		run.AddResult(res)
	}

	inv := sarif.NewInvocation()
	inv.ExecutionSuccessful = ptr(true)
	for _, e := range errs {
		text := e.Path + ": " + e.Error
		if e.Side != "" {
			text = e.Side + " release: " + text
		}
		n := sarif.NewNotification()
		n.Level = sarif.LevelWarning
		n.Message = sarif.NewTextMessage(text)
		if e.Path != "" {
			n.Locations = []*sarif.Location{sarifLocation(e.Path, index(e.Path))}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, n)
	}
	run.Invocations = []*sarif.Invocation{inv}

	log := sarif.NewReport()
	log.AddRun(run)
	return log, nil
}

// sarifRule describes one finding id.
func sarifRule(id string, worst model.Severity) *sarif.ReportingDescriptor {
	short, long := Help(id)
	r := sarif.NewRule(id)
	r.Name = ptr(ruleName(id))
	r.ShortDescription = sarif.NewMultiformatMessageString().WithText(short)
	plain := plainText(long)
	// The full description is what the finding means (the first
	// paragraph); the help carries why it matters and what to do.
	full, _, _ := strings.Cut(plain, "\n\n")
	r.FullDescription = sarif.NewMultiformatMessageString().WithText(strings.TrimPrefix(full, "What it means. "))
	r.Help = &sarif.MultiformatMessageString{Text: ptr(plain), Markdown: ptr(long)}
	cfg := sarif.NewReportingConfiguration()
	cfg.Level = sarifLevel(worst)
	r.DefaultConfiguration = cfg
	p := sarif.NewPropertyBag()
	p.AddTag("security")
	if i := strings.IndexByte(id, '.'); i > 0 {
		p.AddTag(id[:i])
	}
	if s, ok := securitySeverity[worst]; ok {
		p.Add("security-severity", s)
	}
	r.Properties = p
	return r
}

// ruleName turns "pe.cert-table-payload" into "PeCertTablePayload", the
// identifier-like form SARIF suggests for reportingDescriptor.name.
func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			if up && c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			b.WriteRune(c)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

// plainText drops the Markdown emphasis of a help text for the text-only
// SARIF fields; code spans keep their backticks, which read fine as text.
func plainText(md string) string { return strings.ReplaceAll(md, "**", "") }

// sarifLocation places a result at a virtual path: as a relative URI for
// viewers that show files, and as a logical location carrying the path
// verbatim. The region is line 1: GitHub places an alert on a line, and a
// binary file has no better one.
func sarifLocation(p string, index int) *sarif.Location {
	loc := sarif.NewLocation()
	region := sarif.NewRegion()
	region.StartLine = ptr(1)
	loc.PhysicalLocation = &sarif.PhysicalLocation{ArtifactLocation: artifactLocation(p, index), Region: region}
	ll := sarif.NewLogicalLocation().WithFullyQualifiedName(p)
	name := p
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	ll.Name = ptr(name)
	loc.LogicalLocations = []*sarif.LogicalLocation{ll}
	return loc
}

func artifactLocation(p string, index int) *sarif.ArtifactLocation {
	al := sarif.NewSimpleArtifactLocation(ArtifactURI(p))
	al.Index = index
	return al
}

// ArtifactURI turns a virtual path into a relative URI reference. Bytes a
// URI path may carry as they are (unreserved characters, sub-delimiters,
// '@' and '/') stay readable, so "a.msi!/dir/x.dll" is unchanged; every
// other byte, ':' included so the first segment never reads as a scheme,
// is percent-encoded. A leading "//" would start an authority and is
// encoded too.
func ArtifactURI(p string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if uriPathByte(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	s := b.String()
	if strings.HasPrefix(s, "//") {
		s = "/%2F" + s[2:]
	}
	return s
}

func uriPathByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=@/", c) >= 0
}

// stableEvidenceKeys are the evidence fields that tell two findings of one
// id in one file apart and do not change from release to release: the rule
// or indicator that matched, the capability, endpoint, library, dependency
// or hook that is new, the fact or section that changed, the limit hit, the
// member name, where in the file, the architecture. Counts, offsets, sizes and entropies are left out: they
// move with every build.
var stableEvidenceKeys = []string{
	"rule", "indicator", "list", "capability", "endpoint", "library", "dependency",
	"hook", "what", "section", "limit", "name", "where", "cpu",
}

// Fingerprint is a stable identity of a finding across runs and releases:
// a hash of its id, its virtual path with the release's top-level file name
// (roots, e.g. "TinyApp-1.0.1.msi") removed and version numbers in the path
// replaced as the diff's pairing does ("libfoo.so.1.2" → "libfoo.so.#"),
// and the finding's stable evidence fields. Titles, severities and
// measured values are not part of it.
func Fingerprint(f model.Finding, roots ...string) string {
	key := f.Path
	for _, r := range roots {
		if r == "" {
			continue
		}
		if key == r {
			key = ""
			break
		}
		if rest, ok := strings.CutPrefix(key, r+"!/"); ok {
			key = "!/" + rest
			break
		}
	}
	h := sha256.New()
	io.WriteString(h, f.ID)
	h.Write([]byte{0})
	io.WriteString(h, pair.Normalize(key))
	for _, k := range stableEvidenceKeys {
		v, ok := f.Evidence[k]
		if !ok {
			continue
		}
		switch v.(type) {
		case string, bool, int, int64, uint64, float64:
			fmt.Fprintf(h, "\x00%s=%v", k, v)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// topName is the name a target's virtual paths start with when it is a
// single file, or "" for a directory.
func topName(t model.Target) string {
	if t.Kind != "file" || t.Path == "" {
		return ""
	}
	return filepath.Base(t.Path)
}

func ptr[T any](v T) *T { return &v }
