// Package report renders a finished report. Renderers only render: every
// number they show was computed before they were called.
package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/vouch-sec/vouch/internal/model"
)

// Options shape human-oriented output.
type Options struct {
	Color   bool // ANSI colours (only on a terminal)
	Verbose bool // per-file detail
	FailOn  model.Severity
}

// Document is what a renderer renders: exactly one of Inspect and Diff is
// set.
type Document struct {
	Inspect *model.Report
	Diff    *model.DiffReport
}

// Verdict is the document's verdict.
func (d Document) Verdict() model.Severity {
	if d.Diff != nil {
		return d.Diff.Verdict
	}
	return d.Inspect.Verdict
}

// Renderer writes one format.
type Renderer interface {
	ID() string
	Render(w io.Writer, d Document, o Options) error
}

// All returns every renderer.
func All() []Renderer {
	return []Renderer{JSON{}, Terminal{}, HTML{}, CycloneDX{}, SPDX{}, SARIF{}, Markdown{}}
}

// ByID returns the renderer for a --format value.
func ByID(id string) (Renderer, error) {
	var ids []string
	for _, r := range All() {
		if r.ID() == id {
			return r, nil
		}
		ids = append(ids, r.ID())
	}
	sort.Strings(ids)
	return nil, fmt.Errorf("unknown format %q (want one of %v)", id, ids)
}
