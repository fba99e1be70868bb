package strip_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/rules/strip"
)

// without blanks each of gone in in, in order, keeping newlines: the
// output Strip should produce.
func without(in string, gone ...string) string {
	out := []byte(in)
	from := 0
	for _, g := range gone {
		i := strings.Index(in[from:], g)
		if i < 0 {
			panic("not in input: " + g)
		}
		for j := from + i; j < from+i+len(g); j++ {
			if out[j] != '\n' {
				out[j] = ' '
			}
		}
		from += i + len(g)
	}
	return string(out)
}

func TestStrip(t *testing.T) {
	tests := []struct {
		name, kind, in string
		gone           []string // blanked, in order
	}{
		// JavaScript / TypeScript
		{"js line comment", "script/js", "a(); // require('child_process')\nb();", []string{"// require('child_process')"}},
		{"js block comment keeps lines", "script/js", "x /* one\ntwo */ y", []string{"/* one\ntwo */"}},
		{"js // in strings", "script/js", `u = "http://x.invalid/a"; v = 'a//b'; // c`, []string{"// c"}},
		{"js escaped quote", "script/js", `s = "a\"//b"; // c`, []string{"// c"}},
		{"js /* in string", "script/js", `s = "/*"; t = 1; // */`, []string{"// */"}},
		{"js template literal", "script/js", "s = `a // b ${x /* c */ + `in // ner`} d // e`; // f", []string{"/* c */", "// f"}},
		{"js template object in substitution", "script/js", "s = `${ {a: 1}.a } // t`; // c", []string{"// c"}},
		{"js regex literal", "script/js", `r = /\/\/evil/g; // c`, []string{"// c"}},
		{"js regex class slash", "script/js", `r = /[/]+\/*/; x(); // c`, []string{"// c"}},
		{"js regex after return", "script/js", "return /a\\/\\//.test(s) // c", []string{"// c"}},
		{"js division is not regex", "script/js", "x = a / b; y = c / d // c", []string{"// c"}},
		{"js division after paren", "script/js", "x = (a) / 2 /* c */", []string{"/* c */"}},
		{"js postfix then division", "script/js", "x = i++ / 2 // c", []string{"// c"}},
		{"js hashbang kept", "script/js", "#!/usr/bin/env node // not a comment\nx // c", []string{"// c"}},
		{"js unterminated block", "script/js", "a /* b", []string{"/* b"}},
		{"js unterminated string stops at line", "script/js", "s = 'abc\n// c", []string{"// c"}},
		// Python
		{"py comment", "script/python", "import os  # os.system('x')\n", []string{"# os.system('x')"}},
		{"py hash in string", "script/python", `u = "a#b"  # c`, []string{"# c"}},
		{"py module docstring", "script/python", "\"\"\"Uses subprocess.\n\nMore.\"\"\"\nimport x\n", []string{"\"\"\"Uses subprocess.\n\nMore.\"\"\""}},
		{"py function docstring", "script/python", "def f():\n    '''subprocess.run(x)'''\n    return 1\n", []string{"'''subprocess.run(x)'''"}},
		{"py prefixed docstring", "script/python", "r\"\"\"raw doc\"\"\"\n", []string{"r\"\"\"raw doc\"\"\""}},
		{"py string in expression kept", "script/python", "x = \"\"\"subprocess\"\"\"\n", nil},
		{"py call argument kept", "script/python", "run(\n    \"os.system\"\n)\n", nil},
		{"py method on string kept", "script/python", "'{}'.format(x)\n", nil},
		{"py continuation kept", "script/python", "x = \\\n  'abc'\n", nil},
		{"py docstring with comment after", "script/python", "'doc'  # c\n", []string{"'doc'", "# c"}},
		{"py escaped quote", "script/python", `x = 'it\'s # no'  # c`, []string{"# c"}},
		// Shell
		{"sh comment", "script/shell", "#!/bin/sh\ncurl x | sh # c\n", []string{"# c"}},
		{"sh hash in word and quotes", "script/shell", "echo a#b '#x' \"#y\" ${#v} $# # c", []string{"# c"}},
		{"sh heredoc kept", "script/shell", "cat <<EOF\n# not a comment\nEOF\n# c\n", []string{"# c"}},
		{"sh heredoc quoted dash", "script/shell", "cat <<-'E' > f # c\n\t# keep\n\tE\n", []string{"# c"}},
		{"sh command substitution in quotes", "script/shell", "x=\"$(echo \"a # b\")\" # c", []string{"# c"}},
		{"sh arithmetic shift", "script/shell", "x=$((1 << 2)) # c\n# d", []string{"# c", "# d"}},
		// PowerShell
		{"ps comments", "script/powershell", "Start-Process x # c\n<# block\nIEX #>\n$a", []string{"# c", "<# block\nIEX #>"}},
		{"ps strings", "script/powershell", "$s = 'it''s # no'; $t = \"a `\" # no\" # c", []string{"# c"}},
		{"ps here-string", "script/powershell", "$h = @\"\n# kept\n\"@ # c", []string{"# c"}},
		// Others unchanged
		{"text unchanged", "text", "# not touched // at all", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := string(strip.Strip(tc.kind, []byte(tc.in)))
			if d := cmp.Diff(without(tc.in, tc.gone...), got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
