//go:build cgo

package rules

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	yara "github.com/Velocidex/go-yara"
)

// DefaultEngine is libyara, linked in through cgo.
func DefaultEngine() Engine { return yaraEngine{} }

// errScanTimeout is libyara's ERROR_SCAN_TIMEOUT (error.h).
const errScanTimeout = yara.Error(26)

// defaultTimeout bounds a scan whose context has no deadline.
const defaultTimeout = 60 * time.Second

type yaraEngine struct{}

func (yaraEngine) Name() string { return "libyara 4.5.4 (go-yara)" }

func (yaraEngine) Compile(srcs []Source, vars map[string]any) (Ruleset, error) {
	c, err := yara.NewCompiler()
	if err != nil {
		return nil, fmt.Errorf("yara.NewCompiler: %w", err)
	}
	defer c.Destroy()
	// Rules must not read host files of their choosing.
	c.DisableIncludes()
	for _, k := range sortedKeys(vars) {
		if err := c.DefineVariable(k, vars[k]); err != nil {
			return nil, fmt.Errorf("defining %q: %w", k, err)
		}
	}
	for _, s := range srcs {
		if err := c.AddString(string(s.Text), s.Namespace); err != nil {
			ce := &CompileError{Source: s.Name, Msg: err.Error()}
			if len(c.Errors) > 0 {
				ce.Line, ce.Msg = c.Errors[0].Line, c.Errors[0].Text
			}
			return nil, ce
		}
	}
	rs, err := c.GetRules()
	if err != nil {
		return nil, fmt.Errorf("yara GetRules: %w", err)
	}
	y := &yaraRuleset{rules: rs, metas: map[string]map[string]string{}}
	for _, r := range rs.GetRules() {
		m := map[string]string{}
		for _, mv := range r.Metas() {
			if _, dup := m[mv.Identifier]; dup {
				continue
			}
			switch v := mv.Value.(type) {
			case string:
				m[mv.Identifier] = v
			case int:
				m[mv.Identifier] = strconv.Itoa(v)
			case bool:
				m[mv.Identifier] = strconv.FormatBool(v)
			}
		}
		y.metas[r.Namespace()+"\x00"+r.Identifier()] = m
	}
	return y, nil
}

type yaraRuleset struct {
	rules *yara.Rules
	metas map[string]map[string]string // namespace + "\x00" + rule → meta, read once
}

func (y *yaraRuleset) NewScanner() (Scanner, error) {
	s, err := yara.NewScanner(y.rules)
	if err != nil {
		return nil, fmt.Errorf("yara.NewScanner: %w", err)
	}
	// Fast mode: a string no condition counts stops at its first match.
	s.SetFlags(yara.ScanFlagsFastMode)
	return &yaraScanner{s: s, rs: y}, nil
}

type yaraScanner struct {
	s  *yara.Scanner
	rs *yaraRuleset
}

func (y *yaraScanner) Scan(ctx context.Context, data []byte, vars map[string]any) ([]Match, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	timeout := defaultTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
	}
	// libyara counts whole seconds; round up so a short budget is not 0
	// (which would mean no timeout at all).
	secs := max(1, (timeout+time.Second-1)/time.Second)
	y.s.SetTimeout(secs * time.Second)
	for _, k := range sortedKeys(vars) {
		if err := y.s.DefineVariable(k, vars[k]); err != nil {
			return nil, fmt.Errorf("setting %q: %w", k, err)
		}
	}
	cb := &collector{ctx: ctx, rs: y.rs}
	y.s.SetCallback(cb)
	err := y.s.ScanMem(data)
	y.s.SetCallback(nil)
	switch {
	case errors.Is(err, errScanTimeout):
		return cb.out, fmt.Errorf("%w after %ds", ErrTimeout, secs)
	case ctx.Err() != nil:
		return cb.out, ctx.Err()
	case err != nil:
		return cb.out, fmt.Errorf("yara scan: %w", err)
	}
	return cb.out, nil
}

// collector turns libyara's match callbacks into Matches, keeping at most
// MaxMatchStrings matches of MaxMatchData bytes per rule.
type collector struct {
	ctx context.Context
	rs  *yaraRuleset
	out []Match
}

func (c *collector) RuleMatching(sc *yara.ScanContext, r *yara.Rule) (bool, error) {
	ns, name := r.Namespace(), r.Identifier()
	m := Match{Namespace: ns, Rule: name, Meta: c.rs.metas[ns+"\x00"+name]}
each:
	for _, s := range r.Strings() {
		for _, hit := range s.Matches(sc) {
			if len(m.Strings) >= MaxMatchStrings {
				break each
			}
			d := hit.Data()
			if len(d) > MaxMatchData {
				d = d[:MaxMatchData]
			}
			m.Strings = append(m.Strings, MatchString{ID: s.Identifier(), Offset: hit.Base() + hit.Offset(), Data: d})
			break // the first match of each string is enough evidence
		}
	}
	c.out = append(c.out, m)
	// A cancelled context aborts at the next match; the timeout covers
	// scans that match nothing.
	return c.ctx.Err() != nil, nil
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }
