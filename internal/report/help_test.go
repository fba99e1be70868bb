package report_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vouch-sec/vouch/internal/report"
)

// diffIDs are the diff detectors' finding ids (DETECTORS.md and the diff
// design); they have help before their detectors land.
var diffIDs = []string{
	"bin.capability-gain", "bin.new-library", "bin.new-init-entry", "bin.arch-asymmetry", "bin.entropy-jump",
	"bin.size-jump", "bin.overlay-growth", "bin.vendored-mismatch", "pe.same-digest-new-bytes",
	"pe.cert-table-growth", "sig.signer-changed", "sig.signature-removed", "net.new-endpoint",
	"str.obfuscated-literal", "pkg.install-hook-added", "pkg.new-dependency", "pkg.native-binary-added",
	"pkg.maintainer-script-changed", "pkg.secret-harvest", "data.unexpected-location", "delta.combined",
	"pkg.global-hook", "pkg.ai-agent-abuse", "pkg.destructive-or-persistent", "pkg.targeting-gate",
}

func checkHelp(t *testing.T, id string) {
	t.Helper()
	short, long := report.Help(id)
	genericShort, _ := report.Help("no-such.finding-id")
	if short == "" || strings.HasPrefix(short, strings.TrimSuffix(genericShort, "no-such.finding-id")) {
		t.Errorf("%s: no specific short help", id)
	}
	for _, part := range []string{"**What it means.**", "**What to do.**"} {
		if !strings.Contains(long, part) {
			t.Errorf("%s: help lacks %q", id, part)
		}
	}
	if strings.Contains(short, "\n") || !strings.HasSuffix(short, ".") {
		t.Errorf("%s: short help %q is not one sentence", id, short)
	}
}

func TestHelpDiffIDs(t *testing.T) {
	for _, id := range diffIDs {
		checkHelp(t, id)
	}
}

// TestHelpCoversDetectors finds the finding ids the detectors and the
// engine emit in their sources and requires help for each, so a new
// detector cannot ship alerts that explain nothing.
func TestHelpCoversDetectors(t *testing.T) {
	var (
		constName = regexp.MustCompile(`\b(\w*Name)\s*=\s*"([a-z]+)"`)
		composed  = regexp.MustCompile(`\b(\w*Name)\s*\+\s*"\.([a-z0-9-]+)"`)
		literal   = regexp.MustCompile(`(?:\bID\w*\s*=|\bID:|f\.ID, f\.Severity =)\s*"([a-z]+\.[a-z0-9.-]+)"`)
	)
	found := map[string]bool{}
	for _, dir := range []string{filepath.Join("..", "detect"), filepath.Join("..", "engine")} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			src := string(b)
			names := map[string]string{}
			for _, m := range constName.FindAllStringSubmatch(src, -1) {
				names[m[1]] = m[2]
			}
			for _, m := range composed.FindAllStringSubmatch(src, -1) {
				if prefix, ok := names[m[1]]; ok {
					found[prefix+"."+m[2]] = true
				}
			}
			for _, m := range literal.FindAllStringSubmatch(src, -1) {
				found[m[1]] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	// A sanity floor: the scan must see the detectors it is meant to.
	for _, id := range []string{"pe.cert-table-payload", "sig.untrusted", "image.trailing-data", "unpack.limit", "bin.arch-asymmetry"} {
		if !found[id] {
			t.Fatalf("source scan missed %s (found %v): fix the patterns", id, ids)
		}
	}
	for _, id := range ids {
		checkHelp(t, id)
	}
	t.Logf("%d finding ids in the detectors and engine have help: %v", len(ids), ids)
	for _, id := range ids {
		if !slices.Contains(report.HelpIDs(), id) {
			t.Errorf("HelpIDs lacks %s", id)
		}
	}
}

func TestHelpUnknown(t *testing.T) {
	short, long := report.Help("vendor.custom-thing")
	if !strings.Contains(short, "vendor.custom-thing") || !strings.Contains(long, "family `vendor`") {
		t.Errorf("generic help = %q / %q", short, long)
	}
}
