package endpoints

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

// Bounds of one file's extraction.
const (
	// MaxEndpoints is how many endpoints a file reports at most.
	MaxEndpoints = 500
	// maxDistinct bounds the endpoints kept while scanning, before the
	// final cut to MaxEndpoints.
	maxDistinct = 20000
	maxURLLen   = 2048
	// minBase64 is the shortest base64 run that is decoded (12 bytes).
	minBase64 = 16
	// maxBase64Decoded bounds the bytes decoded from base64 per file.
	maxBase64Decoded = 32 << 20
	// maxXORCandidates bounds the XOR-encoded "http" prefixes decoded per file.
	maxXORCandidates = 4096
	// minUTF16 is the shortest UTF-16LE run (in characters) that is read.
	minUTF16 = 6
)

// mode says how much context a host name standing alone needs.
type mode int

const (
	// modeText is for binaries and plain text: a host name needs string-like
	// boundaries (NUL, space, quotes, slashes) around it.
	modeText mode = iota
	// modeCode is for program source, where "window.top" and "style.link"
	// are property accesses: a host name must sit in a string literal.
	modeCode
)

// pos maps an index of a scanned buffer to a file offset: base+stride*i.
// Decoded base64 has stride 0: every endpoint in it is reported at the
// start of the base64 run.
type pos struct{ base, stride int64 }

func (p pos) at(i int) int64 { return p.base + p.stride*int64(i) }

// span is one buffer to extract from.
type span struct {
	b   []byte
	pos pos
	enc string
	// leftOpen/rightOpen: the buffer was cut from a longer one here, so a
	// token touching that edge may be incomplete and is left to the
	// neighbouring chunk.
	leftOpen, rightOpen bool
	urlsOnly            bool
	// before is text that preceded b (the previous UTF-16 string), for
	// telling versions from addresses.
	before []byte
}

type key struct{ typ, value, enc string }

// collector gathers the distinct endpoints of one file.
type collector struct {
	mode mode
	// glued: strings may be stored back to back without separators (Go
	// and Rust binaries), so a URL may run into the next string.
	glued   bool
	seen    map[key]int // index into list
	list    []model.Endpoint
	b64Left int // base64 bytes still allowed to be decoded
	xorLeft int // XOR candidates still allowed to be decoded
}

func newCollector(m mode) *collector {
	return &collector{mode: m, seen: map[key]int{}, b64Left: maxBase64Decoded, xorLeft: maxXORCandidates}
}

func (c *collector) add(typ, value, enc string, off int64) {
	k := key{typ, value, enc}
	if i, ok := c.seen[k]; ok {
		if off < c.list[i].Offset {
			c.list[i].Offset = off
		}
		return
	}
	if len(c.list) >= maxDistinct {
		return
	}
	c.seen[k] = len(c.list)
	c.list = append(c.list, model.Endpoint{Value: value, Type: typ, Classes: classify(typ, value), Encoding: enc, Offset: off})
}

// Byte classes: URL characters (RFC 3986 unreserved, delimiters and
// sub-delimiters except quotes, and %), host-name characters, and the
// standard and URL-safe base64 alphabets with padding.
var (
	urlChar  = table(func(c byte) bool { return alnum(c) || strings.IndexByte("-._~:/?#[]@!$&()*+,;=%", c) >= 0 })
	hostChar = table(func(c byte) bool { return alnum(c) || c == '-' || c == '.' })
	b64Char  = table(func(c byte) bool { return alnum(c) || strings.IndexByte("+/=-_", c) >= 0 })
)

func table(in func(byte) bool) (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = in(byte(c))
	}
	return t
}

func alnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

// scan extracts from one chunk of a file: plain ASCII, UTF-16LE runs,
// single-byte-XOR-encoded URLs and base64 runs. base is the chunk's file
// offset; first/last say whether it starts/ends the scanned part of the file.
func (c *collector) scan(b []byte, base int64, first, last bool) {
	c.text(span{b: b, pos: pos{base, 1}, leftOpen: !first, rightOpen: !last})
	c.utf16(b, base, first, last)
	c.xor(b, base, last)
	c.base64(b, base, first, last)
}

