package rules

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/coregx/ahocorasick"
)

// IOC types.
const (
	IOCSHA256 = "sha256"
	IOCSHA1   = "sha1"
	IOCMD5    = "md5"
	IOCDomain = "domain"
	IOCURL    = "url"
	IOCIP     = "ip"
)

// Bounds on one IOC list.
const (
	maxIOCLine       = 8 << 10
	maxIOCIndicators = 1 << 20
)

// IOCList is a plain list of indicators (--ioc): one per line, # starts a
// comment line (or a trailing comment after a blank). Hashes are
// lower-case hex; domains lower case; defanged forms ("hxxp://",
// "evil[.]example") are read as the real thing.
type IOCList struct {
	Name string // base name of the file: how findings name the list
	Path string

	Hashes map[string]string // hex digest → type (sha256, sha1, md5)
	// Strings are matched in file bytes and against endpoints: domains,
	// URLs and IPs, sorted and unique; Types holds each one's type.
	Strings []string
	Types   map[string]string
}

// LoadIOC reads an IOC list file.
func LoadIOC(path string) (*IOCList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	l, err := ParseIOC(filepath.Base(path), f)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	l.Path = path
	return l, nil
}

// ParseIOC reads an IOC list. Errors are "line: message" (the caller
// prefixes the file name).
func ParseIOC(name string, r io.Reader) (*IOCList, error) {
	l := &IOCList{Name: name, Hashes: map[string]string{}, Types: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxIOCLine)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if i := strings.IndexAny(s, " \t"); i >= 0 {
			rest := strings.TrimSpace(s[i:])
			if !strings.HasPrefix(rest, "#") {
				return nil, fmt.Errorf("%d: more than one indicator on a line: %q", line, s)
			}
			s = s[:i]
		}
		v, typ, err := classify(s)
		if err != nil {
			return nil, fmt.Errorf("%d: %w", line, err)
		}
		switch typ {
		case IOCSHA256, IOCSHA1, IOCMD5:
			l.Hashes[v] = typ
		default:
			if _, dup := l.Types[v]; !dup {
				l.Strings = append(l.Strings, v)
			}
			l.Types[v] = typ
		}
		if len(l.Hashes)+len(l.Strings) > maxIOCIndicators {
			return nil, fmt.Errorf("%d: more than %d indicators", line, maxIOCIndicators)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%d: %w", line+1, err)
	}
	slices.Sort(l.Strings)
	return l, nil
}

// classify normalises one indicator and says what it is.
func classify(s string) (string, string, error) {
	if isHex(s) {
		switch len(s) {
		case 64:
			return strings.ToLower(s), IOCSHA256, nil
		case 40:
			return strings.ToLower(s), IOCSHA1, nil
		case 32:
			return strings.ToLower(s), IOCMD5, nil
		}
	}
	s = refang(s)
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return "", "", fmt.Errorf("not a URL: %q", s)
		}
		return NormalizeURL(s), IOCURL, nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String(), IOCIP, nil
	}
	if d := strings.ToLower(strings.TrimSuffix(s, ".")); IsDomain(d) {
		return d, IOCDomain, nil
	}
	return "", "", fmt.Errorf("not a sha256/sha1/md5 hash, URL, IP address or domain: %q", s)
}

// NormalizeURL lower-cases the scheme and host of a URL and keeps the
// rest byte for byte (paths are case-sensitive, and the bytes are what a
// scan finds).
func NormalizeURL(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	host, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host, tail = rest[:i], rest[i:]
	}
	return strings.ToLower(scheme) + "://" + strings.ToLower(host) + tail
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') {
			return false
		}
	}
	return s != ""
}

// refang undoes the usual defanging of shared indicators.
func refang(s string) string {
	s = strings.NewReplacer("[.]", ".", "(.)", ".", "{.}", ".", "[dot]", ".", "(dot)", ".", "[:]", ":", "[://]", "://").Replace(s)
	low := strings.ToLower(s)
	switch {
	case strings.HasPrefix(low, "hxxp"):
		s = "http" + s[4:]
	case strings.HasPrefix(low, "fxp://"):
		s = "ftp" + s[3:]
	}
	return s
}

