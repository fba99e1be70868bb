package rules

import (
	"slices"
	"strings"

	"github.com/vouch-sec/vouch/internal/identify"
)

// Native lists the kinds the "native" kind pattern stands for.
var Native = []string{identify.PE, identify.ELF, identify.MachO, identify.MachOFat}

// KnownKinds are the file kinds vouch identifies today. Sets compile a
// ruleset for other kinds too, on first use; this list only drives
// [Set.CompileAll] and the convention checks.
var KnownKinds = []string{
	identify.PE, identify.ELF, identify.MachO, identify.MachOFat,
	identify.MSI, identify.OLE, identify.CAB, identify.Zip, identify.Tar, identify.Gzip, identify.XZ,
	identify.Bzip2, identify.Zstd, identify.LZMA, identify.Ar, identify.Deb, identify.RPM,
	identify.SevenZip, identify.ISO, identify.Xar, identify.DMG, identify.Squashfs, identify.Cpio,
	identify.JS, identify.Python, identify.Shell, identify.PowerSh, identify.Batch, identify.VBScript,
	identify.Perl, identify.Ruby, "script/lua",
	identify.PNG, identify.ICO, identify.JPEG, identify.GIF, identify.BMP, identify.SVG,
	identify.JSON, identify.XML, identify.Text, identify.Data,
	identify.JavaClass, identify.Dex, identify.Wasm, identify.PDF,
}

// KindMatches reports whether one pattern of a rule's "kinds" meta covers
// kind. Patterns: "*" (every kind), "native" (pe, elf, macho, macho-fat),
// a family wildcard such as "script/*" or "image/*", or a kind name;
// "macho" also covers "macho-fat", whose slices are Mach-O files.
func KindMatches(pattern, kind string) bool {
	switch {
	case pattern == "*":
		return true
	case pattern == "native":
		return slices.Contains(Native, kind)
	case strings.HasSuffix(pattern, "/*"):
		return strings.HasPrefix(kind, pattern[:len(pattern)-1])
	case pattern == identify.MachO:
		return kind == identify.MachO || kind == identify.MachOFat
	}
	return pattern == kind
}

// ParseKinds splits a "kinds" meta value ("elf,macho", "script/*") into
// patterns. An empty value yields nil: the rule applies to every kind.
func ParseKinds(v string) []string {
	var out []string
	for p := range strings.SplitSeq(v, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ValidKindPattern reports whether p names something vouch identifies.
func ValidKindPattern(p string) bool {
	switch {
	case p == "*", p == "native":
		return true
	case strings.HasSuffix(p, "/*"):
		fam := p[:len(p)-1]
		return slices.ContainsFunc(KnownKinds, func(k string) bool { return strings.HasPrefix(k, fam) })
	}
	return slices.Contains(KnownKinds, p)
}

// appliesTo reports whether patterns (nil: all kinds) cover kind.
func appliesTo(patterns []string, kind string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if KindMatches(p, kind) {
			return true
		}
	}
	return false
}
