package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

// renderDiffTerminal writes the human report of a diff: the two releases,
// what changed in numbers, the verdict, the new findings, then the changed
// files with a one-line summary of their delta.
func renderDiffTerminal(w io.Writer, r *model.DiffReport, o Options) error {
	p := &printer{w: w, color: o.Color}
	s := r.Summary
	p.line("%s  %s  →  %s", p.bold("vouch diff"), r.Old.Path, r.New.Path)
	p.line("  old: %s, %s", plural(s.OldFiles, "file"), humanBytes(r.Old.Size))
	p.line("  new: %s, %s", plural(s.NewFiles, "file"), humanBytes(r.New.Size))
	p.line("  %d added, %d removed, %d changed, %d moved, %d unchanged", s.Added, s.Removed, s.Changed, s.Moved, s.Unchanged)
	p.line("")
	p.line("%s %s", p.bold("Verdict:"), p.sev(r.Verdict, verdictWord(r.Verdict, o.FailOn)))
	var notes []string
	if len(r.Findings) > 0 {
		notes = append(notes, countsBySeverity(s.Findings)+" new")
	}
	if s.Existing > 0 {
		notes = append(notes, fmt.Sprintf("%d already in the old release (context)", s.Existing))
	}
	if s.Suppressed > 0 {
		notes = append(notes, fmt.Sprintf("%d suppressed by the baseline", s.Suppressed))
	}
	if len(notes) > 0 {
		p.line("  %s", strings.Join(notes, "; "))
	}
	if s.Errors > 0 {
		p.line("  %d file(s) could not be fully read (see errors below)", s.Errors)
	}

	p.findings("What changed that matters", r.Findings, o.Verbose)

	var changed []*model.DiffFile
	for _, f := range r.Files {
		if f.Status == model.StatusUnchanged && !o.Verbose {
			continue
		}
		if f.Status == model.StatusMoved && f.Delta == nil && !o.Verbose {
			continue // renamed only
		}
		changed = append(changed, f)
	}
	if len(changed) > 0 {
		p.line("")
		p.line(p.bold("Files"))
		for i, f := range changed {
			if i == 2*topFindings && !o.Verbose {
				p.line("  … and %d more (--verbose)", len(changed)-i)
				break
			}
			name := f.Path
			if f.OldPath != "" && f.OldPath != f.Path && f.Status == model.StatusMoved {
				name = f.OldPath + " → " + f.Path
			}
			p.line("  %-9s %-12s %s%s", f.Status, f.Kind, name, p.dim(deltaLine(f)))
		}
	}
	if o.Verbose && len(r.Existing) > 0 {
		p.line("")
		p.line(p.bold("Already in the old release"))
		for _, f := range r.Existing {
			p.line("  %-8s %s  %s [%s]", strings.ToUpper(f.Severity.String()), f.Title, p.dim(f.Path), f.ID)
		}
	}
	if o.Verbose && len(r.Suppressed) > 0 {
		p.line("")
		p.line(p.bold("Suppressed by the baseline"))
		for _, f := range r.Suppressed {
			p.line("  %-8s %s  %s [%s]: %s", strings.ToUpper(f.Severity.String()), f.Title, p.dim(f.Path), f.ID, f.Reason)
		}
	}
	p.errors(r.Errors, o.Verbose)
	if !o.Verbose {
		p.line("")
		p.line(p.dim("Unchanged files and context: --verbose; everything: --format json"))
	}
	return p.err
}

// deltaLine is the file's delta summary in brackets, or "".
func deltaLine(f *model.DiffFile) string {
	if d := deltaSummary(f); d != "" {
		return "  (" + d + ")"
	}
	return ""
}
