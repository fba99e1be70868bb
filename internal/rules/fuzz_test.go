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
