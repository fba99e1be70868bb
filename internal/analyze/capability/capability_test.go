package capability_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/capability"
	"github.com/vouch-sec/vouch/internal/analyze/list"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/rules"
)

// codeRules stand in for first-party rules (namespace "exec").
const codeRules = `
rule js_child_process {
  meta:
    description = "Starts other programs (child_process)"
    risk = "low"
    kinds = "script/js"
  strings:
    $r = /require\(\s*["']child_process["']\s*\)/
  condition:
    any of them
}

rule win_create_process {
  meta:
    description = "Starts other programs (CreateProcess)"
    risk = "medium"
    kinds = "pe"
  strings:
    $a = "CreateProcessW" ascii wide
    $b = "ShellExecuteW" ascii wide
  condition:
    any of them
}
`

const userRules = `
rule Evil_Marker {
  meta:
    description = "Marker of the evil kit"
    severity = "high"
  strings:
    $m = "EVILKIT-7" ascii wide
  condition:
    $m
}

rule No_Severity {
  strings:
    $m = "EVILKIT-7"
  condition:
    $m and filesize < 10KB
}
`

const iocList = `# test list
evil.invalid
hxxp://c2.invalid/gate[.]php   # defanged
192.0.2.66
`

type file struct {
	path, kind string
	data       []byte
	endpoints  []model.Endpoint
}

func analyzeOne(t *testing.T, cfg analyze.Config, fl file) *model.File {
	t.Helper()
	sum := sha256.Sum256(fl.data)
	f := &model.File{Path: fl.path, Kind: fl.kind, Size: int64(len(fl.data)), SHA256: hex.EncodeToString(sum[:]),
		Facts: &model.Facts{Endpoints: fl.endpoints}}
	a := capability.New(cfg)
	if !a.Match(fl.kind) {
		return f
	}
	in := &analyze.Input{Path: fl.path, Kind: fl.kind, R: bytes.NewReader(fl.data), Size: int64(len(fl.data))}
	if err := a.Analyze(context.Background(), in, f); err != nil {
		t.Fatalf("%s: %v", fl.path, err)
	}
	return f
}

func config(t *testing.T, lists ...*rules.IOCList) analyze.Config {
	t.Helper()
	other := []rules.Source{{Name: "/rules/evil.yar", Namespace: "user/evil", Text: []byte(userRules)}}
	set, err := rules.NewSet(rules.DefaultEngine(), []rules.Source{{Name: "rules/exec/t.yar", Namespace: "exec", Text: []byte(codeRules)}}, other)
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	return analyze.Config{Rules: set, IOC: lists}
}