// utf16 extracts from runs of printable ASCII stored as UTF-16LE.
func (c *collector) utf16(b []byte, base int64, first, last bool) {
	var tmp, prev []byte
	prevEnd := -1
	for i := 0; i+1 < len(b); {
		if !printable(b[i]) || b[i+1] != 0 {
			// Jump to the next NUL: a UTF-16LE ASCII character ends in one.
			k := bytes.IndexByte(b[i+1:], 0)
			if k < 0 {
				break
			}
			i += k // b[i+1] is now the NUL
			if i+1 >= len(b) || !printable(b[i]) {
				i += 2
				continue
			}
		}
		j := i
		for j+1 < len(b) && printable(b[j]) && b[j+1] == 0 {
			j += 2
		}
		// A version resource stores "FileVersion" and its value as two
		// strings a few NULs apart; keep the previous one as context.
		var before []byte
		if prevEnd >= 0 && i-prevEnd <= 8 && allZero(b[prevEnd:i]) {
			before = prev
		}
		tmp = tmp[:0]
		for k := i; k < j; k += 2 {
			tmp = append(tmp, b[k])
		}
		if len(tmp) >= minUTF16 {
			c.text(span{b: tmp, pos: pos{base + int64(i), 2}, enc: "utf16",
				leftOpen: !first && i < 2, rightOpen: !last && j+2 > len(b), before: before})
		}
		prev = append(prev[:0], tmp...)
		prevEnd = j
		i = j
	}
}

// xor finds "http" encoded with one key byte: h^k t^k t^k p^k, so the
// second and third bytes are equal and the pairwise XORs are fixed
// ('h'^'t' = 0x1c, 'p'^'t' = 0x04), whatever the key. Only URLs are
// taken from the decoded text.
func (c *collector) xor(b []byte, base int64, last bool) {
	var tmp []byte
	for i := 0; i+8 <= len(b) && c.xorLeft > 0; i++ {
		if b[i+1] != b[i+2] || b[i]^b[i+1] != 'h'^'t' || b[i+3]^b[i+1] != 'p'^'t' {
			continue
		}
		k := b[i] ^ 'h'
		if k == 0 {
			continue // plain text
		}
		if b[i+4]^k != ':' && !(b[i+4]^k == 's' && b[i+5]^k == ':') {
			continue
		}
		c.xorLeft--
		tmp = tmp[:0]
		j := i
		for j < len(b) && len(tmp) < maxURLLen && urlChar[b[j]^k] {
			tmp = append(tmp, b[j]^k)
			j++
		}
		c.text(span{b: tmp, pos: pos{base + int64(i), 1}, enc: fmt.Sprintf("xor:0x%02x", k),
			rightOpen: !last && j == len(b), urlsOnly: true})
		i = j - 1
	}
}

// base64 decodes runs of base64 text that decode to mostly printable
// ASCII or UTF-16LE (PowerShell -EncodedCommand), and extracts from those.
func (c *collector) base64(b []byte, base int64, first, last bool) {
	for i := 0; i < len(b) && c.b64Left > 0; {
		if !b64Char[b[i]] {
			i++
			continue
		}
		j := i
		for j < len(b) && b64Char[b[j]] {
			j++
		}
		run := b[i:j]
		start := i
		i = j
		if len(run) < minBase64 || (start == 0 && !first) || (j == len(b) && !last) {
			continue
		}
		dec := decodeBase64(run)
		if dec == nil {
			continue
		}
		c.b64Left -= len(dec)
		if text := asText(dec); text != nil {
			c.text(span{b: text, pos: pos{base + int64(start), 0}, enc: "base64"})
		}
	}
}

