package pkgmeta

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

// maxDepth bounds JSON nesting; encoding/json's own limit is 10000, far
// more than any manifest needs.
const maxDepth = 64

// ErrTooDeep is returned for JSON nested deeper than maxDepth.
var ErrTooDeep = errors.New("JSON nested too deeply")

// Inline commands in a hook: code given on the command line, piped to a
// shell or fetched at install time. Facts for the diff, not verdicts.
var (
	reInlineCode = regexp.MustCompile(`(?i)\b(?:node|nodejs|bun|deno)(?:\.exe)?\s+(?:--?[\w-]+(?:=\S*)?\s+)*?(?:-e|--eval|-p|--print)\b` +
		`|\b(?:sh|bash|zsh|dash|python[0-9.]*)(?:\.exe)?\s+(?:-\w+\s+)*?-\w*c\b` +
		`|\b(?:perl|ruby)(?:\.exe)?\s+(?:-\w+\s+)*?-\w*e\b` +
		`|\beval\b|\|\s*(?:sudo\s+)?(?:sh|bash|zsh|dash|node|python[0-9.]*)\b` +
		`|(?:^|[\s;&|])(?:powershell|pwsh)(?:\.exe)?\s[^|;&]*-(?:e|enc|encodedcommand|c|command)\b`)
	reDownload  = regexp.MustCompile(`(?i)\b(?:curl|wget|invoke-webrequest|iwr|invoke-restmethod|irm|bitsadmin|certutil)\b|https?://`)
	reSeparator = regexp.MustCompile(`&&|\|\||[;&|\n]`)
)

// Interpreters whose first file argument is the script a hook runs.
var hookInterpreters = map[string]bool{
	"node": true, "nodejs": true, "bun": true, "deno": true, "ts-node": true, "tsx": true,
	"sh": true, "bash": true, "zsh": true, "dash": true, "python": true, "python3": true,
	"perl": true, "ruby": true, "pwsh": true, "powershell": true, "cmd": true,
}

// ParsePackageJSON reads an npm package.json. role is the Extra["manifest"]
// value. A document that is not a JSON object still gives facts with
// Extra["parse_error"], and an error for the root manifest, which npm
// itself would refuse.
//
// Duplicate keys keep the last value, as encoding/json and JavaScript's
// JSON.parse (which npm uses) both do.
func ParsePackageJSON(b []byte, role string) (*model.PackageFacts, error) {
	pf := &model.PackageFacts{Ecosystem: NPM}
	setExtra(pf, "manifest", role)
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var top map[string]json.RawMessage
	err := checkDepth(b, maxDepth)
	if err == nil {
		err = json.Unmarshal(b, &top)
	}
	if err == nil && top == nil {
		err = errors.New("not a JSON object")
	}
	if err != nil {
		setExtra(pf, "parse_error", clip(err.Error()))
		if role == ManifestRoot {
			return pf, fmt.Errorf("json.Unmarshal(package.json): %w", err)
		}
		return pf, nil
	}

	pf.Name = clip(jsonString(top["name"]))
	pf.Version = clip(jsonString(top["version"]))

	scripts := jsonStringMap(top["scripts"])
	for _, h := range NPMInstallHooks {
		cmd, ok := scripts[h]
		if !ok {
			continue
		}
		addHook(pf, h, cmd)
		if files := hookFiles(cmd); len(files) > 0 {
			setExtra(pf, "hook_files:"+h, joinList(files))
		}
	}
	var inline, fetch []string
	for h := range pf.InstallHooks {
		cmd := scripts[h]
		if reInlineCode.MatchString(cmd) {
			inline = append(inline, h)
		}
		if reDownload.MatchString(cmd) {
			fetch = append(fetch, h)
		}
	}
	setExtra(pf, "hook_inline_code", joinList(inline))
	setExtra(pf, "hook_downloads", joinList(fetch))

	deps := jsonStringMap(top["dependencies"])
	opt := jsonStringMap(top["optionalDependencies"])
	for _, k := range sortedKeys(deps) {
		if _, ok := opt[k]; ok {
			continue // optionalDependencies overrides dependencies in npm
		}
		if !addDep(pf, k, deps[k]) {
			break
		}
	}
	for _, k := range sortedKeys(opt) {
		if !addDep(pf, k, opt[k]) {
			break
		}
	}
	setExtra(pf, "optional_dependencies", joinList(sortedKeys(opt)))
	setExtra(pf, "peer_dependencies", joinList(sortedKeys(jsonStringMap(top["peerDependencies"]))))
	if n := len(jsonStringMap(top["devDependencies"])); n > 0 {
		setExtra(pf, "dev_dependencies", strconv.Itoa(n))
	}
	bundled := top["bundleDependencies"]
	if bundled == nil {
		bundled = top["bundledDependencies"]
	}
	if v := jsonScalar(bundled); v == "true" {
		setExtra(pf, "bundled_dependencies", "true")
	} else {
		setExtra(pf, "bundled_dependencies", joinList(jsonStrings(bundled)))
	}

	setExtra(pf, "main", clip(jsonString(top["main"])))
	if s := jsonString(top["bin"]); s != "" {
		n := pf.Name
		if i := strings.LastIndexByte(n, '/'); i >= 0 {
			n = n[i+1:] // npm names a scoped package's lone bin after the bare name
		}
		setExtra(pf, "bin", clip(n+"="+s))
	} else {
		bins := jsonStringMap(top["bin"])
		var list []string
		for _, k := range sortedKeys(bins) {
			list = append(list, clip(k+"="+bins[k]))
		}
		setExtra(pf, "bin", joinList(list))
	}
	setExtra(pf, "gypfile", jsonScalar(top["gypfile"]))
	if bin := jsonObject(top["binary"]); bin != nil {
		// node-pre-gyp downloads a prebuilt native module from host at
		// install time.
		setExtra(pf, "binary.host", clip(jsonString(bin["host"])))
		setExtra(pf, "binary.module_name", clip(jsonString(bin["module_name"])))
		if pf.Extra["binary.host"] == "" && pf.Extra["binary.module_name"] == "" {
			setExtra(pf, "binary", "present")
		}
	}
	setExtra(pf, "os", joinList(jsonStrings(top["os"])))
	setExtra(pf, "cpu", joinList(jsonStrings(top["cpu"])))
	return pf, nil
}

