package vouch_test

import (
	"regexp"
	"testing"

	"github.com/vouch-sec/vouch/internal/analyze"
	analyzelist "github.com/vouch-sec/vouch/internal/analyze/list"
	detectlist "github.com/vouch-sec/vouch/internal/detect/list"
	"github.com/vouch-sec/vouch/internal/report"
	unpacklist "github.com/vouch-sec/vouch/internal/unpack/list"
)

var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9/+-]*$`)

// TestPluginNames keeps every registry's names unique and path-style, so
// they can name findings, formats and flags without clashes.
func TestPluginNames(t *testing.T) {
	check := func(registry string, names []string) {
		seen := map[string]bool{}
		for _, n := range names {
			if !validName.MatchString(n) {
				t.Errorf("%s: invalid name %q", registry, n)
			}
			if seen[n] {
				t.Errorf("%s: duplicate name %q", registry, n)
			}
			seen[n] = true
		}
		if len(names) == 0 {
			t.Errorf("%s: empty registry", registry)
		}
	}
	var names []string
	for _, u := range unpacklist.All() {
		names = append(names, u.Name())
	}
	check("unpackers", names)
	names = nil
	for _, a := range analyzelist.All(analyze.Config{}) {
		names = append(names, a.Name())
	}
	check("analyzers", names)
	names = nil
	for _, d := range detectlist.All(detectlist.Options{}) {
		names = append(names, d.Name())
	}
	for _, d := range detectlist.Diff() {
		names = append(names, d.Name())
	}
	check("detectors", names)
	names = nil
	for _, r := range report.All() {
		names = append(names, r.ID())
	}
	check("renderers", names)
}
