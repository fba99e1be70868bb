// Package diff compares two inspected releases: it pairs their files, works
// out what changed in each pair's facts, sorts the new release's findings
// into new and already-there, runs the diff detectors and combines weak
// signals on one file into a strong one.
//
// Delta first: only what is new counts toward the verdict. A capability,
// endpoint or finding the old release already had is context.
package diff

import (
	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/diff/pair"
	"github.com/vouch-sec/vouch/internal/model"
)

// Config says which detectors judge the delta.
type Config struct {
	Detectors []detect.DiffDetector
	Pair      pair.Options
	Tool      model.Tool
}

// Compare builds the diff of old and new. Neither report is modified.
func Compare(old, new *model.Report, cfg Config) *model.DiffReport {
	d := &model.DiffReport{
		Schema:    model.SchemaDiff,
		Tool:      cfg.Tool,
		Old:       old.Target,
		New:       new.Target,
		OldReport: old,
		NewReport: new,
	}
	newToOld := map[string]string{}
	for _, p := range pair.Pair(old.Files, new.Files, cfg.Pair) {
		df := diffFile(p)
		if p.Old != nil && p.New != nil {
			newToOld[p.New.Path] = p.Old.Path
		}
		d.Files = append(d.Files, df)
	}
	// Errors first: detectors may weigh what could not be read.
	for _, e := range old.Errors {
		e.Side = "old"
		d.Errors = append(d.Errors, e)
	}
	for _, e := range new.Errors {
		e.Side = "new"
		d.Errors = append(d.Errors, e)
	}
	d.Findings, d.Existing = splitFindings(old.Findings, new.Findings, newToOld)
	for _, det := range cfg.Detectors {
		d.Findings = append(d.Findings, det.DetectDiff(d)...)
	}
	d.Findings = append(d.Findings, combine(d)...)
	d.Sort()
	return d
}

// diffFile turns a pairing into the report's entry.
func diffFile(p pair.Pairing) *model.DiffFile {
	df := &model.DiffFile{Old: p.Old, New: p.New, Pairing: string(p.Stage)}
	switch {
	case p.New == nil:
		df.Status = model.StatusRemoved
		df.Path, df.Kind, df.SHA256, df.Size = p.Old.Path, p.Old.Kind, p.Old.SHA256, p.Old.Size
		return df
	case p.Old == nil:
		df.Status = model.StatusAdded
		df.Path, df.Kind, df.SHA256, df.Size = p.New.Path, p.New.Kind, p.New.SHA256, p.New.Size
		return df
	}
	df.Path, df.Kind, df.SHA256, df.Size = p.New.Path, p.New.Kind, p.New.SHA256, p.New.Size
	df.OldPath = p.Old.Path
	if p.Old.Kind != p.New.Kind {
		df.OldKind = p.Old.Kind
	}
	switch {
	// A path that differs only in version numbers, or the release's own
	// top-level file, is the same file in its next version.
	case p.Status == pair.Moved && p.Stage != pair.StageVersion:
		df.Status = model.StatusMoved
	case p.Identical:
		df.Status = model.StatusUnchanged
	default:
		df.Status = model.StatusChanged
	}
	if !p.Identical {
		df.OldSHA256, df.OldSize = p.Old.SHA256, p.Old.Size
		if d := Delta(p.Old, p.New); !d.Empty() {
			df.Delta = d
		}
	}
	return df
}

// splitFindings separates the new release's findings into those its
// predecessor did not have (new) and those it had (existing): the same id
// on the paired path, at no higher severity. Titles quote sizes and names
// that move with every build, so they are not compared. Findings on files
// without a counterpart are all new.
func splitFindings(old, new []model.Finding, newToOld map[string]string) (fresh, existing []model.Finding) {
	// The highest severity of each id on each old file.
	had := map[[2]string]model.Severity{}
	for _, f := range old {
		k := [2]string{f.ID, f.Path}
		if sev, ok := had[k]; !ok || f.Severity > sev {
			had[k] = f.Severity
		}
	}
	for _, f := range new {
		op, ok := newToOld[f.Path]
		if sev, seen := had[[2]string{f.ID, op}]; ok && seen && f.Severity <= sev {
			existing = append(existing, f)
			continue
		}
		fresh = append(fresh, f)
	}
	return fresh, existing
}
