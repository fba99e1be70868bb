// Package strip blanks comments out of script source, so that rules about
// code do not match prose: a README-like comment that mentions
// child_process or ~/.ssh is not a capability.
//
// Each language has a small best-effort lexer: it knows strings, template
// literals, regular expression literals, here-documents and comments well
// enough to tell a comment from code in real scripts, and it degrades to
// blanking less (never more) on input it does not understand. Blanked bytes
// become spaces; newlines and the length stay, so offsets and line numbers
// of matches are those of the original file.
//
// # Security
//
// Input is hostile text. Every lexer is a single forward pass (linear
// time, no recursion) and allocates one copy of the input.
package strip

import "bytes"

// Strip returns src with the comments of the given script kind blanked:
//
//   - script/js (JavaScript, TypeScript): // and /* */ comments; strings,
//     template literals (with nested ${…}) and regular expression
//     literals are kept.
//   - script/python: # comments, and string literals that are statements
//     of their own (docstrings).
//   - script/shell: # comments outside quotes and here-documents, except a
//     #! first line.
//   - script/powershell: # comments and <# #> blocks, outside strings and
//     here-strings.
//
// For other kinds it returns src itself.
func Strip(kind string, src []byte) []byte {
	switch kind {
	case "script/js":
		return js(src)
	case "script/python":
		return python(src)
	case "script/shell":
		return shell(src)
	case "script/powershell":
		return powershell(src)
	}
	return src
}

// blankRange replaces out[a:b] with spaces, keeping line breaks.
func blankRange(out []byte, a, b int) {
	b = min(b, len(out))
	for i := a; i < b; i++ {
		if out[i] != '\n' && out[i] != '\r' {
			out[i] = ' '
		}
	}
}

// eol returns the index of the newline ending the line at i (or len).
func eol(src []byte, i int) int {
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isWord(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 || (c|0x20 >= 'a' && c|0x20 <= 'z') || (c >= '0' && c <= '9')
}

// ---- JavaScript / TypeScript ----

// regexKeywords are the words after which a slash starts a regular
// expression rather than a division.
var regexKeywords = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true, "new": true,
	"delete": true, "void": true, "throw": true, "case": true, "do": true, "else": true,
	"yield": true, "await": true,
}

func js(src []byte) []byte {
	out := bytes.Clone(src)
	n := len(src)
	i := 0
	if bytes.HasPrefix(src, []byte("#!")) {
		i = eol(src, 0)
	}
	var tmpl []int // brace depth at each open ${ of a template literal
	depth := 0
	prev := byte(0) // last significant character class: 0 start, 'a' word, '0' number, '"' string, 'r' regexp, else the punctuator
	word := ""
	for i < n {
		c := src[i]
		switch {
		case isSpace(c):
			i++
		case c == '/' && i+1 < n && src[i+1] == '/':
			e := eol(src, i)
			blankRange(out, i, e)
			i = e
		case c == '/' && i+1 < n && src[i+1] == '*':
			e := n
			if j := bytes.Index(src[i+2:], []byte("*/")); j >= 0 {
				e = i + 2 + j + 2
			}
			blankRange(out, i, e)
			i = e
		case c == '\'' || c == '"':
			i = jsString(src, i)
			prev = '"'
		case c == '`':
			var closed bool
			i, closed = jsTemplate(src, i+1)
			if !closed { // at ${: code until the matching }
				tmpl = append(tmpl, depth)
				depth++
				prev = '{'
			} else {
				prev = '"'
			}
		case c == '/':
			if regexAllowed(prev, word) {
				i = jsRegexp(src, i)
				prev = 'r'
			} else {
				i++
				prev = '/'
			}
		case c == '{':
			depth++
			i++
			prev = '{'
		case c == '}':
			depth--
			i++
			prev = '}'
			if k := len(tmpl); k > 0 && depth == tmpl[k-1] {
				tmpl = tmpl[:k-1]
				var closed bool
				i, closed = jsTemplate(src, i)
				if !closed {
					tmpl = append(tmpl, depth)
					depth++
					prev = '{'
				} else {
					prev = '"'
				}
			}
		case c >= '0' && c <= '9':
			for i < n && (isWord(src[i]) || src[i] == '.') {
				i++
			}
			prev = '0'
		case isWord(c):
			s := i
			for i < n && isWord(src[i]) {
				i++
			}
			word = string(src[s:i])
			prev = 'a'
		case c == '.' && i+1 < n && src[i+1] >= '0' && src[i+1] <= '9':
			i++
			for i < n && isWord(src[i]) {
				i++
			}
			prev = '0'
		default:
			if (c == '+' || c == '-') && i+1 < n && src[i+1] == c {
				// a++ / 2: after a postfix operator a slash divides.
				i += 2
				if prev == 'a' || prev == '0' || prev == ')' || prev == ']' {
					prev = ')'
				} else {
					prev = c
				}
				continue
			}
			prev = c
			i++
		}
	}
	return out
}

