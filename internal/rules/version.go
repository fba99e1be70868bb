package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// FirstPartyVersion identifies the embedded first-party rule set, so that a
// verdict can name the exact rules it was reached with.
type FirstPartyVersion struct {
	// Digest is "sha256:<hex>" of the rule set's manifest: one line
	// "<sha256 of the file>  <path>\n" per rule file, sorted by path, the
	// same text `sha256sum rules/*/*.yar` prints in internal/rules with
	// LC_ALL=C. It changes when any rule file is added, removed, renamed
	// or edited, and nothing else changes it.
	Digest string
	Files  int // rule files in the set
}

var firstPartyVersion = sync.OnceValues(func() (FirstPartyVersion, error) {
	srcs, err := FirstParty()
	if err != nil {
		return FirstPartyVersion{}, err
	}
	// Byte order of the whole path, as sort(1) in the C locale has it; a
	// directory walk puts "a/x" before "a-b/x", this does not.
	slices.SortFunc(srcs, func(a, b Source) int { return strings.Compare(a.Name, b.Name) })
	m := sha256.New()
	for _, s := range srcs {
		sum := sha256.Sum256(s.Text)
		fmt.Fprintf(m, "%s  %s\n", hex.EncodeToString(sum[:]), s.Name)
	}
	return FirstPartyVersion{Digest: "sha256:" + hex.EncodeToString(m.Sum(nil)), Files: len(srcs)}, nil
})

// Version returns the identity of the embedded first-party rules. It is
// computed once per process.
func Version() (FirstPartyVersion, error) { return firstPartyVersion() }