// hookFiles names the package files a hook command runs: the first file
// argument of an interpreter ("node install.js") or a relative program
// path ("./setup.sh"), cleaned and relative to the package root.
func hookFiles(cmd string) []string {
	var out []string
	for _, seg := range reSeparator.Split(cmd, 64) {
		fields := strings.Fields(seg)
		for len(fields) > 0 && strings.Contains(fields[0], "=") && !strings.HasPrefix(fields[0], "-") {
			fields = fields[1:] // FOO=bar env assignments
		}
		if len(fields) == 0 {
			continue
		}
		prog := strings.Trim(fields[0], `"'`)
		if f, ok := localFile(prog); ok && (strings.HasPrefix(prog, "./") || strings.HasPrefix(prog, "../")) {
			out = append(out, f)
			continue
		}
		base := strings.TrimSuffix(strings.ToLower(path.Base(prog)), ".exe")
		if !hookInterpreters[base] {
			continue
		}
		args := fields[1:]
		if (base == "bun" || base == "deno") && len(args) > 0 && args[0] == "run" {
			args = args[1:]
		}
		for _, a := range args {
			if strings.HasPrefix(a, "-") {
				if a == "-e" || a == "-c" || a == "--eval" || a == "-p" || a == "--print" || a == "/c" {
					break // inline code, not a file
				}
				continue
			}
			if f, ok := localFile(strings.Trim(a, `"'`)); ok {
				out = append(out, f)
			}
			break
		}
		if len(out) >= 32 {
			break
		}
	}
	return out
}

// localFile cleans a relative path that names a file in the package.
func localFile(p string) (string, bool) {
	if p == "" || strings.HasPrefix(p, "/") || strings.ContainsAny(p, "$`(){}<>*?") {
		return "", false
	}
	c := path.Clean(strings.ReplaceAll(p, `\`, "/"))
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	if !strings.Contains(c, "/") && !strings.Contains(c, ".") {
		return "", false // a bare word is a command or module, not a file
	}
	return clip(c), true
}

// checkDepth scans JSON text for bracket nesting deeper than max, skipping
// strings, before anything is decoded.
func checkDepth(b []byte, max int) error {
	depth, inStr, esc := 0, false, false
	for _, c := range b {
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
			if depth > max {
				return fmt.Errorf("%w (over %d levels)", ErrTooDeep, max)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

func jsonString(r json.RawMessage) string {
	var s string
	if len(r) == 0 || r[0] != '"' || json.Unmarshal(r, &s) != nil {
		return ""
	}
	return s
}

// jsonScalar renders a boolean, number or string value.
func jsonScalar(r json.RawMessage) string {
	r = bytes.TrimSpace(r)
	if len(r) == 0 {
		return ""
	}
	switch r[0] {
	case '"':
		return clip(jsonString(r))
	case 't', 'f', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return clip(string(r))
	}
	return ""
}

func jsonObject(r json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if len(r) == 0 || r[0] != '{' || json.Unmarshal(r, &m) != nil {
		return nil
	}
	return m
}

// jsonStringMap returns the string-valued members of an object; npm skips
// the others too.
func jsonStringMap(r json.RawMessage) map[string]string {
	obj := jsonObject(r)
	if obj == nil {
		return nil
	}
	out := make(map[string]string, min(len(obj), maxEntries))
	for _, k := range sortedKeys(obj) {
		if len(out) >= maxEntries {
			break
		}
		if v := obj[k]; len(v) > 0 && v[0] == '"' {
			out[k] = jsonString(v)
		}
	}
	return out
}

// jsonStrings returns the strings of an array (or a lone string).
func jsonStrings(r json.RawMessage) []string {
	if s := jsonString(r); s != "" {
		return []string{clip(s)}
	}
	var arr []json.RawMessage
	if len(r) == 0 || r[0] != '[' || json.Unmarshal(r, &arr) != nil {
		return nil
	}
	var out []string
	for _, v := range arr {
		if s := jsonString(v); s != "" && len(out) < maxEntries {
			out = append(out, clip(s))
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