// decodeBase64 decodes a run in the standard or URL-safe alphabet, or
// returns nil. Runs without both upper- and lower-case letters (hex, plain
// identifiers) are not base64-encoded text and are skipped.
func decodeBase64(run []byte) []byte {
	run = bytes.TrimRight(run, "=")
	if bytes.IndexByte(run, '=') >= 0 {
		return nil
	}
	var upper, lower, std, url bool
	for _, ch := range run {
		switch {
		case ch >= 'A' && ch <= 'Z':
			upper = true
		case ch >= 'a' && ch <= 'z':
			lower = true
		case ch == '+' || ch == '/':
			std = true
		case ch == '-' || ch == '_':
			url = true
		}
	}
	if !upper || !lower || (std && url) {
		return nil
	}
	if len(run)%4 == 1 {
		run = run[:len(run)-1]
	}
	enc := base64.RawStdEncoding
	if url {
		enc = base64.RawURLEncoding
	}
	dec := make([]byte, enc.DecodedLen(len(run)))
	n, err := enc.Decode(dec, run)
	if err != nil {
		return nil
	}
	return dec[:n]
}

// asText returns decoded bytes as ASCII text when at least 85% of them are
// printable, or the narrowed text when they are mostly UTF-16LE ASCII;
// otherwise nil (compressed or encrypted data).
func asText(d []byte) []byte {
	if len(d) == 0 {
		return nil
	}
	good := 0
	for _, ch := range d {
		if printable(ch) || ch == '\n' || ch == '\r' || ch == '\t' {
			good++
		}
	}
	if good*100 >= len(d)*85 {
		return d
	}
	if len(d) < 2 {
		return nil
	}
	var out []byte
	good = 0
	for i := 0; i+1 < len(d); i += 2 {
		if d[i+1] == 0 && (printable(d[i]) || d[i] == '\n' || d[i] == '\r' || d[i] == '\t') {
			good++
		}
		out = append(out, d[i])
	}
	if good*100 >= (len(d)/2)*85 {
		return out
	}
	return nil
}

func printable(ch byte) bool { return ch >= 0x20 && ch < 0x7f }

// textByte: the byte can border a string (NUL, white space, printable);
// other bytes around a "string" mean it is code or data that happens to
// look like one (immediate operands, stack strings).
func textByte(ch byte) bool {
	return ch == 0 || ch == '\t' || ch == '\n' || ch == '\r' || printable(ch)
}

func allZero(b []byte) bool {
	for _, ch := range b {
		if ch != 0 {
			return false
		}
	}
	return true
}

// text extracts URLs, then (unless urlsOnly) host names and IPv4
// addresses outside those URLs, from ASCII bytes.
func (c *collector) text(sp span) {
	b := sp.b
	var urls [][2]int // byte ranges taken by URLs, ascending
	for i := 0; i < len(b); {
		j := bytes.Index(b[i:], []byte("://"))
		if j < 0 {
			break
		}
		p := i + j
		i = p + 3
		start := schemeStart(b, p)
		if start < 0 {
			continue
		}
		end := p + 3
		for end < len(b) && end-start < maxURLLen && urlChar[b[end]] {
			end++
		}
		if end == len(b) && sp.rightOpen {
			continue
		}
		// Strings glued together without separators (Go binaries): a
		// second scheme ends the first URL.
		for k := p + 3; k < end; {
			q := bytes.Index(b[k:end], []byte("://"))
			if q < 0 {
				break
			}
			if s := schemeStart(b, k+q); s > p+3 {
				end = s
				break
			}
			k += q + 3
		}
		u := trimURL(b[start:end])
		if sp.pos.stride == 1 && sp.enc == "" {
			u = derLength(b, start, u)
		}
		if c.glued {
			u = cutGlued(u)
		}
		if !validURL(u) {
			continue
		}
		c.add("url", string(u), sp.enc, sp.pos.at(start))
		urls = append(urls, [2]int{start, start + len(u)})
	}
	if sp.urlsOnly {
		return
	}
	next := 0 // first URL range that may still overlap (pieces come in order)
	for i := 0; i < len(b); {
		if !hostChar[b[i]] {
			i++
			continue
		}
		s := i
		for i < len(b) && hostChar[b[i]] {
			i++
		}
		e := i
		for next < len(urls) && urls[next][1] <= s {
			next++
		}
		if (s == 0 && sp.leftOpen) || (e == len(b) && sp.rightOpen) || next < len(urls) && urls[next][0] < e {
			continue
		}
		for s < e && (b[s] == '.' || b[s] == '-') {
			s++
		}
		for e > s && (b[e-1] == '.' || b[e-1] == '-') {
			e--
		}
		piece := b[s:e]
		if bytes.IndexByte(piece, '.') < 0 {
			continue
		}
		var prev, after byte
		if s > 0 {
			prev = b[s-1]
		}
		if i < len(b) {
			after = b[i] // the byte after the untrimmed piece
		}
		if isDigitsDots(piece) {
			if ip, ok := bareIPv4(string(piece)); ok && !versionBefore(sp.before, b[:s]) && textByte(prev) && textByte(after) &&
				after != '_' && after != '+' && prev != '_' && prev != '+' && prev != '.' {
				c.add("ip", ip, sp.enc, sp.pos.at(s))
			}
			continue
		}
		if c.bareHost(piece, prev, after) {
			c.add("domain", string(piece), sp.enc, sp.pos.at(s))
		}
	}
}

