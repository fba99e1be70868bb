// Package netdiff judges endpoints (URLs, hosts, IPs) that appear in a
// release, and literals that were hidden by encoding: a component that
// starts naming a raw IP, a webhook or a paste site, or hides a URL under
// XOR or base64, is how a backdoor finds its way home (3CX, Codecov,
// ua-parser-js, torchtriton).
package netdiff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/detect/role"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the detector; its findings are "net.*" and "str.*".
const Name = "net/diff"

// Finding ids.
const (
	IDNewEndpoint      = "net.new-endpoint"
	IDObfuscatedString = "str.obfuscated-literal"
)

type detector struct{}

// New returns the detector.
func New() detect.DiffDetector { return detector{} }

func (detector) Name() string { return Name }

// suspicious are the endpoint classes that say more than "a URL".
var suspicious = []string{"raw-ip", "webhook-host", "paste-host", "raw-content-host", "dynamic-dns", "shortener", "cheap-tld", "onion"}

func classed(e model.Endpoint) []string {
	var out []string
	for _, c := range e.Classes {
		// A bare dotted quad in a binary is as often a version number
		// ("2.4.0.1") as an address; a URL that uses it says which.
		if c == "raw-ip" && e.Type == "ip" {
			continue
		}
		if slices.Contains(suspicious, c) || strings.HasPrefix(c, "lookalike:") {
			out = append(out, c)
		}
	}
	return out
}

// isText: documentation and data, where an address is a reference, not
// behaviour.
func isText(kind string) bool { return kind == "text" || strings.HasPrefix(kind, "text/") }

// weakOnly reports whether every endpoint is flagged only for its TLD or
// for being a shortener.
func weakOnly(eps []model.Endpoint) bool {
	for _, e := range eps {
		for _, c := range classed(e) {
			if c != "cheap-tld" && c != "shortener" {
				return false
			}
		}
	}
	return true
}

// bareIPsOnly reports whether every endpoint is a dotted quad standing
// alone, which in a binary is as often a version number as an address.
func bareIPsOnly(eps []model.Endpoint) bool {
	for _, e := range eps {
		if e.Type != "ip" {
			return false
		}
	}
	return true
}

func isSchema(e model.Endpoint) bool { return slices.Contains(e.Classes, "schema") }

