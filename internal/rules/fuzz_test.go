package rules

import (
	"bytes"
	"testing"
)

// FuzzSplit checks the rule splitter on any text: no panic, and when it
// succeeds the rules are in order, inside the source, apart; blanking
// keeps the length and the line breaks.
func FuzzSplit(f *testing.F) {
	srcs, _ := FirstParty()
	for _, s := range srcs {
		f.Add(s.Text)
	}
	f.Add([]byte("private global rule a : t1 t2 { meta: k = \"v\\\"}\" n = -1 b = true strings: $h = { 4D [1-2] ( 5A | 00 ) } $r = /a\\/}/ condition: $h and $r }"))
	f.Add([]byte("import \"pe\"\ninclude \"x\"\nrule b { condition: true } /* } */ rule c { condition: false }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		spans, err := split(src)
		if err != nil {
			return
		}
		end := 0
		for _, s := range spans {
			if s.Start < end || s.End <= s.Start || s.End > len(src) || s.Name == "" {
				t.Fatalf("bad span %+v after %d (len %d)", s, end, len(src))
			}
			end = s.End
		}
		out := blank(src, spans, func(ruleSpan) bool { return false })
		if len(out) != len(src) || bytes.Count(out, []byte{'\n'}) != bytes.Count(src, []byte{'\n'}) {
			t.Fatal("blank changed the length or the lines")
		}
	})
}

// FuzzIOCFind runs the IOC matcher over any bytes: no panic, offsets
// inside the data, each indicator at most once.
func FuzzIOCFind(f *testing.F) {
	l, err := ParseIOC("l", bytes.NewReader([]byte("evil.invalid\nhttp://x.invalid/a\n192.0.2.1\n2001:db8::1\n")))
	if err != nil {
		f.Fatal(err)
	}
	m, err := NewIOCMatcher([]*IOCList{l})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("cdn.evil.invalid e\x00v\x00i\x00l\x00.\x00i\x00n\x00v\x00a\x00l\x00i\x00d\x00 192.0.2.1."))
	f.Add([]byte("HTTP://X.INVALID/a 2001:DB8::1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		seen := map[string]bool{}
		for _, h := range m.Find(data, nil) {
			if h.Offset < 0 || h.Offset >= int64(len(data)) || seen[h.Indicator] {
				t.Fatalf("bad hit %+v (len %d)", h, len(data))
			}
			seen[h.Indicator] = true
		}
	})
}