func isDigitsDots(p []byte) bool {
	for _, ch := range p {
		if (ch < '0' || ch > '9') && ch != '.' {
			return false
		}
	}
	return true
}

// schemeStart returns where the URL scheme before "://" at p starts, or -1
// when it is not http, https, ftp, ws or wss. Letters glued in front of
// http/https/ftp ("aborthttps://", from strings stored back to back) are
// not part of the URL.
func schemeStart(b []byte, p int) int {
	ls := p
	for ls > 0 && p-ls < 16 && isAlpha(b[ls-1]) {
		ls--
	}
	word := strings.ToLower(string(b[ls:p]))
	switch word {
	case "http", "https", "ftp", "ws", "wss":
		return ls
	}
	for _, s := range []string{"https", "http", "ftp"} {
		if strings.HasSuffix(word, s) {
			return p - len(s)
		}
	}
	return -1
}

func isAlpha(ch byte) bool { return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' }

// trimURL cuts a URL at a bracket it did not open or at "::" after the
// host (neither occurs in real URLs; both occur where text follows), then
// drops punctuation that ends a sentence.
func trimURL(u []byte) []byte {
	var paren, square int
cut:
	for i, ch := range u {
		switch ch {
		case '(':
			paren++
		case '[':
			square++
		case ')':
			if paren == 0 {
				u = u[:i]
				break cut
			}
			paren--
		case ']':
			if square == 0 {
				u = u[:i]
				break cut
			}
			square--
		}
	}
	// Template and shell substitutions end the literal part.
	for _, t := range []string{"${", "$("} {
		if k := bytes.Index(u, []byte(t)); k >= 0 {
			u = u[:k]
		}
	}
	if k := bytes.Index(u, []byte("://")); k >= 0 {
		if slash := bytes.IndexByte(u[k+3:], '/'); slash >= 0 {
			if dc := bytes.Index(u[k+3+slash:], []byte("::")); dc >= 0 {
				u = u[:k+3+slash+dc]
			}
		}
	}
	for len(u) > 0 {
		switch last := u[len(u)-1]; last {
		case '.', ',', ';', ':', '!', '?', '*', '&', '(', '[', '$':
			u = u[:len(u)-1]
			continue
		case ')', ']':
			open := byte('(')
			if last == ']' {
				open = '['
			}
			if bytes.Count(u, []byte{open}) < bytes.Count(u, []byte{last}) {
				u = u[:len(u)-1]
				continue
			}
		}
		return u
	}
	return u
}

// derLength cuts a URL stored as a DER IA5String (certificate CRL and OCSP
// locations) to the length its header declares; the byte after it is the
// next element's tag, often a printable '0'.
func derLength(b []byte, start int, u []byte) []byte {
	if start >= 2 && (b[start-2] == 0x86 || b[start-2] == 0x16) {
		if n := int(b[start-1]); n < 0x80 && n < len(u) && n >= len("http://a.b") {
			return u[:n]
		}
	}
	return u
}

// cutGlued cuts a URL whose last path segment runs into the next string:
// a lower-case letter or digit followed by a capitalised word or an
// upper-case identifier up to the end ("…/esbuildFailed", "…#fooThis").
func cutGlued(u []byte) []byte {
	seg := bytes.LastIndexAny(u, "/#")
	if seg < 0 {
		return u
	}
	for i := len(u) - 3; i > seg+1; i-- {
		lo, up := u[i-1], u[i]
		if !(lo >= 'a' && lo <= 'z' || lo >= '0' && lo <= '9') || up < 'A' || up > 'Z' {
			continue
		}
		tail := u[i+1:]
		word, caps := true, true
		for _, ch := range tail {
			word = word && ch >= 'a' && ch <= 'z'
			caps = caps && (ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_')
		}
		if word || caps {
			return u[:i]
		}
		return u
	}
	return u
}

// validURL checks the authority of scheme://authority/...: an IPv4 or
// bracketed IPv6 address, localhost, or a host name under a known TLD,
// with an optional numeric port. Format strings ("http://%s/") fail.
func validURL(u []byte) bool {
	s := string(u)
	_, rest, ok := strings.Cut(s, "://")
	if !ok {
		return false
	}
	auth := rest
	if k := strings.IndexAny(rest, "/?#"); k >= 0 {
		auth = rest[:k]
	}
	if k := strings.LastIndexByte(auth, '@'); k >= 0 {
		auth = auth[k+1:]
	}
	host, port := auth, ""
	if strings.HasPrefix(auth, "[") {
		k := strings.IndexByte(auth, ']')
		if k < 0 {
			return false
		}
		host, port = auth[1:k], auth[k+1:]
		if port != "" && !strings.HasPrefix(port, ":") {
			return false
		}
		port = strings.TrimPrefix(port, ":")
		if _, err := netip.ParseAddr(host); err != nil {
			return false
		}
	} else {
		if k := strings.LastIndexByte(auth, ':'); k >= 0 {
			host, port = auth[:k], auth[k+1:]
			if port == "" {
				return false
			}
		}
		switch hostKind(strings.ToLower(strings.TrimSuffix(host, "."))) {
		case "ip":
			if host == "0.0.0.0" {
				return false
			}
		case "domain", "localhost":
		default:
			return false
		}
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n <= 0 || n > 65535 || port[0] == '+' {
			return false
		}
	}
	return true
}

// hostKind says what a lower-case host is: "ip", "localhost", "domain"
// (a valid name under a known TLD) or "".
func hostKind(h string) string {
	if h == "localhost" {
		return "localhost"
	}
	if _, ok := parseIPv4(h); ok {
		return "ip"
	}
	if validName(h, allTLDs) {
		return "domain"
	}
	return ""
}

// validName checks host-name syntax: at least two labels of 1-63 letters,
// digits and inner hyphens, at most 253 characters, the last label in tlds,
// and a letter in the label before it (so "1.2.3.com" is not a name).
func validName(h string, tlds map[string]bool) bool {
	if len(h) > 253 || len(h) < 4 {
		return false
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 || !tlds[labels[len(labels)-1]] {
		return false
	}
	for _, l := range labels {
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			ch := l[i]
			if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-') {
				return false
			}
		}
	}
	return strings.IndexFunc(labels[len(labels)-2], func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0
}

// bareHost decides whether a name standing alone (no scheme) is a host:
// lower case, under a TLD that is not also a file extension or a common
// property name, and bounded like a string (see mode).
func (c *collector) bareHost(piece []byte, prev, next byte) bool {
	for _, ch := range piece {
		if ch >= 'A' && ch <= 'Z' {
			return false
		}
	}
	name := string(piece)
	if !validName(name, bareTLDSet) && name != "metadata.google.internal" {
		return false
	}
	// Short names are more often shader swizzles ("r.gg", "tmp0.xyz"),
	// member accesses ("a.sg") or DOS programs ("chcp.com") than hosts.
	labels := strings.Split(name, ".")
	sld, tld := labels[len(labels)-2], labels[len(labels)-1]
	if len(sld) < 2 || len(sld) < 3 && !strongTLD(name) || dosPrograms[name] ||
		swizzleTLD[tld] && strings.ContainsAny(sld, "0123456789") {
		return false
	}
	// Go symbol names ("reflect.flag.ro", "go.itab.x.io") and field paths
	// ("value.ir" in OpenSSL's ASN.1 templates) are dotted lower-case
	// words too.
	first, _, _ := strings.Cut(name, ".")
	dots := strings.Count(name, ".")
	if goSymbolPrefix[first] && dots >= 2 && !strongTLD(name) || identWords[first] && dots == 1 {
		return false
	}
	quote := func(ch byte) bool { return ch == '"' || ch == '\'' || ch == '`' }
	if c.mode == modeCode {
		return (quote(prev) || prev == '/' || prev == '@') &&
			(quote(next) || next == '/' || next == ':' || next == '?' || next == '#')
	}
	okPrev := textByte(prev) && (prev <= ' ' || quote(prev) || strings.IndexByte("/@([=:<>|,;\\", prev) >= 0)
	okNext := textByte(next) && (next <= ' ' || quote(next) || strings.IndexByte("/:?#>]\\.", next) >= 0)
	return okPrev && okNext
}

var goSymbolPrefix = set("go type runtime reflect sync syscall internal os io fmt net time strings bytes errors sort strconv unicode bufio context crypto encoding hash math path regexp main vendor")

var (
	swizzleTLD  = set("xyz gg bg ba ga ag ar zw")
	dosPrograms = set("chcp.com more.com tree.com mode.com format.com command.com diskcopy.com diskcomp.com edit.com keyb.com")
)

var identWords = set(`value self this that data item node obj object config cfg options opts props state
result error err info msg ctx req res args params type name key field entry list map set src dst buf str tmp
val var ret out file path dir event module exports window document user foo bar baz test`)

// strongTLD: names under these are hosts even when they look like symbols.
func strongTLD(name string) bool {
	for _, t := range []string{".com", ".net", ".org", ".io", ".dev"} {
		if strings.HasSuffix(name, t) {
			return true
		}
	}
	return false
}

// parseIPv4 parses a dotted quad strictly: four decimal parts 0-255
// without leading zeros.
func parseIPv4(s string) ([4]int, bool) {
	var ip [4]int
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return ip, false
	}
	for i, p := range parts {
		if len(p) == 0 || len(p) > 3 || (len(p) > 1 && p[0] == '0') {
			return ip, false
		}
		n := 0
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return ip, false
			}
			n = n*10 + int(p[j]-'0')
		}
		if n > 255 {
			return ip, false
		}
		ip[i] = n
	}
	return ip, true
}

