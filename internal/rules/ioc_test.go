package rules_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/rules"
)

func TestParseIOC(t *testing.T) {
	in := `# comment
E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855
da39a3ee5e6b4b0d3255bfef95601890afd80709   # sha1 of nothing
d41d8cd98f00b204e9800998ecf8427e

Evil[.]Invalid.
hxxps://c2[.]invalid/Gate?x=1
http://C2.invalid/Gate
192.0.2.1
2001:DB8::1
evil.invalid
`
	l, err := rules.ParseIOC("apt.txt", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	wantHashes := map[string]string{
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855": "sha256",
		"da39a3ee5e6b4b0d3255bfef95601890afd80709":                         "sha1",
		"d41d8cd98f00b204e9800998ecf8427e":                                 "md5",
	}
	if d := cmp.Diff(wantHashes, l.Hashes); d != "" {
		t.Errorf("hashes (-want +got):\n%s", d)
	}
	wantTypes := map[string]string{
		"evil.invalid": "domain", "https://c2.invalid/Gate?x=1": "url", "http://c2.invalid/Gate": "url",
		"192.0.2.1": "ip", "2001:db8::1": "ip",
	}
	if d := cmp.Diff(wantTypes, l.Types); d != "" {
		t.Errorf("types (-want +got):\n%s", d)
	}
	want := []string{"192.0.2.1", "2001:db8::1", "evil.invalid", "http://c2.invalid/Gate", "https://c2.invalid/Gate?x=1"}
	if d := cmp.Diff(want, l.Strings); d != "" {
		t.Errorf("strings (-want +got):\n%s", d)
	}
}

func TestParseIOCErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"evil.invalid\nnot an indicator\n", "2: more than one indicator on a line"},
		{"# c\n\n-bad-\n", `3: not a sha256/sha1/md5 hash, URL, IP address or domain: "-bad-"`},
		{"http://\n", `1: not a URL`},
		{"abcd\n", `1: not a sha256/sha1/md5 hash`},
		{strings.Repeat("a", 9000) + "\n", "1: bufio.Scanner: token too long"},
	}
	for _, tc := range tests {
		_, err := rules.ParseIOC("x", strings.NewReader(tc.in))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("ParseIOC(%.20q) = %v, want %q…", tc.in, err, tc.want)
		}
	}
}

func TestIOCMatcher(t *testing.T) {
	a, err := rules.ParseIOC("a.txt", strings.NewReader("evil.invalid\nhttp://x.invalid/Gate\n192.0.2.1\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := rules.ParseIOC("b.txt", strings.NewReader("evil.invalid\n"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := rules.NewIOCMatcher([]*rules.IOCList{a, b})
	if err != nil {
		t.Fatal(err)
	}
	wide := func(s string) string {
		var w strings.Builder
		for _, c := range []byte(s) {
			w.WriteByte(c)
			w.WriteByte(0)
		}
		return w.String()
	}
	tests := []struct {
		name, data string
		want       []string // "list indicator offset"
	}{
		{"domain, both lists", "at EVIL.invalid.", []string{"a.txt evil.invalid 3", "b.txt evil.invalid 3"}},
		{"subdomain", "cdn.evil.invalid/x", []string{"a.txt evil.invalid 4", "b.txt evil.invalid 4"}},
		{"inside other names", "notevil.invalid my-evil.invalid evil.invalidx evil.invalid.com", nil},
		{"first offset only", "evil.invalid evil.invalid", []string{"a.txt evil.invalid 0", "b.txt evil.invalid 0"}},
		{"url ignoring case", "GET HTTP://X.INVALID/gate?", []string{"a.txt http://x.invalid/Gate 4"}},
		{"ip", "ip=192.0.2.1;", []string{"a.txt 192.0.2.1 3"}},
		{"longer ips", "192.0.2.10 1192.0.2.1 10.192.0.2.1 192.0.2.1.5", nil},
		{"utf-16", "MZ" + wide("evil.invalid") + "\x00\x00" + wide("192.0.2.1"), []string{"a.txt evil.invalid 2", "b.txt evil.invalid 2", "a.txt 192.0.2.1 28"}},
		{"utf-16 inside another name", wide("xevil.invalid"), nil},
		{"nothing", "", nil},
	}
	for _, tc := range tests {
		var got []string
		for _, h := range m.Find([]byte(tc.data), nil) {
			got = append(got, fmt.Sprintf("%s %s %d", h.List.Name, h.Indicator, h.Offset))
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
	if m, err := rules.NewIOCMatcher([]*rules.IOCList{{Name: "hashes only"}}); m != nil || err != nil {
		t.Errorf("no strings: %v, %v", m, err)
	}
}
