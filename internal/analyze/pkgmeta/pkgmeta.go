// Package pkgmeta records package-ecosystem metadata as [model.PackageFacts]:
// what a package is called, which version it claims, which code its
// installer runs (install hooks) and what it pulls in (dependencies). The
// diff compares these facts between releases to say "a patch release added
// a postinstall hook running a new file" (ua-parser-js, Shai-Hulud, Nx) or
// "added a dependency" (event-stream → flatmap-stream). It records facts
// only; detect/pkghook notes install hooks at low severity.
//
// # npm: package.json
//
// Extra["manifest"] says which manifest it is: "root" for the package's
// own (inside a container, the only path segment before it is the
// tarball's top directory, "x.tgz!/package/package.json"; in a directory,
// at most one), "dependency" under node_modules/, "nested" elsewhere
// (workspaces, test fixtures). InstallHooks are the lifecycle scripts npm
// runs on install (preinstall, install, postinstall, prepublish,
// preprepare, prepare, postprepare; a registry install runs the first
// three). Dependencies are dependencies plus optionalDependencies
// (optional wins on a clash, as in npm). Extra keys:
//
//   - hook_files:<hook>: the package files a hook runs ("node install.js" →
//     "install.js"), hook_inline_code and hook_downloads: the hooks that
//     run inline code (node -e, sh -c, "| sh") or fetch (curl, wget, URLs)
//   - optional_dependencies, peer_dependencies, bundled_dependencies:
//     names (bundled "true" for all); dev_dependencies: a count
//   - main, bin ("name=path" list), gypfile, os, cpu, binary.host and
//     binary.module_name (node-pre-gyp downloads a prebuilt addon)
//   - parse_error: the manifest is not a JSON object (an analysis error
//     too for the root manifest, which npm would refuse)
//
// npm's implicit "node-gyp rebuild" install for a package with a
// binding.gyp and no install script is not visible from package.json
// alone; gypfile is recorded for it.
//
// # Python
//
//   - *.dist-info/METADATA, PKG-INFO: Name, Version, Requires-Dist under
//     PEP 503 names (repeated names' constraints joined with " || ");
//     Extra metadata_version
//   - setup.py (tokenised, never run; comments and strings do not count):
//     InstallHooks["cmdclass:<command>"] = class expression for each
//     override, through dict literals, dict(), variables, subscripts and
//     update(); InstallHooks["cmdclass"] = an expression it cannot resolve
//     (versioneer.get_cmdclass()). Literal setup() name, version and
//     install_requires; Extra setup_requires, command_subclasses
//     ("Cls(install)": classes deriving from an install-time command)
//   - setup.cfg: [metadata] name and literal version, [options]
//     install_requires, setup_requires, cmdclass
//   - pyproject.toml: [project] name, version, dependencies;
//     [build-system] requires (Extra build_requires) and build-backend,
//     an in-tree one (backend-path) being InstallHooks["build-backend"];
//     [tool.setuptools.cmdclass]; Poetry name, version, dependencies and
//     build script (InstallHooks["poetry-build-script"])
//   - .pth: site.py executes lines starting "import " or "import\t" at
//     every interpreter start: InstallHooks["pth:import"] = those lines,
//     Extra pth_import "true", pth_import_lines, pth_paths
//
// # deb, rpm, Go
//
// A .deb or .rpm gets facts from the Meta its unpacker set: name, version
// (rpm: version-release), architecture, InstallHooks[script] = "present"
// for each maintainer script or scriptlet (their code is a member file),
// Dependencies from Depends and Pre-Depends (Extra pre_depends; both must
// hold, alternatives listed each) or Requires. go.mod gives the module
// path, require lines and Extra go, toolchain, replace.
//
// # Security
//
// Every read is bounded: manifests are read whole only up to 4 MiB, header
// blocks (METADATA) up to 1 MiB, and every recorded string, list and map is
// capped (see the constants); the setup.py walks share a step budget
// linear in its tokens. JSON nesting is checked before decoding. Nothing
// from the input is executed.
package pkgmeta

