// Package realdata names the real releases scripts/fetch-real-data.sh
// caches outside the repository: where the cache is and which successive
// releases form benign pairs. `vouch eval` and the tests read it;
// internal/testutil/realdata adds the test helpers that skip when a file
// is missing.
package realdata

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Dir is the cache directory: $VOUCH_TESTDATA, else
// $XDG_CACHE_HOME/vouch-testdata, else ~/.cache/vouch-testdata.
func Dir() string {
	if d := os.Getenv("VOUCH_TESTDATA"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "vouch-testdata")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "vouch-testdata")
}

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

