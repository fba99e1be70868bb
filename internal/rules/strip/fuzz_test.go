package strip_test

import (
	"testing"

	"github.com/vouch-sec/vouch/internal/rules/strip"
)

var kinds = []string{"script/js", "script/python", "script/shell", "script/powershell", "text"}

// FuzzStrip checks the stripper's contract on any input: it never panics,
// keeps the length and every line break, and only ever turns bytes into
// spaces.
func FuzzStrip(f *testing.F) {
	seeds := []string{
		"a(); // require('child_process')\nb();",
		"s = `a // b ${x /* c */ + `in // ner`} d // e`; // f",
		`r = /[/]+\/*/; x(); // c`,
		"return /a\\/\\//.test(s) // c",
		"\"\"\"Uses subprocess.\n\nMore.\"\"\"\nimport x\n",
		"def f():\n    '''subprocess.run(x)'''\n    return 1\n",
		"cat <<-'E' > f # c\n\t# keep\n\tE\n",
		"x=\"$(echo \"a # b\")\" # c",
		"$h = @\"\n# kept\n\"@ # c <# x #>",
		"`${`${`${",
		"}}}`",
	}
	for _, s := range seeds {
		for k := range kinds {
			f.Add(uint8(k), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, src []byte) {
		kind := kinds[int(k)%len(kinds)]
		in := append([]byte(nil), src...)
		out := strip.Strip(kind, src)
		if string(src) != string(in) {
			t.Fatal("input modified")
		}
		if len(out) != len(in) {
			t.Fatalf("length %d, want %d", len(out), len(in))
		}
		for i := range in {
			if out[i] != in[i] && (out[i] != ' ' || in[i] == '\n' || in[i] == '\r') {
				t.Fatalf("byte %d: %q became %q", i, in[i], out[i])
			}
		}
	})
}
