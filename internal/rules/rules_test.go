package rules_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/rules"
)

const testRules = `
import "math" // modules compile, though first-party rules use none

private rule is_mz { condition: uint16(0) == 0x5a4d }

rule pe_spawn : exec windows {
  meta:
    description = "Starts processes \"CreateProcess\" { brace"
    risk = "medium"
    kinds = "pe"
    score = 7
    beta = true
  strings:
    $a = "CreateProcessW" ascii wide
    $h = { 43 72 65 61 74 65 [0-4] 50 72 }  // hex with a jump
  condition:
    is_mz and any of them
}

/* a } brace in a comment */
rule js_spawn {
  meta:
    description = "Starts processes from JavaScript"
    risk = "low"
    kinds = "script/js,script/python"
  strings:
    $a = "CreateProcessW"
    $r = /child_process["'}]/
  condition:
    any of them
}

global private rule small { condition: filesize < 1MB }

rule any_kind {
  meta:
    description = "kind is visible"
  condition:
    vouch_kind == "data" and vouch_name == "x.bin" and not vouch_is_script
}
`

func newSet(t *testing.T, code, other []rules.Source) *rules.Set {
	t.Helper()
	s, err := rules.NewSet(rules.DefaultEngine(), code, other)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func names(ms []rules.Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Namespace+"/"+m.Rule)
	}
	return out
}

