package pkgmeta

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

// maxVarRounds bounds how many rounds of cmdclass variable resolution
// setup.py gets ("cmdclass=cmds" where cmds is built elsewhere).
const maxVarRounds = 4

var (
	reReqName   = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`)
	reNormalize = regexp.MustCompile(`[-_.]+`)
)

// ParsePkgInfo reads the header block of a wheel's METADATA or an sdist's
// PKG-INFO (email-header style, core metadata spec): Name, Version and
// every Requires-Dist.
func ParsePkgInfo(b []byte) *model.PackageFacts {
	pf := &model.PackageFacts{Ecosystem: PyPI}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" {
			break // the body (long description) follows
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue // a folded continuation
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "name":
			if pf.Name == "" {
				pf.Name = clip(v)
			}
		case "version":
			if pf.Version == "" {
				pf.Version = clip(v)
			}
		case "metadata-version":
			setExtra(pf, "metadata_version", clip(v))
		case "requires-dist":
			addRequirement(pf, v)
		}
	}
	return pf
}

// addRequirement records a PEP 508 requirement under its normalised name
// (PEP 503), with the rest (extras, version, marker) as the spec.
func addRequirement(pf *model.PackageFacts, req string) {
	name, spec := splitRequirement(req)
	if name != "" {
		addDep(pf, name, spec)
	}
}

func splitRequirement(req string) (name, spec string) {
	req = strings.TrimSpace(req)
	if i := strings.Index(req, " #"); i >= 0 {
		req = strings.TrimSpace(req[:i])
	}
	n := reReqName.FindString(req)
	if n == "" {
		return "", ""
	}
	return NormalizePyName(n), strings.TrimSpace(req[len(n):])
}

// NormalizePyName is a distribution name in PEP 503 form.
func NormalizePyName(n string) string {
	return reNormalize.ReplaceAllString(strings.ToLower(n), "-")
}

// ParseSetupPy reads setup.py statically: literal name, version,
// install_requires and setup_requires of setup(...), and every cmdclass
// override (InstallHooks["cmdclass:<command>"] = class expression; an
// unresolvable cmdclass value is InstallHooks["cmdclass"]). Classes that
// subclass an install-time command are listed in
// Extra["command_subclasses"]. Comments never count.
func ParseSetupPy(b []byte) *model.PackageFacts {
	pf := &model.PackageFacts{Ecosystem: PyPI}
	toks := pyTokens(b)
	p := &pyScan{toks: toks, pf: pf, vars: map[string]bool{}, budget: 16*len(toks) + 1<<16}
	p.scan()
	return pf
}

type pyScan struct {
	toks []token
	pf   *model.PackageFacts
	vars map[string]bool // names whose value is a cmdclass mapping
	// budget bounds the token steps of all the walks together: nested
	// "setup(setup(…" or "cmdclass={cmdclass={…" would each walk to the
	// end of the file, quadratic without it.
	budget int
}

// tick spends one step of the budget.
func (p *pyScan) tick() bool {
	if p.budget--; p.budget > 0 {
		return true
	}
	setExtra(p.pf, "scan_truncated", "true")
	return false
}

func (p *pyScan) op(i int, s string) bool {
	return i >= 0 && i < len(p.toks) && p.toks[i].kind == tokOp && p.toks[i].s == s
}

func (p *pyScan) name(i int, s string) bool {
	return i >= 0 && i < len(p.toks) && p.toks[i].kind == tokName && p.toks[i].s == s
}

// assign reports whether an "=" that is not "==" is at i.
func (p *pyScan) assign(i int) bool { return p.op(i, "=") && !p.op(i+1, "=") }

func (p *pyScan) scan() {
	var subclasses []string
	for i, t := range p.toks {
		if !p.tick() {
			break
		}
		switch {
		case t.kind == tokName && t.s == "setup" && p.op(i+1, "(") && !p.name(i-1, "def"):
			p.setupCall(i + 2)
		case t.kind == tokName && t.s == "cmdclass" && p.assign(i+1):
			p.cmdclassValue(i + 2) // setup(cmdclass=…) or cmdclass = …
		case t.kind == tokString && t.s == "cmdclass" && p.op(i+1, ":"):
			p.cmdclassValue(i + 2) // {"cmdclass": …}
		case t.kind == tokString && t.s == "cmdclass" && p.op(i+1, "]") && p.assign(i+2):
			p.cmdclassValue(i + 3) // kw["cmdclass"] = …
		case t.kind == tokName && t.s == "class" && i+2 < len(p.toks) && p.toks[i+1].kind == tokName && p.op(i+2, "("):
			for _, base := range p.bases(i + 3) {
				if PythonInstallCommands[base] {
					subclasses = append(subclasses, clip(p.toks[i+1].s+"("+base+")"))
				}
			}
		}
	}
	p.vars["cmdclass"] = true
	done := map[string]bool{}
	for round := 0; round < maxVarRounds; round++ {
		todo := false
		for v := range p.vars {
			if !done[v] {
				todo = true
			}
		}
		if !todo {
			break
		}
		pending := map[string]bool{}
		for v := range p.vars {
			if !done[v] {
				pending[v] = true
				done[v] = true
			}
		}
		p.resolve(pending)
	}
	if len(subclasses) > 0 {
		setExtra(p.pf, "command_subclasses", joinList(subclasses))
	}
}

// bases returns the last dotted component of each base class from i (just
// after the opening parenthesis).
func (p *pyScan) bases(i int) []string {
	var out []string
	last := ""
	for ; i < len(p.toks) && len(out) < 16 && p.tick(); i++ {
		t := p.toks[i]
		switch {
		case t.kind == tokName:
			last = t.s
		case p.op(i, ",") || p.op(i, ")"):
			if last != "" {
				out = append(out, last)
			}
			last = ""
			if t.s == ")" {
				return out
			}
		case p.op(i, "."):
		default:
			return out
		}
	}
	return out
}

// resolve finds where each of vars is given cmdclass entries.
func (p *pyScan) resolve(vars map[string]bool) {
	for i, t := range p.toks {
		if !p.tick() {
			return
		}
		if t.kind != tokName || !vars[t.s] || p.op(i-1, ".") {
			continue
		}
		switch {
		case p.assign(i+1) && t.s != "cmdclass": // cmds = {…}; "cmdclass =" was scanned already
			p.cmdclassValue(i + 2)
		case p.op(i+1, "[") && i+2 < len(p.toks) && p.toks[i+2].kind == tokString && p.op(i+3, "]") && p.assign(i+4):
			expr, _ := p.expr(i + 5)
			p.hook(p.toks[i+2].s, expr)
		case p.op(i+1, ".") && p.name(i+2, "update") && p.op(i+3, "("):
			p.cmdclassValue(i + 4)
		}
	}
}

func (p *pyScan) hook(cmd, class string) {
	if cmd == "" || class == "" {
		return
	}
	addHook(p.pf, "cmdclass:"+cmd, class)
}

// cmdclassValue reads the mapping expression at i.
func (p *pyScan) cmdclassValue(i int) {
	if i >= len(p.toks) {
		return
	}
	switch t := p.toks[i]; {
	case p.op(i, "{"):
		p.dictLiteral(i)
	case t.kind == tokName && t.s == "dict" && p.op(i+1, "("):
		p.dictCall(i + 1)
	case t.kind == tokName && (p.op(i+1, ",") || p.op(i+1, ")") || p.op(i+1, "}") || i+1 == len(p.toks) || p.toks[i+1].kind == tokEOL):
		if len(p.vars) < 64 {
			p.vars[t.s] = true
		}
	default:
		if expr, _ := p.expr(i); expr != "" {
			addHook(p.pf, "cmdclass", expr)
		}
	}
}

// dictLiteral reads {"cmd": Class, **other} from the "{" at i.
func (p *pyScan) dictLiteral(i int) {
	for j := i + 1; j < len(p.toks) && p.tick(); {
		switch {
		case p.op(j, "}"):
			return
		case p.toks[j].kind == tokString && p.op(j+1, ":"):
			expr, end := p.expr(j + 2)
			p.hook(p.toks[j].s, expr)
			j = end
		case p.op(j, "*") && p.op(j+1, "*") && j+2 < len(p.toks) && p.toks[j+2].kind == tokName:
			p.cmdclassValue(j + 2)
			_, j = p.expr(j + 2)
		default:
			_, j = p.expr(j)
		}
		if !p.op(j, ",") {
			return
		}
		j++
	}
}

// dictCall reads dict(cmd=Class, **other) from the "(" at i.
func (p *pyScan) dictCall(i int) {
	for j := i + 1; j < len(p.toks) && p.tick(); {
		switch {
		case p.op(j, ")"):
			return
		case p.toks[j].kind == tokName && p.assign(j+1):
			expr, end := p.expr(j + 2)
			p.hook(p.toks[j].s, expr)
			j = end
		case p.op(j, "{"):
			p.dictLiteral(j)
			_, j = p.expr(j)
		case p.op(j, "*") && p.op(j+1, "*") && j+2 < len(p.toks) && p.toks[j+2].kind == tokName:
			p.cmdclassValue(j + 2)
			_, j = p.expr(j + 2)
		default:
			_, j = p.expr(j)
		}
		if !p.op(j, ",") {
			return
		}
		j++
	}
}

// expr renders the expression starting at i up to a "," or a closing
// bracket at its own level, and returns where it stopped.
func (p *pyScan) expr(i int) (string, int) {
	var sb strings.Builder
	depth := 0
	j := i
	for ; j < len(p.toks) && p.tick(); j++ {
		t := p.toks[j]
		if t.kind == tokEOL && depth == 0 {
			return clip(sb.String()), j
		}
		if t.kind == tokOp {
			switch t.s {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				if depth == 0 {
					return clip(sb.String()), j
				}
				depth--
			case ",":
				if depth == 0 {
					return clip(sb.String()), j
				}
			}
		}
		if sb.Len() <= maxValue {
			if t.kind == tokString {
				sb.WriteString(strconv.Quote(clip(t.s)))
			} else {
				if sb.Len() > 0 && t.kind != tokOp && p.toks[j-1].kind != tokOp {
					sb.WriteByte(' ')
				}
				sb.WriteString(t.s)
			}
		}
	}
	return clip(sb.String()), j
}

// setupCall reads the keyword arguments of setup( from i, just after "(".
func (p *pyScan) setupCall(i int) {
	depth := 1
	for j := i; j < len(p.toks) && depth > 0 && p.tick(); j++ {
		t := p.toks[j]
		if t.kind == tokOp {
			switch t.s {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth--
			}
			continue
		}
		if depth != 1 || t.kind != tokName || !p.assign(j+1) || !(p.op(j-1, "(") || p.op(j-1, ",")) {
			continue
		}
		v := j + 2
		literal := ""
		if v < len(p.toks) && p.toks[v].kind == tokString && (p.op(v+1, ",") || p.op(v+1, ")")) {
			literal = p.toks[v].s
		}
		switch t.s {
		case "name":
			if p.pf.Name == "" {
				p.pf.Name = clip(literal)
			}
		case "version":
			if p.pf.Version == "" {
				p.pf.Version = clip(literal)
			}
		case "install_requires":
			for _, r := range p.stringsAt(v) {
				addRequirement(p.pf, r)
			}
		case "setup_requires":
			// Fetched and imported by setuptools before setup() runs.
			var reqs []string
			for _, r := range p.stringsAt(v) {
				if n, _ := splitRequirement(r); n != "" {
					reqs = append(reqs, n)
				}
			}
			setExtra(p.pf, "setup_requires", joinList(reqs))
		}
	}
}

// stringsAt returns the string literals of the list, tuple or string at i,
// one requirement per line.
func (p *pyScan) stringsAt(i int) []string {
	var raw []string
	if i < len(p.toks) && p.toks[i].kind == tokString {
		raw = []string{p.toks[i].s}
	} else if p.op(i, "[") || p.op(i, "(") {
		depth := 0
		for j := i; j < len(p.toks) && len(raw) < maxEntries && p.tick(); j++ {
			t := p.toks[j]
			if t.kind == tokOp && strings.Contains("([{", t.s) {
				depth++
			} else if t.kind == tokOp && strings.Contains(")]}", t.s) {
				if depth--; depth == 0 {
					break
				}
			} else if t.kind == tokString && depth == 1 {
				raw = append(raw, t.s)
			}
		}
	}
	var out []string
	for _, r := range raw {
		for _, line := range strings.Split(r, "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				out = append(out, line)
			}
		}
	}
	return out
}

// ParsePth reads a .pth file. site.py executes every line that starts with
// "import " or "import\t" when the interpreter starts; the others add
// directories to sys.path.
func ParsePth(b []byte) *model.PackageFacts {
	pf := &model.PackageFacts{Ecosystem: PyPI}
	var imports []string
	paths := 0
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "":
		case strings.HasPrefix(line, "import ") || strings.HasPrefix(line, "import\t"):
			imports = append(imports, strings.TrimSpace(line))
		default:
			paths++
		}
	}
	if len(imports) > 0 {
		setExtra(pf, "pth_import", "true")
		setExtra(pf, "pth_import_lines", strconv.Itoa(len(imports)))
		addHook(pf, "pth:import", strings.Join(imports, "\n"))
	}
	if paths > 0 {
		setExtra(pf, "pth_paths", strconv.Itoa(paths))
	}
	return pf
}

// ParseSetupCfg reads setuptools' declarative setup.cfg: [metadata] name
// and version (literal ones; "attr:" and "file:" are left out), [options]
// install_requires, setup_requires and cmdclass.
func ParseSetupCfg(b []byte) *model.PackageFacts {
	pf := &model.PackageFacts{Ecosystem: PyPI}
	ini := parseINI(b)
	if v := ini["metadata.name"]; v != "" {
		pf.Name = clip(v)
	}
	if v := ini["metadata.version"]; v != "" && !strings.HasPrefix(v, "attr:") && !strings.HasPrefix(v, "file:") {
		pf.Version = clip(v)
	}
	for _, r := range iniList(ini["options.install_requires"]) {
		addRequirement(pf, r)
	}
	var reqs []string
	for _, r := range iniList(ini["options.setup_requires"]) {
		if n, _ := splitRequirement(r); n != "" {
			reqs = append(reqs, n)
		}
	}
	setExtra(pf, "setup_requires", joinList(reqs))
	for _, line := range iniList(ini["options.cmdclass"]) {
		if k, v, ok := strings.Cut(line, "="); ok {
			addHook(pf, "cmdclass:"+strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	return pf
}

// parseINI reads an INI file the way configparser does for these keys:
// "section.key" (key lowercased, "-" as "_") → value, continuation lines
// joined with "\n", first occurrence kept.
func parseINI(b []byte) map[string]string {
	vals := map[string]*strings.Builder{}
	section, key := "", ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRight(line, "\r")
		t := strings.TrimSpace(line)
		switch {
		case t == "" || t[0] == '#' || t[0] == ';':
			continue
		case (line[0] == ' ' || line[0] == '\t') && key != "":
			if v := vals[key]; v.Len()+len(t) < maxList {
				v.WriteByte('\n')
				v.WriteString(t)
			}
			continue
		case t[0] == '[' && strings.HasSuffix(t, "]"):
			section, key = strings.TrimSpace(t[1:len(t)-1]), ""
			continue
		}
		i := strings.IndexAny(t, "=:")
		if i <= 0 {
			key = ""
			continue
		}
		k := section + "." + strings.ReplaceAll(strings.ToLower(strings.TrimSpace(t[:i])), "-", "_")
		if _, dup := vals[k]; dup || len(vals) >= maxEntries {
			key = ""
			continue
		}
		v := &strings.Builder{}
		v.WriteString(clip(strings.TrimSpace(t[i+1:])))
		vals[k] = v
		key = k
	}
	out := make(map[string]string, len(vals))
	for k, v := range vals {
		out[k] = v.String()
	}
	return out
}

func iniList(v string) []string {
	var out []string
	for _, l := range strings.Split(v, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ParsePyproject reads pyproject.toml: [project] name, version and
// dependencies; [build-system] requires and build-backend, where an
// in-tree backend (backend-path) is code the package runs when it is
// built, so an install hook; [tool.setuptools.cmdclass]; and Poetry's
// name, version, dependencies and build script.
func ParsePyproject(b []byte) *model.PackageFacts {
	pf := &model.PackageFacts{Ecosystem: PyPI}
	kv := parseTOML(b)
	str := func(k string) string { return clip(tomlString(kv[k])) }
	pf.Name = str("project.name")
	pf.Version = str("project.version")
	for _, r := range tomlStrings(kv["project.dependencies"]) {
		addRequirement(pf, r)
	}
	if pf.Name == "" {
		pf.Name = str("tool.poetry.name")
	}
	if pf.Version == "" {
		pf.Version = str("tool.poetry.version")
	}
	var poetryDeps []string
	for _, k := range sortedKeys(kv) {
		if d, ok := strings.CutPrefix(k, "tool.poetry.dependencies."); ok && d != "python" && !strings.Contains(d, ".") {
			poetryDeps = append(poetryDeps, d)
			spec := tomlString(kv[k])
			if spec == "" {
				spec = clip(kv[k]) // an inline table: version, git, path …
			}
			addDep(pf, NormalizePyName(d), spec)
		}
	}
	var reqs []string
	for _, r := range tomlStrings(kv["build-system.requires"]) {
		if n, _ := splitRequirement(r); n != "" {
			reqs = append(reqs, n)
		}
	}
	setExtra(pf, "build_requires", joinList(reqs))
	backend := str("build-system.build-backend")
	setExtra(pf, "build_backend", backend)
	if bp := tomlStrings(kv["build-system.backend-path"]); len(bp) > 0 {
		addHook(pf, "build-backend", backend+" (in-tree: "+strings.Join(bp, ",")+")")
	}
	for k, v := range tomlInlineTable(kv["tool.setuptools.cmdclass"]) {
		addHook(pf, "cmdclass:"+k, v)
	}
	for _, k := range sortedKeys(kv) {
		if c, ok := strings.CutPrefix(k, "tool.setuptools.cmdclass."); ok && !strings.Contains(c, ".") {
			addHook(pf, "cmdclass:"+c, str(k))
		}
	}
	if s := str("tool.poetry.build.script"); s != "" {
		addHook(pf, "poetry-build-script", s)
	} else if s := str("tool.poetry.build"); s != "" {
		addHook(pf, "poetry-build-script", s) // the older build = "build.py"
	}
	return pf
}

// parseTOML is a deliberately small TOML reader: "table.key" → raw value
// text for key = value lines, with multi-line arrays and inline tables
// joined and multi-line strings skipped. It is enough for the few keys
// above and never fails.
func parseTOML(b []byte) map[string]string {
	out := map[string]string{}
	lines := strings.Split(string(b), "\n")
	table := ""
	for i := 0; i < len(lines) && len(out) < maxEntries; i++ {
		line := strings.TrimSpace(stripTOMLComment(lines[i]))
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "[[") && strings.HasSuffix(line, "]]"):
			table = tomlKey(line[2 : len(line)-2])
			continue
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			table = tomlKey(line[1 : len(line)-1])
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key := tomlKey(k)
		if table != "" {
			key = table + "." + key
		}
		v = strings.TrimSpace(v)
		if strings.HasPrefix(v, `"""`) || strings.HasPrefix(v, "'''") {
			q := v[:3]
			if strings.Count(v, q) < 2 {
				for i++; i < len(lines) && !strings.Contains(lines[i], q); i++ {
				}
			}
			continue
		}
		var bal balance
		bal.feed(v)
		if bal.open > 0 {
			var sb strings.Builder
			sb.WriteString(v)
			for bal.open > 0 && i+1 < len(lines) && sb.Len() < maxList {
				i++
				next := " " + strings.TrimSpace(stripTOMLComment(lines[i]))
				bal.feed(next)
				sb.WriteString(next)
			}
			v = sb.String()
		}
		if _, dup := out[key]; !dup {
			out[key] = v
		}
	}
	return out
}

// tomlKey normalises a (possibly dotted, possibly quoted) key.
func tomlKey(k string) string {
	parts := strings.Split(strings.TrimSpace(k), ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// stripTOMLComment cuts a "#" comment that is outside strings.
func stripTOMLComment(line string) string {
	var q byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case q != 0 && c == '\\' && q == '"':
			i++
		case q != 0 && c == q:
			q = 0
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case q == 0 && c == '#':
			return line[:i]
		}
	}
	return line
}

// balance counts unclosed [ and { outside strings, fed piece by piece.
type balance struct {
	open int
	q    byte
	esc  bool
}

func (b *balance) feed(v string) {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case b.esc:
			b.esc = false
		case b.q == '"' && c == '\\':
			b.esc = true
		case b.q != 0 && c == b.q:
			b.q = 0
		case b.q != 0:
		case c == '"' || c == '\'':
			b.q = c
		case c == '[' || c == '{':
			b.open++
		case c == ']' || c == '}':
			b.open--
		}
	}
}

// tomlStrings returns the string literals in a value, in order.
func tomlStrings(v string) []string {
	var out []string
	for i := 0; i < len(v) && len(out) < maxEntries; i++ {
		q := v[i]
		if q != '"' && q != '\'' {
			continue
		}
		var sb strings.Builder
		j := i + 1
		for ; j < len(v) && v[j] != q; j++ {
			if q == '"' && v[j] == '\\' && j+1 < len(v) {
				j++
				switch v[j] {
				case 'n':
					sb.WriteByte('\n')
				case 't':
					sb.WriteByte('\t')
				default:
					sb.WriteByte(v[j])
				}
				continue
			}
			sb.WriteByte(v[j])
		}
		out = append(out, clip(sb.String()))
		i = j
	}
	return out
}

// tomlString returns a value that is exactly one string literal.
func tomlString(v string) string {
	v = strings.TrimSpace(v)
	if len(v) < 2 || (v[0] != '"' && v[0] != '\'') || v[len(v)-1] != v[0] {
		return ""
	}
	s := tomlStrings(v)
	if len(s) != 1 {
		return ""
	}
	return s[0]
}

// tomlInlineTable reads { a = "x", b = "y" } with string values.
func tomlInlineTable(v string) map[string]string {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "{") || !strings.HasSuffix(v, "}") {
		return nil
	}
	out := map[string]string{}
	for _, part := range splitOutsideQuotes(v[1:len(v)-1], ',') {
		if k, val, ok := strings.Cut(part, "="); ok && len(out) < maxEntries {
			if s := tomlString(val); s != "" {
				out[tomlKey(k)] = s
			}
		}
	}
	return out
}

func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	var q byte
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0 && c == '\\' && q == '"':
			i++
		case q != 0 && c == q:
			q = 0
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case q == 0 && c == sep:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// ParseGoMod reads go.mod: the module path as Name, require lines as
// Dependencies (indirect ones too: they are in the build list), and
// replace directives in Extra["replace"], which can point a dependency at
// another module or a local directory.
func ParseGoMod(b []byte) *model.PackageFacts {
	pf := &model.PackageFacts{Ecosystem: Go}
	var replaces []string
	block := ""
	for _, line := range bytes.Split(b, []byte("\n")) {
		l := string(line)
		if i := strings.Index(l, "//"); i >= 0 {
			l = l[:i]
		}
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if block != "" {
			if f[0] == ")" {
				block = ""
				continue
			}
			f = append([]string{block}, f...)
		} else if len(f) == 2 && f[1] == "(" {
			block = f[0]
			continue
		}
		switch f[0] {
		case "module":
			if len(f) >= 2 {
				pf.Name = clip(unquoteGo(f[1]))
			}
		case "go":
			if len(f) >= 2 {
				setExtra(pf, "go", clip(f[1]))
			}
		case "toolchain":
			if len(f) >= 2 {
				setExtra(pf, "toolchain", clip(f[1]))
			}
		case "require":
			if len(f) >= 3 {
				addDep(pf, unquoteGo(f[1]), f[2])
			}
		case "replace":
			if len(replaces) < maxEntries {
				replaces = append(replaces, clip(strings.Join(f[1:], " ")))
			}
		}
	}
	setExtra(pf, "replace", joinList(replaces))
	return pf
}

func unquoteGo(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}
