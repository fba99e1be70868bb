package diff

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

// CombinedID is the finding that several independent medium signals on
// one file add up to.
const CombinedID = "delta.combined"

// combine raises files with two or more distinct medium findings, and none
// already high, to one high finding: each signal alone has benign
// explanations, together they are the shape of a trojanized component (a
// codec that gains networking, executable memory and a new URL is the 3CX
// loader).
func combine(d *model.DiffReport) []model.Finding {
	byPath := map[string][]model.Finding{}
	for _, f := range d.Findings {
		if f.Path != "" && f.ID != CombinedID {
			byPath[f.Path] = append(byPath[f.Path], f)
		}
	}
	var out []model.Finding
	for _, p := range slices.Sorted(maps.Keys(byPath)) {
		fs := byPath[p]
		ids := map[string]model.Severity{}
		top := model.SeverityNone
		for _, f := range fs {
			top = max(top, f.Severity)
			if f.Severity >= model.SeverityMedium {
				ids[f.ID] = max(ids[f.ID], f.Severity)
			}
		}
		if top >= model.SeverityHigh || len(ids) < 2 {
			continue
		}
		names := make([]string, 0, len(ids))
		for id := range ids {
			names = append(names, id)
		}
		sort.Strings(names)
		var titles []string
		for _, f := range fs {
			if f.Severity >= model.SeverityMedium {
				titles = append(titles, f.Title)
			}
		}
		sort.Strings(titles)
		out = append(out, model.Finding{
			ID: CombinedID, Severity: model.SeverityHigh, Path: p,
			Title: fmt.Sprintf("%s changed in %d independent suspicious ways at once (%s): together the shape of a trojanized component",
				model.BaseName(p), len(names), strings.Join(names, ", ")),
			Evidence: map[string]any{"signals": names, "titles": titles},
		})
	}
	return out
}
