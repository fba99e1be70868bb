// Package realdata locates real releases cached by
// scripts/fetch-real-data.sh, for tests that skip when they are missing.
package realdata

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/realdata"
)

// Dir is the cache directory (see internal/realdata).
func Dir() string { return realdata.Dir() }

// Path returns the cached file name, or skips the test when it is absent.
func Path(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(Dir(), name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not fetched (run scripts/fetch-real-data.sh)", name)
	}
	return p
}
