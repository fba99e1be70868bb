package realdata

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// pairsJSON lists the successive-release pairs; it is embedded so that
// callers need neither a path to the repository nor the cache to read it.
//
//go:embed pairs.json
var pairsJSON []byte

// Pair is an old and a new real release of one package, as fetched by
// scripts/fetch-real-data.sh: a benign update that detectors and diffs
// should stay quiet on.
type Pair struct {
	// ID names the pair, unique within the list.
	ID string `json:"id"`
	// Ecosystem is the registry the pair comes from ("npm" or "deb").
	Ecosystem string `json:"ecosystem"`
	// Old and New are file names in the cache directory (Dir).
	Old string `json:"old"`
	New string `json:"new"`
	// Note says what the pair carries and what kind of update it is.
	Note string `json:"note"`
}

// Pairs returns the successive-release pairs in the order of pairs.json,
// whether or not they are fetched.
func Pairs() ([]Pair, error) {
	var ps []Pair
	if err := json.Unmarshal(pairsJSON, &ps); err != nil {
		return nil, fmt.Errorf("realdata: pairs.json: %w", err)
	}
	return ps, nil
}

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
