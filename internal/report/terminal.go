package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

// Terminal renders a summary a person reads in ten seconds: target, counts
// of files by kind, the verdict and the top findings; detail below.
type Terminal struct{}

// ID is the --format name.
func (Terminal) ID() string { return "terminal" }

const topFindings = 10

// Render writes the human report.
func (Terminal) Render(w io.Writer, d Document, o Options) error {
	if d.Diff != nil {
		return renderDiffTerminal(w, d.Diff, o)
	}
	r := d.Inspect
	p := &printer{w: w, color: o.Color}
	s := r.Summary

	p.line("%s  %s", p.bold("vouch inspect"), r.Target.Path)
	what := r.Target.Kind
	if r.Target.Kind == "file" && len(r.Files) > 0 {
		for _, f := range r.Files {
			if len(f.Chain) == 0 {
				what = f.Kind
				if f.Format != "" && f.Format != f.Kind {
					what += " (" + f.Format + ")"
				}
				break
			}
		}
	}
	p.line("  %s, %s", what, humanBytes(r.Target.Size))
	if r.Target.SHA256 != "" {
		p.line("  sha256 %s", r.Target.SHA256)
	}
	p.line("  %s (%s expanded) in %s: %s", plural(s.Files, "file"), humanBytes(s.Bytes), plural(s.Containers, "container"), kindSummary(s.Kinds, 8))
	p.line("")
	p.line("%s %s", p.bold("Verdict:"), p.sev(r.Verdict, verdictWord(r.Verdict, o.FailOn)))
	if n := len(r.Findings); n > 0 {
		p.line("  %s", countsBySeverity(s.Findings))
	}
	if s.Errors > 0 {
		p.line("  %d file(s) could not be fully read (see errors below)", s.Errors)
	}

	p.findings("Top findings", r.Findings, o.Verbose)
	p.errors(r.Errors, o.Verbose)
	if o.Verbose {
		p.line("")
		p.line(p.bold("Files"))
		for _, f := range r.Files {
			switch {
			case f.Type != "" && f.Type != "file":
				p.line("  %-10s %10s  %s -> %s", f.Type, "", f.Path, f.LinkTo)
			default:
				extra := ""
				if f.Analysis != "" {
					extra = "  (" + f.Analysis + ")"
				}
				p.line("  %-14s %10s  %s  %s%s", f.Kind, humanBytes(f.Size), short(f.SHA256), f.Path, extra)
			}
		}
	} else if len(r.Files) > 0 {
		p.line("")
		p.line(p.dim("Per-file detail: --verbose; everything: --format json"))
	}
	return p.err
}

// findings lists fs under heading, the first topFindings unless verbose.
func (p *printer) findings(heading string, fs []model.Finding, verbose bool) {
	if len(fs) == 0 {
		return
	}
	p.line("")
	p.line(p.bold(heading))
	for i, f := range fs {
		if i == topFindings && !verbose {
			p.line("  … and %d more (--verbose or --format json for all)", len(fs)-topFindings)
			break
		}
		p.line("  %s %s", p.sev(f.Severity, fmt.Sprintf("%-8s", strings.ToUpper(f.Severity.String()))), f.Title)
		p.line("           %s  [%s]", p.dim(f.Path), f.ID)
	}
}

// errors lists the files that could not be read, with their side in a diff.
func (p *printer) errors(es []model.FileError, verbose bool) {
	if len(es) == 0 {
		return
	}
	p.line("")
	p.line(p.bold("Errors"))
	for i, e := range es {
		if i == topFindings && !verbose {
			p.line("  … and %d more", len(es)-topFindings)
			break
		}
		side := ""
		if e.Side != "" {
			side = e.Side + " "
		}
		p.line("  %s%s: %s", side, e.Path, e.Error)
	}
}

func verdictWord(v, failOn model.Severity) string {
	gateOff := failOn > model.SeverityCritical
	switch {
	case v == model.SeverityNone:
		return "clean: no findings"
	case gateOff:
		return fmt.Sprintf("%s (gate off: --fail-on none)", strings.ToUpper(v.String()))
	case v >= failOn:
		return fmt.Sprintf("%s: fails the gate (--fail-on %s)", strings.ToUpper(v.String()), failOn)
	default:
		return fmt.Sprintf("%s: below the gate (--fail-on %s)", strings.ToUpper(v.String()), failOn)
	}
}

func countsBySeverity(m map[string]int) string {
	var parts []string
	for s := model.SeverityCritical; s >= model.SeverityLow; s-- {
		if n := m[s.String()]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

func kindSummary(kinds map[string]int, max int) string {
	type kc struct {
		k string
		n int
	}
	var list []kc
	for k, n := range kinds {
		list = append(list, kc{k, n})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].k < list[j].k
	})
	var parts []string
	rest := 0
	for i, e := range list {
		if i >= max {
			rest += e.n
			continue
		}
		parts = append(parts, fmt.Sprintf("%d %s", e.n, e.k))
	}
	if rest > 0 {
		parts = append(parts, fmt.Sprintf("%d other", rest))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return fmt.Sprintf("%-12s", sum)
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

type printer struct {
	w     io.Writer
	color bool
	err   error
}

func (p *printer) line(format string, a ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format+"\n", a...)
}

func (p *printer) wrap(code, s string) string {
	if !p.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p *printer) bold(s string) string { return p.wrap("1", s) }
func (p *printer) dim(s string) string  { return p.wrap("2", s) }

func (p *printer) sev(s model.Severity, text string) string {
	switch s {
	case model.SeverityCritical:
		return p.wrap("1;35", text)
	case model.SeverityHigh:
		return p.wrap("1;31", text)
	case model.SeverityMedium:
		return p.wrap("33", text)
	case model.SeverityLow:
		return p.wrap("36", text)
	}
	return p.wrap("32", text)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
