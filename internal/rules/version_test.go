package rules_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/vouch-sec/vouch/internal/rules"
)

// TestVersion checks the documented recipe: the digest is sha256 of the
// sha256sum manifest of rules/*/*.yar as the files lie on disk, so the
// embedded set is exactly those files.
func TestVersion(t *testing.T) {
	files, err := filepath.Glob("rules/*/*.yar")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob: %v, %d files", err, len(files))
	}
	sort.Strings(files)
	var manifest strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&manifest, "%x  %s\n", sha256.Sum256(b), filepath.ToSlash(f))
	}
	sum := sha256.Sum256([]byte(manifest.String()))
	want := rules.FirstPartyVersion{Digest: "sha256:" + hex.EncodeToString(sum[:]), Files: len(files)}

	got, err := rules.Version()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Version() = %+v, want %+v", got, want)
	}
	again, _ := rules.Version()
	if again != got {
		t.Errorf("second call %+v differs from first %+v", again, got)
	}
}
