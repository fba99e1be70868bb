// Package policy applies a user's baseline to findings: known findings,
// each with a reason and an optional expiry, are suppressed but still
// counted, so a gate can pass on accepted risk without hiding it.
//
// A baseline is YAML:
//
//	version: 1
//	suppress:
//	  - id: sig.unsigned-module-in-signed-package
//	    path: ffmpeg.dll        # optional: virtual path, path inside the release, a glob of
//	                            # either, or a file name (no "/") matched in any directory
//	    sha256: 6c1f…           # optional: only while the file has this content
//	    reason: Electron ships ffmpeg.dll unsigned   # required
//	    expires: 2027-06-30     # optional: the entry stops applying after this day
package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vouch-sec/vouch/internal/model"
)

// Entry is one suppression.
type Entry struct {
	ID      string `yaml:"id"`
	Path    string `yaml:"path,omitempty"`
	SHA256  string `yaml:"sha256,omitempty"`
	Reason  string `yaml:"reason"`
	Expires string `yaml:"expires,omitempty"` // YYYY-MM-DD, inclusive
}

// Baseline is a list of suppressions.
type Baseline struct {
	Version  int     `yaml:"version"`
	Suppress []Entry `yaml:"suppress"`
}

// maxBaseline bounds the file read.
const maxBaseline = 16 << 20

// Load reads and checks a baseline file.
func Load(p string) (*Baseline, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxBaseline+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBaseline {
		return nil, fmt.Errorf("baseline %q is larger than %d bytes", p, maxBaseline)
	}
	return Parse(b)
}

// Parse reads a baseline document.
func Parse(b []byte) (*Baseline, error) {
	var bl Baseline
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&bl); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	if bl.Version != 0 && bl.Version != 1 {
		return nil, fmt.Errorf("baseline: unsupported version %d (want 1)", bl.Version)
	}
	for i, e := range bl.Suppress {
		if e.ID == "" {
			return nil, fmt.Errorf("baseline: entry %d: id is required", i+1)
		}
		if strings.TrimSpace(e.Reason) == "" {
			return nil, fmt.Errorf("baseline: entry %d (%s): a reason is required", i+1, e.ID)
		}
		if e.Expires != "" {
			if _, err := time.Parse(time.DateOnly, e.Expires); err != nil {
				return nil, fmt.Errorf("baseline: entry %d (%s): expires %q is not YYYY-MM-DD", i+1, e.ID, e.Expires)
			}
		}
		if e.Path != "" {
			if _, err := path.Match(e.Path, ""); err != nil {
				return nil, fmt.Errorf("baseline: entry %d (%s): bad path pattern %q", i+1, e.ID, e.Path)
			}
		}
	}
	return &bl, nil
}

// inner is a virtual path without the release's own file name
// ("TinyApp-1.0.1.msi!/x/ffmpeg.dll" → "x/ffmpeg.dll"), so an entry
// survives the next version.
func inner(p string) string {
	if _, rest, ok := strings.Cut(p, "!/"); ok && !strings.Contains(p[:strings.Index(p, "!/")], "/") {
		return rest
	}
	return p
}

func (e Entry) matches(f model.Finding, sha string) bool {
	if e.ID != f.ID {
		return false
	}
	if e.SHA256 != "" && !strings.EqualFold(e.SHA256, sha) {
		return false
	}
	if e.Path == "" {
		return true
	}
	in := inner(f.Path)
	if e.Path == f.Path || e.Path == in {
		return true
	}
	ok1, _ := path.Match(e.Path, in)
	ok2, _ := path.Match(e.Path, f.Path)
	// A pattern without "/" names a file anywhere: "ffmpeg.dll", "*.ico".
	ok3 := false
	if !strings.Contains(e.Path, "/") {
		ok3, _ = path.Match(e.Path, model.BaseName(f.Path))
	}
	return ok1 || ok2 || ok3
}

func (e Entry) expired(now time.Time) bool {
	if e.Expires == "" {
		return false
	}
	t, _ := time.Parse(time.DateOnly, e.Expires)
	return now.After(t.Add(24 * time.Hour))
}

// Apply splits findings into kept and suppressed. sha gives a finding's
// file content hash for entries pinned to one. A finding matched only by
// expired entries is kept, with evidence saying the entry expired.
func (b *Baseline) Apply(findings []model.Finding, sha func(path string) string, now time.Time) (kept []model.Finding, suppressed []model.Suppressed) {
	if b == nil || len(b.Suppress) == 0 {
		return findings, nil
	}
	for _, f := range findings {
		h := ""
		if sha != nil {
			h = sha(f.Path)
		}
		var hit, expired *Entry
		for i := range b.Suppress {
			e := &b.Suppress[i]
			if !e.matches(f, h) {
				continue
			}
			if e.expired(now) {
				expired = e
				continue
			}
			hit = e
			break
		}
		switch {
		case hit != nil:
			suppressed = append(suppressed, model.Suppressed{Finding: f, Reason: hit.Reason, Expires: hit.Expires})
		case expired != nil:
			ev := map[string]any{}
			for k, v := range f.Evidence {
				ev[k] = v
			}
			ev["baseline_expired"] = expired.Expires
			f.Evidence = ev
			kept = append(kept, f)
		default:
			kept = append(kept, f)
		}
	}
	return kept, suppressed
}

// FromFindings makes a baseline that suppresses exactly these findings,
// each with reason; paths are written without the release's own file
// name so the baseline applies to the next version too.
func FromFindings(findings []model.Finding, reason string, expires string) *Baseline {
	bl := &Baseline{Version: 1}
	seen := map[[2]string]bool{}
	for _, f := range findings {
		k := [2]string{f.ID, inner(f.Path)}
		if seen[k] {
			continue
		}
		seen[k] = true
		bl.Suppress = append(bl.Suppress, Entry{ID: f.ID, Path: inner(f.Path), Reason: reason, Expires: expires})
	}
	sort.Slice(bl.Suppress, func(i, j int) bool {
		a, b := bl.Suppress[i], bl.Suppress[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.ID < b.ID
	})
	return bl
}

// Write encodes the baseline as YAML with a header comment.
func (b *Baseline) Write(w io.Writer) error {
	if _, err := io.WriteString(w, "# vouch baseline: findings accepted with a reason; suppressed findings are still counted.\n"); err != nil {
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(b); err != nil {
		return err
	}
	return enc.Close()
}
