// Package capability records what a file can do, from rule matches: the
// first-party rules under internal/rules/rules, the user's --rules, and
// the user's --ioc lists (hashes, and domains, URLs and IPs searched in
// the bytes and compared with the file's endpoints).
//
// Each file is scanned once against the one ruleset compiled for its kind
// (rules for other kinds are not in it). Scripts are the exception: the
// first-party rules, which are about code, run over the text with comments
// and docstrings blanked (internal/rules/strip), while user rules run over
// the bytes as they are. IOC strings are found in the bytes by one
// Aho-Corasick pass (rules.IOCMatcher).
//
// Capabilities are information, not findings: detectors weigh them (and
// the diff reports new ones). User rule matches and IOC hits become
// findings in detect/ioc.
//
// # Security
//
// The file's bytes (at most rules.MaxScanBytes) are copied into memory and
// scanned by the rule engine under the per-file deadline. Match data is
// truncated and made printable before it reaches the report.
package capability

import (
	"cmp"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/rules"
	"github.com/vouch-sec/vouch/internal/rules/strip"
)

// Name of the analyzer.
const Name = "capability"

// Evidence bounds: strings per capability and characters per string.
const (
	maxEvidence    = 3
	maxEvidenceLen = 80
)

type analyzer struct {
	set    *rules.Set
	setErr error
	iocs   []*rules.IOCList
	// needMD5/needSHA1: some list holds such hashes, so they are computed.
	needMD5, needSHA1 bool
	hashIOCs          bool // some list holds hashes: every file is checked
	stringIOCs        bool // some list holds domains, URLs or IPs
	matcher           *rules.IOCMatcher
	matcherErr        error
}

// New returns the capability analyzer. cfg.Rules nil means the
// first-party rules only.
func New(cfg analyze.Config) analyze.Analyzer {
	a := &analyzer{set: cfg.Rules, iocs: cfg.IOC}
	if a.set == nil {
		a.set, a.setErr = rules.Default()
	}
	for _, l := range a.iocs {
		for _, typ := range l.Hashes {
			a.hashIOCs = true
			a.needMD5 = a.needMD5 || typ == rules.IOCMD5
			a.needSHA1 = a.needSHA1 || typ == rules.IOCSHA1
		}
		a.stringIOCs = a.stringIOCs || len(l.Strings) > 0
	}
	a.matcher, a.matcherErr = rules.NewIOCMatcher(a.iocs)
	return a
}

func (a *analyzer) Name() string { return Name }

func (a *analyzer) Match(kind string) bool {
	if kind == identify.Empty || a.setErr != nil {
		return false
	}
	return a.hashIOCs || a.stringIOCs || a.set.HasRules(kind, rules.ScopeAll)
}

func (a *analyzer) Analyze(ctx context.Context, in *analyze.Input, f *model.File) error {
	script := identify.IsScript(in.Kind)
	type pass struct {
		scope rules.Scope
		strip bool
	}
	var passes []pass
	switch {
	case script:
		if a.set.HasRules(in.Kind, rules.ScopeCode) {
			passes = append(passes, pass{rules.ScopeCode, true})
		}
		if a.set.HasRules(in.Kind, rules.ScopeBytes) {
			passes = append(passes, pass{rules.ScopeBytes, false})
		}
	case a.set.HasRules(in.Kind, rules.ScopeAll):
		passes = append(passes, pass{rules.ScopeAll, false})
	}
	var data []byte
	whole := in.Size <= rules.MaxScanBytes
	if len(passes) > 0 || a.matcher != nil || ((a.needMD5 || a.needSHA1) && whole) {
		var err error
		if data, err = readPrefix(in.R, min(in.Size, rules.MaxScanBytes)); err != nil {
			return err
		}
	}
	var caps []model.Capability
	var hits []model.IOCMatch
	var errs []error
	t := rules.Target{Kind: in.Kind, Path: in.Path}
	for _, p := range passes {
		buf := data
		if p.strip {
			buf = strip.Strip(in.Kind, data)
		}
		ms, err := a.set.Scan(ctx, t, buf, p.scope)
		if errors.Is(err, rules.ErrNoEngine) {
			continue // built without cgo: no rules, nothing to say
		}
		if err != nil {
			errs = append(errs, err)
		}
		for _, m := range ms {
			caps = append(caps, a.capability(m))
		}
	}
	if a.matcherErr != nil {
		errs = append(errs, a.matcherErr)
	}
	for _, h := range a.matcher.Find(data, nil) {
		hits = append(hits, model.IOCMatch{List: h.List.Name, Indicator: h.Indicator, Type: h.List.Types[h.Indicator], Where: "bytes", Offset: h.Offset})
	}
	if a.hashIOCs {
		h, err := a.hashHits(in, f, data, whole)
		if err != nil {
			errs = append(errs, err)
		}
		hits = append(hits, h...)
	}
	if a.stringIOCs && f.Facts.Endpoints != nil {
		hits = append(hits, a.endpointHits(f.Facts.Endpoints)...)
	}
	slices.SortFunc(caps, func(x, y model.Capability) int { return strings.Compare(x.ID, y.ID) })
	caps = slices.CompactFunc(caps, func(x, y model.Capability) bool { return x.ID == y.ID })
	f.Facts.Capabilities = caps
	f.Facts.IOCMatches = dedupeHits(hits)
	if !whole && (len(passes) > 0 || a.matcher != nil) {
		errs = append(errs, fmt.Errorf("rules ran on the first %d MiB of %d MiB only", rules.MaxScanBytes>>20, in.Size>>20))
	}
	return errors.Join(errs...)
}