// bareIPv4 accepts a dotted quad standing alone unless it looks more like
// something else: unspecified/broadcast/this-network addresses, a network
// address ending in .0 (also "1.0.0.0"-style versions), or an X.509/SNMP
// object identifier prefix (1.2.x.x, 1.3.x.x, 2.5.x.x).
func bareIPv4(s string) (string, bool) {
	ip, ok := parseIPv4(s)
	if !ok || ip[0] == 0 || ip[0] == 255 || ip[3] == 0 {
		return "", false
	}
	if (ip[0] == 1 && (ip[1] == 2 || ip[1] == 3)) || (ip[0] == 2 && ip[1] == 5) {
		return "", false
	}
	return s, true
}

// versionBefore reports whether the text just before a number names a
// version ("version 1.2.3.4", "v1.2.3.4", "FileVersion\0\0" in resources).
func versionBefore(context, before []byte) bool {
	if len(before) > 24 {
		before = before[len(before)-24:]
	}
	if len(before) < 24 && len(context) > 0 {
		before = append(append([]byte{}, context...), before...)
	}
	t := strings.ToLower(strings.TrimRight(string(before), " \t=:\"'\x00#"))
	for _, w := range []string{"version", "ver", "v", "rev", "release", "build", "firmware"} {
		if strings.HasSuffix(t, w) {
			return true
		}
	}
	return false
}
