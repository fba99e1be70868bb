// Package attest turns a vouch verdict into a signed statement that a
// release intake gate can check without running vouch again: an in-toto
// Statement v1 in a DSSE envelope, signed with an ed25519 key.
//
// The statement's subjects are the release vouch judged: the target file's
// sha256, or every file of a target directory (files inside containers are
// not subjects; their container is). Its predicate, of type
// [PredicateType], is the verdict and what it rests on: the --fail-on gate
// and whether the release passed it, counts of findings by severity, the
// most severe findings, the tool and rule-set versions, the schema of the
// report it summarises and, for a diff, the previous release.
//
// Payloads are canonical enough to be reproducible: the same report, gate
// and key give the same envelope byte for byte (ed25519 signatures are
// deterministic and the JSON has a fixed field order).
//
// # Security
//
// An envelope handed to [Verify] is untrusted until its signature checks
// out; only then is the statement decoded. The key id in a signature is a
// hint, never trusted on its own: a signature verifies or it does not.
package attest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/rules"
)

// Identifiers of the layers of an attestation.
const (
	// PayloadType is the DSSE payload type of an in-toto statement.
	PayloadType = "application/vnd.in-toto+json"
	// StatementType is the in-toto Statement v1 type.
	StatementType = "https://in-toto.io/Statement/v1"
	// PredicateType names vouch's verdict predicate, version 1: fields may
	// be added, none renamed or removed.
	PredicateType = "https://vouch.dev/attestation/verdict/v1"
)

// DefaultMaxFindings is how many findings a predicate lists when
// [Options.MaxFindings] is zero. The counts cover all of them.
const DefaultMaxFindings = 20

// Statement is an in-toto Statement v1 with vouch's verdict predicate.
type Statement struct {
	Type          string    `json:"_type"`
	Subject       []Subject `json:"subject"`
	PredicateType string    `json:"predicateType"`
	Predicate     Predicate `json:"predicate"`
}

// Subject is an in-toto resource descriptor reduced to what vouch sets: a
// name and a sha256 digest (lowercase hex).
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// SHA256 returns the subject's sha256 digest, lowercased.
func (s Subject) SHA256() string { return strings.ToLower(s.Digest["sha256"]) }

// Predicate is vouch's verdict on a release (PredicateType v1).
type Predicate struct {
	// Schema is the schema of the report summarised: "vouch/inspect/v1"
	// or "vouch/diff/v1".
	Schema string `json:"schema"`
	// Verdict is the highest severity among the findings that count (for
	// a diff: the new ones): none, low, medium, high or critical.
	Verdict string `json:"verdict"`
	// FailOn is the gate the verdict was judged against ("none" when
	// nothing fails), and Passed says whether the release passed it: the
	// exit code vouch returned, as a fact.
	FailOn string `json:"fail_on"`
	Passed bool   `json:"passed"`
	// Target is the release judged; Previous, for a diff, the release it
	// was compared with.
	Target   Artifact  `json:"target"`
	Previous *Artifact `json:"previous,omitempty"`
	// Counts has the findings that count by severity, every severity
	// present. FindingsTotal is their number and Findings the first of
	// them, most severe first.
	Counts        map[string]int `json:"counts"`
	FindingsTotal int            `json:"findings_total"`
	Findings      []FindingRef   `json:"findings"`
	// Existing counts, for a diff, findings the previous release already
	// had; Suppressed the findings a baseline matched; Errors the files
	// that could not be fully read.
	Existing   int `json:"existing"`
	Suppressed int `json:"suppressed"`
	Errors     int `json:"errors"`

	Tool  model.Tool `json:"tool"`
	Rules RuleSet    `json:"rules"`
}

// Artifact describes a release. For a directory, SHA256 is the digest of
// its manifest (see [ManifestDigest]) and Files the number of its files.
type Artifact struct {
	Path   string `json:"path"` // as given on the command line
	Kind   string `json:"kind"` // "file" or "directory"
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Files  int    `json:"files,omitempty"`
}

