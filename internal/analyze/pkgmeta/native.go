package pkgmeta

import (
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

// HookPresent is the InstallHooks value of a deb maintainer script or an
// rpm scriptlet: its code is a member of the package, analysed as a file
// of its own.
const HookPresent = "present"

// debFacts builds the facts of a .deb from the Meta the deb unpacker put
// on it. Without a package name (control unreadable) there are none.
func debFacts(m model.Meta) *model.PackageFacts {
	if m["deb.package"] == "" {
		return nil
	}
	pf := &model.PackageFacts{Ecosystem: Deb, Name: clip(m["deb.package"]), Version: clip(m["deb.version"])}
	setExtra(pf, "architecture", clip(m["deb.architecture"]))
	if s, ok := m["deb.maintainer_scripts"]; ok {
		for _, h := range strings.Split(s, ",") {
			if h != "" {
				addHook(pf, h, HookPresent)
			}
		}
	} else {
		setExtra(pf, "maintainer_scripts", "unknown")
	}
	var pre []string
	for _, k := range []string{"deb.pre_depends", "deb.depends"} {
		for _, d := range debRelations(m[k]) {
			addDepJoin(pf, d[0], d[1], ", ", true)
			if k == "deb.pre_depends" {
				pre = append(pre, d[0])
			}
		}
	}
	setExtra(pf, "pre_depends", joinList(pre))
	return pf
}

// debRelations splits a Depends field into (package, constraint) pairs:
// "libc6 (>= 2.34), a | b (<< 2)" gives libc6 ">= 2.34", a "", b "<< 2".
// Alternatives are listed each on its own; architecture qualifiers
// ("foo:any") and restriction lists ("[amd64]", "<!nocheck>") are dropped.
func debRelations(field string) [][2]string {
	var out [][2]string
	for _, group := range strings.Split(field, ",") {
		for _, alt := range strings.Split(group, "|") {
			alt = strings.TrimSpace(alt)
			if alt == "" || len(out) >= maxEntries {
				continue
			}
			name, rest := alt, ""
			if i := strings.IndexAny(alt, " \t([<"); i >= 0 {
				name, rest = alt[:i], alt[i:]
			}
			name, _, _ = strings.Cut(name, ":")
			ver := ""
			if i := strings.IndexByte(rest, '('); i >= 0 {
				if j := strings.IndexByte(rest[i:], ')'); j >= 0 {
					ver = strings.Join(strings.Fields(rest[i+1:i+j]), " ")
				}
			}
			out = append(out, [2]string{name, ver})
		}
	}
	return out
}

// rpmFacts builds the facts of an .rpm from the Meta the rpm unpacker put
// on it: name, version-release, scriptlets and Requires.
func rpmFacts(m model.Meta) *model.PackageFacts {
	if m["rpm.name"] == "" {
		return nil
	}
	v := m["rpm.version"]
	if r := m["rpm.release"]; r != "" && v != "" {
		v += "-" + r
	}
	pf := &model.PackageFacts{Ecosystem: RPM, Name: clip(m["rpm.name"]), Version: clip(v)}
	setExtra(pf, "architecture", clip(m["rpm.arch"]))
	for _, s := range strings.Split(m["rpm.scriptlets"], ",") {
		if s != "" && s != "…" {
			addHook(pf, s, HookPresent)
		}
	}
	for _, r := range strings.Split(m["rpm.requires"], ", ") {
		name, ver, _ := strings.Cut(strings.TrimSpace(r), " ")
		if name != "" && name != "…" {
			addDepJoin(pf, name, strings.TrimSpace(ver), ", ", true)
		}
	}
	return pf
}
