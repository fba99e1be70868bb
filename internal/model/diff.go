package model

import "sort"

// DiffReport is the result of comparing two releases (schema vouch/diff/v1).
//
// Delta first: Findings holds only what is new in the new release (diff
// detectors, and single-file findings its predecessor did not have); those
// drive the verdict. Findings the old release already had are Existing:
// context, not alarms. Findings a baseline suppresses are kept in
// Suppressed and counted, never silently dropped.
type DiffReport struct {
	Schema     string       `json:"schema"`
	Tool       Tool         `json:"tool"`
	Old        Target       `json:"old"`
	New        Target       `json:"new"`
	Verdict    Severity     `json:"verdict"`
	Summary    DiffSummary  `json:"summary"`
	Files      []*DiffFile  `json:"files"`
	Findings   []Finding    `json:"findings"`
	Existing   []Finding    `json:"existing"`
	Suppressed []Suppressed `json:"suppressed"`
	Errors     []FileError  `json:"errors"` // Side says which release

	// OldReport and NewReport are the two inspections the diff was made
	// from, for renderers that describe a release (SBOM, HTML tree). They
	// are not part of the JSON document.
	OldReport *Report `json:"-"`
	NewReport *Report `json:"-"`
}

// DiffSummary counts what a diff holds.
type DiffSummary struct {
	OldFiles   int            `json:"old_files"`
	NewFiles   int            `json:"new_files"`
	Added      int            `json:"added"`
	Removed    int            `json:"removed"`
	Changed    int            `json:"changed"`
	Moved      int            `json:"moved"`
	Unchanged  int            `json:"unchanged"`
	Findings   map[string]int `json:"findings"` // new findings by severity name
	Existing   int            `json:"existing"`
	Suppressed int            `json:"suppressed"`
	Errors     int            `json:"errors"`
}

// File statuses in a diff.
const (
	StatusAdded     = "added"
	StatusRemoved   = "removed"
	StatusChanged   = "changed"
	StatusMoved     = "moved"
	StatusUnchanged = "unchanged"
)

// DiffFile is one file of either release and what became of it.
type DiffFile struct {
	// Path is the file's virtual path in the new release, or in the old
	// one when it was removed.
	Path string `json:"path"`
	// OldPath is the paired file's path in the old release (every status
	// but added and removed).
	OldPath string `json:"old_path,omitempty"`
	Status  string `json:"status"`
	// Pairing names the rule that paired the two files: path, content,
	// version (version numbers in the path differ), basename, fuzzy.
	Pairing   string `json:"pairing,omitempty"`
	Kind      string `json:"kind"`
	SHA256    string `json:"sha256,omitempty"`
	Size      int64  `json:"size"`
	OldKind   string `json:"old_kind,omitempty"`   // when it differs from Kind
	OldSHA256 string `json:"old_sha256,omitempty"` // when the content differs
	OldSize   int64  `json:"old_size,omitempty"`   // when the content differs
	// Delta is what changed in the facts of a pair whose content differs.
	Delta *FileDelta `json:"delta,omitempty"`

	Old *File `json:"-"` // nil when added
	New *File `json:"-"` // nil when removed
}

// FileDelta is the difference between the facts of the two files of a pair:
// set differences for lists, old and new values for single facts.
type FileDelta struct {
	CapabilitiesAdded   []Capability `json:"capabilities_added,omitempty"`
	CapabilitiesRemoved []string     `json:"capabilities_removed,omitempty"` // ids
	// Libraries: PE DLLs (imported or delay-loaded), ELF DT_NEEDED,
	// Mach-O dylibs.
	LibrariesAdded   []string `json:"libraries_added,omitempty"`
	LibrariesRemoved []string `json:"libraries_removed,omitempty"`
	// Imports: "dll!function" for PE, the symbol for ELF and Mach-O.
	ImportsAdded     []string   `json:"imports_added,omitempty"`
	ImportsRemoved   []string   `json:"imports_removed,omitempty"`
	ExportsAdded     []string   `json:"exports_added,omitempty"`
	ExportsRemoved   []string   `json:"exports_removed,omitempty"`
	EndpointsAdded   []Endpoint `json:"endpoints_added,omitempty"`
	EndpointsRemoved []string   `json:"endpoints_removed,omitempty"`
	// Package metadata: dependency names (a changed range is a Change
	// "dependency:<name>").
	DependenciesAdded   []string `json:"dependencies_added,omitempty"`
	DependenciesRemoved []string `json:"dependencies_removed,omitempty"`
	// Changes are single facts that differ, sorted by What: "signer",
	// "signature", "tls_callbacks", "init_array", "x86_64.init_funcs",
	// "entry_section", "overlay_bytes", "cert_table_hidden_bytes",
	// "hook:postinstall", "entropy", "version", …
	Changes []FactChange `json:"changes,omitempty"`
}

