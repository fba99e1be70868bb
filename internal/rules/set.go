package rules

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vouch-sec/vouch/internal/identify"
)

// OriginVouch is the origin of first-party rules.
const OriginVouch = "vouch"

// Scope selects which sources of a Set a scan runs.
type Scope int

const (
	// ScopeAll runs every source: one scan of the file's bytes.
	ScopeAll Scope = iota
	// ScopeCode runs the first-party rules only. The analyzer uses it for
	// scripts, over text with comments blanked out.
	ScopeCode
	// ScopeBytes runs the user's rules and IOC strings only, over the
	// file's bytes as they are.
	ScopeBytes
)

// Set is a collection of rule sources compiled into one ruleset per group
// of file kinds and scope: a rule whose "kinds" meta does not cover a
// kind is left out of that kind's ruleset before compiling, so it costs
// nothing when scanning such files. Kinds with the same applicable rules
// share one ruleset. Rulesets are compiled on first use, once, and
// scanners are pooled per ruleset. A Set is safe for concurrent use.
type Set struct {
	engine  Engine
	srcs    []parsedSource
	origins map[string]string // namespace → origin
	rules   map[string]*Rule  // namespace + "\x00" + name

	mu     sync.Mutex
	groups map[string]*group // by the identity of the rules it holds
	byKind sync.Map          // kindScope → *group (nil: no rules)
}

// Rule describes one rule of a Set, from its source text.
type Rule struct {
	Namespace string
	Name      string
	Origin    string // OriginVouch, or the name of the user's source
	Meta      map[string]string
	Kinds     []string // patterns of the "kinds" meta; nil: every kind
	Private   bool
	Line      int
}

type parsedSource struct {
	Source
	code  bool       // first-party
	spans []ruleSpan // nil when the source could not be split
	whole bool       // could not be split: kept whole in every group
}

type kindScope struct {
	kind  string
	scope Scope
}

type group struct {
	srcs []Source
	once sync.Once
	rs   Ruleset
	err  error
	pool sync.Pool
	dur  atomic.Int64 // compile time, ns
}

// NewSet prepares a Set of first-party (code) and other (bytes) sources.
// Nothing is compiled yet; see [Set.Validate] and [Set.CompileAll].
func NewSet(e Engine, code, other []Source) (*Set, error) {
	s := &Set{engine: e, origins: map[string]string{}, rules: map[string]*Rule{}, groups: map[string]*group{}}
	add := func(src Source, isCode bool) {
		origin := OriginVouch
		if !isCode {
			origin = src.Name
		}
		if _, ok := s.origins[src.Namespace]; !ok {
			s.origins[src.Namespace] = origin
		}
		ps := parsedSource{Source: src, code: isCode}
		spans, err := split(src.Text)
		if err != nil {
			ps.whole = true // the engine will say what is wrong, or run it unscoped
		}
		ps.spans = spans
		for _, sp := range spans {
			r := &Rule{Namespace: src.Namespace, Name: sp.Name, Origin: origin, Meta: sp.Meta,
				Kinds: ParseKinds(sp.Meta["kinds"]), Private: sp.Private, Line: sp.Line}
			s.rules[src.Namespace+"\x00"+sp.Name] = r
		}
		s.srcs = append(s.srcs, ps)
	}
	for _, src := range code {
		add(src, true)
	}
	for _, src := range other {
		add(src, false)
	}
	return s, nil
}

// Rule returns what the source says about a rule, or nil.
func (s *Set) Rule(namespace, name string) *Rule { return s.rules[namespace+"\x00"+name] }

// Rules lists every rule found in the sources, in source order.
func (s *Set) Rules() []*Rule {
	var out []*Rule
	for _, ps := range s.srcs {
		for _, sp := range ps.spans {
			out = append(out, s.Rule(ps.Namespace, sp.Name))
		}
	}
	return out
}

// Origin returns OriginVouch or the user source a namespace came from.
func (s *Set) Origin(namespace string) string { return s.origins[namespace] }

// HasRules reports whether a scan of kind in scope would run any rule.
func (s *Set) HasRules(kind string, scope Scope) bool {
	g, err := s.group(kind, scope)
	return err == nil && g != nil
}

// Validate compiles the non-first-party sources alone, so that a user's
// syntax error is reported before any file is read.
func (s *Set) Validate() error {
	var srcs []Source
	for _, ps := range s.srcs {
		if !ps.code {
			srcs = append(srcs, ps.Source)
		}
	}
	if len(srcs) == 0 {
		return nil
	}
	_, err := s.engine.Compile(srcs, externals())
	return err
}

