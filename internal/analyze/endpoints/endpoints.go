// Package endpoints records the network endpoints a file names: URLs
// (http, https, ftp, ws, wss), host names and IPv4 addresses, found in
// ASCII and UTF-16LE strings, and also after undoing the two cheap
// encodings malware uses to hide them: a single-byte XOR key (found by the
// shape of an encoded "http") and base64. Each endpoint carries classes a
// reader or the diff can weigh: raw-ip, raw-content-host, paste-host,
// webhook-host, cheap-tld, lookalike:<vendor>, schema (XML namespaces:
// real but never fetched), and a few more (see the Class constants).
//
// A name counts as a host only under a known top-level domain from the
// embedded lists, so file names ("index.js") and versions ("1.2.3") are
// not hosts; names under TLDs that double as file extensions or property
// names (.sh, .py, .zip, .top, .name) are believed only inside a URL. In
// program source a bare host name must also sit inside a string literal.
// Dotted quads that look like versions ("v1.2.3.4", "Version=4.0.0.0",
// network addresses ending in .0) or object identifiers are not reported
// unless they are a URL's host.
//
// # Security
//
// The file is read in 4 MiB chunks (64 KiB overlap), at most MaxScanBytes
// of it; every decode has a budget per file (base64 bytes, XOR
// candidates), URLs are cut at 2048 bytes, at most 20000 distinct
// endpoints are held while scanning and MaxEndpoints are reported.
//
// # Limits
//
// Endpoints longer than the chunk overlap that straddle a chunk border, XOR
// with multi-byte keys, nested encodings, IPv6 outside URLs, and names
// outside the embedded TLD lists are not found.
package endpoints

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the analyzer.
const Name = "endpoints"

// Scan bounds.
const (
	// MaxScanBytes is how much of a file is scanned.
	MaxScanBytes = 256 << 20
	chunkSize    = 4 << 20
	overlap      = 64 << 10
)

type analyzer struct{}

// New returns the endpoints analyzer.
func New() analyze.Analyzer { return analyzer{} }

func (analyzer) Name() string { return Name }

// Match takes executables, scripts, text and the other kinds that carry
// strings; images, archives and compressed data are left alone (archives
// are unpacked and their members come here themselves).
func (analyzer) Match(kind string) bool {
	switch {
	case identify.IsExecutable(kind), identify.IsScript(kind), kind == identify.Text,
		strings.HasPrefix(kind, "text/"):
		return true
	}
	switch kind {
	case identify.SVG, identify.JavaClass, identify.Dex, identify.Wasm, identify.Data:
		return true
	}
	return false
}

func (analyzer) Analyze(ctx context.Context, in *analyze.Input, f *model.File) error {
	c := newCollector(modeFor(in.Kind))
	c.glued = identify.IsExecutable(in.Kind)
	size := min(in.Size, MaxScanBytes)
	buf := make([]byte, min(size, chunkSize))
	for off := int64(0); off < size; {
		if err := ctx.Err(); err != nil {
			return err
		}
		want := buf[:min(int64(len(buf)), size-off)]
		n, err := in.R.ReadAt(want, off)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("endpoints: ReadAt(%d): %w", off, err)
		}
		if n == 0 {
			break
		}
		last := off+int64(n) >= size || n < len(want)
		c.scan(buf[:n], off, off == 0, last)
		if last {
			break
		}
		off += int64(n) - overlap
	}
	if eps := c.result(); len(eps) > 0 {
		f.Facts.Endpoints = eps
	}
	return nil
}

// modeFor picks code mode for program source, where bare host names must
// be string literals.
func modeFor(kind string) mode {
	if identify.IsScript(kind) || kind == identify.JSON || kind == identify.JavaClass || kind == identify.Dex {
		return modeCode
	}
	return modeText
}

// Extract returns the endpoints in b as the analyzer would for a file of
// the given kind that is exactly b.
func Extract(b []byte, kind string) []model.Endpoint {
	c := newCollector(modeFor(kind))
	c.glued = identify.IsExecutable(kind)
	c.scan(b, 0, true, true)
	return c.result()
}

// result cuts the collected endpoints to MaxEndpoints, keeping encoded and
// classed ones (but not mere schemas) first, and sorts them by value.
func (c *collector) result() []model.Endpoint {
	eps := slices.Clone(c.list)
	if len(eps) > MaxEndpoints {
		weight := func(e model.Endpoint) int {
			w := 0
			if e.Encoding != "" {
				w += 2
			}
			if len(e.Classes) > 0 && !slices.Equal(e.Classes, []string{ClassSchema}) {
				w++
			}
			return w
		}
		slices.SortFunc(eps, func(a, b model.Endpoint) int {
			if c := cmp.Compare(weight(b), weight(a)); c != 0 {
				return c
			}
			return compare(a, b)
		})
		eps = eps[:MaxEndpoints]
	}
	slices.SortFunc(eps, compare)
	return eps
}

func compare(a, b model.Endpoint) int {
	if c := strings.Compare(a.Value, b.Value); c != 0 {
		return c
	}
	if c := strings.Compare(a.Type, b.Type); c != 0 {
		return c
	}
	if c := strings.Compare(a.Encoding, b.Encoding); c != 0 {
		return c
	}
	return cmp.Compare(a.Offset, b.Offset)
}