// IsDomain reports whether s (lower case) is a plausible DNS name with at
// least two labels and an alphabetic top-level label.
func IsDomain(s string) bool {
	if len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	labels := strings.Split(s, ".")
	for _, lb := range labels {
		if lb == "" || len(lb) > 63 || lb[0] == '-' || lb[len(lb)-1] == '-' {
			return false
		}
		for i := 0; i < len(lb); i++ {
			c := lb[i]
			if !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c != '_' {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return tld[:min(4, len(tld))] == "xn--"
		}
	}
	return true
}

// IOCMatcher finds the domains, URLs and IPs of IOC lists in file bytes,
// with one Aho-Corasick automaton for all lists (built once; a YARA
// ruleset would be recompiled for every kind group and compiles slowly
// with thousands of case-insensitive strings). Each indicator is searched
// as ASCII and as UTF-16LE, ignoring ASCII case. Domains and IPs must
// stand alone: "evil.example" is not found inside "notevil.example",
// "evil.example.com" or "my-evil.example", but is inside
// "cdn.evil.example"; "192.0.2.1" is not found inside "192.0.2.10".
type IOCMatcher struct {
	ac   *ahocorasick.Automaton
	pats [][]iocPattern // by pattern id: every list entry with those bytes
}

type iocPattern struct {
	list *IOCList
	ind  string
	wide bool
}

// IOCHit is an indicator found in bytes.
type IOCHit struct {
	List      *IOCList
	Indicator string
	Offset    int64 // of its first occurrence
}

// NewIOCMatcher prepares the lists' strings for Find. It returns nil when
// the lists hold none.
func NewIOCMatcher(lists []*IOCList) (*IOCMatcher, error) {
	m := &IOCMatcher{}
	ids := map[string]int{}
	var pats [][]byte
	for _, l := range lists {
		for _, v := range l.Strings {
			low := strings.ToLower(v)
			for _, wide := range []bool{false, true} {
				p := low
				if wide {
					w := make([]byte, 0, 2*len(low))
					for k := 0; k < len(low); k++ {
						w = append(w, low[k], 0)
					}
					p = string(w)
				}
				id, ok := ids[p]
				if !ok {
					id = len(pats)
					ids[p] = id
					pats = append(pats, []byte(p))
					m.pats = append(m.pats, nil)
				}
				m.pats[id] = append(m.pats[id], iocPattern{l, v, wide})
			}
		}
	}
	if len(pats) == 0 {
		return nil, nil
	}
	ac, err := ahocorasick.NewBuilder().SetMatchKind(ahocorasick.LeftmostLongest).AddPatterns(pats).Build()
	if err != nil {
		return nil, fmt.Errorf("building the IOC matcher: %w", err)
	}
	m.ac = ac
	return m, nil
}

// Find returns the indicators found in data, each with its first offset,
// in order of offset. scratch, when large enough, holds the case-folded
// copy of data (so a caller can reuse it).
func (m *IOCMatcher) Find(data, scratch []byte) []IOCHit {
	if m == nil {
		return nil
	}
	folded := scratch[:0]
	if cap(folded) < len(data) {
		folded = make([]byte, len(data))
	}
	folded = folded[:len(data)]
	for k, c := range data {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		folded[k] = c
	}
	type key struct {
		list *IOCList
		ind  string
	}
	seen := map[key]bool{}
	var out []IOCHit
	for start := 0; start < len(folded); {
		hit, ok := m.ac.Find(folded, start)
		if !ok {
			break
		}
		for _, p := range m.pats[hit.PatternID] {
			k := key{p.list, p.ind}
			if seen[k] || !standsAlone(folded, hit.Start, hit.End, p.wide, p.list.Types[p.ind]) {
				continue
			}
			seen[k] = true
			out = append(out, IOCHit{p.list, p.ind, int64(hit.Start)})
		}
		start = hit.Start + 1
	}
	return out
}

// standsAlone checks the characters around a domain or IP match.
func standsAlone(d []byte, start, end int, wide bool, typ string) bool {
	if typ == IOCURL {
		return true
	}
	step := 1
	if wide {
		step = 2
	}
	char := func(i int) (byte, bool) { // the character at i, if it is one
		if i < 0 || i >= len(d) || (wide && (i+1 >= len(d) || d[i+1] != 0)) {
			return 0, false
		}
		return d[i], true
	}
	word := func(c byte) bool {
		return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
	}
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	if c, ok := char(start - step); ok {
		if word(c) || (typ == IOCIP && c == '.') {
			return false
		}
	}
	if c, ok := char(end); ok {
		if word(c) {
			return false
		}
		if c == '.' { // a longer name or address: "evil.example.com", "192.0.2.1.5"
			if n, ok := char(end + step); ok && (word(n) || digit(n)) {
				return false
			}
		}
	}
	return true
}
