// Package realdata locates real releases cached by
// scripts/fetch-real-data.sh, for tests that skip when they are missing.
package realdata

import (
	"os"
	"path/filepath"
	"testing"
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

// Path returns the cached file name, or skips the test when it is absent.
func Path(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(Dir(), name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not fetched (run scripts/fetch-real-data.sh)", name)
	}
	return p
}
