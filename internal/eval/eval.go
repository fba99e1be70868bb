// Package eval measures vouch the way it will be judged: does it catch
// compromised releases (recall over the attack-shape corpus), does it stay
// quiet on real updates (findings on benign release pairs), and how fast
// is it. `vouch eval` prints the result and fails when recall drops below
// 100% or a benign pair gets a high finding.
package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vouch-sec/vouch/internal/model"
)

// Expectation is one thing a compromised release must be flagged for: a
// finding with one of IDs on a file whose path ends with Path.
type Expectation struct {
	Path string   `json:"path"`
	IDs  []string `json:"ids"`
	Why  string   `json:"why,omitempty"`
}

// Case is one attack shape: a clean release, a benign next version and a
// compromised next version (paths relative to the corpus directory).
type Case struct {
	ID          string        `json:"id"`
	Attack      string        `json:"attack"`
	Description string        `json:"description"`
	Clean       string        `json:"clean"`
	Next        string        `json:"next"`
	Bad         string        `json:"bad"`
	Expect      []Expectation `json:"expect"`
	Roots       []string      `json:"roots,omitempty"` // PEM trust roots the case's signatures chain to
}

// LoadCases reads dir/cases.json and resolves its paths against dir.
func LoadCases(dir string) ([]Case, error) {
	b, err := os.ReadFile(filepath.Join(dir, "cases.json"))
	if err != nil {
		return nil, err
	}
	var cs []Case
	if err := json.Unmarshal(b, &cs); err != nil {
		return nil, fmt.Errorf("cases.json: %w", err)
	}
	for i := range cs {
		c := &cs[i]
		c.Clean, c.Next, c.Bad = filepath.Join(dir, c.Clean), filepath.Join(dir, c.Next), filepath.Join(dir, c.Bad)
		for j := range c.Roots {
			c.Roots[j] = filepath.Join(dir, c.Roots[j])
		}
	}
	return cs, nil
}

// DiffFunc runs one diff; roots are extra trust roots.
type DiffFunc func(ctx context.Context, old, new string, roots []string) (*model.DiffReport, error)

// Row is one expectation's outcome.
type Row struct {
	Case     string         `json:"case"`
	Path     string         `json:"path"`
	IDs      []string       `json:"ids"`
	Caught   bool           `json:"caught"`
	By       string         `json:"by,omitempty"` // the finding id that caught it
	Severity model.Severity `json:"severity"`
	Why      string         `json:"why,omitempty"`
}

// CaseResult is one case: the expectations on clean→bad and the findings
// on clean→next (which should be quiet).
type CaseResult struct {
	ID          string          `json:"id"`
	Attack      string          `json:"attack"`
	Rows        []Row           `json:"rows"`
	BadVerdict  model.Severity  `json:"bad_verdict"`
	NextVerdict model.Severity  `json:"next_verdict"`
	NextNoise   []model.Finding `json:"next_noise"` // ≥ medium on the benign next version
	Bytes       int64           `json:"bytes"`
	Seconds     float64         `json:"seconds"`
	Error       string          `json:"error,omitempty"`
}

// RunCase diffs clean→bad and clean→next.
func RunCase(ctx context.Context, c Case, run DiffFunc) CaseResult {
	res := CaseResult{ID: c.ID, Attack: c.Attack}
	start := time.Now()
	bad, err := run(ctx, c.Clean, c.Bad, c.Roots)
	if err != nil {
		res.Error = err.Error()
		for _, e := range c.Expect {
			res.Rows = append(res.Rows, Row{Case: c.ID, Path: e.Path, IDs: e.IDs, Why: e.Why})
		}
		return res
	}
	next, err := run(ctx, c.Clean, c.Next, c.Roots)
	res.Seconds = time.Since(start).Seconds()
	res.Bytes = 2*bad.Old.Size + bad.New.Size
	res.BadVerdict = bad.Verdict
	for _, e := range c.Expect {
		row := Row{Case: c.ID, Path: e.Path, IDs: e.IDs, Why: e.Why}
		for _, f := range bad.Findings {
			if slices.Contains(e.IDs, f.ID) && pathMatches(f.Path, e.Path) && (!row.Caught || f.Severity > row.Severity) {
				row.Caught, row.By, row.Severity = true, f.ID, f.Severity
			}
		}
		res.Rows = append(res.Rows, row)
	}
	if err != nil {
		res.Error = "clean→next: " + err.Error()
		return res
	}
	res.Bytes += next.New.Size
	res.NextVerdict = next.Verdict
	for _, f := range next.Findings {
		if f.Severity >= model.SeverityMedium {
			res.NextNoise = append(res.NextNoise, f)
		}
	}
	return res
}

// pathMatches reports whether virtual path p ends with suffix at a path
// boundary ("/" or "!/").
func pathMatches(p, suffix string) bool {
	p = model.PlainPath(p)
	return p == suffix || strings.HasSuffix(p, "/"+strings.TrimPrefix(suffix, "/"))
}

