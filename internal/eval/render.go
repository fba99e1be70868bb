package eval

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

// WriteJSON writes the result as one JSON document.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteMarkdown writes the detection matrix, the false positives and the
// throughput as Markdown tables (readable as plain text too).
func (r *Result) WriteMarkdown(w io.Writer, minRecall float64) error {
	p := &printer{w: w}
	p.f("## Detection matrix (attack-shape corpus)\n\n")
	p.f("| case | file | expected (any of) | result | by |\n|---|---|---|---|---|\n")
	for _, c := range r.Cases {
		for _, row := range c.Rows {
			res := "**missed**"
			by := ""
			if row.Caught {
				res = "caught"
				by = fmt.Sprintf("%s (%s)", row.By, row.Severity)
			}
			p.f("| %s | `%s` | %s | %s | %s |\n", c.ID, row.Path, strings.Join(row.IDs, ", "), res, by)
		}
	}
	p.f("\nRecall: %d/%d expectations (%.1f%%); cases fully caught: %d/%d.\n", r.Caught, r.Expected, 100*r.Recall, r.CasesCaught, len(r.Cases))
	p.f("\n## Benign next versions of the corpus\n\n| case | verdict clean→bad | verdict clean→next | ≥ medium on next |\n|---|---|---|---|\n")
	for _, c := range r.Cases {
		noise := "none"
		if len(c.NextNoise) > 0 {
			var l []string
			for _, f := range c.NextNoise {
				l = append(l, fmt.Sprintf("%s %s", f.Severity, f.ID))
			}
			noise = strings.Join(l, "; ")
		}
		errs := ""
		if c.Error != "" {
			errs = " (error: " + c.Error + ")"
		}
		p.f("| %s | %s | %s | %s%s |\n", c.ID, c.BadVerdict, c.NextVerdict, noise, errs)
	}
	if len(r.Pairs) > 0 {
		p.f("\n## Real benign release pairs\n\n| pair | files | MB | seconds | MB/s | low | medium | high |\n|---|---|---|---|---|---|---|---|\n")
		for _, x := range r.Pairs {
			if x.Missing {
				p.f("| %s | – | – | – | – | – | – | not fetched |\n", x.ID)
				continue
			}
			if x.Error != "" {
				p.f("| %s | error: %s |||||||\n", x.ID, x.Error)
				continue
			}
			p.f("| %s | %d | %.1f | %.2f | %.1f | %d | %d | %d |\n", x.ID, x.Files, mb(x.Bytes), x.Seconds, mb(x.Bytes)/max(x.Seconds, 1e-9), x.Low, len(x.Medium), len(x.High))
		}
		p.f("\n### Findings at medium or above on benign pairs\n\n")
		any := false
		for _, x := range r.Pairs {
			for _, f := range append(append([]model.Finding{}, x.High...), x.Medium...) {
				any = true
				p.f("- **%s** %s `%s` [%s]: %s\n", x.ID, f.Severity, f.Path, f.ID, f.Title)
			}
		}
		if !any {
			p.f("None.\n")
		}
		p.f("\nPairs run: %d; with a high finding: %d; with a medium finding: %d.\n", r.PairsRun, r.PairsHigh, r.PairsMedium)
	}
	p.f("\n## Throughput\n\nOverall %.1f MB/s (bytes of both releases per diff, wall time); peak RSS %.0f MB.\n", r.MBPerSecond, r.PeakRSSMB)
	if why := r.Failed(minRecall); why != "" {
		p.f("\n**FAILED:** %s\n", why)
	} else {
		p.f("\n**PASSED** (recall at least %.1f%%, no benign version or pair reached high).\n", 100*minRecall)
	}
	return p.err
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, a ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, a...)
	}
}