func TestCapabilities(t *testing.T) {
	cfg := config(t)
	js := "const cp = require('child_process');\ncp.execFileSync('ls');\n"
	readme := "/**\n * Usage: const cp = require('child_process');\n */\n// also require(\"child_process\")\nmodule.exports = 1;\n"
	pe := "MZ\x90\x00....C\x00r\x00e\x00a\x00t\x00e\x00P\x00r\x00o\x00c\x00e\x00s\x00s\x00W\x00\x00\x00ShellExecuteW\x00EVILKIT-7"
	tests := []struct {
		name string
		f    file
		want []model.Capability
	}{
		{"js code", file{"p.tgz!/package/index.js", "script/js", []byte(js), nil}, []model.Capability{{
			ID: "exec/js-child-process", Namespace: "exec", Rule: "js_child_process", Risk: model.SeverityLow,
			Description: "Starts other programs (child_process)", Source: "vouch", Evidence: []string{"require('child_process')"},
		}}},
		// A README-like comment is not a capability.
		{"js comment only", file{"p.tgz!/package/readme.js", "script/js", []byte(readme), nil}, nil},
		// PE rules do not run on JavaScript holding the same strings.
		{"js with PE strings", file{"x.js", "script/js", []byte("var s = 'CreateProcessW ShellExecuteW';"), nil}, nil},
		{"pe", file{"setup.exe", "pe", []byte(pe), nil}, []model.Capability{
			{ID: "exec/win-create-process", Namespace: "exec", Rule: "win_create_process", Risk: model.SeverityMedium,
				Description: "Starts other programs (CreateProcess)", Source: "vouch", Evidence: []string{"CreateProcessW", "ShellExecuteW"}},
			{ID: "user/evil/Evil_Marker", Namespace: "user/evil", Rule: "Evil_Marker", Risk: model.SeverityHigh,
				Description: "Marker of the evil kit", Source: "/rules/evil.yar", Evidence: []string{"EVILKIT-7"}},
			{ID: "user/evil/No_Severity", Namespace: "user/evil", Rule: "No_Severity", Risk: model.SeverityMedium,
				Source: "/rules/evil.yar", Evidence: []string{"EVILKIT-7"}},
		}},
		// User rules run on scripts over the raw bytes, comments included.
		{"user rule in a js comment", file{"a.js", "script/js", []byte("// EVILKIT-7\n"), nil}, []model.Capability{
			{ID: "user/evil/Evil_Marker", Namespace: "user/evil", Rule: "Evil_Marker", Risk: model.SeverityHigh,
				Description: "Marker of the evil kit", Source: "/rules/evil.yar", Evidence: []string{"EVILKIT-7"}},
			{ID: "user/evil/No_Severity", Namespace: "user/evil", Rule: "No_Severity", Risk: model.SeverityMedium,
				Source: "/rules/evil.yar", Evidence: []string{"EVILKIT-7"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := analyzeOne(t, cfg, tc.f)
			if d := cmp.Diff(tc.want, f.Facts.Capabilities); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if f.Facts.IOCMatches != nil {
				t.Errorf("IOC matches without lists: %v", f.Facts.IOCMatches)
			}
		})
	}
}

func TestIOC(t *testing.T) {
	hit := []byte("hello from a flagged file")
	md := md5.Sum(hit)
	sh := sha256.Sum256([]byte("another flagged file"))
	list, err := rules.ParseIOC("apt.txt", strings.NewReader(iocList+hex.EncodeToString(md[:])+"\n"+strings.ToUpper(hex.EncodeToString(sh[:]))+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config(t, list)
	wide := func(s string) string {
		var b strings.Builder
		for _, c := range []byte(s) {
			b.WriteByte(c)
			b.WriteByte(0)
		}
		return b.String()
	}
	tests := []struct {
		name string
		f    file
		want []model.IOCMatch
	}{
		{"md5", file{"a.txt", "text", hit, nil}, []model.IOCMatch{
			{List: "apt.txt", Indicator: hex.EncodeToString(md[:]), Type: "md5", Where: "file-hash"}}},
		{"sha256", file{"b.bin", "data", []byte("another flagged file"), nil}, []model.IOCMatch{
			{List: "apt.txt", Indicator: hex.EncodeToString(sh[:]), Type: "sha256", Where: "file-hash"}}},
		{"domain in bytes", file{"c.bin", "data", []byte("xx://EVIL.invalid/x and sub.evil.invalid"), nil}, []model.IOCMatch{
			{List: "apt.txt", Indicator: "evil.invalid", Type: "domain", Where: "bytes", Offset: 5}}},
		{"domain inside another name is no hit", file{"d.bin", "data", []byte("notevil.invalid evil.invalidx"), nil}, nil},
		{"url and ip in utf-16", file{"e.exe", "pe", []byte("MZ" + wide("http://c2.invalid/gate.php") + " " + wide("192.0.2.66")), nil}, []model.IOCMatch{
			{List: "apt.txt", Indicator: "192.0.2.66", Type: "ip", Where: "bytes", Offset: 55},
			{List: "apt.txt", Indicator: "http://c2.invalid/gate.php", Type: "url", Where: "bytes", Offset: 2},
		}},
		{"ip prefix is no hit", file{"f.txt", "text", []byte("192.0.2.661 1192.0.2.66"), nil}, nil},
		// Endpoints found by the endpoints analyzer, e.g. after decoding.
		{"endpoints", file{"g.dll", "pe", []byte("MZ nothing plain"), []model.Endpoint{
			{Value: "https://cdn.evil.invalid/x", Type: "url", Encoding: "xor:0x5a", Offset: 100},
			{Value: "192.0.2.66", Type: "ip", Offset: 7},
			{Value: "good.example", Type: "domain", Offset: 9},
		}}, []model.IOCMatch{
			{List: "apt.txt", Indicator: "192.0.2.66", Type: "ip", Where: "endpoint", Offset: 7},
			{List: "apt.txt", Indicator: "evil.invalid", Type: "domain", Where: "endpoint", Offset: 100, Encoding: "xor:0x5a"},
		}},
		{"miss", file{"h.txt", "text", []byte("nothing to see"), []model.Endpoint{{Value: "example.org", Type: "domain"}}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := analyzeOne(t, cfg, tc.f)
			if d := cmp.Diff(tc.want, f.Facts.IOCMatches); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestEvidence(t *testing.T) {
	long := strings.Repeat("a", 100)
	got := capability.Evidence([]rules.MatchString{
		{Data: []byte("h\x00t\x00t\x00p\x00")},
		{Data: []byte{0x8a, 0x14, 0x01, 0x00}},
		{Data: []byte("line\none\x01")},
		{Data: []byte("line\none\x01")},
		{Data: []byte(long)},
	})
	want := []string{"8a 14 01 00", "http", "line one."}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestRunsAfterEndpoints: the analyzer reads Facts.Endpoints, which the
// endpoints analyzer sets; the engine runs analyzers in list order.
func TestRunsAfterEndpoints(t *testing.T) {
	pos := map[string]int{}
	for i, a := range list.All(analyze.Config{}) {
		pos[a.Name()] = i
	}
	c, ok := pos[capability.Name]
	if !ok {
		t.Fatal("capability analyzer not registered")
	}
	if e, ok := pos["endpoints"]; ok && e > c {
		t.Errorf("endpoints analyzer (#%d) runs after capability (#%d)", e, c)
	}
}
