package ioc_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/detect/ioc"
	"github.com/vouch-sec/vouch/internal/model"
)

func TestIOCFindings(t *testing.T) {
	f := &model.File{Path: "r.zip!/a.dll", Facts: &model.Facts{IOCMatches: []model.IOCMatch{
		{List: "apt.txt", Indicator: "evil.invalid", Type: "domain", Where: "bytes", Offset: 5},
		{List: "apt.txt", Indicator: "evil.invalid", Type: "domain", Where: "endpoint", Offset: 100, Encoding: "xor:0x5a"},
		{List: "hashes.txt", Indicator: "d41d8cd98f00b204e9800998ecf8427e", Type: "md5", Where: "file-hash"},
	}}}
	want := []model.Finding{
		{ID: "ioc.match", Severity: model.SeverityHigh, Path: "r.zip!/a.dll",
			Title: `Indicator from IOC list apt.txt: domain "evil.invalid" (bytes at offset 5, endpoint (xor:0x5a) at offset 100)`,
			Evidence: map[string]any{"list": "apt.txt", "indicator": "evil.invalid", "type": "domain",
				"where": []string{"bytes at offset 5", "endpoint (xor:0x5a) at offset 100"}}},
		{ID: "ioc.match", Severity: model.SeverityHigh, Path: "r.zip!/a.dll",
			Title: `Indicator from IOC list hashes.txt: MD5 "d41d8cd98f00b204e9800998ecf8427e" (file hash)`,
			Evidence: map[string]any{"list": "hashes.txt", "indicator": "d41d8cd98f00b204e9800998ecf8427e", "type": "md5",
				"where": []string{"file hash"}}},
	}
	if d := cmp.Diff(want, ioc.New().DetectFile(f)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// Quiet without matches.
	if got := ioc.New().DetectFile(&model.File{Path: "x", Facts: &model.Facts{}}); got != nil {
		t.Errorf("no matches: %v", got)
	}
}

func TestRuleFindings(t *testing.T) {
	f := &model.File{Path: "a.exe", Facts: &model.Facts{Capabilities: []model.Capability{
		{ID: "exec/win-create-process", Namespace: "exec", Rule: "win_create_process", Risk: model.SeverityMedium, Source: "vouch"},
		{ID: "user/evil/Evil_Marker", Namespace: "user/evil", Rule: "Evil_Marker", Risk: model.SeverityHigh,
			Description: "Marker of the evil kit", Source: "/rules/evil.yar", Evidence: []string{"EVILKIT-7"}},
		{ID: "user/evil/Plain", Namespace: "user/evil", Rule: "Plain", Source: "/rules/evil.yar"},
	}}}
	want := []model.Finding{
		{ID: "rule.match", Severity: model.SeverityHigh, Path: "a.exe",
			Title: "User rule Evil_Marker (/rules/evil.yar) matched: Marker of the evil kit",
			Evidence: map[string]any{"rule": "user/evil/Evil_Marker", "rules_file": "/rules/evil.yar",
				"description": "Marker of the evil kit", "strings": []string{"EVILKIT-7"}}},
		{ID: "rule.match", Severity: model.SeverityMedium, Path: "a.exe",
			Title:    "User rule Plain (/rules/evil.yar) matched",
			Evidence: map[string]any{"rule": "user/evil/Plain", "rules_file": "/rules/evil.yar"}},
	}
	if d := cmp.Diff(want, ioc.NewRules().DetectFile(f)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
