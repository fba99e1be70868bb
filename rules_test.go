package vouch_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch"
)

// TestUserRulesAndIOC runs --rules and --ioc end to end: a directory of
// rules, a list with a hash and a domain, over a directory release.
func TestUserRulesAndIOC(t *testing.T) {
	dir := t.TempDir()
	rel := filepath.Join(dir, "release")
	ruleDir := filepath.Join(dir, "rules")
	for name, body := range map[string]string{
		"release/a.txt":      "contact beacon.evil.invalid for updates\n",
		"release/b.txt":      "nothing here\n",
		"release/marker.bin": "\x00\x01EVILKIT-7\x00",
		"rules/kit.yar":      "rule Evil_Kit {\n meta:\n  description = \"Marker of the evil kit\"\n  severity = \"critical\"\n strings:\n  $m = \"EVILKIT-7\"\n condition:\n  $m\n}\n",
		"rules/notes.txt":    "not a rule file",
		"list.txt":           "# campaign X\nevil.invalid\n" + sha256hex("nothing here\n") + "  # b.txt\n",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := vouch.Inspect(context.Background(), rel, vouch.Options{Rules: []string{ruleDir}, IOCs: []string{filepath.Join(dir, "list.txt")}})
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ ID, Severity, Path, Title string }
	var got []row
	for _, f := range rep.Findings {
		if f.ID == "ioc.match" || f.ID == "rule.match" {
			got = append(got, row{f.ID, f.Severity.String(), f.Path, f.Title})
		}
	}
	want := []row{
		{"rule.match", "critical", "marker.bin", "User rule Evil_Kit (" + filepath.Join(ruleDir, "kit.yar") + ") matched: Marker of the evil kit"},
		{"ioc.match", "high", "a.txt", `Indicator from IOC list list.txt: domain "evil.invalid" (bytes at offset 15, endpoint at offset 8)`},
		{"ioc.match", "high", "b.txt", `Indicator from IOC list list.txt: SHA-256 "` + sha256hex("nothing here\n") + `" (file hash)`},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestUserRulesErrors: bad --rules and --ioc arguments are usage errors
// naming the file and line.
func TestUserRulesErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yar")
	os.WriteFile(bad, []byte("rule ok { condition: true }\nrule bad {\n condition: $x\n}\n"), 0o644)
	badIOC := filepath.Join(dir, "bad.txt")
	os.WriteFile(badIOC, []byte("evil.invalid\n???\n"), 0o644)
	tests := []struct {
		o    vouch.Options
		want string
	}{
		{vouch.Options{Rules: []string{bad}}, "--rules: " + bad + ":4: undefined string \"$x\""},
		{vouch.Options{Rules: []string{filepath.Join(dir, "missing")}}, "--rules: stat " + filepath.Join(dir, "missing")},
		{vouch.Options{IOCs: []string{badIOC}}, "--ioc: " + badIOC + ":2: not a sha256/sha1/md5 hash, URL, IP address or domain"},
	}
	for _, tc := range tests {
		_, err := vouch.Inspect(context.Background(), dir, tc.o)
		var ue *vouch.UsageError
		if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("err = %v, want usage error %q…", err, tc.want)
		}
	}
}

func sha256hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