// CompileAll compiles the rulesets of every known kind and scope now, and
// returns the time it took.
func (s *Set) CompileAll() (time.Duration, error) {
	start := time.Now()
	for _, k := range KnownKinds {
		for _, sc := range []Scope{ScopeAll, ScopeCode, ScopeBytes} {
			g, err := s.group(k, sc)
			if err != nil {
				return 0, err
			}
			if g == nil {
				continue
			}
			if _, err := g.ruleset(s.engine); err != nil {
				return 0, fmt.Errorf("rules for kind %q: %w", k, err)
			}
		}
	}
	return time.Since(start), nil
}

// Target is what a scan is told about the file.
type Target struct {
	Kind string
	Path string // virtual path
}

// Scan runs the rules of t's kind and scope over data. It returns nil when
// no rule applies. data is scanned as given; callers bound its size.
func (s *Set) Scan(ctx context.Context, t Target, data []byte, scope Scope) ([]Match, error) {
	g, err := s.group(t.Kind, scope)
	if err != nil || g == nil {
		return nil, err
	}
	rs, err := g.ruleset(s.engine)
	if err != nil {
		return nil, fmt.Errorf("rules for kind %q: %w", t.Kind, err)
	}
	sc, _ := g.pool.Get().(Scanner)
	if sc == nil {
		if sc, err = rs.NewScanner(); err != nil {
			return nil, err
		}
	}
	name := t.Path
	if i := strings.LastIndex(name, "!/"); i >= 0 {
		name = name[i+2:]
	}
	vars := map[string]any{VarKind: t.Kind, VarPath: t.Path, VarName: path.Base(name), VarIsScript: identify.IsScript(t.Kind)}
	ms, err := sc.Scan(ctx, data, vars)
	g.pool.Put(sc)
	return ms, err
}

func (g *group) ruleset(e Engine) (Ruleset, error) {
	g.once.Do(func() {
		start := time.Now()
		g.rs, g.err = e.Compile(g.srcs, externals())
		g.dur.Store(int64(time.Since(start)))
	})
	return g.rs, g.err
}

// group returns the (shared) ruleset group for a kind and scope, or nil
// when no public rule applies.
func (s *Set) group(kind string, scope Scope) (*group, error) {
	ks := kindScope{kind, scope}
	if g, ok := s.byKind.Load(ks); ok {
		return g.(*group), nil
	}
	var key strings.Builder
	var srcs []Source
	public := 0
	for i, ps := range s.srcs {
		if (scope == ScopeCode && !ps.code) || (scope == ScopeBytes && ps.code) {
			continue
		}
		if ps.whole {
			public++
			key.WriteString(strconv.Itoa(i) + "*;")
			srcs = append(srcs, ps.Source)
			continue
		}
		var kept []int
		for j, sp := range ps.spans {
			if sp.Private || sp.Global {
				kept = append(kept, j)
			} else if appliesTo(ParseKinds(sp.Meta["kinds"]), kind) {
				kept = append(kept, j)
				public++
			}
		}
		if len(kept) == 0 {
			continue
		}
		key.WriteString(strconv.Itoa(i) + ":")
		for _, j := range kept {
			key.WriteString(strconv.Itoa(j) + ",")
		}
		key.WriteString(";")
		text := ps.Text
		if len(kept) < len(ps.spans) {
			text = blank(ps.Text, ps.spans, func(sp ruleSpan) bool {
				return sp.Private || sp.Global || appliesTo(ParseKinds(sp.Meta["kinds"]), kind)
			})
		}
		srcs = append(srcs, Source{Name: ps.Name, Namespace: ps.Namespace, Text: text})
	}
	var g *group
	if public > 0 {
		s.mu.Lock()
		g = s.groups[key.String()]
		if g == nil {
			g = &group{srcs: srcs}
			s.groups[key.String()] = g
		}
		s.mu.Unlock()
	}
	actual, _ := s.byKind.LoadOrStore(ks, g)
	return actual.(*group), nil
}

// Groups reports how many distinct rulesets exist so far and how long
// their compilation took together.
func (s *Set) Groups() (n int, compile time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.groups {
		n++
		compile += time.Duration(g.dur.Load())
	}
	return n, compile
}
