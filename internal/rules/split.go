package rules

import (
	"bytes"
	"fmt"
	"strconv"
)

// ruleSpan is one rule of a source as split finds it.
type ruleSpan struct {
	Name            string
	Start, End      int // byte range in the source, modifiers included
	Line            int // 1-based line of Start
	Private, Global bool
	Meta            map[string]string
}

// split finds the rules of a YARA source and reads their meta sections,
// without compiling. It understands just enough of the syntax to find rule
// boundaries: comments, text strings, regular expressions and hex strings
// (braces nest). The engine remains the judge of validity; an error here
// only means the source cannot be scoped by kind.
func split(src []byte) ([]ruleSpan, error) {
	var out []ruleSpan
	pend := -1
	var priv, glob bool
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case isSpace(c):
			i++
		case c == '/' && i+1 < len(src) && (src[i+1] == '/' || src[i+1] == '*'):
			j, err := skipComment(src, i)
			if err != nil {
				return nil, err
			}
			i = j
		case c == '"':
			j, err := skipString(src, i)
			if err != nil {
				return nil, err
			}
			i = j
		case isIdentStart(c):
			start := i
			for i < len(src) && isIdent(src[i]) {
				i++
			}
			switch word := string(src[start:i]); word {
			case "private", "global":
				if pend < 0 {
					pend = start
				}
				priv = priv || word == "private"
				glob = glob || word == "global"
			case "rule":
				if pend < 0 {
					pend = start
				}
				r, end, err := splitRule(src, i)
				if err != nil {
					return nil, fmt.Errorf("line %d: %w", lineAt(src, start), err)
				}
				r.Start, r.End, r.Line, r.Private, r.Global = pend, end, lineAt(src, pend), priv, glob
				out = append(out, r)
				i, pend, priv, glob = end, -1, false, false
			case "import", "include":
				if pend >= 0 {
					return nil, fmt.Errorf("line %d: %q after a rule modifier", lineAt(src, start), word)
				}
			default:
				return nil, fmt.Errorf("line %d: unexpected %q", lineAt(src, start), word)
			}
		default:
			return nil, fmt.Errorf("line %d: unexpected %q", lineAt(src, i), c)
		}
	}
	if pend >= 0 {
		return nil, fmt.Errorf("line %d: rule modifier without a rule", lineAt(src, pend))
	}
	return out, nil
}

// splitRule reads a rule from just after the "rule" keyword: its name,
// tags and body. It returns the end of the body (after the closing brace).
func splitRule(src []byte, i int) (ruleSpan, int, error) {
	var r ruleSpan
	// Name, then optional ": tag tag", then "{".
	for i < len(src) && src[i] != '{' {
		c := src[i]
		switch {
		case isSpace(c), c == ':':
			i++
		case c == '/' && i+1 < len(src) && (src[i+1] == '/' || src[i+1] == '*'):
			j, err := skipComment(src, i)
			if err != nil {
				return r, 0, err
			}
			i = j
		case isIdentStart(c):
			s := i
			for i < len(src) && isIdent(src[i]) {
				i++
			}
			if r.Name == "" {
				r.Name = string(src[s:i])
			}
		default:
			return r, 0, fmt.Errorf("unexpected %q in rule header", c)
		}
	}
	if r.Name == "" || i >= len(src) {
		return r, 0, fmt.Errorf("rule without name or body")
	}
	depth := 0
	section := ""
	var key string
	expectValue := false
	for i < len(src) {
		c := src[i]
		switch {
		case c == '{':
			depth++
			i++
		case c == '}':
			depth--
			i++
			if depth == 0 {
				return r, i, nil
			}
		case c == '"':
			j, err := skipString(src, i)
			if err != nil {
				return r, 0, err
			}
			if section == "meta" && expectValue && key != "" {
				v, err := unquote(src[i:j])
				if err != nil {
					return r, 0, fmt.Errorf("meta %s: %w", key, err)
				}
				r.setMeta(key, v)
				key, expectValue = "", false
			}
			i = j
		case c == '/':
			var j int
			var err error
			if i+1 < len(src) && (src[i+1] == '/' || src[i+1] == '*') {
				j, err = skipComment(src, i)
			} else {
				j, err = skipRegexp(src, i)
			}
			if err != nil {
				return r, 0, err
			}
			i = j
		case depth == 1 && section == "meta" && c == '=':
			expectValue = key != ""
			i++
		case depth == 1 && section == "meta" && expectValue && (c == '-' || isDigit(c)):
			s := i
			i++
			for i < len(src) && (isIdent(src[i])) {
				i++
			}
			r.setMeta(key, string(src[s:i]))
			key, expectValue = "", false
		case isIdentStart(c) || isDigit(c):
			s := i
			for i < len(src) && isIdent(src[i]) {
				i++
			}
			word := string(src[s:i])
			if depth != 1 || section == "condition" {
				break
			}
			j := i
			for j < len(src) && isSpace(src[j]) {
				j++
			}
			if j < len(src) && src[j] == ':' && (word == "meta" || word == "strings" || word == "condition") {
				section, key, expectValue = word, "", false
				i = j + 1
				break
			}
			if section == "meta" {
				if expectValue {
					r.setMeta(key, word) // true, false
					key, expectValue = "", false
				} else {
					key = word
				}
			}
		default:
			i++
		}
	}
	return r, 0, fmt.Errorf("rule %s: unterminated body", r.Name)
}

