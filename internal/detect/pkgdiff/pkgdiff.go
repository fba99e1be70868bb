// Package pkgdiff judges what changed in a package between releases: install
// hooks added or changed (ua-parser-js, Shai-Hulud, Nx), dependencies added
// in a patch release (event-stream), native programs appearing in a script
// package (torchtriton), maintainer scripts that changed, new scripts that
// read credentials and talk to the network, and data files that appear
// where nobody reviews them (xz-utils' test files).
package pkgdiff

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/vouch-sec/vouch/internal/analyze/pkgmeta"
	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the detector; its findings are "pkg.*" and "data.*".
const Name = "pkg/diff"

// Finding ids.
const (
	IDHookAdded         = "pkg.install-hook-added"
	IDNewDependency     = "pkg.new-dependency"
	IDNativeAdded       = "pkg.native-binary-added"
	IDMaintainerScript  = "pkg.maintainer-script-changed"
	IDSecretHarvest     = "pkg.secret-harvest"
	IDUnexpectedContent = "data.unexpected-location"
	IDGlobalHook        = "pkg.global-hook"
	IDAIAgentAbuse      = "pkg.ai-agent-abuse"
	IDDestructive       = "pkg.destructive-or-persistent"
	IDTargetingGate     = "pkg.targeting-gate"
)

type detector struct{}

// New returns the detector.
func New() detect.DiffDetector { return detector{} }

func (detector) Name() string { return Name }

func (detector) DetectDiff(d *model.DiffReport) []model.Finding {
	var out []model.Finding
	// Containers of the new release that did not unpack: their format
	// does not account for their bytes.
	broken := map[string]bool{}
	for _, e := range d.Errors {
		if e.Side == "new" {
			broken[e.Path] = true
		}
	}
	for _, f := range d.Files {
		if f.New == nil {
			continue
		}
		out = append(out, hooks(d, f)...)
		out = append(out, dependencies(f)...)
		out = append(out, maintainerScript(f)...)
		out = append(out, secretHarvest(f)...)
		out = append(out, scriptBehaviour(f)...)
		out = append(out, unexpectedLocation(f, broken[f.Path])...)
	}
	out = append(out, nativeAdded(d)...)
	return out
}

func pkgFacts(f *model.File) *model.PackageFacts {
	if f == nil || f.Facts == nil {
		return nil
	}
	return f.Facts.Package
}

// installed reports whether a manifest describes a package npm installs:
// the release's own package.json or one under node_modules (an installed
// tree, where event-stream's new dependency showed, or a bundled
// dependency), not an example or fixture package.json deeper inside.
func installed(p *model.PackageFacts) bool {
	if p.Ecosystem != pkgmeta.NPM {
		return true
	}
	m := p.Extra["manifest"]
	return m == pkgmeta.ManifestRoot || m == pkgmeta.ManifestDependency
}

// onInstall are the npm hooks that run on a registry install.
var onInstall = map[string]bool{"preinstall": true, "install": true, "postinstall": true}

// hooks reports install hooks that appear or change in a package manifest.
func hooks(d *model.DiffReport, f *model.DiffFile) []model.Finding {
	np := pkgFacts(f.New)
	if np == nil || len(np.InstallHooks) == 0 {
		return nil
	}
	if !installed(np) {
		return nil
	}
	if np.Ecosystem == pkgmeta.Deb || np.Ecosystem == pkgmeta.RPM {
		return nil // maintainer scripts: see maintainerScript
	}
	op := pkgFacts(f.Old)
	if f.Old == nil {
		// A whole new package: its hooks are the package's own finding.
		return nil
	}
	var out []model.Finding
	for _, h := range slices.Sorted(maps.Keys(np.InstallHooks)) {
		cmd := np.InstallHooks[h]
		if np.Ecosystem == pkgmeta.NPM && !onInstall[h] {
			continue
		}
		old := ""
		if op != nil {
			old = op.InstallHooks[h]
		}
		if old == cmd {
			continue
		}
		sev := model.SeverityMedium
		verb := "gained"
		if old != "" {
			verb = "changed"
		}
		title := fmt.Sprintf("%s %s the %s hook %q", pkgName(np, f), verb, h, clip(cmd, 80))
		ev := map[string]any{"hook": h, "old": old, "new": cmd}
		if ref := referenced(d, f, cmd); ref != nil {
			ev["runs"] = ref.Path
			ev["runs_status"] = ref.Status
			if ref.Status == model.StatusAdded {
				sev = model.SeverityHigh
				title += fmt.Sprintf(", which runs %s, a file new in this release", model.BaseName(ref.Path))
			}
			if ns := riskyNamespaces(ref.New); len(ns) > 0 {
				// Downloading a prebuilt binary at install is common
				// (esbuild, sharp); reading secrets or hiding code is not.
				if slices.ContainsFunc(ns, harvestOrHidden) {
					sev = model.SeverityHigh
				}
				title += fmt.Sprintf(" (it can: %s)", strings.Join(ns, ", "))
				ev["capabilities"] = ns
			}
		}
		if inlineFetch(cmd) {
			sev = model.SeverityHigh
		}
		out = append(out, model.Finding{ID: IDHookAdded, Severity: sev, Path: f.Path, Title: title, Evidence: ev})
	}
	return out
}

