// Package vouch inspects software releases for signs of tampering: it
// unpacks any release (installers, packages, archives, directories), judges
// every file inside and reports findings with evidence.
//
// The command-line tool in cmd/vouch is a thin layer over this package.
//
// # Security
//
// Inputs are treated as hostile. Nothing from an artifact is executed or
// written to the host under a name it chose; limits (see [DefaultLimits])
// bound depth, bytes, expansion ratio, member counts and per-file time, and
// a limit that is hit becomes a finding rather than a failure.
package vouch

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/list"
	detectlist "github.com/vouch-sec/vouch/internal/detect/list"
	"github.com/vouch-sec/vouch/internal/diff"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/policy"
	"github.com/vouch-sec/vouch/internal/reference"
	"github.com/vouch-sec/vouch/internal/rules"
	unpacklist "github.com/vouch-sec/vouch/internal/unpack/list"
)

// Version is the tool version, set at build time with
// -ldflags "-X github.com/vouch-sec/vouch.Version=…".
var Version = "0.1.0-dev"

// Shared types, re-exported for callers of this package.
type (
	Report   = model.Report
	File     = model.File
	Finding  = model.Finding
	Severity = model.Severity
	Limits   = limits.Limits
	Progress = engine.Progress
	// TargetError means the target itself could not be read.
	TargetError = engine.TargetError
)

// Severities, lowest first.
const (
	SeverityNone     = model.SeverityNone
	SeverityLow      = model.SeverityLow
	SeverityMedium   = model.SeverityMedium
	SeverityHigh     = model.SeverityHigh
	SeverityCritical = model.SeverityCritical
)

// DefaultLimits returns the limits used when none are given.
func DefaultLimits() Limits { return limits.Default() }

// Options configure an inspection.
type Options struct {
	Limits   Limits
	Workers  int       // 0: one per CPU
	Progress *Progress // optional, updated while running
	// TrustRoots are PEM files of extra roots for signature chains, on top
	// of the system's (or instead of them, with NoSystemRoots).
	TrustRoots    []string
	NoSystemRoots bool
	// Rules are YARA rule files or directories of them (*.yar, *.yara)
	// scanned on top of vouch's own; matches become "rule.match" findings.
	Rules []string
	// IOCs are plain lists of hashes, domains, URLs and IPs; hits become
	// "ioc.match" findings.
	IOCs []string
	// Baseline is a YAML file of accepted findings (see internal/policy):
	// they are suppressed, counted, and do not fail the gate.
	Baseline string
	// References are YAML tables of known-good builds of redistributable
	// components (see internal/reference); a file claiming to be one but
	// matching none is a finding.
	References []string
	// now is the clock for baseline expiry (tests set it).
	now func() time.Time
}

// DiffReport is the result of a diff.
type DiffReport = model.DiffReport

// setup is what Inspect and Diff both need before running.
type setup struct {
	engine   engine.Config
	baseline *policy.Baseline
}

func prepare(o *Options) (*setup, error) {
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits()
	}
	acfg := analyze.Config{NoSystemRoots: o.NoSystemRoots}
	for _, p := range o.TrustRoots {
		certs, err := readPEMCerts(p)
		if err != nil {
			return nil, &UsageError{Err: fmt.Errorf("--trust-root %q: %w", p, err)}
		}
		acfg.TrustRoots = append(acfg.TrustRoots, certs...)
	}
	if err := loadRules(&acfg, o.Rules, o.IOCs); err != nil {
		return nil, err
	}
	var dopts detectlist.Options
	if len(o.References) > 0 {
		t, err := reference.Load(o.References...)
		if err != nil {
			return nil, &UsageError{Err: fmt.Errorf("--reference: %w", err)}
		}
		dopts.Reference = t
	}
	s := &setup{engine: engine.Config{
		Limits:    o.Limits,
		Workers:   o.Workers,
		Unpackers: unpacklist.All(),
		Analyzers: list.All(acfg),
		Detectors: detectlist.All(dopts),
		Tool:      model.Tool{Name: "vouch", Version: Version},
		Progress:  o.Progress,
	}}
	if o.Baseline != "" {
		bl, err := policy.Load(o.Baseline)
		if err != nil {
			return nil, &UsageError{Err: fmt.Errorf("--baseline: %w", err)}
		}
		s.baseline = bl
	}
	if o.now == nil {
		o.now = time.Now
	}
	return s, nil
}

// shaOf maps a report's paths to their content hashes.
func shaOf(files ...[]*model.File) func(string) string {
	m := map[string]string{}
	for _, fs := range files {
		for _, f := range fs {
			m[f.Path] = f.SHA256
		}
	}
	return func(p string) string { return m[p] }
}

// Inspect analyses target, a file or directory on the host, and returns the
// report. It returns a *TargetError when the target cannot be read at all;
// damage inside the target is reported in Report.Errors and findings.
func Inspect(ctx context.Context, target string, o Options) (*Report, error) {
	s, err := prepare(&o)
	if err != nil {
		return nil, err
	}
	r, err := engine.Inspect(ctx, target, s.engine)
	if err != nil {
		return nil, err
	}
	if s.baseline != nil {
		r.Findings, r.Suppressed = s.baseline.Apply(r.Findings, shaOf(r.Files), o.now())
		r.Sort()
	}
	return r, nil
}

// Diff inspects the releases old and new at the same time (identical files
// are analysed once) and compares them: what changed, and which of the
// changes matter. Either may be any target Inspect accepts, and they need
// not be the same format (an MSI against the directory of its previous
// version). A *TargetError names the side that could not be read.
func Diff(ctx context.Context, old, new string, o Options) (*DiffReport, error) {
	s, err := prepare(&o)
	if err != nil {
		return nil, err
	}
	cfg := s.engine
	cfg.Shared = engine.NewShared()
	cfg.FuzzyHash = true
	// Both sides add their work to the one Progress.
	var reps [2]*model.Report
	var errs [2]error
	var wg sync.WaitGroup
	for i, target := range []string{old, new} {
		wg.Go(func() { reps[i], errs[i] = engine.Inspect(ctx, target, cfg) })
	}
	wg.Wait()
	if err := errors.Join(errs[0], errs[1]); err != nil {
		return nil, err
	}
	d := diff.Compare(reps[0], reps[1], diff.Config{Detectors: detectlist.Diff(), Tool: cfg.Tool})
	if s.baseline != nil {
		d.Findings, d.Suppressed = s.baseline.Apply(d.Findings, shaOf(reps[1].Files), o.now())
		d.Sort()
	}
	return d, nil
}

// loadRules reads --rules and --ioc and compiles them with the
// first-party rules; any error is the user's (a usage error).
func loadRules(acfg *analyze.Config, rulePaths, iocPaths []string) error {
	var srcs []rules.Source
	if len(rulePaths) > 0 {
		var err error
		if srcs, err = rules.ReadUserRules(rulePaths); err != nil {
			return &UsageError{Err: fmt.Errorf("--rules: %w", err)}
		}
	}
	for _, p := range iocPaths {
		l, err := rules.LoadIOC(p)
		if err != nil {
			return &UsageError{Err: fmt.Errorf("--ioc: %w", err)}
		}
		acfg.IOC = append(acfg.IOC, l)
	}
	if len(srcs) == 0 {
		return nil
	}
	set, err := rules.Load(srcs)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("--rules: %w", err)}
	}
	acfg.Rules = set
	return nil
}

// UsageError is a bad option (exit code 2), as opposed to a bad target.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// readPEMCerts reads every certificate of a PEM file.
func readPEMCerts(path string) ([]*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no PEM certificates in file")
	}
	return out, nil
}