func (r *ruleSpan) setMeta(k, v string) {
	if r.Meta == nil {
		r.Meta = map[string]string{}
	}
	if _, dup := r.Meta[k]; !dup { // the first value wins, as in rule listings
		r.Meta[k] = v
	}
}

// skipComment returns the end of the // or /* comment at i.
func skipComment(src []byte, i int) (int, error) {
	if src[i+1] == '/' {
		if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
			return i + j + 1, nil
		}
		return len(src), nil
	}
	if j := bytes.Index(src[i+2:], []byte("*/")); j >= 0 {
		return i + 2 + j + 2, nil
	}
	return 0, fmt.Errorf("line %d: unterminated comment", lineAt(src, i))
}

// skipString returns the end of the text string at i (after its quote).
func skipString(src []byte, i int) (int, error) {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		case '\n':
			return 0, fmt.Errorf("line %d: newline in string", lineAt(src, i))
		}
	}
	return 0, fmt.Errorf("line %d: unterminated string", lineAt(src, i))
}

// skipRegexp returns the end of the /regexp/ at i, after its modifiers
// are left to the caller's word scanning.
func skipRegexp(src []byte, i int) (int, error) {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '/':
			return j + 1, nil
		case '\n':
			return 0, fmt.Errorf("line %d: newline in regular expression", lineAt(src, i))
		}
	}
	return 0, fmt.Errorf("line %d: unterminated regular expression", lineAt(src, i))
}

// unquote reads a YARA text string literal (with its quotes).
func unquote(q []byte) (string, error) {
	q = q[1 : len(q)-1]
	var b []byte
	for i := 0; i < len(q); i++ {
		if q[i] != '\\' {
			b = append(b, q[i])
			continue
		}
		if i+1 >= len(q) {
			return "", fmt.Errorf("bad escape")
		}
		i++
		switch q[i] {
		case 'n':
			b = append(b, '\n')
		case 't':
			b = append(b, '\t')
		case 'r':
			b = append(b, '\r')
		case '"', '\\':
			b = append(b, q[i])
		case 'x':
			if i+2 >= len(q) {
				return "", fmt.Errorf("bad \\x escape")
			}
			v, err := strconv.ParseUint(string(q[i+1:i+3]), 16, 8)
			if err != nil {
				return "", fmt.Errorf("bad \\x escape")
			}
			b = append(b, byte(v))
			i += 2
		default:
			return "", fmt.Errorf("bad escape \\%c", q[i])
		}
	}
	return string(b), nil
}

// blank returns a copy of src with the rules keep rejects replaced by
// spaces. Newlines stay, so compiler messages keep their line numbers.
func blank(src []byte, spans []ruleSpan, keep func(ruleSpan) bool) []byte {
	out := bytes.Clone(src)
	for _, s := range spans {
		if keep(s) {
			continue
		}
		for i := s.Start; i < s.End; i++ {
			if out[i] != '\n' {
				out[i] = ' '
			}
		}
	}
	return out
}

func lineAt(src []byte, off int) int { return 1 + bytes.Count(src[:off], []byte{'\n'}) }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isIdent(c byte) bool      { return isIdentStart(c) || isDigit(c) }