func (detector) DetectDiff(d *model.DiffReport) []model.Finding {
	var out []model.Finding
	for _, f := range d.Files {
		var eps []model.Endpoint
		added := f.Old == nil
		switch {
		case f.New == nil || f.New.Facts == nil:
			continue
		case added:
			eps = f.New.Facts.Endpoints
		case f.Delta != nil:
			eps = f.Delta.EndpointsAdded
		}
		var plain, flagged, encoded []model.Endpoint
		for _, e := range eps {
			switch {
			case isSchema(e):
			case e.Encoding != "" && e.Encoding != "utf16":
				encoded = append(encoded, e)
			case len(classed(e)) > 0:
				flagged = append(flagged, e)
			default:
				plain = append(plain, e)
			}
		}
		name := model.BaseName(f.Path)
		if len(encoded) > 0 {
			// An address hidden under encoding is also a new address. It
			// is one signal with the obfuscated literal below, which
			// carries its weight: two mediums of one fact must not add
			// up to a combined high.
			out = append(out, model.Finding{ID: IDNewEndpoint, Severity: model.SeverityLow, Path: f.Path,
				Title:    fmt.Sprintf("%s gained the hidden endpoint %s", name, values(encoded, 2)),
				Evidence: map[string]any{"endpoints": endpointEvidence(encoded), "added_file": added}})
			sev := model.SeverityMedium
			if !added {
				sev = model.SeverityHigh // a known file started hiding an address
			}
			out = append(out, model.Finding{ID: IDObfuscatedString, Severity: sev, Path: f.Path,
				Title:    fmt.Sprintf("%s hides %s under %s encoding", name, values(encoded, 2), encoded[0].Encoding),
				Evidence: map[string]any{"endpoints": endpointEvidence(encoded), "added_file": added}})
		}
		out = append(out, obfuscation(f, added)...)
		var r role.Role
		if !added {
			r = role.Of(f.New, f.Old)
		}
		narrowRole := !added && (r.Name == "media" || r.Name == "graphics" || r.Name == "compression") && !r.Expected["net"]
		switch {
		case len(flagged) > 0:
			cls := classed(flagged[0])
			sev := model.SeverityMedium
			// A new file naming a cheap TLD or a link shortener, or any
			// document, is common; a known program starting to is not.
			if weakOnly(flagged) && added || isText(f.New.Kind) {
				sev = model.SeverityLow
			}
			title := fmt.Sprintf("%s names %s (%s)", name, values(flagged, 2), strings.Join(cls, ", "))
			if !added {
				title = fmt.Sprintf("%s gained the endpoint %s (%s)", name, values(flagged, 2), strings.Join(cls, ", "))
			}
			out = append(out, model.Finding{ID: IDNewEndpoint, Severity: sev, Path: f.Path, Title: title,
				Evidence: map[string]any{"endpoints": endpointEvidence(append(flagged, plain...)), "added_file": added}})
		case len(plain) > 0 && added && (identify.IsScript(f.New.Kind) || identify.IsExecutable(f.New.Kind)):
			out = append(out, model.Finding{ID: IDNewEndpoint, Severity: model.SeverityLow, Path: f.Path,
				Title:    fmt.Sprintf("new file %s names %s", name, values(plain, 3)),
				Evidence: map[string]any{"endpoints": endpointEvidence(plain), "added_file": true}})
		case len(plain) > 0 && !added:
			sev := model.SeverityLow
			title := fmt.Sprintf("%s gained the endpoint %s", name, values(plain, 3))
			if narrowRole && !bareIPsOnly(plain) {
				sev = model.SeverityMedium
				title += fmt.Sprintf("; %s has no reason to reach the network", r.Describe)
			}
			out = append(out, model.Finding{ID: IDNewEndpoint, Severity: sev, Path: f.Path, Title: title,
				Evidence: map[string]any{"endpoints": endpointEvidence(plain), "role": r.Name}})
		}
	}
	return out
}

func values(eps []model.Endpoint, n int) string {
	var v []string
	for i, e := range eps {
		if i == n {
			v = append(v, fmt.Sprintf("and %d more", len(eps)-n))
			break
		}
		v = append(v, e.Value)
	}
	return strings.Join(v, ", ")
}

func endpointEvidence(eps []model.Endpoint) []map[string]any {
	var out []map[string]any
	for i, e := range eps {
		if i == 20 {
			break
		}
		m := map[string]any{"value": e.Value, "type": e.Type, "offset": e.Offset}
		if len(e.Classes) > 0 {
			m["classes"] = e.Classes
		}
		if e.Encoding != "" {
			m["encoding"] = e.Encoding
		}
		out = append(out, m)
	}
	return out
}

// obfuscation: a script that is new, or newly, carries obfuscated code
// (hex-identifier swarms, char-code strings, long decoded blobs): chalk,
// debug, event-stream's flatmap-stream.
func obfuscation(f *model.DiffFile, added bool) []model.Finding {
	if !identify.IsScript(f.New.Kind) {
		return nil
	}
	caps := f.NewCapabilities()
	var rules []string
	for _, c := range caps {
		if c.Namespace == "obfuscation" {
			rules = append(rules, c.Rule)
		}
	}
	if len(rules) == 0 {
		return nil
	}
	verb := "became"
	if added {
		verb = "is new and"
	}
	return []model.Finding{{ID: IDObfuscatedString, Severity: model.SeverityMedium, Path: f.Path,
		Title:    fmt.Sprintf("%s %s obfuscated (%s)", model.BaseName(f.Path), verb, strings.Join(rules, ", ")),
		Evidence: map[string]any{"rules": rules, "added_file": added}}}
}
