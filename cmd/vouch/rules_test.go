package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRulesFlags: a rule that does not compile is a usage error (exit 2)
// naming file and line; an IOC hit is a high finding (exit 1).
func TestRulesFlags(t *testing.T) {
	target := write(t, "r.zip", zipOf(t, map[string]string{"a.js": "fetch('https://cdn.evil.invalid/x')"}))
	bad := write(t, "bad.yar", []byte("rule r {\n  strings: $a = \"x\"\n  condition: $a and $b\n}\n"))
	r := runVouch(t, "inspect", target, "--rules", bad, "--format", "json")
	if r.code != 2 || !strings.Contains(r.stderr, bad+":4: undefined string") {
		t.Errorf("bad rules: exit %d, stderr %q", r.code, r.stderr)
	}
	list := write(t, "list.txt", []byte("# test\nevil.invalid\n"))
	good := write(t, "good.yar", []byte("rule Fetch { meta: severity = \"low\" strings: $f = \"fetch(\" condition: $f }\n"))
	r = runVouch(t, "inspect", target, "--ioc", list, "--rules", good, "--format", "json")
	if r.code != 1 {
		t.Fatalf("ioc hit: exit %d, stderr %q", r.code, r.stderr)
	}
	var rep struct {
		Findings []struct {
			ID, Severity, Path string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		if f.ID == "ioc.match" || f.ID == "rule.match" {
			got = append(got, f.ID+" "+f.Severity+" "+f.Path)
		}
	}
	want := "ioc.match high r.zip!/a.js,rule.match low r.zip!/a.js"
	if strings.Join(got, ",") != want {
		t.Errorf("findings %q, want %q", got, want)
	}
}
