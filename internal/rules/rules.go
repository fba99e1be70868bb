// Package rules runs YARA-syntax rules over file bytes: vouch's embedded
// first-party capability rules and the user's --rules, in one scan per
// file. It also reads --ioc lists and finds their domains, URLs and IPs in
// bytes ([IOCMatcher]).
//
// The engine sits behind the small [Engine] interface so that a pure-Go
// engine can replace libyara later without touching analyzers or
// detectors. [Set] is the engine-independent part: it splits rule sources
// into rules, reads each rule's metadata, and compiles one ruleset per
// group of file kinds, so that rules for PE files are never even evaluated
// on a JavaScript file. README.md documents the conventions for rule
// authors (metadata fields, kinds, external variables).
//
// # Security
//
// Scanned bytes are hostile; rules are trusted (embedded, or given by the
// user). Scans run in libyara (C) on an in-memory copy of the file, bounded
// by [MaxScanBytes] and by a timeout derived from the caller's context.
// Includes are disabled: a rule file cannot make vouch read other host
// files. Match data handed back is truncated ([MaxMatchData]).
package rules

import (
	"context"
	"errors"
	"fmt"
)

// Engine compiles rule sources. Implementations must be safe for
// concurrent use; the Scanners they hand out need not be.
type Engine interface {
	// Name identifies the engine, e.g. "libyara 4.5.4".
	Name() string
	// Compile compiles the sources into one ruleset. Each external
	// variable is declared with its default value (string, bool, int64 or
	// float64); scans may set them. A syntax error is a *CompileError.
	Compile(srcs []Source, externals map[string]any) (Ruleset, error)
}

// Ruleset is a compiled set of rules, safe for concurrent use.
type Ruleset interface {
	// NewScanner returns a scanner for one goroutine at a time.
	NewScanner() (Scanner, error)
}

// Scanner scans byte slices against one Ruleset. It is not safe for
// concurrent use: keep one per worker.
type Scanner interface {
	// Scan reports the rules that match data. vars sets external
	// variables declared at compile time for this scan only (others keep
	// their defaults). The scan stops with an error wrapping
	// ErrTimeout when ctx's deadline passes (at a granularity of one
	// second for libyara) and with ctx.Err() when ctx is cancelled
	// between rule matches.
	Scan(ctx context.Context, data []byte, vars map[string]any) ([]Match, error)
}

// Source is one file of rule text.
type Source struct {
	// Name names the source in errors and in results: a host path for
	// user rules, "rules/<namespace>/<file>" for embedded ones.
	Name string
	// Namespace is the YARA namespace its rules are compiled into.
	Namespace string
	Text      []byte
}

// Match is one rule that matched.
type Match struct {
	Namespace string
	Rule      string
	Meta      map[string]string // meta values as text
	Strings   []MatchString     // the first matches, by string, at most MaxMatchStrings
}

// MatchString is one matched string of a rule.
type MatchString struct {
	ID     string // "$a"
	Offset int64
	Data   []byte // at most MaxMatchData bytes
}

// Bounds on what a scan hands back and on what it scans.
const (
	MaxMatchStrings = 32
	MaxMatchData    = 128
	// MaxScanBytes is the largest prefix of a file scanned; larger files
	// are scanned up to it (the analyzer says so).
	MaxScanBytes = 256 << 20
)

// ErrTimeout is wrapped by scan errors when the time ran out.
var ErrTimeout = errors.New("rule scan timed out")

// ErrNoEngine is returned when vouch was built without a rule engine
// (without cgo).
var ErrNoEngine = errors.New("no rule engine in this build (built without cgo)")

// CompileError is a rule that does not compile.
type CompileError struct {
	Source string // Source.Name
	Line   int    // 1-based; 0 when unknown
	Msg    string
}

func (e *CompileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Source, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Source, e.Msg)
}

// External variables every rule may use. Set declares them with these
// names; README.md documents them for rule authors.
const (
	VarKind     = "vouch_kind"      // file kind: "pe", "script/js", …
	VarPath     = "vouch_path"      // virtual path, "release.tgz!/package/x.js"
	VarName     = "vouch_name"      // base name of the innermost member, "x.js"
	VarIsScript = "vouch_is_script" // kind is script/*
)

// externals are the declared external variables with their defaults.
func externals() map[string]any {
	return map[string]any{VarKind: "", VarPath: "", VarName: "", VarIsScript: false}
}
