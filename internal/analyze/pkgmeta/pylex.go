package pkgmeta

import "strings"

// Token kinds of the small Python tokenizer.
const (
	tokName   = 'n' // identifier or keyword
	tokString = 's' // string literal; s is its body, escapes kept
	tokOp     = 'o' // one punctuation character
	tokOther  = 'x' // number or anything else
	tokEOL    = ';' // end of a logical line (outside brackets) or ";"
)

// maxTokens bounds the tokens kept for one file.
const maxTokens = 1 << 20

type token struct {
	kind byte
	s    string
}

// pyTokens splits Python source into names, string literals, single
// punctuation characters and ends of logical lines. Comments are dropped,
// so a cmdclass in a comment is not one, and docstrings are strings, never
// names. It is not a full tokenizer: it only needs to be right about where
// code is and where a statement ends.
func pyTokens(src []byte) []token {
	s := string(src)
	var toks []token
	depth := 0 // brackets open: newlines inside them join lines
	eol := func() {
		if len(toks) > 0 && toks[len(toks)-1].kind != tokEOL {
			toks = append(toks, token{tokEOL, ""})
		}
	}
	for i := 0; i < len(s) && len(toks) < maxTokens; {
		c := s[i]
		switch {
		case c == '\n' || c == ';':
			if depth == 0 || c == ';' {
				eol()
			}
			i++
		case c == '\\' && i+1 < len(s) && (s[i+1] == '\n' || s[i+1] == '\r'):
			i += 2 // explicit line joining
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\\':
			i++
		case c == '#':
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				return toks
			}
			i += j
		case c == '"' || c == '\'':
			body, n := pyString(s[i:])
			toks = append(toks, token{tokString, unescape(body)})
			i += n
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentPart(s[j]) {
				j++
			}
			word := s[i:j]
			if j < len(s) && (s[j] == '"' || s[j] == '\'') && isStringPrefix(word) {
				body, n := pyString(s[j:])
				if !strings.ContainsAny(word, "rR") {
					body = unescape(body)
				}
				toks = append(toks, token{tokString, body})
				i = j + n
				continue
			}
			toks = append(toks, token{tokName, word})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(s) && (isIdentPart(s[j]) || s[j] == '.') {
				j++
			}
			toks = append(toks, token{tokOther, s[i:j]})
			i = j
		default:
			switch c {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth = max(depth-1, 0)
			}
			toks = append(toks, token{tokOp, s[i : i+1]})
			i++
		}
	}
	return toks
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isIdentPart(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

func isStringPrefix(w string) bool {
	if len(w) > 2 {
		return false
	}
	for _, r := range strings.ToLower(w) {
		if !strings.ContainsRune("rbuf", r) {
			return false
		}
	}
	return true
}

// pyString reads the literal at the start of s (which begins with a quote)
// and returns its body and length. An unterminated literal runs to the end
// of the line (single quotes) or of the input (triple quotes).
func pyString(s string) (string, int) {
	q := s[0]
	triple := len(s) >= 3 && s[1] == q && s[2] == q
	open := 1
	if triple {
		open = 3
	}
	for i := open; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++ // an escaped character, raw or not, never ends the literal
		case c == '\n' && !triple:
			return s[open:i], i
		case c == q:
			if !triple {
				return s[open:i], i + 1
			}
			if i+2 < len(s) && s[i+1] == q && s[i+2] == q {
				return s[open:i], i + 3
			}
		}
	}
	return s[open:], len(s)
}

// unescape decodes the common escapes of a non-raw literal; others stay.
func unescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			sb.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case '\\', '\'', '"':
			sb.WriteByte(s[i])
		case '\n':
		default:
			sb.WriteByte('\\')
			sb.WriteByte(s[i])
		}
	}
	return sb.String()
}
