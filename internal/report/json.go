package report

import (
	"encoding/json"
	"io"

	"github.com/vouch-sec/vouch/internal/model"
)

// JSON renders contract v1.
type JSON struct{}

// ID is the --format name.
func (JSON) ID() string { return "json" }

// Render writes one indented JSON document.
func (JSON) Render(w io.Writer, r *model.Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
