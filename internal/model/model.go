// Package model holds the few types every stage of vouch shares: files in the
// virtual tree, their facts, findings and the report.
//
// The JSON shape of these types is contract v1 (see ARCHITECTURE.md): fields
// may be added, never renamed or removed without a new schema version.
package model

import (
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
)

// Schema identifiers of the JSON documents.
const (
	SchemaInspect = "vouch/inspect/v1"
	SchemaDiff    = "vouch/diff/v1"
)

// Severity orders findings. The zero value is SeverityNone.
type Severity int

// Severities, lowest first.
const (
	SeverityNone Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"none", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name as used on the command line and in JSON.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return SeverityNone, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(severityNames[:], ", "))
}

// MarshalJSON writes the severity as its name.
func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// UnmarshalJSON reads a severity name.
func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return err
	}
	v, err := ParseSeverity(name)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Container is one step of a file's container chain.
type Container struct {
	Path   string `json:"path"`   // virtual path of the container
	Format string `json:"format"` // unpacker name, e.g. "zip", "gzip+tar", "msi"
}

// File is one file of the virtual tree: the target itself, a file of a
// directory, or a member of a container at any depth.
type File struct {
	Path   string `json:"path"` // virtual path; "!/" enters a container
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size"`
	Kind   string `json:"kind"`
	// Type is "file" for regular files; links and devices are listed with
	// their type and not analysed.
	Type     string      `json:"type,omitempty"`
	LinkTo   string      `json:"link_to,omitempty"`
	Mode     string      `json:"mode,omitempty"`
	Chain    []Container `json:"chain,omitempty"`    // outermost first; empty for top-level files
	Format   string      `json:"format,omitempty"`   // set when the file is itself a container that was unpacked
	Members  int         `json:"members,omitempty"`  // direct members listed when unpacked
	Entropy  float64     `json:"entropy"`            // bits per byte, whole file
	Meta     Meta        `json:"meta,omitempty"`     // per-format facts from the unpacker (e.g. deb role, rpm scriptlets)
	Facts    *Facts      `json:"facts,omitempty"`    // per-kind analysis facts
	Analysis string      `json:"analysis,omitempty"` // "skipped: <why>" when bytes were not analysed
	// TLSH is the file's fuzzy hash (TLSH hex string), used to pair renamed
	// binaries in a diff. Empty when not computed.
	TLSH string `json:"tlsh,omitempty"`
}

// Meta is a small string map of facts an unpacker knows about a member that
// the bytes alone do not show (MSI component, deb control member role, …).
type Meta map[string]string

// Facts are the results of per-kind analyzers. Each analyzer owns one field.
type Facts struct {
	Script    *ScriptFacts    `json:"script,omitempty"`
	PE        *PEFacts        `json:"pe,omitempty"`
	ELF       *ELFFacts       `json:"elf,omitempty"`
	MachO     *MachOFacts     `json:"macho,omitempty"`
	Signature *SignatureFacts `json:"signature,omitempty"` // Authenticode: PE, MSI, CAB
	Image     *ImageFacts     `json:"image,omitempty"`

	Capabilities []Capability  `json:"capabilities,omitempty"` // sorted by ID
	Endpoints    []Endpoint    `json:"endpoints,omitempty"`    // sorted by value
	Package      *PackageFacts `json:"package,omitempty"`
	IOCMatches   []IOCMatch    `json:"ioc_matches,omitempty"` // sorted by list, indicator, where
}

// ScriptFacts are facts about a script file.
type ScriptFacts struct {
	Language    string `json:"language"`
	Interpreter string `json:"interpreter,omitempty"` // from a #! line
	Lines       int    `json:"lines"`
}

// Finding is one thing vouch noticed.
type Finding struct {
	ID       string         `json:"id"`
	Severity Severity       `json:"severity"`
	Path     string         `json:"path"`
	Title    string         `json:"title"`
	Evidence map[string]any `json:"evidence"`
}

// FileError says a file (or part of a container) could not be read or
// analysed. The run goes on.
type FileError struct {
	Path  string `json:"path"`
	Error string `json:"error"`
	Side  string `json:"side,omitempty"` // in a diff: "old" or "new"
}

// Tool identifies the producer of a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Target describes what was inspected.
type Target struct {
	Path   string `json:"path"`
	Kind   string `json:"kind"` // "file" or "directory"
	SHA256 string `json:"sha256,omitempty"`
	Size   int64  `json:"size"`
}

// Summary counts what the report holds, for a reader in a hurry.
type Summary struct {
	Files      int            `json:"files"`
	Bytes      int64          `json:"bytes"`
	Containers int            `json:"containers"`
	Kinds      map[string]int `json:"kinds"`
	Findings   map[string]int `json:"findings"` // by severity name
	Errors     int            `json:"errors"`
	Suppressed int            `json:"suppressed,omitempty"` // findings a baseline matched
}

// Report is the result of one inspection.
type Report struct {
	Schema   string      `json:"schema"`
	Tool     Tool        `json:"tool"`
	Target   Target      `json:"target"`
	Verdict  Severity    `json:"verdict"`
	Summary  Summary     `json:"summary"`
	Files    []*File     `json:"files"`
	Findings []Finding   `json:"findings"`
	Errors   []FileError `json:"errors"`
	// Suppressed are findings a baseline matched: counted, not judged.
	Suppressed []Suppressed `json:"suppressed,omitempty"`
}

// Sort puts files, findings and errors in a deterministic order and
// recomputes the verdict and summary.
func (r *Report) Sort() {
	sort.SliceStable(r.Files, func(i, j int) bool { return r.Files[i].Path < r.Files[j].Path })
	SortFindings(r.Findings)
	sortErrors(r.Errors)
	r.Verdict = SeverityNone
	s := Summary{Kinds: map[string]int{}, Findings: map[string]int{}}
	for _, f := range r.Files {
		if f.Type != "" && f.Type != "file" {
			continue
		}
		s.Files++
		s.Bytes += f.Size
		s.Kinds[f.Kind]++
		if f.Format != "" {
			s.Containers++
		}
	}
	for _, f := range r.Findings {
		s.Findings[f.Severity.String()]++
		if f.Severity > r.Verdict {
			r.Verdict = f.Severity
		}
	}
	s.Errors = len(r.Errors)
	s.Suppressed = len(r.Suppressed)
	r.Summary = s
	if r.Files == nil {
		r.Files = []*File{}
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Errors == nil {
		r.Errors = []FileError{}
	}
}

func sortErrors(es []FileError) {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Side != es[j].Side {
			return es[i].Side < es[j].Side
		}
		if es[i].Path != es[j].Path {
			return es[i].Path < es[j].Path
		}
		return es[i].Error < es[j].Error
	})
}

// PlainPath turns a virtual path into a plain slash path by treating each
// container as a directory: "a.msi!/x/b.dll" → "a.msi/x/b.dll".
func PlainPath(vpath string) string { return strings.ReplaceAll(vpath, "!/", "/") }

// BaseName is the file name of a virtual path: "a.msi!/x/b.dll" → "b.dll".
func BaseName(vpath string) string { return path.Base(PlainPath(vpath)) }
