// Package difftest builds small releases by hand and diffs them with one
// diff detector, for the detectors' tests: pairing and Delta run as they
// do for real releases.
package difftest

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/diff"
	"github.com/vouch-sec/vouch/internal/model"
)

// The helpers below build two releases by hand and diff them with
// diff.Compare, so pairing and Delta run as they do for real releases.

// F is one member of a hand-built release. Files with the same Path and
// Ver have the same bytes.
type F struct {
	Path    string
	Kind    string
	Ver     string
	Size    int64
	Entropy float64
	Facts   *model.Facts
}

// Release builds the inspection of a single-file target root holding
// files, the way the engine lays one out: the root without a chain, its
// members as "root!/path".
func Release(root string, files []F) *model.Report {
	r := &model.Report{Schema: model.SchemaInspect, Target: model.Target{Path: root, Kind: "file"}}
	r.Files = append(r.Files, &model.File{Path: root, Kind: "msi", SHA256: Digest(root), Size: 1 << 20, Format: "msi"})
	for _, x := range files {
		size := x.Size
		if size == 0 {
			size = 2048
		}
		r.Files = append(r.Files, &model.File{Path: root + "!/" + x.Path, Kind: x.Kind, SHA256: Digest(x.Path + "@" + x.Ver),
			Size: size, Entropy: x.Entropy, Facts: x.Facts, Type: "file", Chain: []model.Container{{Path: root, Format: "msi"}}})
	}
	r.Sort()
	return r
}

// Digest is the sha256 hex a hand-built file of content s carries.
func Digest(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

// Compare diffs two hand-built releases (App-1.0.0.msi and App-1.0.1.msi)
// with det.
func Compare(det detect.DiffDetector, old, new []F) *model.DiffReport {
	return CompareReports(det, Release("App-1.0.0.msi", old), Release("App-1.0.1.msi", new))
}

// CompareReports diffs two reports with det.
func CompareReports(det detect.DiffDetector, old, new *model.Report) *model.DiffReport {
	return diff.Compare(old, new, diff.Config{Detectors: []detect.DiffDetector{det}})
}

// Want is a finding as a test states it: the file's base name and the
// words its title must contain.
type Want struct {
	ID    string
	Sev   model.Severity
	File  string
	Words []string
}

type key struct {
	ID   string
	Sev  model.Severity
	File string
}

// Check asserts that the detector's findings (not the combined ones) are
// exactly want, and that each title holds its words.
func Check(t *testing.T, d *model.DiffReport, wants []Want) {
	t.Helper()
	var got, exp []key
	for _, g := range d.Findings {
		if g.ID == diff.CombinedID {
			continue
		}
		k := key{g.ID, g.Severity, model.BaseName(g.Path)}
		got = append(got, k)
	}
	for _, w := range wants {
		exp = append(exp, key{w.ID, w.Sev, w.File})
	}
	order := func(ks []key) {
		sort.Slice(ks, func(i, j int) bool {
			if ks[i].File != ks[j].File {
				return ks[i].File < ks[j].File
			}
			if ks[i].ID != ks[j].ID {
				return ks[i].ID < ks[j].ID
			}
			return ks[i].Sev < ks[j].Sev
		})
	}
	order(got)
	order(exp)
	if diff := cmp.Diff(exp, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
		for _, g := range d.Findings {
			t.Logf("  %s %s %s: %s", g.Severity, g.ID, g.Path, g.Title)
		}
		return
	}
	used := map[int]bool{}
	for _, w := range wants {
		found := false
		for i, g := range d.Findings {
			if used[i] || g.ID != w.ID || g.Severity != w.Sev || model.BaseName(g.Path) != w.File || !hasAll(g.Title, w.Words) {
				continue
			}
			used[i], found = true, true
			break
		}
		if !found {
			t.Errorf("no %s %s finding on %s whose title holds %q", w.Sev, w.ID, w.File, w.Words)
			for _, g := range d.Findings {
				t.Logf("  %s %s %s: %s", g.Severity, g.ID, g.Path, g.Title)
			}
		}
	}
}

func hasAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}
