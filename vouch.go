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

	"github.com/vouch-sec/vouch/internal/analyze/list"
	detectlist "github.com/vouch-sec/vouch/internal/detect/list"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
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
}

// Inspect analyses target, a file or directory on the host, and returns the
// report. It returns a *TargetError when the target cannot be read at all;
// damage inside the target is reported in Report.Errors and findings.
func Inspect(ctx context.Context, target string, o Options) (*Report, error) {
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits()
	}
	return engine.Inspect(ctx, target, engine.Config{
		Limits:    o.Limits,
		Workers:   o.Workers,
		Unpackers: unpacklist.All(),
		Analyzers: list.All(),
		Detectors: detectlist.All(),
		Tool:      model.Tool{Name: "vouch", Version: Version},
		Progress:  o.Progress,
	})
}
