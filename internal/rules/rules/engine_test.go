package rules_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/capability"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/rules"
)

// readExpect reads testdata/expect.txt: fixture → capability ids ("-"
// lines give an empty list).
func readExpect(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("testdata/expect.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) != 2 {
			continue
		}
		if _, ok := want[fields[0]]; !ok {
			want[fields[0]] = []string{}
		}
		if fields[1] != "-" {
			want[fields[0]] = append(want[fields[0]], fields[1])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return want
}

// TestExpectWithEngine runs every fixture through vouch's own path: kind
// from identify, the capability analyzer (kind-scoped rulesets, comment
// stripping for scripts, libyara), and compares the capability ids with
// expect.txt exactly.
func TestExpectWithEngine(t *testing.T) {
	if _, err := rules.Default(); errors.Is(err, rules.ErrNoEngine) {
		t.Skip("built without a rule engine (cgo off)")
	} else if err != nil {
		t.Fatal(err)
	}
	a := capability.New(analyze.Config{})
	want := readExpect(t)
	fixtures := make([]string, 0, len(want))
	for fx := range want {
		fixtures = append(fixtures, fx)
	}
	sort.Strings(fixtures)
	for _, fx := range fixtures {
		t.Run(fx, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", fx))
			if err != nil {
				t.Fatal(err)
			}
			head := data[:min(len(data), identify.HeadSize)]
			kind := identify.Identify(head, int64(len(data)), fx)
			f := &model.File{Path: fx, Kind: kind, Facts: &model.Facts{}}
			var got []string
			if a.Match(kind) {
				in := &analyze.Input{Path: fx, Kind: kind, R: bytes.NewReader(data), Size: int64(len(data)), Head: head}
				if err := a.Analyze(context.Background(), in, f); err != nil {
					t.Fatal(err)
				}
			}
			for _, c := range f.Facts.Capabilities {
				got = append(got, c.ID)
			}
			w := append([]string{}, want[fx]...)
			sort.Strings(w)
			sort.Strings(got)
			if diff := cmp.Diff(w, got, cmp.Transformer("nil", func(s []string) []string {
				if s == nil {
					return []string{}
				}
				return s
			})); diff != "" {
				t.Errorf("%s [%s] capabilities (-want +got):\n%s", fx, kind, diff)
			}
		})
	}
}
