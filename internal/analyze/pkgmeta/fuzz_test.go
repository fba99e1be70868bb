package pkgmeta_test

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/analyze/pkgmeta"
	"github.com/vouch-sec/vouch/internal/model"
)

// Bounds the facts must keep whatever the input (see pkgmeta's constants):
// a value is clipped to 1 KiB plus "…", a joined list to 8 KiB plus ",…".
const (
	maxValue   = 1024 + len("…")
	maxList    = 8192 + len(",…")
	maxEntries = 4096
)

func seed(f *testing.F, glob string) {
	files, err := filepath.Glob(filepath.Join("testdata", glob))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkBounds fails when a fact breaks the caps.
func checkBounds(t *testing.T, pf *model.PackageFacts) {
	t.Helper()
	if pf == nil {
		t.Fatal("nil facts")
	}
	short := func(what, s string) {
		if len(s) > maxValue {
			t.Errorf("%s is %d bytes", what, len(s))
		}
	}
	short("name", pf.Name)
	short("version", pf.Version)
	if len(pf.Dependencies) > maxEntries || len(pf.InstallHooks) > maxEntries {
		t.Errorf("%d dependencies, %d hooks", len(pf.Dependencies), len(pf.InstallHooks))
	}
	for k, v := range pf.Dependencies {
		short("dependency name", k)
		short("dependency spec", v)
	}
	for k, v := range pf.InstallHooks {
		short("hook name", k)
		short("hook", v)
	}
	for k, v := range pf.Extra {
		if len(v) > maxList {
			t.Errorf("Extra[%q] is %d bytes", k, len(v))
		}
	}
}

func FuzzPackageJSON(f *testing.F) {
	seed(f, "npm-*.json")
	f.Add([]byte(`{"scripts":{"postinstall":"node a.js && ./b.sh; bun run c.ts | sh"},"bin":"x","name":"@s/n"}`))
	f.Add([]byte(`{"dependencies":{"a":"1"},"optionalDependencies":{"a":"2"},"bundleDependencies":true}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		pf, err := pkgmeta.ParsePackageJSON(b, pkgmeta.ManifestRoot)
		checkBounds(t, pf)
		if err == nil && pf.Extra["parse_error"] != "" {
			t.Errorf("parse_error %q without an error", pf.Extra["parse_error"])
		}
		if utf8.Valid(b) {
			for k, v := range pf.InstallHooks {
				if !utf8.ValidString(v) {
					t.Errorf("hook %q cut inside a character: %q", k, v)
				}
			}
		}
		again, _ := pkgmeta.ParsePackageJSON(b, pkgmeta.ManifestRoot)
		if d := cmp.Diff(pf, again); d != "" {
			t.Errorf("not deterministic (-first +second):\n%s", d)
		}
	})
}

func FuzzSetupPy(f *testing.F) {
	seed(f, "setup*.py")
	f.Add([]byte(`cmdclass={cmdclass={cmdclass={'install': X`))
	f.Add([]byte("setup(setup(setup(name='a', cmdclass=c\nc = dict(**c)\nc['x'] = c"))
	f.Add([]byte(`x = r'''\''' ; setup(name=b"n", version=f'{v}', install_requires=("a\\nb",))`))
	f.Fuzz(func(t *testing.T, b []byte) {
		pf := pkgmeta.ParseSetupPy(b)
		checkBounds(t, pf)
		if d := cmp.Diff(pf, pkgmeta.ParseSetupPy(b)); d != "" {
			t.Errorf("not deterministic (-first +second):\n%s", d)
		}
	})
}

// FuzzTextManifests runs the other text readers on one input each.
func FuzzTextManifests(f *testing.F) {
	for _, g := range []string{"*.toml", "*.cfg", "METADATA", "PKG-INFO", "*.pth", "gomod.txt"} {
		seed(f, g)
	}
	f.Add([]byte("[project]\ndependencies = [\"a\", \n\n\n\"b\" # ]\n]\nversion = '''x\n"))
	f.Add([]byte("[options]\ninstall_requires =\n a\n b\n[options]\ninstall_requires = c"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) *model.PackageFacts{
			pkgmeta.ParsePyproject, pkgmeta.ParseSetupCfg, pkgmeta.ParsePkgInfo, pkgmeta.ParsePth, pkgmeta.ParseGoMod,
		} {
			checkBounds(t, parse(b))
		}
	})
}
