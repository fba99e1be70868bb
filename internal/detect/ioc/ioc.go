// Package ioc turns what the user asked to look for into findings: hits of
// --ioc lists ("ioc.match", high) and matches of --rules YARA rules
// ("rule.match", at the rule's own risk or severity, medium by default).
// The matching itself happens in analyze/capability; these detectors only
// read its facts. First-party capability rules never produce findings
// here: capabilities alone are information.
package ioc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/rules"
)

// Names of the detectors; findings are "ioc.match" and "rule.match".
const (
	Name     = "ioc"
	RuleName = "rule"
)

type iocDetector struct{}

// New returns the IOC list detector.
func New() detect.FileDetector { return iocDetector{} }

func (iocDetector) Name() string { return Name }

// DetectFile reports one finding per list and indicator; the places it
// was seen (file hash, bytes, endpoint) are listed together.
func (iocDetector) DetectFile(f *model.File) []model.Finding {
	if f.Facts == nil || len(f.Facts.IOCMatches) == 0 {
		return nil
	}
	type key struct{ list, ind string }
	var order []key
	byKey := map[key][]model.IOCMatch{}
	for _, m := range f.Facts.IOCMatches {
		k := key{m.List, m.Indicator}
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], m)
	}
	var out []model.Finding
	for _, k := range order {
		ms := byKey[k]
		var where []string
		ev := map[string]any{"list": k.list, "indicator": k.ind, "type": ms[0].Type}
		for _, m := range ms {
			w := strings.ReplaceAll(m.Where, "-", " ")
			switch {
			case m.Where == "bytes", m.Where == "endpoint" && m.Encoding == "":
				w = fmt.Sprintf("%s at offset %d", m.Where, m.Offset)
			case m.Where == "endpoint":
				w = fmt.Sprintf("endpoint (%s) at offset %d", m.Encoding, m.Offset)
			}
			if !slices.Contains(where, w) {
				where = append(where, w)
			}
		}
		slices.Sort(where)
		ev["where"] = where
		out = append(out, model.Finding{
			ID:       Name + ".match",
			Severity: model.SeverityHigh,
			Path:     f.Path,
			Title:    fmt.Sprintf("Indicator from IOC list %s: %s %s (%s)", k.list, typeName(ms[0].Type), quote(k.ind), strings.Join(where, ", ")),
			Evidence: ev,
		})
	}
	return out
}

type ruleDetector struct{}

// NewRules returns the user rule detector.
func NewRules() detect.FileDetector { return ruleDetector{} }

func (ruleDetector) Name() string { return RuleName }

// DetectFile reports each capability that came from a user rule.
func (ruleDetector) DetectFile(f *model.File) []model.Finding {
	if f.Facts == nil {
		return nil
	}
	var out []model.Finding
	for _, c := range f.Facts.Capabilities {
		if c.Source == "" || c.Source == rules.OriginVouch {
			continue
		}
		title := fmt.Sprintf("User rule %s (%s) matched", c.Rule, c.Source)
		if c.Description != "" {
			title += ": " + c.Description
		}
		ev := map[string]any{"rule": c.ID, "rules_file": c.Source}
		if c.Description != "" {
			ev["description"] = c.Description
		}
		if len(c.Evidence) > 0 {
			ev["strings"] = c.Evidence
		}
		sev := c.Risk
		if sev == model.SeverityNone {
			sev = model.SeverityMedium
		}
		out = append(out, model.Finding{ID: RuleName + ".match", Severity: sev, Path: f.Path, Title: title, Evidence: ev})
	}
	return out
}

func quote(s string) string {
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return fmt.Sprintf("%q", s)
}

func typeName(typ string) string {
	switch typ {
	case rules.IOCSHA256:
		return "SHA-256"
	case rules.IOCSHA1:
		return "SHA-1"
	case rules.IOCMD5:
		return "MD5"
	case rules.IOCURL:
		return "URL"
	case rules.IOCIP:
		return "IP address"
	}
	return typ
}
