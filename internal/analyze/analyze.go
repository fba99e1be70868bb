// Package analyze defines per-kind analyzers: plugins that read one file's
// bytes and record facts about it. Each lives in its own sub-package and is
// registered in analyze/list.
//
// # Security
//
// Analyzers read hostile bytes. They must bound every read and allocation
// by the file size, return errors rather than panic, and honour ctx. The
// engine still recovers panics and enforces a per-file time limit.
package analyze

import (
	"context"
	"crypto/x509"
	"io"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/rules"
)

// Input is one file to analyse. Plugins never see a host path.
type Input struct {
	Path string // virtual path
	Kind string
	R    io.ReaderAt
	Size int64
	Head []byte // leading bytes, up to identify.HeadSize
	// Meta is what the unpacker knew about the file (read only).
	Meta model.Meta
}

// Analyzer records facts about files of the kinds it matches.
type Analyzer interface {
	// Name is path-style and unique: "script", "pe", "pe/authenticode".
	Name() string
	// Match reports whether the analyzer wants files of this kind.
	Match(kind string) bool
	// Analyze sets the analyzer's own field of f.Facts (f.Facts is never
	// nil). An error is recorded for the file; facts set before it stay.
	Analyze(ctx context.Context, in *Input, f *model.File) error
}

// Config is what analyzers may be configured with.
type Config struct {
	// TrustRoots are extra roots for signature chains (--trust-root), on
	// top of the system's unless NoSystemRoots is set.
	TrustRoots    []*x509.Certificate
	NoSystemRoots bool
	// Rules are the rules the capability analyzer scans with: first-party
	// plus --rules and the strings of --ioc lists. Nil: first-party only.
	Rules *rules.Set
	// IOC are the --ioc lists.
	IOC []*rules.IOCList
}

// OneLine is err's message with errors.Join's newlines turned into "; ",
// for reports and fact strings that are read one line per entry.
func OneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}
