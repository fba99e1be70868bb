// Package pkghook notes package metadata that makes an installer run the
// package's own code: npm install scripts, setup.py cmdclass overrides, an
// in-tree Python build backend and .pth import lines. On its own this is
// information (low): esbuild, node-gyp addons and many Python packages do
// it for good reasons. The diff raises it when a release adds or changes
// such a hook (ua-parser-js, Shai-Hulud, Nx).
//
// deb and rpm maintainer scripts are recorded as facts but not reported
// here: nearly every system package has them.
package pkghook

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/vouch-sec/vouch/internal/analyze/pkgmeta"
	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the detector; findings are "pkg.*".
const Name = "pkg"

// ID of the finding.
const ID = Name + ".install-hook"

// maxTitleCmd bounds a command quoted in a title.
const maxTitleCmd = 80

// npmOnInstall are the hooks npm runs when a package is installed from the
// registry; the prepare family runs only for git and local installs.
var npmOnInstall = []string{"preinstall", "install", "postinstall"}

type detector struct{}

// New returns the detector.
func New() detect.FileDetector { return detector{} }

func (detector) Name() string { return Name }

func (detector) DetectFile(f *model.File) []model.Finding {
	if f.Facts == nil || f.Facts.Package == nil || len(f.Facts.Package.InstallHooks) == 0 {
		return nil
	}
	pf := f.Facts.Package
	var (
		hooks = map[string]string{}
		title string
	)
	switch pf.Ecosystem {
	case pkgmeta.NPM:
		if pf.Extra["manifest"] != pkgmeta.ManifestRoot {
			return nil // bundled and test manifests: facts only
		}
		var names []string
		for _, h := range npmOnInstall {
			if cmd, ok := pf.InstallHooks[h]; ok {
				hooks[h] = cmd
				names = append(names, h)
			}
		}
		if len(names) == 0 {
			return nil
		}
		if len(names) == 1 {
			title = fmt.Sprintf("npm install runs the package's %s script: %s", names[0], quote(hooks[names[0]]))
		} else {
			title = fmt.Sprintf("npm install runs the package's %s scripts", andList(names))
		}
	case pkgmeta.PyPI:
		var cmds []string
		for k, v := range pf.InstallHooks {
			switch c, isCmd := strings.CutPrefix(k, "cmdclass:"); {
			case isCmd && pkgmeta.PythonInstallCommands[c], k == "cmdclass":
				hooks[k] = v
				if isCmd {
					cmds = append(cmds, c)
				}
			case k == "build-backend", k == "poetry-build-script", k == "pth:import":
				hooks[k] = v
			}
		}
		sort.Strings(cmds)
		var parts []string
		if h := hooks["pth:import"]; h != "" {
			first, _, _ := strings.Cut(h, "\n")
			parts = append(parts, fmt.Sprintf("%s runs code at every Python start: %s", path.Base(f.Path), quote(first)))
		}
		if len(cmds) > 0 {
			parts = append(parts, "setup overrides install-time commands with its own classes: "+andList(cmds))
		} else if h := hooks["cmdclass"]; h != "" {
			parts = append(parts, "setup takes its commands from "+quote(h))
		}
		if h := hooks["build-backend"]; h != "" {
			parts = append(parts, "the package is built by its own in-tree backend "+quote(h))
		}
		if h := hooks["poetry-build-script"]; h != "" {
			parts = append(parts, "the package's build runs its script "+quote(h))
		}
		if len(parts) == 0 {
			return nil
		}
		title = strings.Join(parts, "; ")
	default:
		return nil
	}
	ev := map[string]any{"ecosystem": pf.Ecosystem, "hooks": hooks}
	if pf.Name != "" {
		ev["package"] = pf.Name
	}
	if pf.Version != "" {
		ev["version"] = pf.Version
	}
	return []model.Finding{{ID: ID, Severity: model.SeverityLow, Path: f.Path, Title: title, Evidence: ev}}
}

// andList joins "a", "b" and "c" as "a, b and c".
func andList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// quote shows a command in a title, shortened.
func quote(s string) string {
	if len(s) > maxTitleCmd {
		cut := maxTitleCmd
		for cut > 0 && s[cut]&0xc0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return fmt.Sprintf("%q", s)
}
