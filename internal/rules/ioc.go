package rules

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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

// IOCNamespace is the namespace of the rules generated from IOC lists.
const IOCNamespace = "ioc"

// iocChunk is how many strings one generated rule holds.
const iocChunk = 2000

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

// IOCSources generates the YARA rules that find the lists' strings in file
// bytes: namespace "ioc", rules "l<list>_<chunk>", strings "$s<index>".
// Domains and IPs must stand alone (fullword), so that "evil.example"
// does not match inside "notevil.example"; all are searched as ASCII and
// UTF-16, domains and URLs ignoring case.
func IOCSources(lists []*IOCList) []Source {
	var out []Source
	for li, l := range lists {
		if len(l.Strings) == 0 {
			continue
		}
		var b strings.Builder
		for start := 0; start < len(l.Strings); start += iocChunk {
			fmt.Fprintf(&b, "rule l%d_%d {\n  meta:\n    description = %s\n  strings:\n", li, start/iocChunk, yaraQuote("indicators of "+l.Name))
			for k := start; k < min(start+iocChunk, len(l.Strings)); k++ {
				v := l.Strings[k]
				mods := "ascii wide nocase"
				switch l.Types[v] {
				case IOCIP:
					mods = "ascii wide fullword"
				case IOCDomain:
					mods = "ascii wide nocase fullword"
				}
				fmt.Fprintf(&b, "    $s%d = %s %s\n", k, yaraQuote(v), mods)
			}
			b.WriteString("  condition:\n    any of them\n}\n")
		}
		out = append(out, Source{Name: cmp.Or(l.Path, l.Name), Namespace: IOCNamespace, Text: []byte(b.String())})
	}
	return out
}

// IOCIndicator maps a match of a generated IOC rule back to its list and
// indicator.
func IOCIndicator(lists []*IOCList, rule, stringID string) (*IOCList, string, bool) {
	var li int
	if _, err := fmt.Sscanf(rule, "l%d_", &li); err != nil || li < 0 || li >= len(lists) {
		return nil, "", false
	}
	k, err := strconv.Atoi(strings.TrimPrefix(stringID, "$s"))
	if err != nil || k < 0 || k >= len(lists[li].Strings) {
		return nil, "", false
	}
	return lists[li], lists[li].Strings[k], true
}

// yaraQuote writes s as a YARA text string, escaping all but plain
// characters.
func yaraQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\x%02x", c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