func TestSetRules(t *testing.T) {
	s := newSet(t, []rules.Source{{Name: "t.yar", Namespace: "t", Text: []byte(testRules)}}, nil)
	type row struct {
		Name    string
		Kinds   []string
		Private bool
		Line    int
		Meta    map[string]string
	}
	var got []row
	for _, r := range s.Rules() {
		got = append(got, row{r.Name, r.Kinds, r.Private, r.Line, r.Meta})
	}
	want := []row{
		{Name: "is_mz", Private: true, Line: 4},
		{Name: "pe_spawn", Kinds: []string{"pe"}, Line: 6, Meta: map[string]string{
			"description": `Starts processes "CreateProcess" { brace`, "risk": "medium", "kinds": "pe", "score": "7", "beta": "true"}},
		{Name: "js_spawn", Kinds: []string{"script/js", "script/python"}, Line: 21, Meta: map[string]string{
			"description": "Starts processes from JavaScript", "risk": "low", "kinds": "script/js,script/python"}},
		{Name: "small", Private: true, Line: 33},
		{Name: "any_kind", Line: 35, Meta: map[string]string{"description": "kind is visible"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rules (-want +got):\n%s", d)
	}
	if o := s.Origin("t"); o != rules.OriginVouch {
		t.Errorf("origin = %q", o)
	}
}

// TestKindScoping: a PE rule never runs on a JavaScript file holding the
// same strings, and the other way round.
func TestKindScoping(t *testing.T) {
	s := newSet(t, []rules.Source{{Name: "t.yar", Namespace: "t", Text: []byte(testRules)}}, nil)
	mz := []byte("MZ\x90\x00 CreateProcessW child_process' ")
	tests := []struct {
		kind, path string
		data       []byte
		want       []string
	}{
		{"pe", "a.zip!/x.exe", mz, []string{"t/pe_spawn"}},
		{"script/js", "a.zip!/x.js", mz, []string{"t/js_spawn"}},
		{"script/python", "x.py", mz, []string{"t/js_spawn"}},
		{"elf", "x.so", mz, nil},
		{"data", "a.tgz!/x.bin", []byte("zz"), []string{"t/any_kind"}},
		{"data", "a.tgz!/y.bin", []byte("zz"), nil},
	}
	for _, tc := range tests {
		ms, err := s.Scan(context.Background(), rules.Target{Kind: tc.kind, Path: tc.path}, tc.data, rules.ScopeAll)
		if err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		if d := cmp.Diff(tc.want, names(ms)); d != "" {
			t.Errorf("%s %s (-want +got):\n%s", tc.kind, tc.path, d)
		}
	}
	if !s.HasRules("pe", rules.ScopeAll) || !s.HasRules("gif-ish", rules.ScopeAll) {
		t.Error("HasRules: any_kind applies to every kind")
	}
	if s.HasRules("pe", rules.ScopeBytes) {
		t.Error("HasRules: no byte-scope sources")
	}
}

func TestMatchDetails(t *testing.T) {
	s := newSet(t, []rules.Source{{Name: "t.yar", Namespace: "t", Text: []byte(testRules)}}, nil)
	data := []byte("MZ..C\x00r\x00e\x00a\x00t\x00e\x00P\x00r\x00o\x00c\x00e\x00s\x00s\x00W\x00")
	ms, err := s.Scan(context.Background(), rules.Target{Kind: "pe", Path: "x.exe"}, data, rules.ScopeAll)
	if err != nil {
		t.Fatal(err)
	}
	want := []rules.Match{{
		Namespace: "t", Rule: "pe_spawn",
		Meta:    map[string]string{"description": `Starts processes "CreateProcess" { brace`, "risk": "medium", "kinds": "pe", "score": "7", "beta": "true"},
		Strings: []rules.MatchString{{ID: "$a", Offset: 4, Data: data[4:]}},
	}}
	if d := cmp.Diff(want, ms); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestCompileError(t *testing.T) {
	bad := "rule ok { condition: true }\n\nrule broken {\n  strings:\n    $a = \"x\"\n  condition:\n    $b\n}\n"
	_, err := rules.DefaultEngine().Compile([]rules.Source{{Name: "user/bad.yar", Namespace: "u", Text: []byte(bad)}}, nil)
	var ce *rules.CompileError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *CompileError", err)
	}
	// libyara places the error at the end of the rule.
	if ce.Source != "user/bad.yar" || ce.Line != 8 || !strings.Contains(ce.Msg, "$b") {
		t.Errorf("got %+v", ce)
	}
}

// TestIncludesDisabled: a rule file cannot read host files.
func TestIncludesDisabled(t *testing.T) {
	_, err := rules.DefaultEngine().Compile([]rules.Source{{Name: "i.yar", Namespace: "u", Text: []byte(`include "/etc/passwd"`)}}, nil)
	if err == nil {
		t.Fatal("include compiled")
	}
}

func TestTimeout(t *testing.T) {
	// Quadratic condition over many matches: far more than a second.
	slow := `rule slow { strings: $a = "a" condition: for all i in (1..#a) : (for all j in (1..#a) : (@a[i] + @a[j] >= 0)) }`
	s := newSet(t, nil, []rules.Source{{Name: "slow.yar", Namespace: "u", Text: []byte(slow)}})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.Scan(ctx, rules.Target{Kind: "data"}, []byte(strings.Repeat("a", 200_000)), rules.ScopeAll)
	if !errors.Is(err, rules.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("timed out after %v", el)
	}
}

// TestFirstParty checks the metadata convention of every embedded rule and
// that every kind's ruleset compiles.
func TestFirstParty(t *testing.T) {
	srcs, err := rules.FirstParty()
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) == 0 {
		t.Skip("no first-party rules yet")
	}
	for _, src := range srcs {
		if strings.Contains(string(src.Text), "import \"") {
			t.Errorf("%s: first-party rules use no YARA modules", src.Name)
		}
	}
	s, err := rules.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Rules() {
		if r.Private {
			continue
		}
		id := r.Namespace + "/" + r.Name
		if d := r.Meta["description"]; d == "" || strings.ContainsAny(d, "\n") || len(d) > 120 {
			t.Errorf("%s: description %q: want one line", id, d)
		}
		switch r.Meta["risk"] {
		case "low", "medium", "high", "critical":
		default:
			t.Errorf("%s: risk %q", id, r.Meta["risk"])
		}
		if len(r.Kinds) == 0 {
			t.Errorf("%s: no kinds", id)
		}
		for _, k := range r.Kinds {
			if !rules.ValidKindPattern(k) {
				t.Errorf("%s: unknown kind %q", id, k)
			}
		}
	}
	d, err := s.CompileAll()
	if err != nil {
		t.Fatal(err)
	}
	n, _ := s.Groups()
	t.Logf("%d first-party rules in %d files; %d rulesets compiled in %v", len(s.Rules()), len(srcs), n, d)
}

func TestKindMatches(t *testing.T) {
	tests := []struct {
		pattern, kind string
		want          bool
	}{
		{"*", "text", true},
		{"native", "macho-fat", true},
		{"native", "script/js", false},
		{"script/*", "script/shell", true},
		{"script/*", "text", false},
		{"macho", "macho-fat", true},
		{"pe", "pe", true},
		{"pe", "elf", false},
	}
	for _, tc := range tests {
		if got := rules.KindMatches(tc.pattern, tc.kind); got != tc.want {
			t.Errorf("KindMatches(%q, %q) = %v", tc.pattern, tc.kind, got)
		}
	}
}

func TestReadUserRules(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"a/x.yar", "b/x.YARA", "b/notes.txt", "c.yar"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte("rule r { condition: true }"), 0o644)
	}
	srcs, err := rules.ReadUserRules([]string{dir, filepath.Join(dir, "c.yar")})
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for _, s := range srcs {
		rel, _ := filepath.Rel(dir, s.Name)
		got = append(got, [2]string{rel, s.Namespace})
	}
	want := [][2]string{{"a/x.yar", "user/x"}, {"b/x.YARA", "user/x-2"}, {"c.yar", "user/c"}, {"c.yar", "user/c-2"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if _, err := rules.ReadUserRules([]string{filepath.Join(dir, "b", "nothing")}); err == nil {
		t.Error("missing path: no error")
	}
	empty := t.TempDir()
	if _, err := rules.ReadUserRules([]string{empty}); err == nil {
		t.Error("empty dir: no error")
	}
}

// TestLoadValidates: a user syntax error is reported by Load, naming the
// file and line.
func TestLoadValidates(t *testing.T) {
	_, err := rules.Load([]rules.Source{{Name: "/x/bad.yar", Namespace: "user/bad", Text: []byte("rule a {\n condition: nope\n}")}})
	var ce *rules.CompileError
	if !errors.As(err, &ce) || ce.Source != "/x/bad.yar" || ce.Line != 2 {
		t.Fatalf("err = %v", err)
	}
	s, err := rules.Load([]rules.Source{{Name: "/x/ok.yar", Namespace: "user/ok", Text: []byte("rule a { condition: true }")}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Origin("user/ok") != "/x/ok.yar" {
		t.Errorf("origin %q", s.Origin("user/ok"))
	}
	// User rules without kinds run on every kind, in the bytes scope.
	if !s.HasRules("image/png", rules.ScopeBytes) {
		t.Error("user rule not in the bytes scope of image/png")
	}
}
