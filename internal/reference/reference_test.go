package reference_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/reference"
)

const (
	h1 = "3c2a9e8f0d4b6a1c7e5f3d2b1a0c9e8f7d6c5b4a3928171605f4e3d2c1b0a998"
	h2 = "9F1E6C1F3A0F2B6D4E2D7C1A5B8E9F00112233445566778899AABBCCDDEEFF00"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		err   string // substring; "" means it parses
		count int
	}{
		{"empty document", "", "", 0},
		{"no components", "version: 1\n", "", 0},
		{"one component", "version: 1\ncomponents:\n  - name: d3dcompiler_47.dll\n    vendor: Microsoft Corporation\n    version: 10.0.22621.1\n    sha256: [" + h1 + "]\n    authenticode: [" + h2 + "]\n    note: SDK\n", "", 1},
		{"authenticode alone", "components:\n  - name: a.dll\n    authenticode: [" + h2 + "]\n", "", 1},
		{"flow-style list", "components: [{name: a.dll, sha256: [" + h1 + "]}, {name: b.dll, sha256: [" + h1 + "]}]\n", "", 2},
		{"unknown version", "version: 2\n", "unsupported version 2", 0},
		{"name missing", "components:\n  - sha256: [" + h1 + "]\n", "component 1: name is required", 0},
		{"no hash", "components:\n  - name: a.dll\n    version: 1.0\n", "component 1 (a.dll): sha256 or authenticode is required", 0},
		{"not hex", "components:\n  - name: a.dll\n    sha256: [" + strings.Repeat("zz", 32) + "]\n", "is not a hex digest", 0},
		{"too short", "components:\n  - name: a.dll\n    sha256: [abcdef]\n", "is not a hex digest", 0},
		{"odd length", "components:\n  - name: a.dll\n    sha256: [" + h1 + "0]\n", "is not a hex digest", 0},
		{"bad authenticode in second component", "components:\n  - name: a.dll\n    sha256: [" + h1 + "]\n  - name: b.dll\n    authenticode: [nothex]\n", "component 2 (b.dll)", 0},
		{"unknown field", "components:\n  - name: a.dll\n    sha265: [" + h1 + "]\n", "sha265", 0},
		{"not YAML", "components: [", "", -1},
		{"wrong shape", "components: a.dll\n", "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := reference.Parse([]byte(tt.doc))
			switch {
			case tt.count < 0:
				if err == nil {
					t.Fatal("parsed")
				}
			case tt.err != "":
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one saying %q", err, tt.err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if tab.Len() != tt.count {
					t.Errorf("Len() = %d, want %d", tab.Len(), tt.count)
				}
			}
		})
	}
}

func write(t *testing.T, dir, name, doc string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	bundled := write(t, dir, "bundled.yaml", "version: 1\ncomponents:\n  - name: d3dcompiler_47.dll\n    version: 10.0.22621.1\n    sha256: ["+h1+"]\n  - name: ffmpeg.dll\n    sha256: ["+h1+"]\n")
	mine := write(t, dir, "mine.yaml", "components:\n  - name: D3DCompiler_47.DLL\n    version: 10.0.19041.685\n    sha256: ["+h2+"]\n")
	tab, err := reference.Load(bundled, mine)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 3 {
		t.Errorf("Len() = %d, want 3", tab.Len())
	}
	var versions []string
	for _, c := range tab.Known("d3dcompiler_47.dll") {
		versions = append(versions, c.Version)
	}
	if d := cmp.Diff([]string{"10.0.22621.1", "10.0.19041.685"}, versions); d != "" {
		t.Errorf("Known across files (-want +got):\n%s", d)
	}
	for _, name := range []string{"FFMPEG.DLL", "ffmpeg.dll", "FFmpeg.dll"} {
		if got := tab.Known(name); len(got) != 1 || got[0].Name != "ffmpeg.dll" {
			t.Errorf("Known(%q) = %v", name, got)
		}
	}
	if got := tab.Known("avcodec-61.dll"); got != nil {
		t.Errorf("Known(unlisted) = %v", got)
	}

	bad := write(t, dir, "bad.yaml", "components:\n  - name: x.dll\n")
	if _, err := reference.Load(bundled, bad); err == nil || !strings.Contains(err.Error(), "bad.yaml") {
		t.Errorf("error %v does not name the bad file", err)
	}
	if _, err := reference.Load(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Error("missing file loaded")
	}
	empty, err := reference.Load()
	if err != nil || empty.Len() != 0 {
		t.Errorf("Load() = %v, %v", empty, err)
	}
}

func TestNilTable(t *testing.T) {
	var tab *reference.Table
	if tab.Known("a.dll") != nil || tab.Len() != 0 {
		t.Error("nil table is not empty")
	}
}

// FuzzParse: reference tables are user files. Parse must not panic, and a
// table it accepts holds only components a lookup can find, each with at
// least one well-formed digest.
func FuzzParse(f *testing.F) {
	f.Add([]byte("version: 1\ncomponents:\n  - name: d3dcompiler_47.dll\n    vendor: Microsoft Corporation\n    version: 10.0.22621.1\n    sha256: [" + h1 + "]\n    authenticode: [" + h2 + "]\n"))
	f.Add([]byte("components: [{name: a.dll, sha256: [" + h1 + "]}]"))
	f.Add([]byte("components:\n  - name: a.dll\n"))
	f.Add([]byte("version: 2"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := reference.Parse(b)
		if err != nil {
			return
		}
		for _, c := range tab.Components {
			if c.Name == "" || len(c.SHA256)+len(c.Authenticode) == 0 {
				t.Fatalf("accepted %+v", c)
			}
			names := []string{c.Name}
			if isASCII(c.Name) {
				names = append(names, strings.ToUpper(c.Name))
			}
			for _, n := range names {
				found := false
				for _, k := range tab.Known(n) {
					if k.Name == c.Name {
						found = true
					}
				}
				if !found {
					t.Fatalf("Known(%q) misses an accepted component", n)
				}
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
