package report

import (
	"encoding/json"
	"io"
)

// JSON renders contract v1.
type JSON struct{}

// ID is the --format name.
func (JSON) ID() string { return "json" }

// Render writes one indented JSON document.
func (JSON) Render(w io.Writer, d Document, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if d.Diff != nil {
		return enc.Encode(d.Diff)
	}
	return enc.Encode(d.Inspect)
}