// FactChange is one fact with its old and new value ("" when absent).
type FactChange struct {
	What string `json:"what"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// Empty reports whether the delta holds nothing.
func (d *FileDelta) Empty() bool {
	return d == nil || len(d.CapabilitiesAdded)+len(d.CapabilitiesRemoved)+len(d.LibrariesAdded)+
		len(d.LibrariesRemoved)+len(d.ImportsAdded)+len(d.ImportsRemoved)+len(d.ExportsAdded)+
		len(d.ExportsRemoved)+len(d.EndpointsAdded)+len(d.EndpointsRemoved)+len(d.DependenciesAdded)+
		len(d.DependenciesRemoved)+len(d.Changes) == 0
}

// Change returns the change of fact what, or nil.
func (d *FileDelta) Change(what string) *FactChange {
	if d == nil {
		return nil
	}
	for i := range d.Changes {
		if d.Changes[i].What == what {
			return &d.Changes[i]
		}
	}
	return nil
}

// NewCapabilities are the capabilities the new release brings through
// this file: all of an added file's, the gained ones of a changed file,
// none of a removed or unchanged one.
func (f *DiffFile) NewCapabilities() []Capability {
	switch {
	case f.New == nil || f.New.Facts == nil:
		return nil
	case f.Old == nil:
		return f.New.Facts.Capabilities
	case f.Delta != nil:
		return f.Delta.CapabilitiesAdded
	}
	return nil
}

// Suppressed is a finding a baseline entry matched.
type Suppressed struct {
	Finding
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"` // YYYY-MM-DD
}

// SortFindings orders findings by severity (highest first), path, id and
// title.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Title < b.Title
	})
}

// Sort puts every list in a deterministic order and recomputes the verdict
// and the summary.
func (r *DiffReport) Sort() {
	sort.SliceStable(r.Files, func(i, j int) bool {
		if r.Files[i].Path != r.Files[j].Path {
			return r.Files[i].Path < r.Files[j].Path
		}
		return r.Files[i].OldPath < r.Files[j].OldPath
	})
	SortFindings(r.Findings)
	SortFindings(r.Existing)
	sort.SliceStable(r.Suppressed, func(i, j int) bool {
		a, b := r.Suppressed[i], r.Suppressed[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.ID < b.ID
	})
	sortErrors(r.Errors)
	s := DiffSummary{Findings: map[string]int{}}
	for _, f := range r.Files {
		if f.Old != nil {
			s.OldFiles++
		}
		if f.New != nil {
			s.NewFiles++
		}
		switch f.Status {
		case StatusAdded:
			s.Added++
		case StatusRemoved:
			s.Removed++
		case StatusChanged:
			s.Changed++
		case StatusMoved:
			s.Moved++
		case StatusUnchanged:
			s.Unchanged++
		}
	}
	r.Verdict = SeverityNone
	for _, f := range r.Findings {
		s.Findings[f.Severity.String()]++
		r.Verdict = max(r.Verdict, f.Severity)
	}
	s.Existing, s.Suppressed, s.Errors = len(r.Existing), len(r.Suppressed), len(r.Errors)
	r.Summary = s
	if r.Files == nil {
		r.Files = []*DiffFile{}
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Existing == nil {
		r.Existing = []Finding{}
	}
	if r.Suppressed == nil {
		r.Suppressed = []Suppressed{}
	}
	if r.Errors == nil {
		r.Errors = []FileError{}
	}
}