func pkgName(p *model.PackageFacts, f *model.DiffFile) string {
	if p.Name != "" {
		if p.Version != "" {
			return p.Name + "@" + p.Version
		}
		return p.Name
	}
	return model.BaseName(f.Path)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// inlineFetch: the hook itself downloads or evaluates code.
func inlineFetch(cmd string) bool {
	c := strings.ToLower(cmd)
	for _, w := range []string{"curl ", "wget ", "node -e", "node --eval", "python -c", "python3 -c", "| sh", "|sh", "| bash", "powershell", "iwr ", "invoke-webrequest"} {
		if strings.Contains(c, w) {
			return true
		}
	}
	return false
}

// referenced finds the file a hook command runs, beside the manifest.
func referenced(d *model.DiffReport, manifest *model.DiffFile, cmd string) *model.DiffFile {
	dir := path.Dir(manifest.Path)
	for _, tok := range strings.Fields(cmd) {
		tok = strings.Trim(tok, `"'`)
		ext := path.Ext(tok)
		if ext != ".js" && ext != ".cjs" && ext != ".mjs" && ext != ".py" && ext != ".sh" && ext != ".ts" {
			continue
		}
		want := path.Clean(path.Join(dir, strings.TrimPrefix(tok, "./")))
		for _, f := range d.Files {
			if f.New != nil && f.Path == want {
				return f
			}
		}
	}
	return nil
}

// harvest namespaces say a script reaches for secrets or sends data out.
var harvest = map[string]bool{"credential": true, "exfil": true, "wallet": true, "ai-agent": true, "collect": true}

func harvestOrHidden(ns string) bool { return harvest[ns] || ns == "obfuscation" }

// riskyNamespaces lists what a script could do that matters for a hook:
// read credentials, send data, download and run.
func riskyNamespaces(f *model.File) []string {
	if f == nil || f.Facts == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, c := range f.Facts.Capabilities {
		if harvest[c.Namespace] || c.Namespace == "net" || c.Namespace == "exec" || c.Namespace == "obfuscation" {
			seen[c.Namespace] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// dependencies reports dependencies added to a package manifest; in a
// patch release that is notable (event-stream → flatmap-stream).
func dependencies(f *model.DiffFile) []model.Finding {
	if f.Old == nil || f.Delta == nil || len(f.Delta.DependenciesAdded) == 0 {
		return nil
	}
	np, op := pkgFacts(f.New), pkgFacts(f.Old)
	if np == nil || op == nil {
		return nil
	}
	if !installed(np) {
		return nil
	}
	bump := bumpKind(op.Version, np.Version)
	sev := model.SeverityLow
	if bump == "patch" {
		sev = model.SeverityMedium
	}
	var names []string
	for _, dep := range f.Delta.DependenciesAdded {
		if r := np.Dependencies[dep]; r != "" {
			dep += " " + r
		}
		names = append(names, dep)
	}
	title := fmt.Sprintf("%s added the dependenc%s %s", pkgName(np, f), plural(len(names), "y", "ies"), strings.Join(names, ", "))
	if bump != "" {
		title += fmt.Sprintf(" in a %s release (%s → %s)", bump, op.Version, np.Version)
	}
	return []model.Finding{{ID: IDNewDependency, Severity: sev, Path: f.Path, Title: title,
		Evidence: map[string]any{"added": names, "old_version": op.Version, "new_version": np.Version, "bump": bump}}}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// bumpKind compares two dotted versions: "major", "minor", "patch" or "".
func bumpKind(o, n string) string {
	op, np := nums(o), nums(n)
	if len(op) < 2 || len(np) < 2 {
		return ""
	}
	switch {
	case op[0] != np[0]:
		return "major"
	case op[1] != np[1]:
		return "minor"
	}
	return "patch"
}

func nums(v string) []int {
	v = strings.TrimPrefix(v, "v")
	if i := strings.IndexAny(v, "-+~"); i >= 0 {
		v = v[:i]
	}
	var out []int
	for _, p := range strings.Split(v, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			break
		}
		out = append(out, n)
	}
	return out
}

// debScripts are the maintainer scripts dpkg runs.
var debScripts = map[string]bool{"preinst": true, "postinst": true, "prerm": true, "postrm": true, "config": true}

func isMaintainerScript(f *model.File) bool {
	if f == nil {
		return false
	}
	if f.Meta["rpm.scriptlet"] != "" {
		return true
	}
	base := model.BaseName(f.Path)
	return debScripts[base] && strings.Contains(f.Path, "control.tar")
}

// maintainerScript reports deb/rpm scripts that run as root at install
// and are new or changed.
func maintainerScript(f *model.DiffFile) []model.Finding {
	if !isMaintainerScript(f.New) || f.Status == model.StatusUnchanged {
		return nil
	}
	if f.Old != nil && f.Old.SHA256 == f.New.SHA256 {
		return nil
	}
	sev, verb := model.SeverityLow, "changed"
	if f.Old == nil {
		sev, verb = model.SeverityMedium, "is new"
	}
	ns := riskyNamespaces(f.New)
	var gained []string
	if f.Delta != nil {
		for _, c := range f.Delta.CapabilitiesAdded {
			if !slices.Contains(gained, c.Namespace) && (c.Namespace == "net" || harvest[c.Namespace] || c.Namespace == "obfuscation") {
				gained = append(gained, c.Namespace)
			}
		}
	} else if f.Old == nil {
		for _, n := range ns {
			if n == "net" || harvestOrHidden(n) {
				gained = append(gained, n)
			}
		}
	}
	title := fmt.Sprintf("maintainer script %s %s (it runs as root at install)", model.BaseName(f.Path), verb)
	if len(gained) > 0 {
		sev = model.SeverityHigh
		title += fmt.Sprintf(" and now does: %s", strings.Join(gained, ", "))
	}
	return []model.Finding{{ID: IDMaintainerScript, Severity: sev, Path: f.Path, Title: title,
		Evidence: map[string]any{"status": f.Status, "gained": gained, "old_path": f.OldPath}}}
}

// secretHarvest: a script that is new, or newly able to, reads credentials
// and can send data out.
func secretHarvest(f *model.DiffFile) []model.Finding {
	if f.New.Facts == nil || !identify.IsScript(f.New.Kind) {
		return nil
	}
	caps := f.NewCapabilities()
	var creds, sends []string
	for _, c := range caps {
		switch {
		// The whole environment is where CI keeps its tokens (Codecov).
		case c.Namespace == "credential" || c.Namespace == "wallet" || c.ID == "collect/env-dump":
			creds = append(creds, c.Rule)
		case c.ID == "exfil/env-over-network" || c.ID == "exfil/secrets-over-network":
			creds = append(creds, c.Rule)
			sends = append(sends, c.Rule)
		case c.Namespace == "exfil":
			sends = append(sends, c.Rule)
		}
	}
	if len(creds) == 0 {
		return nil
	}
	// Sending can also be a plain HTTP client in the same file.
	if len(sends) == 0 && f.New.Facts != nil {
		for _, c := range f.New.Facts.Capabilities {
			if c.Namespace == "net" || c.Namespace == "exfil" {
				sends = append(sends, c.Rule)
			}
		}
	}
	if len(sends) == 0 {
		return nil
	}
	verb := "new script"
	if f.Old != nil {
		verb = "script now"
	}
	return []model.Finding{{ID: IDSecretHarvest, Severity: model.SeverityHigh, Path: f.Path,
		Title: fmt.Sprintf("%s %s reads credentials (%s) and can send data out (%s)", verb, model.BaseName(f.Path),
			strings.Join(creds, ", "), strings.Join(sends, ", ")),
		Evidence: map[string]any{"credential_rules": creds, "network_rules": sends, "status": f.Status}}}
}

// dataDirs are where a release keeps files nobody reads as code.
var dataDirs = map[string]bool{"test": true, "tests": true, "testdata": true, "fixtures": true, "fixture": true,
	"__tests__": true, "spec": true, "assets": true, "examples": true, "example": true, "docs": true, "doc": true, "data": true}

func inDataDir(p string) bool {
	for _, seg := range strings.Split(model.PlainPath(p), "/") {
		if dataDirs[strings.ToLower(seg)] {
			return true
		}
	}
	return false
}

// unexpectedLocation: a new file under test/, fixtures/, assets/ … that
// is a program, or dense data whose name does not say so (xz-utils hid
// its payload in "corrupt" test archives). An archive explains its
// density only when it unpacks: broken says it did not.
func unexpectedLocation(f *model.DiffFile, broken bool) []model.Finding {
	if f.Old != nil || !inDataDir(f.Path) {
		return nil
	}
	k := f.New.Kind
	dense := f.New.Entropy >= 7.5 && f.Size >= 1024 && !strings.HasPrefix(k, "image/") && !knownDense(f.Path)
	var why string
	switch {
	case identify.IsExecutable(k):
		why = "a native program"
	case dense && f.New.Format == "":
		why = fmt.Sprintf("high-entropy data (%.2f bits per byte) that is no image or archive", f.New.Entropy)
	case dense && broken:
		why = fmt.Sprintf("high-entropy data (%.2f bits per byte) that does not unpack as the %s it claims to be", f.New.Entropy, f.New.Format)
	default:
		return nil
	}
	return []model.Finding{{ID: IDUnexpectedContent, Severity: model.SeverityMedium, Path: f.Path,
		Title:    fmt.Sprintf("new file %s in a test/data directory is %s", model.BaseName(f.Path), why),
		Evidence: map[string]any{"kind": k, "entropy": f.New.Entropy, "size": f.Size}}}
}

// knownDense are extensions of formats that are dense by design.
func knownDense(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".woff", ".woff2", ".ttf", ".otf", ".mp3", ".mp4", ".ogg", ".webm", ".wasm", ".pdf", ".der", ".p12", ".pfx", ".gpg", ".sig", ".asc", ".pem", ".crt", ".bin", ".dat", ".node", ".pyc":
		return true
	}
	return false
}

// nativeAdded: native programs appear in a package whose previous release
// had none (torchtriton: an ELF inside a Python package).
func nativeAdded(d *model.DiffReport) []model.Finding {
	oldNative := false
	scriptPkg := false
	for _, f := range d.Files {
		if f.Old != nil && identify.IsExecutable(f.Old.Kind) {
			oldNative = true
		}
		if p := pkgFacts(f.New); p != nil && (p.Ecosystem == pkgmeta.NPM || p.Ecosystem == pkgmeta.PyPI || p.Ecosystem == "go") {
			scriptPkg = true
		}
	}
	if oldNative || !scriptPkg {
		return nil
	}
	var out []model.Finding
	for _, f := range d.Files {
		if f.Old == nil && f.New != nil && identify.IsExecutable(f.New.Kind) {
			out = append(out, model.Finding{ID: IDNativeAdded, Severity: model.SeverityHigh, Path: f.Path,
				Title:    fmt.Sprintf("a script package now ships a native program, %s (%s); its previous release had none", model.BaseName(f.Path), f.New.Kind),
				Evidence: map[string]any{"kind": f.New.Kind, "size": f.Size}})
		}
	}
	return out
}

// behaviours maps a capability namespace (or namespace/rule) of a script
// to the package finding it becomes when it is new.
var behaviours = []struct {
	match func(c model.Capability) bool
	id    string
	what  string
}{
	// Wallet-address patterns in a library that has nothing to do with
	// wallets are how chalk/debug rewrote payments.
	{func(c model.Capability) bool { return c.Namespace == "hook" || c.Namespace == "wallet" }, IDGlobalHook, "hooks globals or rewrites wallet addresses"},
	{func(c model.Capability) bool { return c.Namespace == "ai-agent" }, IDAIAgentAbuse, "drives an AI coding agent"},
	{func(c model.Capability) bool { return c.Namespace == "persist" || c.Namespace == "impact" }, IDDestructive, "persists or destroys"},
	{func(c model.Capability) bool {
		// Rule names are YARA identifiers ("geolocation_lookup").
		switch strings.ReplaceAll(c.Rule, "-", "_") {
		case "geolocation_lookup", "locale_gate", "country_targeting", "long_delay", "date_gate", "sandbox_detect", "vm_detect", "native_long_sleep":
			return true
		}
		return false
	}, IDTargetingGate, "decides whom to hit"},
}

// scriptBehaviour: a package script that is new, or newly, hooks globals,
// drives an AI agent, persists or destroys, or gates on its victim.
func scriptBehaviour(f *model.DiffFile) []model.Finding {
	if f.New.Facts == nil || !identify.IsScript(f.New.Kind) {
		return nil
	}
	caps := f.NewCapabilities()
	var out []model.Finding
	for _, b := range behaviours {
		var rules []string
		sev := model.SeverityMedium
		for _, c := range caps {
			if b.match(c) {
				rules = append(rules, c.Rule)
				sev = max(sev, c.Risk)
			}
		}
		if len(rules) == 0 {
			continue
		}
		verb := "now"
		if f.Old == nil {
			verb = "is a new script that"
		}
		out = append(out, model.Finding{ID: b.id, Severity: sev, Path: f.Path,
			Title:    fmt.Sprintf("%s %s %s (%s)", model.BaseName(f.Path), verb, b.what, strings.Join(rules, ", ")),
			Evidence: map[string]any{"rules": rules, "status": f.Status}})
	}
	return out
}
