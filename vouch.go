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

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/list"
	detectlist "github.com/vouch-sec/vouch/internal/detect/list"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
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
}

// Inspect analyses target, a file or directory on the host, and returns the
// report. It returns a *TargetError when the target cannot be read at all;
// damage inside the target is reported in Report.Errors and findings.
func Inspect(ctx context.Context, target string, o Options) (*Report, error) {
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
	return engine.Inspect(ctx, target, engine.Config{
		Limits:    o.Limits,
		Workers:   o.Workers,
		Unpackers: unpacklist.All(),
		Analyzers: list.All(acfg),
		Detectors: detectlist.All(),
		Tool:      model.Tool{Name: "vouch", Version: Version},
		Progress:  o.Progress,
	})
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
