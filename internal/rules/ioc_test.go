package rules_test

import (
	"context"
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

// TestIOCSources: the generated rules compile and map back to indicators.
func TestIOCSources(t *testing.T) {
	l, err := rules.ParseIOC("a.txt", strings.NewReader("evil.invalid\nhttp://x.invalid/\"q\\\n192.0.2.1\n"))
	if err != nil {
		t.Fatal(err)
	}
	lists := []*rules.IOCList{l}
	s := newSet(t, nil, rules.IOCSources(lists))
	ms, err := s.Scan(context.Background(), rules.Target{Kind: "text"}, []byte(`see http://x.invalid/"q\ at 192.0.2.1`), rules.ScopeAll)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		for _, str := range m.Strings {
			if _, ind, ok := rules.IOCIndicator(lists, m.Rule, str.ID); ok {
				got = append(got, ind)
			}
		}
	}
	if d := cmp.Diff([]string{"192.0.2.1", `http://x.invalid/"q\`}, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
