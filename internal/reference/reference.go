// Package reference reads tables of known-good builds of well-known
// redistributable components (d3dcompiler_47.dll, the VC runtimes,
// Electron's ffmpeg.dll, …), so a file that claims to be one of them but
// matches no known build can be noticed (the 3CX installer shipped both a
// trojanized ffmpeg.dll and a d3dcompiler_47.dll with a payload in its
// signature).
//
// A table is YAML and users extend it with their own:
//
//	version: 1
//	components:
//	  - name: d3dcompiler_47.dll          # file name, compared case-insensitively
//	    vendor: Microsoft Corporation     # optional: PE CompanyName it claims
//	    version: 10.0.22621.1             # optional: PE FileVersion of this build
//	    sha256: [3c2a…]                   # hashes of the file itself
//	    authenticode: [9f1e…]             # optional: signed digests (hex) of the build
//	    note: Windows SDK 10.0.22621
package reference

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Component is one known build (or several builds of one version).
type Component struct {
	Name         string   `yaml:"name"`
	Vendor       string   `yaml:"vendor,omitempty"`
	Version      string   `yaml:"version,omitempty"`
	SHA256       []string `yaml:"sha256,omitempty"`
	Authenticode []string `yaml:"authenticode,omitempty"`
	Note         string   `yaml:"note,omitempty"`
}

// Table is a set of known components, indexed by lower-cased name.
type Table struct {
	Version    int         `yaml:"version"`
	Components []Component `yaml:"components"`
	byName     map[string][]Component
}

const maxTable = 64 << 20

// Load reads one or more tables into one.
func Load(paths ...string) (*Table, error) {
	t := &Table{Version: 1}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(io.LimitReader(f, maxTable+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		if len(b) > maxTable {
			return nil, fmt.Errorf("reference %q is larger than %d bytes", p, maxTable)
		}
		one, err := Parse(b)
		if err != nil {
			return nil, fmt.Errorf("reference %q: %w", p, err)
		}
		t.Components = append(t.Components, one.Components...)
	}
	t.index()
	return t, nil
}

// Parse reads one table.
func Parse(b []byte) (*Table, error) {
	var t Table
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if t.Version != 0 && t.Version != 1 {
		return nil, fmt.Errorf("unsupported version %d (want 1)", t.Version)
	}
	for i, c := range t.Components {
		if c.Name == "" {
			return nil, fmt.Errorf("component %d: name is required", i+1)
		}
		if len(c.SHA256) == 0 && len(c.Authenticode) == 0 {
			return nil, fmt.Errorf("component %d (%s): sha256 or authenticode is required", i+1, c.Name)
		}
		for _, h := range append(append([]string{}, c.SHA256...), c.Authenticode...) {
			if !isHex(h) {
				return nil, fmt.Errorf("component %d (%s): %q is not a hex digest", i+1, c.Name, h)
			}
		}
	}
	t.index()
	return &t, nil
}

func isHex(s string) bool {
	if len(s) < 32 || len(s)%2 != 0 {
		return false
	}
	for _, c := range strings.ToLower(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (t *Table) index() {
	t.byName = map[string][]Component{}
	for _, c := range t.Components {
		k := strings.ToLower(c.Name)
		t.byName[k] = append(t.byName[k], c)
	}
}

// Known returns the known builds of a file name.
func (t *Table) Known(name string) []Component {
	if t == nil {
		return nil
	}
	return t.byName[strings.ToLower(name)]
}

// Len is the number of components.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return len(t.Components)
}
