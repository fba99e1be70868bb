// Package imagetrail finds images that carry data after their logical end
// (PNG IEND, JPEG EOI, the GIF trailer, the furthest ICO entry, the BMP
// pixel data), inside an icon entry after its embedded image, or between
// icon entries where no entry refers to it. The 3CX
// stage-2 loader read its C2 address from such bytes: icons ending in '$'
// and base64 of an encrypted string.
//
// Severity comes from what the bytes look like (analyze/image classifies
// them): base64, executables, archives and high-entropy blobs are high;
// text and other data are low, medium when large; zero padding and a few
// bytes of whitespace, which many tools leave, are quiet.
package imagetrail

import (
	"fmt"
	"path"
	"strings"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the detector; findings are "image.*".
const Name = "image"

// ID of the finding.
const ID = Name + ".trailing-data"

// Sizes above which plain text or data trailers are more than a tool's
// leftovers.
const (
	bigText       = 1 << 10
	bigData       = 4 << 10
	maxWhitespace = 16
)

type detector struct{}

// New returns the detector.
func New() detect.FileDetector { return detector{} }

func (detector) Name() string { return Name }

func (detector) DetectFile(f *model.File) []model.Finding {
	if f.Facts == nil || f.Facts.Image == nil {
		return nil
	}
	im := f.Facts.Image
	base := f.Path
	if i := strings.LastIndex(base, "!/"); i >= 0 {
		base = base[i+2:]
	}
	base = path.Base(base)
	var out []model.Finding
	if t := im.Trailer; t != nil {
		if sev := Severity(t); sev > model.SeverityNone {
			ev := evidence(im, t)
			ev["where"] = "trailer"
			out = append(out, model.Finding{
				ID:       ID,
				Severity: sev,
				Path:     f.Path,
				Title:    fmt.Sprintf("%s carries %d bytes after the end of its image: %s", base, t.Size, describe(t)),
				Evidence: ev,
			})
		}
	}
	for _, g := range im.Gaps {
		sev := Severity(&g)
		if sev == model.SeverityNone {
			continue
		}
		ev := evidence(im, &g)
		ev["where"] = "gap"
		out = append(out, model.Finding{
			ID:       ID,
			Severity: sev,
			Path:     f.Path,
			Title:    fmt.Sprintf("%s carries %d bytes at offset %d that no icon entry refers to: %s", base, g.Size, g.Offset, describe(&g)),
			Evidence: ev,
		})
	}
	for i, e := range im.Entries {
		t := e.Trailer
		if t == nil {
			continue
		}
		sev := Severity(t)
		if sev == model.SeverityNone {
			continue
		}
		ev := evidence(im, t)
		ev["where"] = "entry"
		ev["entry"] = i
		ev["entry_format"] = e.Format
		ev["entry_offset"] = e.Offset
		ev["entry_size"] = e.Size
		out = append(out, model.Finding{
			ID:       ID,
			Severity: sev,
			Path:     f.Path,
			Title: fmt.Sprintf("%s carries %d bytes inside icon entry %d (%dx%d %s) after its image ends: %s",
				base, t.Size, i, e.Width, e.Height, strings.ToUpper(e.Format), describe(t)),
			Evidence: ev,
		})
	}
	return out
}

// Severity is how much a trailer of this class and size matters.
func Severity(t *model.Trailer) model.Severity {
	switch t.Class {
	case "base64", "executable", "archive", "high-entropy":
		return model.SeverityHigh
	case "text":
		if t.Size >= bigText {
			return model.SeverityMedium
		}
		return model.SeverityLow
	case "data":
		if t.Size >= bigData {
			return model.SeverityMedium
		}
		return model.SeverityLow
	case "whitespace":
		if t.Size > maxWhitespace {
			return model.SeverityLow
		}
	}
	return model.SeverityNone
}

func evidence(im *model.ImageFacts, t *model.Trailer) map[string]any {
	ev := map[string]any{
		"format":         im.Format,
		"logical_end":    im.LogicalEnd,
		"trailer_offset": t.Offset,
		"trailer_size":   t.Size,
		"class":          t.Class,
		"entropy":        t.Entropy,
	}
	if t.Marker != "" {
		ev["marker"] = t.Marker
	}
	if t.Preview != "" {
		ev["preview"] = t.Preview
	}
	return ev
}

func describe(t *model.Trailer) string {
	switch t.Class {
	case "base64":
		if t.Marker == "$" {
			return "'$' + base64 (3CX stage-2 shape)"
		}
		return "base64 text"
	case "executable":
		if t.Marker == "ELF" {
			return "an ELF executable"
		}
		return "a " + t.Marker + " executable"
	case "archive":
		return "a " + t.Marker + " archive"
	case "high-entropy":
		return fmt.Sprintf("high-entropy data (%.2f bits/byte, encrypted or compressed)", t.Entropy)
	case "text":
		return fmt.Sprintf("text %q", t.Preview)
	case "whitespace":
		return "whitespace"
	}
	return fmt.Sprintf("binary data (%.2f bits/byte)", t.Entropy)
}
