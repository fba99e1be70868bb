package pkghook_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/detect/pkghook"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

// fixtures are the analyzer's; the detector judges what it found.
const fixtures = "../../analyze/pkgmeta/testdata"

type m = map[string]string

func TestDetectFile(t *testing.T) {
	file := func(p string, pf *model.PackageFacts) *model.File {
		return &model.File{Path: p, Facts: &model.Facts{Package: pf}}
	}
	npm := func(role string, hooks m) *model.File {
		return file("a.tgz!/package/package.json", &model.PackageFacts{Ecosystem: "npm", Name: "a", Version: "1.0.0",
			InstallHooks: hooks, Extra: m{"manifest": role}})
	}
	long := strings.Repeat("x", 100)
	tests := []struct {
		name string
		file *model.File
		want []model.Finding
	}{
		{"no facts", &model.File{Path: "a", Facts: &model.Facts{}}, nil},
		{"nil facts", &model.File{Path: "a"}, nil},
		{"npm no hooks", npm("root", nil), nil},
		{"npm prepare only", npm("root", m{"prepare": "tsc"}), nil},
		{"npm bundled dependency", npm("dependency", m{"install": "node-gyp rebuild"}), nil},
		{"npm postinstall", npm("root", m{"postinstall": "node install.js", "prepare": "tsc"}), []model.Finding{{
			ID: "pkg.install-hook", Severity: model.SeverityLow, Path: "a.tgz!/package/package.json",
			Title:    `npm install runs the package's postinstall script: "node install.js"`,
			Evidence: map[string]any{"ecosystem": "npm", "package": "a", "version": "1.0.0", "hooks": m{"postinstall": "node install.js"}},
		}}},
		{"npm three hooks", npm("root", m{"preinstall": "a", "install": "b", "postinstall": long}), []model.Finding{{
			ID: "pkg.install-hook", Severity: model.SeverityLow, Path: "a.tgz!/package/package.json",
			Title: "npm install runs the package's preinstall, install and postinstall scripts",
			Evidence: map[string]any{"ecosystem": "npm", "package": "a", "version": "1.0.0",
				"hooks": m{"preinstall": "a", "install": "b", "postinstall": long}},
		}}},
		{"setup.py cmdclass", file("s.tgz!/s/setup.py", &model.PackageFacts{Ecosystem: "pypi", Name: "s",
			InstallHooks: m{"cmdclass:install": "I", "cmdclass:egg_info": "E", "cmdclass:sdist": "S", "cmdclass": "v.get_cmdclass()"}}),
			[]model.Finding{{
				ID: "pkg.install-hook", Severity: model.SeverityLow, Path: "s.tgz!/s/setup.py",
				Title: "setup overrides install-time commands with its own classes: egg_info and install",
				Evidence: map[string]any{"ecosystem": "pypi", "package": "s",
					"hooks": m{"cmdclass:install": "I", "cmdclass:egg_info": "E", "cmdclass": "v.get_cmdclass()"}},
			}}},
		{"setup.py sdist only", file("setup.py", &model.PackageFacts{Ecosystem: "pypi", InstallHooks: m{"cmdclass:sdist": "S"}}), nil},
		{"versioneer", file("setup.py", &model.PackageFacts{Ecosystem: "pypi", InstallHooks: m{"cmdclass": "versioneer.get_cmdclass()"}}),
			[]model.Finding{{
				ID: "pkg.install-hook", Severity: model.SeverityLow, Path: "setup.py",
				Title:    `setup takes its commands from "versioneer.get_cmdclass()"`,
				Evidence: map[string]any{"ecosystem": "pypi", "hooks": m{"cmdclass": "versioneer.get_cmdclass()"}},
			}}},
		{"pth", file("w.whl!/x.pth", &model.PackageFacts{Ecosystem: "pypi", InstallHooks: m{"pth:import": "import a\nimport b"}}),
			[]model.Finding{{
				ID: "pkg.install-hook", Severity: model.SeverityLow, Path: "w.whl!/x.pth",
				Title:    `x.pth runs code at every Python start: "import a"`,
				Evidence: map[string]any{"ecosystem": "pypi", "hooks": m{"pth:import": "import a\nimport b"}},
			}}},
		{"backend and poetry", file("pyproject.toml", &model.PackageFacts{Ecosystem: "pypi",
			InstallHooks: m{"build-backend": "b (in-tree: .)", "poetry-build-script": "build.py"}}),
			[]model.Finding{{
				ID: "pkg.install-hook", Severity: model.SeverityLow, Path: "pyproject.toml",
				Title: `the package is built by its own in-tree backend "b (in-tree: .)"; the package's build runs its script "build.py"`,
				Evidence: map[string]any{"ecosystem": "pypi",
					"hooks": m{"build-backend": "b (in-tree: .)", "poetry-build-script": "build.py"}},
			}}},
		{"deb", file("x.deb", &model.PackageFacts{Ecosystem: "deb", Name: "x", InstallHooks: m{"postinst": "present"}}), nil},
		{"rpm", file("x.rpm", &model.PackageFacts{Ecosystem: "rpm", Name: "x", InstallHooks: m{"postin": "present"}}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pkghook.New().DetectFile(tt.file)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

// findings inspects target and returns the pkg findings as
// "severity path: title".
func findings(t *testing.T, target string) []string {
	t.Helper()
	rep, err := vouch.Inspect(context.Background(), target, vouch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.ID, pkghook.Name+".") {
			got = append(got, f.Severity.String()+" "+f.Path+": "+f.Title)
		}
	}
	return got
}

// TestFixtures runs vouch end to end on the analyzer's package fixtures.
func TestFixtures(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"hooky-1.0.0.tgz", []string{
			"low hooky-1.0.0.tgz!/package/package.json: npm install runs the package's preinstall and postinstall scripts",
		}},
		{"hooky-1.0.tar.gz", []string{
			`low hooky-1.0.tar.gz!/hooky-1.0/pyproject.toml: setup overrides install-time commands with its own classes: install; the package is built by its own in-tree backend "backend (in-tree: _build)"`,
			"low hooky-1.0.tar.gz!/hooky-1.0/setup.cfg: setup overrides install-time commands with its own classes: build_py",
			"low hooky-1.0.tar.gz!/hooky-1.0/setup.py: setup overrides install-time commands with its own classes: develop and install",
		}},
		{"hooky-1.0-py3-none-any.whl", []string{
			`low hooky-1.0-py3-none-any.whl!/hooky.pth: hooky.pth runs code at every Python start: "import os; exec(\"print('inert fixture')\")"`,
		}},
		{"hooky_1.0-1_all.deb", nil},
		{"hooky-1.0-1.noarch.rpm", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if d := cmp.Diff(tt.want, findings(t, filepath.Join(fixtures, tt.file))); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

// TestRealPackages: real packages get at most the low install-hook note.
func TestRealPackages(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"esbuild-0.28.2.tgz", []string{
			`low esbuild-0.28.2.tgz!/package/package.json: npm install runs the package's postinstall script: "node install.js"`,
		}},
		{"esbuild-linux-x64-0.28.2.tgz", nil},
		{"lightbox2-2.11.4.tgz", nil},
		{"liblzma5_5.4.1-1+deb12u1_amd64.deb", nil},
		{"libc6_2.36-9+deb12u14_amd64.deb", nil},
		{"python3-setuptools_66.1.1-1+deb12u2_all.deb", []string{
			"low python3-setuptools_66.1.1-1+deb12u2_all.deb!/data.tar.xz!/usr/lib/python3/dist-packages/distutils-precedence.pth: " +
				`distutils-precedence.pth runs code at every Python start: "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'loca…"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if d := cmp.Diff(tt.want, findings(t, realdata.Path(t, tt.file))); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}