// Pair is a real benign release pair (two cached files).
type Pair struct {
	ID, Old, New string
}

// PairResult is one benign pair's findings.
type PairResult struct {
	ID      string          `json:"id"`
	Missing bool            `json:"missing,omitempty"`
	Verdict model.Severity  `json:"verdict"`
	Medium  []model.Finding `json:"medium"` // findings at medium
	High    []model.Finding `json:"high"`   // findings at high or critical
	Low     int             `json:"low"`
	Files   int             `json:"files"`
	Bytes   int64           `json:"bytes"`
	Seconds float64         `json:"seconds"`
	Error   string          `json:"error,omitempty"`
}

// RunPair diffs one benign pair.
func RunPair(ctx context.Context, p Pair, run DiffFunc) PairResult {
	res := PairResult{ID: p.ID}
	for _, f := range []string{p.Old, p.New} {
		if _, err := os.Stat(f); err != nil {
			res.Missing = true
			return res
		}
	}
	start := time.Now()
	d, err := run(ctx, p.Old, p.New, nil)
	res.Seconds = time.Since(start).Seconds()
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Verdict = d.Verdict
	res.Bytes = d.Old.Size + d.New.Size
	res.Files = d.Summary.OldFiles + d.Summary.NewFiles
	for _, f := range d.Findings {
		switch {
		case f.Severity >= model.SeverityHigh:
			res.High = append(res.High, f)
		case f.Severity == model.SeverityMedium:
			res.Medium = append(res.Medium, f)
		case f.Severity == model.SeverityLow:
			res.Low++
		}
	}
	return res
}

// Result is a whole evaluation.
type Result struct {
	Cases       []CaseResult `json:"cases"`
	Pairs       []PairResult `json:"pairs"`
	Expected    int          `json:"expected"`
	Caught      int          `json:"caught"`
	Recall      float64      `json:"recall"`
	CasesCaught int          `json:"cases_caught"` // every expectation of the case caught
	NextHigh    int          `json:"next_high"`    // benign next versions of the corpus with a high verdict
	PairsRun    int          `json:"pairs_run"`
	PairsHigh   int          `json:"pairs_high"`
	PairsMedium int          `json:"pairs_medium"`
	MBPerSecond float64      `json:"mb_per_second"`
	PeakRSSMB   float64      `json:"peak_rss_mb"`
}

// Summarise fills the totals.
func (r *Result) Summarise() {
	var bytes int64
	var secs float64
	r.Expected, r.Caught, r.CasesCaught, r.NextHigh = 0, 0, 0, 0
	for _, c := range r.Cases {
		all := len(c.Rows) > 0
		for _, row := range c.Rows {
			r.Expected++
			if row.Caught {
				r.Caught++
			} else {
				all = false
			}
		}
		if all {
			r.CasesCaught++
		}
		if c.NextVerdict >= model.SeverityHigh {
			r.NextHigh++
		}
		bytes += c.Bytes
		secs += c.Seconds
	}
	r.PairsRun, r.PairsHigh, r.PairsMedium = 0, 0, 0
	for _, p := range r.Pairs {
		if p.Missing || p.Error != "" {
			continue
		}
		r.PairsRun++
		if len(p.High) > 0 {
			r.PairsHigh++
		}
		if len(p.Medium) > 0 {
			r.PairsMedium++
		}
		bytes += p.Bytes
		secs += p.Seconds
	}
	if r.Expected > 0 {
		r.Recall = float64(r.Caught) / float64(r.Expected)
	}
	if secs > 0 {
		r.MBPerSecond = float64(bytes) / (1 << 20) / secs
	}
	r.PeakRSSMB = peakRSSMB()
}

// Failed reports why the evaluation fails its gate, or "". minRecall is
// the recall (0–1) below which it fails; the gate wants 1.
func (r *Result) Failed(minRecall float64) string {
	var why []string
	if r.Recall < minRecall {
		why = append(why, fmt.Sprintf("recall %.1f%% < %.1f%%", 100*r.Recall, 100*minRecall))
	}
	if r.NextHigh > 0 {
		why = append(why, fmt.Sprintf("%d benign corpus version(s) got a high verdict", r.NextHigh))
	}
	if r.PairsHigh > 0 {
		why = append(why, fmt.Sprintf("%d real benign pair(s) got a high finding", r.PairsHigh))
	}
	for _, c := range r.Cases {
		if c.Error != "" {
			why = append(why, fmt.Sprintf("case %s: %s", c.ID, c.Error))
		}
	}
	for _, p := range r.Pairs {
		if p.Error != "" {
			why = append(why, fmt.Sprintf("pair %s: %s", p.ID, p.Error))
		}
	}
	return strings.Join(why, "; ")
}
