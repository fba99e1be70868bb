package realdata

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/realdata"
)

// Pair and Pairs are the list of internal/realdata.
type Pair = realdata.Pair

// Pairs returns the successive-release pairs, fetched or not.
func Pairs() ([]Pair, error) { return realdata.Pairs() }

// PairPaths returns the cached old and new files of the pair id, or skips
// the test when either is absent. An unknown id fails the test: it is a
// mistake in the test, not missing data.
func PairPaths(t testing.TB, id string) (old, new string) {
	t.Helper()
	ps, err := Pairs()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.ID != id {
			continue
		}
		old, new = filepath.Join(Dir(), p.Old), filepath.Join(Dir(), p.New)
		for _, f := range []string{old, new} {
			if _, err := os.Stat(f); err != nil {
				t.Skipf("pair %s: %s not fetched (run scripts/fetch-real-data.sh)", id, filepath.Base(f))
			}
		}
		return old, new
	}
	t.Fatalf("realdata: no pair %q in pairs.json", id)
	return "", ""
}