func regexAllowed(prev byte, word string) bool {
	switch prev {
	case 'a':
		return regexKeywords[word]
	case '0', '"', 'r', ')', ']', '.':
		return false
	}
	return true
}

// jsString skips the '…' or "…" literal at i. A raw newline ends it (an
// unterminated string), so damage stays on one line.
func jsString(src []byte, i int) int {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q:
			return j + 1
		case '\n':
			return j
		}
	}
	return len(src)
}

// jsTemplate skips template literal text starting at i (just after the
// backquote or the } closing a substitution). It returns the index after
// the closing backquote and true, or the index after "${" and false.
func jsTemplate(src []byte, i int) (int, bool) {
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '`':
			return j + 1, true
		case '$':
			if j+1 < len(src) && src[j+1] == '{' {
				return j + 2, false
			}
		}
	}
	return len(src), true
}

// jsRegexp skips the regular expression literal at i with its flags. A
// slash inside a [class] does not end it; a newline does.
func jsRegexp(src []byte, i int) int {
	class := false
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '[':
			class = true
		case ']':
			class = false
		case '/':
			if !class {
				j++
				for j < len(src) && isWord(src[j]) {
					j++
				}
				return j
			}
		case '\n':
			return j
		}
	}
	return len(src)
}

// ---- Python ----

func python(src []byte) []byte {
	out := bytes.Clone(src)
	n := len(src)
	depth := 0        // open brackets
	stmtStart := true // at the first token of a logical line
	cont := false     // the line ended with a backslash
	for i := 0; i < n; {
		c := src[i]
		switch {
		case c == '\n':
			i++
			if depth == 0 && !cont {
				stmtStart = true
			}
			cont = false
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case c == '\\' && i+1 < n && (src[i+1] == '\n' || src[i+1] == '\r'):
			cont = true
			i++
		case c == '#':
			e := eol(src, i)
			blankRange(out, i, e)
			i = e
		case c == '\'' || c == '"' || (isPyPrefix(src, i) && stringAfterPrefix(src, i)):
			s := i
			for src[i] != '\'' && src[i] != '"' {
				i++
			}
			e := pyString(src, i)
			if stmtStart && depth == 0 && restIsEmpty(src, e) {
				blankRange(out, s, e)
			}
			i = e
			stmtStart = false
		case c == '(' || c == '[' || c == '{':
			depth++
			i++
			stmtStart = false
		case c == ')' || c == ']' || c == '}':
			if depth > 0 {
				depth--
			}
			i++
			stmtStart = false
		case isWord(c):
			for i < n && isWord(src[i]) {
				i++
			}
			stmtStart = false
		default:
			i++
			stmtStart = false
		}
	}
	return out
}

// isPyPrefix reports a string prefix (r, b, u, f, rb, br, fr, rf, any
// case) at i, starting a word.
func isPyPrefix(src []byte, i int) bool {
	if i > 0 && isWord(src[i-1]) {
		return false
	}
	k := 0
	for i+k < len(src) && k < 3 && bytes.IndexByte([]byte("rRbBuUfF"), src[i+k]) >= 0 {
		k++
	}
	return k > 0 && k <= 2
}

func stringAfterPrefix(src []byte, i int) bool {
	for i < len(src) && bytes.IndexByte([]byte("rRbBuUfF"), src[i]) >= 0 {
		i++
	}
	return i < len(src) && (src[i] == '\'' || src[i] == '"')
}

