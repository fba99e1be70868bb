package endpoints

import (
	"net/netip"
	"slices"
	"strings"
)

// Classes an endpoint can carry.
const (
	ClassRawIP          = "raw-ip"           // an address instead of a name
	ClassLoopback       = "loopback"         // 127/8, ::1, localhost
	ClassPrivate        = "private"          // RFC 1918, carrier-grade NAT, fc00::/7
	ClassLinkLocal      = "link-local"       // 169.254/16, fe80::/10
	ClassMulticast      = "multicast"        // 224/4, ff00::/8
	ClassCloudMetadata  = "cloud-metadata"   // instance-metadata services
	ClassRawContentHost = "raw-content-host" // raw.githubusercontent.com, gists, …
	ClassPasteHost      = "paste-host"       // paste sites and anonymous file drops
	ClassWebhookHost    = "webhook-host"     // webhooks, request catchers, tunnels
	ClassDynamicDNS     = "dynamic-dns"      // duckdns, no-ip, …
	ClassShortener      = "shortener"        // bit.ly, tinyurl, …
	ClassCheapTLD       = "cheap-tld"        // .top, .xyz, .icu, …
	ClassOnion          = "onion"            // Tor hidden services
	ClassSchema         = "schema"           // XML namespaces, DTDs, JSON schemas
	ClassLookalike      = "lookalike:"       // + vendor: a name imitating a vendor's
)

// classify returns the sorted classes of an endpoint.
func classify(typ, value string) []string {
	host, path := value, ""
	if typ == "url" {
		host, path = splitURL(value)
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	var cl []string
	if ip, ok := parseIPv4(host); ok {
		cl = append(cl, ClassRawIP)
		cl = append(cl, ipClasses(netip.AddrFrom4([4]byte{byte(ip[0]), byte(ip[1]), byte(ip[2]), byte(ip[3])}))...)
	} else if a, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		cl = append(cl, ClassRawIP)
		cl = append(cl, ipClasses(a)...)
	} else if host == "localhost" {
		cl = append(cl, ClassLoopback)
	} else {
		cl = append(cl, hostClasses(host, path, value)...)
	}
	slices.Sort(cl)
	return slices.Compact(cl)
}

// splitURL returns the host (without user info and port; IPv6 in
// brackets) and the path of a URL validURL accepted.
func splitURL(u string) (host, path string) {
	_, rest, _ := strings.Cut(u, "://")
	auth := rest
	if k := strings.IndexAny(rest, "/?#"); k >= 0 {
		auth, path = rest[:k], rest[k:]
	}
	if k := strings.LastIndexByte(auth, '@'); k >= 0 {
		auth = auth[k+1:]
	}
	if strings.HasPrefix(auth, "[") {
		if k := strings.IndexByte(auth, ']'); k >= 0 {
			return auth[:k+1], path
		}
	}
	if k := strings.LastIndexByte(auth, ':'); k >= 0 {
		auth = auth[:k]
	}
	return auth, path
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func ipClasses(a netip.Addr) []string {
	var cl []string
	switch {
	case a.IsLoopback():
		cl = append(cl, ClassLoopback)
	case a.IsPrivate() || cgnat.Contains(a):
		cl = append(cl, ClassPrivate)
	case a.IsLinkLocalUnicast():
		cl = append(cl, ClassLinkLocal)
	case a.IsMulticast():
		cl = append(cl, ClassMulticast)
	}
	switch a.String() {
	case "169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254":
		cl = append(cl, ClassCloudMetadata)
	}
	return cl
}

func hostClasses(host, path, value string) []string {
	var cl []string
	labels := strings.Split(host, ".")
	tld := labels[len(labels)-1]
	if schemaHostSet[host] || hasAnyPrefix(value, schemaURLPrefixes) {
		cl = append(cl, ClassSchema)
	}
	for _, g := range []struct {
		class string
		hosts []string
	}{
		{ClassRawContentHost, rawContentHosts}, {ClassPasteHost, pasteHosts},
		{ClassWebhookHost, webhookHosts}, {ClassDynamicDNS, dynamicDNSHosts}, {ClassShortener, shortenerHosts},
	} {
		for _, p := range g.hosts {
			if hostMatches(p, host, path) {
				cl = append(cl, g.class)
				break
			}
		}
	}
	if cheapTLDSet[tld] {
		cl = append(cl, ClassCheapTLD)
	}
	if tld == "onion" {
		cl = append(cl, ClassOnion)
	}
	if host == "metadata.google.internal" {
		cl = append(cl, ClassCloudMetadata)
	}
	if v := lookalike(labels); v != "" {
		cl = append(cl, ClassLookalike+v)
	}
	return cl
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// hostMatches matches one list entry: "host", "*.domain" (any subdomain),
// "host/path-prefix", or "host/*/part" (the path contains "/part").
func hostMatches(pattern, host, path string) bool {
	hp, pp, hasPath := strings.Cut(pattern, "/")
	if rest, ok := strings.CutPrefix(hp, "*."); ok {
		if !strings.HasSuffix(host, "."+rest) {
			return false
		}
	} else if host != hp {
		return false
	}
	if !hasPath {
		return true
	}
	if rest, ok := strings.CutPrefix(pp, "*/"); ok {
		return strings.Contains(path, "/"+rest)
	}
	return strings.HasPrefix(path, "/"+pp)
}

// registrable returns the label under the public suffix ("example" for
// www.example.co.uk) and the registrable name ("example.co.uk").
func registrable(labels []string) (label, name string) {
	n := len(labels)
	if n < 2 {
		return "", ""
	}
	k := n - 2
	if n >= 3 && secondLevels[labels[n-2]+"."+labels[n-1]] {
		k = n - 3
	}
	return labels[k], strings.Join(labels[k:], ".")
}

// lookalike names the vendor a host imitates, or "": a registrable label
// that is not the vendor's name but reads the same with look-alike
// characters (0/o, 1/l/i, rn/m, vv/w), is a few edits from it, or joins it
// with a lure word ("github-update").
func lookalike(labels []string) string {
	label, name := registrable(labels)
	if label == "" || notLookalikes[name] {
		return ""
	}
	norm := homoglyphs(label)
	for _, v := range vendors {
		if label == v.name {
			return ""
		}
	}
	for _, v := range vendors {
		if norm == homoglyphs(v.name) {
			return v.name
		}
		if v.maxEdits > 0 && abs(len(label)-len(v.name)) <= v.maxEdits && osaDistance(label, v.name) <= v.maxEdits {
			return v.name
		}
		if strings.Contains(label, "-") {
			parts := strings.Split(label, "-")
			hasVendor, hasLure := false, false
			for _, p := range parts {
				hasVendor = hasVendor || p == v.name || homoglyphs(p) == homoglyphs(v.name)
				hasLure = hasLure || lureWords[p]
			}
			if hasVendor && hasLure {
				return v.name
			}
		}
	}
	return ""
}

var glyphs = strings.NewReplacer("rn", "m", "vv", "w", "0", "o", "1", "l", "i", "l", "3", "e", "5", "s", "4", "a", "7", "t")

func homoglyphs(s string) string { return glyphs.Replace(s) }

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// osaDistance is the optimal-string-alignment edit distance (insertions,
// deletions, substitutions, adjacent transpositions). Labels are at most 63
// bytes, so the table is small.
func osaDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	var d [65][65]int
	for i := 0; i <= len(a); i++ {
		d[i][0] = i
	}
	for j := 0; j <= len(b); j++ {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
