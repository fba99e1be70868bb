package rules

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// embedded holds the first-party rules: rules/<namespace>/*.yar.
//
//go:embed rules/*/*.yar
var embedded embed.FS

// maxRuleFile bounds one user rule file; rule files are text written by
// people or generated IOC sets, not data.
const maxRuleFile = 64 << 20

// FirstParty returns the embedded rule sources, sorted by path. A file's
// namespace is the first folder under rules/.
func FirstParty() ([]Source, error) {
	var out []Source
	err := fs.WalkDir(embedded, "rules", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return fs.SkipDir // fixtures of rule tests, not rules
		}
		if d.IsDir() || !isRuleFile(p) {
			return nil
		}
		rel := strings.TrimPrefix(p, "rules/")
		ns, _, ok := strings.Cut(rel, "/")
		if !ok {
			return fmt.Errorf("rule file %q is not in a namespace folder", p)
		}
		b, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, Source{Name: p, Namespace: ns, Text: b})
		return nil
	})
	return out, err
}

func isRuleFile(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".yar" || ext == ".yara"
}

// ReadUserRules reads --rules arguments: rule files, or directories whose
// *.yar and *.yara files (at any depth, in path order) are read. Each file
// gets its own namespace, "user/<base name>", so that rule names of
// different files cannot clash.
func ReadUserRules(paths []string) ([]Source, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && d.Type().IsRegular() && isRuleFile(q) {
				found = append(found, q)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no .yar or .yara files", p)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	seen := map[string]int{}
	var out []Source
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return nil, err
		}
		if st.Size() > maxRuleFile {
			return nil, fmt.Errorf("%s: rule file larger than %d MiB", f, maxRuleFile>>20)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		base := filepath.Base(f)
		base = strings.TrimSuffix(base, filepath.Ext(base))
		ns := "user/" + base
		if seen[base]++; seen[base] > 1 {
			ns += "-" + strconv.Itoa(seen[base])
		}
		out = append(out, Source{Name: f, Namespace: ns, Text: b})
	}
	return out, nil
}

var (
	defaultOnce sync.Once
	defaultSet  *Set
	defaultSrcs []Source
	defaultErr  error
)

// Default returns the Set of first-party rules only. It is built once per
// process; its rulesets compile on first use.
func Default() (*Set, error) {
	defaultOnce.Do(func() {
		defaultSrcs, defaultErr = FirstParty()
		if defaultErr == nil {
			defaultSet, defaultErr = NewSet(DefaultEngine(), defaultSrcs, nil)
		}
	})
	return defaultSet, defaultErr
}

// Load returns the Set vouch scans with: the first-party rules and the
// given other sources (user rules, generated IOC rules). Without other
// sources it is [Default]. The other sources are compiled once at once, so
// that a syntax error (a *CompileError) comes before any scanning.
func Load(other []Source) (*Set, error) {
	def, err := Default()
	if err != nil || len(other) == 0 {
		return def, err
	}
	s, err := NewSet(def.engine, defaultSrcs, other)
	if err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}