// pyString skips the string literal whose quote is at i.
func pyString(src []byte, i int) int {
	q := src[i]
	if i+2 < len(src) && src[i+1] == q && src[i+2] == q {
		for j := i + 3; j < len(src); j++ {
			if src[j] == '\\' {
				j++
				continue
			}
			if src[j] == q && j+2 < len(src) && src[j+1] == q && src[j+2] == q {
				return j + 3
			}
		}
		return len(src)
	}
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q:
			return j + 1
		case '\n':
			return j
		}
	}
	return len(src)
}

// restIsEmpty reports whether only blanks or a comment follow i on its line.
func restIsEmpty(src []byte, i int) bool {
	for ; i < len(src); i++ {
		switch src[i] {
		case ' ', '\t', '\r', '\f', ';':
		case '\n', '#':
			return true
		default:
			return false
		}
	}
	return true
}

// ---- POSIX shell ----

// A shell or PowerShell lexer keeps a stack of contexts: code, and the
// quoted strings and command substitutions nested in it.
const (
	ctxCode   = iota // top level or inside $( ) / `…`
	ctxDouble        // "…"
	ctxBack          // `…` (code, ends at the next backquote)
)

type frame struct {
	kind   int
	parens int // open ( inside a $( ) frame
	sub    bool
}

// commentStart reports whether a # at i starts a comment: at the start of
// a word.
func commentStart(src []byte, i int) bool {
	if i == 0 {
		return true
	}
	switch src[i-1] {
	case ' ', '\t', '\n', '\r', ';', '|', '&', '(', ')', '<', '>':
		return true
	}
	return false
}

func shell(src []byte) []byte {
	out := bytes.Clone(src)
	n := len(src)
	i := 0
	if bytes.HasPrefix(src, []byte("#!")) {
		i = eol(src, 0)
	}
	stack := []frame{{kind: ctxCode}}
	var heredocs []heredoc // pending, read after the current line
	for i < n {
		top := &stack[len(stack)-1]
		c := src[i]
		if top.kind == ctxDouble {
			switch c {
			case '\\':
				i += 2
			case '"':
				stack = stack[:len(stack)-1]
				i++
			case '`':
				stack = append(stack, frame{kind: ctxBack})
				i++
			case '$':
				if i+1 < n && src[i+1] == '(' {
					stack = append(stack, frame{kind: ctxCode, sub: true})
					i += 2
				} else {
					i++
				}
			default:
				i++
			}
			continue
		}
		switch {
		case c == '\n':
			i++
			for _, h := range heredocs {
				i = h.skip(src, i)
			}
			heredocs = heredocs[:0]
		case c == '\\':
			i += 2
		case c == '#' && commentStart(src, i):
			e := eol(src, i)
			blankRange(out, i, e)
			i = e
		case c == '\'':
			if j := bytes.IndexByte(src[i+1:], '\''); j >= 0 {
				i += j + 2
			} else {
				i = n
			}
		case c == '$' && i+1 < n && src[i+1] == '\'':
			i = ansiString(src, i+1)
		case c == '"':
			stack = append(stack, frame{kind: ctxDouble})
			i++
		case c == '`':
			if top.kind == ctxBack {
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, frame{kind: ctxBack})
			}
			i++
		case (c == '$' && i+2 < n && src[i+1] == '(' && src[i+2] == '(') || (c == '(' && i+1 < n && src[i+1] == '('):
			// Arithmetic: no comments, and << is a shift, not a here-document.
			if j := bytes.Index(src[i:], []byte("))")); j >= 0 && bytes.IndexByte(src[i:i+j], '\n') < 0 {
				i += j + 2
			} else {
				i++
			}
		case c == '$' && i+1 < n && src[i+1] == '(':
			stack = append(stack, frame{kind: ctxCode, sub: true})
			i += 2
		case c == '(':
			top.parens++
			i++
		case c == ')':
			if top.parens > 0 {
				top.parens--
			} else if top.sub {
				stack = stack[:len(stack)-1]
			}
			i++
		case c == '<' && i+2 < n && src[i+1] == '<' && src[i+2] != '<':
			h, j, ok := readHeredoc(src, i+2)
			if ok {
				heredocs = append(heredocs, h)
			}
			i = j
		default:
			i++
		}
	}
	return out
}

// ansiString skips the $'…' string whose quote is at i.
func ansiString(src []byte, i int) int {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '\'':
			return j + 1
		}
	}
	return len(src)
}

type heredoc struct {
	delim     string
	stripTabs bool
}

// readHeredoc reads the delimiter of a << at i (just after it).
func readHeredoc(src []byte, i int) (heredoc, int, bool) {
	var h heredoc
	if i < len(src) && src[i] == '-' {
		h.stripTabs = true
		i++
	}
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i >= len(src) {
		return h, i, false
	}
	var d []byte
	switch q := src[i]; {
	case q == '\'' || q == '"':
		j := bytes.IndexByte(src[i+1:], q)
		if j < 0 || bytes.IndexByte(src[i+1:i+1+j], '\n') >= 0 {
			return h, i + 1, false
		}
		d = src[i+1 : i+1+j]
		i += j + 2
	case q == '\\' || q == '_' || (q|0x20 >= 'a' && q|0x20 <= 'z'):
		if q == '\\' {
			i++
		}
		s := i
		for i < len(src) && (isWord(src[i]) || src[i] == '-' || src[i] == '.') && src[i] != '$' {
			i++
		}
		d = src[s:i]
	}
	if len(d) == 0 {
		return h, i, false
	}
	h.delim = string(d)
	return h, i, true
}

// skip skips the body of the here-document starting at line i, up to and
// including its delimiter line.
func (h heredoc) skip(src []byte, i int) int {
	for i < len(src) {
		e := eol(src, i)
		line := src[i:e]
		if h.stripTabs {
			line = bytes.TrimLeft(line, "\t")
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		i = min(e+1, len(src))
		if string(line) == h.delim {
			return i
		}
	}
	return len(src)
}

// ---- PowerShell ----

func powershell(src []byte) []byte {
	out := bytes.Clone(src)
	n := len(src)
	stack := []frame{{kind: ctxCode}}
	for i := 0; i < n; {
		top := &stack[len(stack)-1]
		c := src[i]
		if top.kind == ctxDouble {
			switch {
			case c == '`':
				i += 2
			case c == '"' && i+1 < n && src[i+1] == '"':
				i += 2
			case c == '"':
				stack = stack[:len(stack)-1]
				i++
			case c == '$' && i+1 < n && src[i+1] == '(':
				stack = append(stack, frame{kind: ctxCode, sub: true})
				i += 2
			default:
				i++
			}
			continue
		}
		switch {
		case c == '<' && i+1 < n && src[i+1] == '#':
			e := n
			if j := bytes.Index(src[i+2:], []byte("#>")); j >= 0 {
				e = i + 2 + j + 2
			}
			blankRange(out, i, e)
			i = e
		case c == '#' && (commentStart(src, i) || src[i-1] == '{' || src[i-1] == '}'):
			e := eol(src, i)
			blankRange(out, i, e)
			i = e
		case c == '`':
			i += 2
		case c == '@' && i+1 < n && (src[i+1] == '"' || src[i+1] == '\'') && restIsBlank(src, i+2):
			i = hereString(src, i+1)
		case c == '\'':
			i = psSingle(src, i)
		case c == '"':
			stack = append(stack, frame{kind: ctxDouble})
			i++
		case c == '$' && i+1 < n && src[i+1] == '(':
			stack = append(stack, frame{kind: ctxCode, sub: true})
			i += 2
		case c == '(':
			top.parens++
			i++
		case c == ')':
			if top.parens > 0 {
				top.parens--
			} else if top.sub {
				stack = stack[:len(stack)-1]
			}
			i++
		default:
			i++
		}
	}
	return out
}

// psSingle skips the '…' string at i; a doubled quote is an escaped one.
func psSingle(src []byte, i int) int {
	for j := i + 1; j < len(src); j++ {
		if src[j] == '\'' {
			if j+1 < len(src) && src[j+1] == '\'' {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(src)
}

// restIsBlank reports whether only blanks follow i on its line.
func restIsBlank(src []byte, i int) bool {
	for ; i < len(src) && src[i] != '\n'; i++ {
		if src[i] != ' ' && src[i] != '\t' && src[i] != '\r' {
			return false
		}
	}
	return true
}

// hereString skips the here-string whose quote is at i: it ends at a line
// starting with the quote followed by @.
func hereString(src []byte, i int) int {
	q := src[i]
	for j := eol(src, i); j < len(src); j = eol(src, j+1) {
		if j+2 < len(src) && src[j+1] == q && src[j+2] == '@' {
			return j + 3
		}
	}
	return len(src)
}