import (
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the analyzer.
const Name = "pkgmeta"

const (
	// maxManifest bounds a manifest read whole (package.json, setup.py,
	// setup.cfg, pyproject.toml, go.mod, .pth).
	maxManifest = 4 << 20
	// maxHeaders bounds the header block of METADATA/PKG-INFO; the body
	// after it is the long description.
	maxHeaders = 1 << 20
	// maxValue bounds one recorded string (a hook command, a version).
	maxValue = 1024
	// maxEntries bounds the entries recorded in one map or list.
	maxEntries = 4096
	// maxList bounds a comma-joined list recorded in Extra.
	maxList = 8192
)

// Ecosystems.
const (
	NPM  = "npm"
	PyPI = "pypi"
	Deb  = "deb"
	RPM  = "rpm"
	Go   = "go"
)

// Values of Extra["manifest"] for package.json.
const (
	ManifestRoot       = "root"
	ManifestDependency = "dependency"
	ManifestNested     = "nested"
)

// NPMInstallHooks are the lifecycle scripts npm runs when it installs a
// package (npm docs, "Life Cycle Operation Order": npm install and npm ci).
// A registry dependency gets preinstall, install and postinstall; the
// prepare family runs for git and local installs; prepublish is the
// deprecated alias npm still runs on a bare npm install.
var NPMInstallHooks = []string{"preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare"}

// PythonInstallCommands are the setuptools/distutils commands that run when
// pip builds or installs a package from source; a cmdclass override of one
// of them runs the package's code at install time.
var PythonInstallCommands = map[string]bool{
	"install": true, "develop": true, "egg_info": true, "build": true, "build_py": true, "build_ext": true,
	"build_clib": true, "build_scripts": true, "bdist_wheel": true, "bdist_egg": true, "install_lib": true,
	"install_scripts": true, "install_data": true, "install_headers": true, "install_egg_info": true,
	"easy_install": true, "dist_info": true, "editable_wheel": true,
}

type analyzer struct{}

// New returns the package metadata analyzer.
func New() analyze.Analyzer { return analyzer{} }

func (analyzer) Name() string { return Name }

// Match takes the kinds a manifest can have; Analyze picks by name.
func (analyzer) Match(kind string) bool {
	switch kind {
	case identify.JSON, identify.Text, identify.Python, identify.Deb, identify.RPM:
		return true
	}
	return false
}

func (analyzer) Analyze(ctx context.Context, in *analyze.Input, f *model.File) error {
	switch in.Kind {
	case identify.Deb:
		f.Facts.Package = debFacts(in.Meta)
		return nil
	case identify.RPM:
		f.Facts.Package = rpmFacts(in.Meta)
		return nil
	}
	inner := innerPath(in.Path)
	base := path.Base(inner)
	var (
		pf  *model.PackageFacts
		err error
	)
	switch {
	case base == "package.json":
		pf, err = withFile(in, maxManifest, func(b []byte) (*model.PackageFacts, error) {
			return ParsePackageJSON(b, manifestRole(inner))
		})
	case base == "METADATA" && strings.HasSuffix(path.Dir(inner), ".dist-info"), base == "PKG-INFO":
		var b []byte
		b, err = readHead(in, maxHeaders)
		if err == nil {
			pf = ParsePkgInfo(b)
		}
	case base == "setup.py":
		pf, err = withFile(in, maxManifest, func(b []byte) (*model.PackageFacts, error) { return ParseSetupPy(b), nil })
	case base == "setup.cfg":
		pf, err = withFile(in, maxManifest, func(b []byte) (*model.PackageFacts, error) { return ParseSetupCfg(b), nil })
	case base == "pyproject.toml":
		pf, err = withFile(in, maxManifest, func(b []byte) (*model.PackageFacts, error) { return ParsePyproject(b), nil })
	case strings.HasSuffix(base, ".pth") && in.Kind == identify.Python:
		pf, err = withFile(in, maxManifest, func(b []byte) (*model.PackageFacts, error) { return ParsePth(b), nil })
	case base == "go.mod":
		pf, err = withFile(in, maxManifest, func(b []byte) (*model.PackageFacts, error) { return ParseGoMod(b), nil })
	default:
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if pf != nil {
		f.Facts.Package = pf
	}
	return err
}

// withFile reads the whole file (at most limit bytes) and parses it.
func withFile(in *analyze.Input, limit int64, parse func([]byte) (*model.PackageFacts, error)) (*model.PackageFacts, error) {
	if in.Size > limit {
		return nil, fmt.Errorf("manifest %q is %d bytes (limit %d): not read", path.Base(in.Path), in.Size, limit)
	}
	b, err := readHead(in, limit)
	if err != nil {
		return nil, err
	}
	return parse(b)
}

// readHead reads the first min(size, limit) bytes.
func readHead(in *analyze.Input, limit int64) ([]byte, error) {
	n := min(in.Size, limit)
	if n <= 0 {
		return nil, nil
	}
	if int64(len(in.Head)) >= n {
		return in.Head[:n], nil
	}
	b := make([]byte, n)
	k, err := in.R.ReadAt(b, 0)
	if int64(k) == n {
		return b, nil
	}
	if err == nil || err == io.EOF {
		return b[:k], nil
	}
	return nil, fmt.Errorf("ReadAt(%q): %w", in.Path, err)
}

// innerPath is the path inside the innermost container ("a.tgz!/package/x"
// → "package/x"), or the whole path outside any.
func innerPath(p string) string {
	if i := strings.LastIndex(p, "!/"); i >= 0 {
		return p[i+2:]
	}
	return p
}

// manifestRole says which package.json this is from its path.
func manifestRole(inner string) string {
	segs := strings.Split(strings.Trim(inner, "/"), "/")
	for _, s := range segs[:len(segs)-1] {
		if s == "node_modules" {
			return ManifestDependency
		}
	}
	if len(segs) <= 2 {
		return ManifestRoot
	}
	return ManifestNested
}

// clip bounds a recorded string, marking the cut.
func clip(s string) string {
	if len(s) <= maxValue {
		return s
	}
	cut := maxValue
	for cut > 0 && cut > maxValue-4 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xc0 != 0x80 }

// joinList sorts, dedups and joins items with ",", bounded by maxList.
func joinList(items []string) string {
	sort.Strings(items)
	var sb strings.Builder
	prev := ""
	for i, s := range items {
		if i > 0 && s == prev {
			continue
		}
		prev = s
		if sb.Len()+len(s)+1 > maxList {
			sb.WriteString(",…")
			break
		}
		if sb.Len() > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(s)
	}
	return sb.String()
}

// setExtra records a non-empty Extra value.
func setExtra(pf *model.PackageFacts, k, v string) {
	if v == "" {
		return
	}
	if pf.Extra == nil {
		pf.Extra = map[string]string{}
	}
	pf.Extra[k] = v
}

// addDep records a dependency whose repeated mentions are alternatives
// (Requires-Dist lines under different markers): clashing constraints
// are joined with " || ", an unconstrained one shown as "*".
func addDep(pf *model.PackageFacts, name, spec string) bool {
	return addDepJoin(pf, name, spec, " || ", false)
}

// addDepJoin records a dependency; a clash with an earlier constraint is
// joined with sep. With all set, every mention must hold (deb relations),
// so an unconstrained mention adds nothing.
func addDepJoin(pf *model.PackageFacts, name, spec, sep string, all bool) bool {
	if name == "" {
		return true
	}
	if pf.Dependencies == nil {
		pf.Dependencies = map[string]string{}
	}
	name, spec = clip(name), clip(spec)
	old, ok := pf.Dependencies[name]
	if !ok {
		if len(pf.Dependencies) >= maxEntries {
			setExtra(pf, "dependencies_truncated", "true")
			return false
		}
		pf.Dependencies[name] = spec
		return true
	}
	switch {
	case old == spec, all && spec == "":
		return true
	case all && old == "":
		pf.Dependencies[name] = spec
		return true
	}
	show := func(s string) string {
		if s == "" {
			return "*"
		}
		return s
	}
	for _, p := range strings.Split(old, sep) {
		if p == show(spec) {
			return true
		}
	}
	pf.Dependencies[name] = clip(show(old) + sep + show(spec))
	return true
}

// addHook records an install hook.
func addHook(pf *model.PackageFacts, name, cmd string) {
	if pf.InstallHooks == nil {
		pf.InstallHooks = map[string]string{}
	}
	if _, ok := pf.InstallHooks[name]; !ok && len(pf.InstallHooks) >= maxEntries {
		setExtra(pf, "install_hooks_truncated", "true")
		return
	}
	pf.InstallHooks[clip(name)] = clip(cmd)
}