// FindingRef is a finding without its evidence.
type FindingRef struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Path     string `json:"path"`
	Title    string `json:"title"`
}

// RuleSet names the rules a verdict was reached with.
type RuleSet struct {
	// Digest and Files identify the embedded first-party rules
	// (rules.Version); Engine is the rule engine.
	Digest string `json:"digest"`
	Files  int    `json:"files"`
	Engine string `json:"engine,omitempty"`
	// Extra lists the user's inputs that shape a verdict: --rules, --ioc,
	// --baseline and --reference files.
	Extra []ExtraRules `json:"extra,omitempty"`
}

// ExtraRules is one user-supplied file that shapes a verdict.
type ExtraRules struct {
	Kind   string `json:"kind"` // "rules", "ioc", "baseline" or "reference"
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Options shape a statement.
type Options struct {
	// FailOn is the gate as --fail-on has it: a severity, where
	// SeverityNone or anything above SeverityCritical means "never fail".
	FailOn model.Severity
	// Rules describes the rule set; when its Digest is empty the embedded
	// first-party rules and the default engine are filled in.
	Rules RuleSet
	// MaxFindings bounds the findings listed; 0 means DefaultMaxFindings.
	MaxFindings int
}

// Limits on text copied from a report into a predicate: titles and paths
// come from artifacts and must not bloat a statement.
const (
	maxTitle = 300
	maxPath  = 1024
)

// ForReport builds the statement for an inspection.
func ForReport(rep *model.Report, o Options) (*Statement, error) {
	if rep == nil {
		return nil, errors.New("attest: no report")
	}
	subjects, target, err := releaseSubjects(rep)
	if err != nil {
		return nil, err
	}
	p := Predicate{
		Schema:     rep.Schema,
		Target:     target,
		Suppressed: len(rep.Suppressed),
		Errors:     len(rep.Errors),
		Tool:       rep.Tool,
	}
	if err := fill(&p, rep.Verdict, rep.Findings, o); err != nil {
		return nil, err
	}
	return newStatement(subjects, p), nil
}

// ForDiff builds the statement for a diff: the subjects are the new
// release, and the predicate names the previous one.
func ForDiff(d *model.DiffReport, o Options) (*Statement, error) {
	if d == nil {
		return nil, errors.New("attest: no diff report")
	}
	var subjects []Subject
	var target Artifact
	var err error
	if d.NewReport != nil {
		subjects, target, err = releaseSubjects(d.NewReport)
	} else {
		subjects, target, err = targetSubjects(d.New)
	}
	if err != nil {
		return nil, fmt.Errorf("new release: %w", err)
	}
	var prev Artifact
	if d.OldReport != nil {
		_, prev, err = releaseSubjects(d.OldReport)
	} else {
		_, prev, err = targetSubjects(d.Old)
	}
	if err != nil {
		return nil, fmt.Errorf("previous release: %w", err)
	}
	p := Predicate{
		Schema:     d.Schema,
		Target:     target,
		Previous:   &prev,
		Existing:   len(d.Existing),
		Suppressed: len(d.Suppressed),
		Errors:     len(d.Errors),
		Tool:       d.Tool,
	}
	if err := fill(&p, d.Verdict, d.Findings, o); err != nil {
		return nil, err
	}
	return newStatement(subjects, p), nil
}

func newStatement(subjects []Subject, p Predicate) *Statement {
	return &Statement{Type: StatementType, Subject: subjects, PredicateType: PredicateType, Predicate: p}
}

// fill sets the verdict, gate, findings and rule set of p.
func fill(p *Predicate, verdict model.Severity, findings []model.Finding, o Options) error {
	p.Verdict = verdict.String()
	gateOff := o.FailOn <= model.SeverityNone || o.FailOn > model.SeverityCritical
	if gateOff {
		p.FailOn, p.Passed = "none", true
	} else {
		p.FailOn, p.Passed = o.FailOn.String(), verdict < o.FailOn
	}
	p.Counts = map[string]int{}
	for s := model.SeverityNone; s <= model.SeverityCritical; s++ {
		p.Counts[s.String()] = 0
	}
	for _, f := range findings {
		p.Counts[f.Severity.String()]++
	}
	sorted := slices.Clone(findings)
	model.SortFindings(sorted)
	limit := o.MaxFindings
	if limit <= 0 {
		limit = DefaultMaxFindings
	}
	p.FindingsTotal = len(sorted)
	p.Findings = make([]FindingRef, 0, min(limit, len(sorted)))
	for _, f := range sorted[:min(limit, len(sorted))] {
		p.Findings = append(p.Findings, FindingRef{
			ID: f.ID, Severity: f.Severity.String(), Path: clip(f.Path, maxPath), Title: clip(f.Title, maxTitle),
		})
	}
	p.Rules = o.Rules
	if p.Rules.Digest == "" {
		v, err := rules.Version()
		if err != nil {
			return fmt.Errorf("attest: rule set version: %w", err)
		}
		p.Rules.Digest, p.Rules.Files, p.Rules.Engine = v.Digest, v.Files, rules.DefaultEngine().Name()
	}
	return nil
}

// releaseSubjects returns the subjects of an inspected release and its
// description: the target file, or each file of a target directory.
func releaseSubjects(rep *model.Report) ([]Subject, Artifact, error) {
	if rep.Target.Kind != "directory" {
		return targetSubjects(rep.Target)
	}
	var subjects []Subject
	for _, f := range rep.Files {
		if len(f.Chain) > 0 || f.Type != "file" {
			continue
		}
		if !isSHA256(f.SHA256) {
			return nil, Artifact{}, fmt.Errorf("attest: %s has no sha256 (it could not be read), so it cannot be a subject", f.Path)
		}
		subjects = append(subjects, Subject{Name: f.Path, Digest: map[string]string{"sha256": f.SHA256}})
	}
	if len(subjects) == 0 {
		return nil, Artifact{}, fmt.Errorf("attest: directory %s holds no files to attest", rep.Target.Path)
	}
	sortSubjects(subjects)
	a := Artifact{
		Path: rep.Target.Path, Kind: "directory", SHA256: ManifestDigest(subjects),
		Size: rep.Target.Size, Files: len(subjects),
	}
	return subjects, a, nil
}

// targetSubjects makes the one subject of a file target.
func targetSubjects(t model.Target) ([]Subject, Artifact, error) {
	if t.Kind == "directory" {
		return nil, Artifact{}, fmt.Errorf("attest: directory %s: its files are needed for subjects", t.Path)
	}
	if !isSHA256(t.SHA256) {
		return nil, Artifact{}, fmt.Errorf("attest: %s has no sha256 (it could not be read)", t.Path)
	}
	name := path.Base(filepath.ToSlash(t.Path))
	a := Artifact{Path: t.Path, Kind: "file", SHA256: t.SHA256, Size: t.Size}
	return []Subject{{Name: name, Digest: map[string]string{"sha256": t.SHA256}}}, a, nil
}

// ManifestDigest is the digest vouch gives a directory: sha256 of one line
// "<sha256>  <path>\n" per file, sorted by path (byte order), which is
// what `sha256sum` prints for the files listed in that order.
func ManifestDigest(files []Subject) string {
	s := slices.Clone(files)
	sortSubjects(s)
	h := sha256.New()
	for _, f := range s {
		fmt.Fprintf(h, "%s  %s\n", f.SHA256(), f.Name)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func sortSubjects(s []Subject) {
	slices.SortFunc(s, func(a, b Subject) int { return strings.Compare(a.Name, b.Name) })
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// clip shortens s to at most n bytes on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - len("…")
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
