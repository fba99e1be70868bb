// Package rules_test checks the first-party YARA rule files as text: meta,
// naming, the subset of YARA a pure-Go engine must run, and that
// testdata/expect.txt is consistent with the rules and fixtures. Matching
// itself is tested by the rule engine (internal/rules) against expect.txt,
// and by scripts/check-rules.sh with the yara CLI.
package rules_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var namespaces = []string{"ai-agent", "anti-analysis", "collect", "credential", "crypto", "evasion",
	"exec", "exfil", "fs", "hook", "impact", "install-hook", "mem", "net", "obfuscation", "persist", "wallet"}

var (
	ruleRe     = regexp.MustCompile(`(?ms)^rule\s+(\w+)\s*\{(.*?)^\}`)
	metaRe     = regexp.MustCompile(`(?m)^\s*(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"`)
	externalRe = regexp.MustCompile(`\bvouch_\w+`)
	kindTokens = map[string]bool{"pe": true, "elf": true, "macho": true, "macho-fat": true, "native": true,
		"script/js": true, "script/python": true, "script/shell": true, "script/powershell": true,
		"script/batch": true, "script/*": true, "text/json": true, "*": true}
	risks = map[string]bool{"low": true, "medium": true, "high": true, "critical": true}
)

type rule struct {
	id, name, file, body string
	meta                 map[string]string
}

func loadRules(t *testing.T) map[string]rule {
	t.Helper()
	files, err := filepath.Glob("*/*.yar")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob rule files: %v (%d files)", err, len(files))
	}
	rules := map[string]rule{}
	names := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ns := filepath.Dir(f)
		for _, m := range ruleRe.FindAllStringSubmatch(string(b), -1) {
			r := rule{id: ns + "/" + strings.ReplaceAll(m[1], "_", "-"), name: m[1], file: f, body: m[2], meta: map[string]string{}}
			metaPart, _, _ := strings.Cut(r.body, "strings:")
			metaPart, _, _ = strings.Cut(metaPart, "condition:")
			for _, mm := range metaRe.FindAllStringSubmatch(metaPart, -1) {
				r.meta[mm[1]] = mm[2]
			}
			if prev, ok := names[r.name]; ok {
				t.Errorf("%s: rule name %s already used in %s", f, r.name, prev)
			}
			names[r.name] = f
			rules[r.id] = r
		}
	}
	return rules
}

func TestNamespaces(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "testdata" {
			got = append(got, e.Name())
		}
	}
	if diff := cmp.Diff(namespaces, got); diff != "" {
		t.Errorf("namespace folders (-want +got):\n%s", diff)
	}
	rules := loadRules(t)
	for _, ns := range namespaces {
		n := 0
		for id := range rules {
			if strings.HasPrefix(id, ns+"/") {
				n++
			}
		}
		if n == 0 {
			t.Errorf("namespace %s has no rules", ns)
		}
	}
	if len(rules) < 100 {
		t.Errorf("only %d rules", len(rules))
	}
}

func TestRuleMeta(t *testing.T) {
	for id, r := range loadRules(t) {
		for _, k := range []string{"description", "risk", "kinds"} {
			if r.meta[k] == "" {
				t.Errorf("%s: missing meta %s", id, k)
			}
		}
		for k := range r.meta {
			if k != "description" && k != "risk" && k != "kinds" && k != "os" {
				t.Errorf("%s: unexpected meta %s", id, k)
			}
		}
		if !risks[r.meta["risk"]] {
			t.Errorf("%s: risk %q", id, r.meta["risk"])
		}
		for _, k := range strings.Split(r.meta["kinds"], ",") {
			if !kindTokens[strings.TrimSpace(k)] {
				t.Errorf("%s: kind %q", id, k)
			}
		}
		if osName := r.meta["os"]; osName != "" && osName != "windows" && osName != "linux" && osName != "macos" {
			t.Errorf("%s: os %q", id, osName)
		}
		if d := r.meta["description"]; len(d) > 120 || strings.HasSuffix(d, ".") {
			t.Errorf("%s: description should be one short line without a final period: %q", id, d)
		}
	}
}

// TestPortableSubset keeps the rules to what a pure-Go engine could run:
// no modules, no loops, no `with`, and only the engine's externals.
func TestPortableSubset(t *testing.T) {
	files, _ := filepath.Glob("*/*.yar")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "import ") || strings.HasPrefix(strings.TrimSpace(line), "include ") {
				t.Errorf("%s:%d: imports and includes are not allowed", f, i+1)
			}
		}
	}
	loopRe := regexp.MustCompile(`\bfor\s+(any|all|none|\d+)\b|\bwith\b|\b(pe|elf|math|hash|dotnet|magic|cuckoo|console|time|string)\.\w+`)
	for id, r := range loadRules(t) {
		_, cond, ok := strings.Cut(r.body, "condition:")
		if !ok {
			t.Errorf("%s: no condition", id)
			continue
		}
		if m := loopRe.FindString(cond); m != "" {
			t.Errorf("%s: condition uses %q", id, m)
		}
		for _, v := range externalRe.FindAllString(cond, -1) {
			if v != "vouch_kind" && v != "vouch_path" && v != "vouch_name" && v != "vouch_is_script" {
				t.Errorf("%s: unknown external %s", id, v)
			}
		}
	}
}

func TestExpectTable(t *testing.T) {
	rules := loadRules(t)
	f, err := os.Open("testdata/expect.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{}
	fired := map[string]bool{}
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 {
			t.Errorf("expect.txt:%d: want 'fixture rule-id', got %q", ln, sc.Text())
			continue
		}
		fx, id := fields[0], fields[1]
		if seen[fx+" "+id] {
			t.Errorf("expect.txt:%d: duplicate line %q", ln, sc.Text())
		}
		seen[fx+" "+id] = true
		listed[fx] = true
		if st, err := os.Stat(filepath.Join("testdata", fx)); err != nil {
			t.Errorf("expect.txt:%d: %v", ln, err)
		} else if st.Size() > 100<<10 {
			t.Errorf("expect.txt:%d: fixture %s is %d bytes (keep fixtures under 100 KB)", ln, fx, st.Size())
		}
		if id != "-" {
			if _, ok := rules[id]; !ok {
				t.Errorf("expect.txt:%d: unknown rule %s", ln, id)
			}
			fired[id] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var total int64
	err = filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("testdata", p)
		if strings.HasSuffix(rel, ".yar") {
			t.Errorf("testdata/%s: no .yar files under testdata (the engine embeds */*.yar)", rel)
		}
		if info, err := d.Info(); err == nil {
			total += info.Size()
		}
		if !listed[filepath.ToSlash(rel)] && !strings.HasPrefix(rel, "src"+string(filepath.Separator)) &&
			rel != "expect.txt" && rel != "gen.sh" {
			t.Errorf("testdata/%s is not listed in expect.txt", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > 1536<<10 {
		t.Errorf("testdata holds %d bytes; keep it under 1.5 MB", total)
	}
	var never []string
	for id := range rules {
		if !fired[id] {
			never = append(never, id)
		}
	}
	sort.Strings(never)
	if len(never) > 0 {
		t.Errorf("rules no fixture makes fire: %v", never)
	}
}
