package diff_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/diff"
	"github.com/vouch-sec/vouch/internal/model"
)

func digest(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

// member is a file of a single-file target root; files with the same
// path and content string have the same bytes.
func member(root, p, kind, content string, facts *model.Facts) *model.File {
	return &model.File{Path: root + "!/" + p, Kind: kind, SHA256: digest(content), Size: int64(len(content)) + 1000,
		Type: "file", Facts: facts, Chain: []model.Container{{Path: root, Format: "msi"}}}
}

func release(root string, findings []model.Finding, files ...*model.File) *model.Report {
	r := &model.Report{Schema: model.SchemaInspect, Target: model.Target{Path: root, Kind: "file"}, Findings: findings}
	r.Files = append([]*model.File{{Path: root, Kind: "msi", SHA256: digest(root), Size: 1 << 20, Format: "msi", Type: "file"}}, files...)
	r.Sort()
	return r
}

const (
	oldRoot = "App-1.0.0.msi"
	newRoot = "App-1.0.1.msi"
)

// emit is a diff detector that reports fixed findings, to test what
// Compare does with detector output.
type emit []model.Finding

func (emit) Name() string                                   { return "test/emit" }
func (e emit) DetectDiff(*model.DiffReport) []model.Finding { return e }

func TestCompareStatuses(t *testing.T) {
	old := release(oldRoot, nil,
		member(oldRoot, "app/same.dll", "pe", "same", nil),
		member(oldRoot, "app/edited.dll", "pe", "v1", nil),
		member(oldRoot, "app/gone.dll", "pe", "gone", nil),
		member(oldRoot, "app/old-dir/moved.dll", "pe", "moved", nil),
		member(oldRoot, "lib/python3.11/site.py", "script/python", "py1", nil),
	)
	new := release(newRoot, nil,
		member(newRoot, "app/same.dll", "pe", "same", nil),
		member(newRoot, "app/edited.dll", "pe", "v2", nil),
		member(newRoot, "app/fresh.dll", "pe", "fresh", nil),
		member(newRoot, "app/new-dir/moved.dll", "pe", "moved", nil),
		member(newRoot, "lib/python3.12/site.py", "script/python", "py2", nil),
	)
	d := diff.Compare(old, new, diff.Config{})
	type row struct{ Path, OldPath, Status, Pairing string }
	var got []row
	for _, f := range d.Files {
		got = append(got, row{strings.TrimPrefix(f.Path, newRoot+"!/"), strings.TrimPrefix(strings.TrimPrefix(f.OldPath, oldRoot+"!/"), oldRoot), f.Status, f.Pairing})
	}
	want := []row{
		{oldRoot + "!/app/gone.dll", "", model.StatusRemoved, ""},
		{newRoot, "", model.StatusChanged, "path"},
		{"app/edited.dll", "app/edited.dll", model.StatusChanged, "path"},
		{"app/fresh.dll", "", model.StatusAdded, ""},
		{"app/new-dir/moved.dll", "app/old-dir/moved.dll", model.StatusMoved, "content"},
		{"app/same.dll", "app/same.dll", model.StatusUnchanged, "path"},
		{"lib/python3.12/site.py", "lib/python3.11/site.py", model.StatusChanged, "version"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	s := d.Summary
	if s.OldFiles != 6 || s.NewFiles != 6 || s.Added != 1 || s.Removed != 1 || s.Changed != 3 || s.Moved != 1 || s.Unchanged != 1 {
		t.Errorf("summary %+v", s)
	}
	for _, f := range d.Files {
		switch f.Status {
		case model.StatusUnchanged:
			if f.OldSHA256 != "" || f.Delta != nil {
				t.Errorf("%s unchanged but has old content or a delta", f.Path)
			}
		case model.StatusChanged:
			if f.OldSHA256 == "" || f.OldSHA256 == f.SHA256 {
				t.Errorf("%s changed without its old digest", f.Path)
			}
		}
	}
	if d.Schema != model.SchemaDiff || d.Old.Path != oldRoot || d.New.Path != newRoot || d.Verdict != model.SeverityNone {
		t.Errorf("header %s %s %s %s", d.Schema, d.Old.Path, d.New.Path, d.Verdict)
	}
}

func TestCompareDoesNotModifyReports(t *testing.T) {
	f := model.Finding{ID: "pe.overlay", Severity: model.SeverityMedium, Path: newRoot + "!/a.dll", Title: "t"}
	old := release(oldRoot, nil, member(oldRoot, "a.dll", "pe", "1", &model.Facts{PE: &model.PEFacts{Machine: "amd64"}}))
	new := release(newRoot, []model.Finding{f}, member(newRoot, "a.dll", "pe", "2", &model.Facts{PE: &model.PEFacts{Machine: "arm64"}}))
	old.Errors = []model.FileError{{Path: oldRoot + "!/x", Error: "truncated"}}
	snap := func(r *model.Report) string { b, _ := json.Marshal(r); return string(b) }
	ob, nb := snap(old), snap(new)
	d := diff.Compare(old, new, diff.Config{Detectors: []detect.DiffDetector{emit{{ID: "x.y", Severity: model.SeverityHigh, Path: newRoot + "!/a.dll"}}}})
	if snap(old) != ob || snap(new) != nb {
		t.Error("Compare modified a report")
	}
	if d.OldReport != old || d.NewReport != new {
		t.Error("the inspections are not kept")
	}
	if len(d.Errors) != 1 || d.Errors[0].Side != "old" || old.Errors[0].Side != "" {
		t.Errorf("errors %+v (old report's %+v)", d.Errors, old.Errors)
	}
	if d.Verdict != model.SeverityHigh || d.Summary.Findings["high"] != 1 || d.Summary.Findings["medium"] != 1 {
		t.Errorf("verdict %s, summary %v", d.Verdict, d.Summary.Findings)
	}
}

func TestSplitFindings(t *testing.T) {
	const (
		oldDLL = oldRoot + "!/app/a.dll"
		newDLL = newRoot + "!/app/a.dll"
		oldMv  = oldRoot + "!/old/b.dll"
		newMv  = newRoot + "!/new/b.dll"
		added  = newRoot + "!/app/c.dll"
	)
	fd := func(id string, sev model.Severity, p, title string) model.Finding {
		return model.Finding{ID: id, Severity: sev, Path: p, Title: title}
	}
	old := release(oldRoot, []model.Finding{
		fd("pe.overlay", model.SeverityMedium, oldDLL, "a.dll carries 4096 bytes"),
		fd("sig.unsigned", model.SeverityLow, oldDLL, "a.dll is unsigned"),
		fd("pe.rwx", model.SeverityMedium, oldMv, "b.dll has an RWX section"),
		fd("pe.gone", model.SeverityHigh, oldDLL, "fixed in 1.0.1"),
	},
		member(oldRoot, "app/a.dll", "pe", "a1", nil),
		member(oldRoot, "old/b.dll", "pe", "b", nil),
	)
	new := release(newRoot, []model.Finding{
		fd("pe.overlay", model.SeverityMedium, newDLL, "a.dll carries 8192 bytes"), // same problem, new numbers
		fd("sig.unsigned", model.SeverityHigh, newDLL, "a.dll is unsigned now"),    // grew
		fd("pe.rwx", model.SeverityMedium, newMv, "b.dll has an RWX section"),      // moved file
		fd("pe.tls", model.SeverityLow, newDLL, "new"),                             // new id
		fd("pe.overlay", model.SeverityMedium, added, "c.dll carries 4096 bytes"),  // new file
	},
		member(newRoot, "app/a.dll", "pe", "a2", nil),
		member(newRoot, "new/b.dll", "pe", "b", nil),
		member(newRoot, "app/c.dll", "pe", "c", nil),
	)
	d := diff.Compare(old, new, diff.Config{})
	ids := func(fs []model.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, fmt.Sprintf("%s %s %s", f.Severity, f.ID, strings.TrimPrefix(f.Path, newRoot+"!/")))
		}
		return out
	}
	if diff := cmp.Diff([]string{"high sig.unsigned app/a.dll", "medium pe.overlay app/c.dll", "low pe.tls app/a.dll"}, ids(d.Findings)); diff != "" {
		t.Errorf("new findings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"medium pe.overlay app/a.dll", "medium pe.rwx new/b.dll"}, ids(d.Existing)); diff != "" {
		t.Errorf("existing findings (-want +got):\n%s", diff)
	}
	if d.Verdict != model.SeverityHigh || d.Summary.Existing != 2 {
		t.Errorf("verdict %s, existing %d", d.Verdict, d.Summary.Existing)
	}
}

func TestCombine(t *testing.T) {
	const p = newRoot + "!/app/ffmpeg.dll"
	const q = newRoot + "!/app/other.dll"
	fd := func(id string, sev model.Severity, path string) model.Finding {
		return model.Finding{ID: id, Severity: sev, Path: path, Title: id + " title"}
	}
	tests := []struct {
		name     string
		findings []model.Finding
		want     []string // signals of each combined finding
	}{
		{"two distinct medium signals", []model.Finding{fd("net.new-endpoint", model.SeverityMedium, p), fd("bin.new-library", model.SeverityMedium, p)},
			[]string{"bin.new-library, net.new-endpoint"}},
		{"three signals, one low", []model.Finding{fd("net.new-endpoint", model.SeverityMedium, p), fd("bin.new-library", model.SeverityMedium, p), fd("bin.size-jump", model.SeverityLow, p)},
			[]string{"bin.new-library, net.new-endpoint"}},
		{"already high", []model.Finding{fd("net.new-endpoint", model.SeverityMedium, p), fd("bin.new-library", model.SeverityMedium, p), fd("bin.capability-gain", model.SeverityHigh, p)}, nil},
		{"one id twice", []model.Finding{fd("bin.new-init-entry", model.SeverityMedium, p), fd("bin.new-init-entry", model.SeverityMedium, p)}, nil},
		{"medium and low", []model.Finding{fd("net.new-endpoint", model.SeverityMedium, p), fd("bin.new-library", model.SeverityLow, p)}, nil},
		{"two files", []model.Finding{fd("net.new-endpoint", model.SeverityMedium, p), fd("bin.new-library", model.SeverityMedium, q)}, nil},
		{"release-level findings have no file", []model.Finding{fd("a.b", model.SeverityMedium, ""), fd("c.d", model.SeverityMedium, "")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := release(oldRoot, nil, member(oldRoot, "app/ffmpeg.dll", "pe", "1", nil), member(oldRoot, "app/other.dll", "pe", "1", nil))
			new := release(newRoot, nil, member(newRoot, "app/ffmpeg.dll", "pe", "2", nil), member(newRoot, "app/other.dll", "pe", "2", nil))
			d := diff.Compare(old, new, diff.Config{Detectors: []detect.DiffDetector{emit(tt.findings)}})
			var got []string
			for _, f := range d.Findings {
				if f.ID != diff.CombinedID {
					continue
				}
				if f.Severity != model.SeverityHigh || f.Path != p {
					t.Errorf("combined %s on %s", f.Severity, f.Path)
				}
				if !strings.HasPrefix(f.Title, "ffmpeg.dll changed in 2 independent suspicious ways at once") {
					t.Errorf("title %q", f.Title)
				}
				got = append(got, strings.Join(f.Evidence["signals"].([]string), ", "))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("combined (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCombineIgnoresExisting: signals the old release already had are
// context and add up to nothing.
func TestCombineIgnoresExisting(t *testing.T) {
	const path = "app/ffmpeg.dll"
	had := model.Finding{ID: "sig.unsigned-module-in-signed-package", Severity: model.SeverityMedium, Path: oldRoot + "!/" + path, Title: "unsigned"}
	now := had
	now.Path = newRoot + "!/" + path
	old := release(oldRoot, []model.Finding{had}, member(oldRoot, path, "pe", "1", nil))
	new := release(newRoot, []model.Finding{now}, member(newRoot, path, "pe", "2", nil))
	d := diff.Compare(old, new, diff.Config{Detectors: []detect.DiffDetector{emit{{ID: "net.new-endpoint", Severity: model.SeverityMedium, Path: now.Path, Title: "t"}}}})
	for _, f := range d.Findings {
		if f.ID == diff.CombinedID {
			t.Errorf("an existing finding was combined: %s", f.Title)
		}
	}
	if d.Verdict != model.SeverityMedium {
		t.Errorf("verdict %s", d.Verdict)
	}
}

// TestSplitFindingsSeverityGrewSameTitle: a finding whose severity grew is
// new even when its title stayed the same (a detector that weighs context
// keeps its wording).
func TestSplitFindingsSeverityGrewSameTitle(t *testing.T) {
	fd := func(sev model.Severity, p string) model.Finding {
		return model.Finding{ID: "sig.unsigned", Severity: sev, Path: p, Title: "a.dll is unsigned"}
	}
	old := release(oldRoot, []model.Finding{fd(model.SeverityLow, oldRoot+"!/a.dll")}, member(oldRoot, "a.dll", "pe", "1", nil))
	new := release(newRoot, []model.Finding{fd(model.SeverityHigh, newRoot+"!/a.dll")}, member(newRoot, "a.dll", "pe", "2", nil))
	d := diff.Compare(old, new, diff.Config{})
	if len(d.Findings) != 1 || d.Verdict != model.SeverityHigh {
		t.Errorf("new %v, existing %v", d.Findings, d.Existing)
	}
}