// readPrefix reads the first n bytes of r.
func readPrefix(r io.ReaderAt, n int64) ([]byte, error) {
	buf := make([]byte, n)
	k, err := r.ReadAt(buf, 0)
	if int64(k) == n {
		return buf, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return nil, fmt.Errorf("reading for rules: %w", err)
}

// capability turns a rule match into a capability.
func (a *analyzer) capability(m rules.Match) model.Capability {
	origin := a.set.Origin(m.Namespace)
	c := model.Capability{
		Namespace:   m.Namespace,
		Rule:        m.Rule,
		Description: m.Meta["description"],
		Source:      origin,
		Evidence:    Evidence(m.Strings),
	}
	if origin == rules.OriginVouch {
		// First-party ids read like the namespaces: "net/http-client".
		c.ID = m.Namespace + "/" + strings.ReplaceAll(m.Rule, "_", "-")
		c.Risk = severity(m.Meta["risk"], model.SeverityLow)
	} else {
		c.ID = m.Namespace + "/" + m.Rule
		c.Risk = severity(m.Meta["risk"], severity(m.Meta["severity"], model.SeverityMedium))
	}
	return c
}

// severity reads a risk/severity meta value; "info" counts as low.
func severity(v string, def model.Severity) model.Severity {
	if strings.EqualFold(v, "info") || strings.EqualFold(v, "informational") {
		return model.SeverityLow
	}
	s, err := model.ParseSeverity(strings.TrimSpace(v))
	if err != nil || s == model.SeverityNone {
		return def
	}
	return s
}

// Evidence renders the first three distinct matched strings (in the
// rule's string order), printable and truncated, sorted.
func Evidence(ms []rules.MatchString) []string {
	var out []string
	for _, s := range ms {
		if t := printable(s.Data); t != "" && !slices.Contains(out, t) && len(out) < maxEvidence {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// printable renders match data as text: UTF-16LE text is decoded, mostly
// printable ASCII keeps its printable characters (others become '.'), and
// anything else is shown as hex bytes.
func printable(d []byte) string {
	if len(d) >= 4 && len(d)%2 == 0 {
		wide := true
		for i := 1; i < len(d); i += 2 {
			if d[i] != 0 || d[i-1] < 0x20 || d[i-1] > 0x7e {
				wide = false
				break
			}
		}
		if wide {
			n := make([]byte, 0, len(d)/2)
			for i := 0; i < len(d); i += 2 {
				n = append(n, d[i])
			}
			d = n
		}
	}
	text := 0
	for _, c := range d {
		if (c >= 0x20 && c <= 0x7e) || c == '\t' || c == '\n' || c == '\r' {
			text++
		}
	}
	var b strings.Builder
	if len(d) > 0 && text*4 >= len(d)*3 {
		for _, c := range d {
			switch {
			case c == '\t' || c == '\n' || c == '\r':
				b.WriteByte(' ')
			case c >= 0x20 && c <= 0x7e:
				b.WriteByte(c)
			default:
				b.WriteByte('.')
			}
		}
	} else {
		for i, c := range d {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%02x", c)
		}
	}
	s := b.String()
	if len(s) > maxEvidenceLen {
		s = s[:maxEvidenceLen-3] + "..."
	}
	return s
}

// hashHits checks the file's hashes against the lists. SHA-256 comes from
// the engine; MD5 and SHA-1 are computed only when a list holds them.
func (a *analyzer) hashHits(in *analyze.Input, f *model.File, data []byte, whole bool) ([]model.IOCMatch, error) {
	sums := map[string]string{rules.IOCSHA256: strings.ToLower(f.SHA256)}
	if a.needMD5 || a.needSHA1 {
		var hs []hash.Hash
		var names []string
		if a.needMD5 {
			hs, names = append(hs, md5.New()), append(names, rules.IOCMD5)
		}
		if a.needSHA1 {
			hs, names = append(hs, sha1.New()), append(names, rules.IOCSHA1)
		}
		ws := make([]io.Writer, len(hs))
		for i, h := range hs {
			ws[i] = h
		}
		w := io.MultiWriter(ws...)
		if whole && data != nil {
			w.Write(data)
		} else if _, err := io.Copy(w, io.NewSectionReader(in.R, 0, in.Size)); err != nil {
			return nil, fmt.Errorf("hashing for IOC lists: %w", err)
		}
		for i, h := range hs {
			sums[names[i]] = hex.EncodeToString(h.Sum(nil))
		}
	}
	var out []model.IOCMatch
	for _, l := range a.iocs {
		for typ, sum := range sums {
			if sum != "" && l.Hashes[sum] == typ {
				out = append(out, model.IOCMatch{List: l.Name, Indicator: sum, Type: typ, Where: "file-hash"})
			}
		}
	}
	return out, nil
}

// endpointHits compares the file's endpoints (found by the endpoints
// analyzer, also after decoding) with the lists: URLs exactly, hosts and
// domains by the listed domain or any parent of it, IPs exactly.
func (a *analyzer) endpointHits(eps []model.Endpoint) []model.IOCMatch {
	var out []model.IOCMatch
	for _, ep := range eps {
		var host string
		for _, l := range a.iocs {
			add := func(ind string) {
				out = append(out, model.IOCMatch{List: l.Name, Indicator: ind, Type: l.Types[ind], Where: "endpoint", Offset: ep.Offset, Encoding: ep.Encoding})
			}
			switch ep.Type {
			case "url":
				if v := rules.NormalizeURL(ep.Value); l.Types[v] == rules.IOCURL {
					add(v)
				}
				u, err := url.Parse(ep.Value)
				if err != nil {
					continue
				}
				host = strings.ToLower(u.Hostname())
			case "domain", "ip":
				host = strings.ToLower(ep.Value)
			}
			if ip, err := netip.ParseAddr(host); err == nil {
				if l.Types[ip.String()] == rules.IOCIP {
					add(ip.String())
				}
				continue
			}
			for d := strings.TrimSuffix(host, "."); strings.Contains(d, "."); {
				if l.Types[d] == rules.IOCDomain {
					add(d)
					break
				}
				_, d, _ = strings.Cut(d, ".")
			}
		}
	}
	return out
}

// dedupeHits keeps one match per list, indicator and place (the first
// offset), sorted.
func dedupeHits(hs []model.IOCMatch) []model.IOCMatch {
	slices.SortFunc(hs, func(x, y model.IOCMatch) int {
		if c := strings.Compare(x.List, y.List); c != 0 {
			return c
		}
		if c := strings.Compare(x.Indicator, y.Indicator); c != 0 {
			return c
		}
		if c := strings.Compare(x.Where, y.Where); c != 0 {
			return c
		}
		return cmp.Compare(x.Offset, y.Offset)
	})
	return slices.CompactFunc(hs, func(x, y model.IOCMatch) bool {
		return x.List == y.List && x.Indicator == y.Indicator && x.Where == y.Where
	})
}
