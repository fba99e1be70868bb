// Package role guesses what a component is for, from its name, its version
// information and what it could already do, so a diff can weigh a change:
// a media codec that gains networking is alarming, a network library that
// gains a URL is not.
package role

import (
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

// Role is a component's inferred purpose.
type Role struct {
	Name string // "media", "network", "installer", "crypto", "runtime", "script", "library", "program", "document"
	// Describe is a phrase for titles: "a media codec".
	Describe string
	// Expected are the capability namespaces such a component plausibly
	// has; gaining one of them is context, not an alarm.
	Expected map[string]bool
	// Why says what the guess rests on: "name", "version info",
	// "existing capabilities".
	Why string
}

// Risky are the namespaces whose gain matters for almost any component.
var Risky = map[string]bool{
	"net": true, "exec": true, "mem": true, "credential": true, "exfil": true, "persist": true,
	"hook": true, "anti-analysis": true, "evasion": true, "impact": true, "collect": true,
	"wallet": true, "ai-agent": true, "obfuscation": true, "install-hook": true,
}

// NamespaceWords describes a capability namespace for a title.
var NamespaceWords = map[string]string{
	"net": "networking", "exec": "process execution", "mem": "executable-memory manipulation",
	"fs": "file-system walking", "credential": "credential access", "crypto": "cryptography",
	"persist": "persistence", "obfuscation": "obfuscated code", "exfil": "data exfiltration",
	"hook": "runtime hooking", "impact": "destructive actions", "anti-analysis": "anti-analysis checks",
	"evasion": "defence evasion", "collect": "data collection", "wallet": "crypto-wallet access",
	"ai-agent": "AI agent invocation", "install-hook": "install-time hooks",
}

// Words returns the description of namespace ns.
func Words(ns string) string {
	if w, ok := NamespaceWords[ns]; ok {
		return w
	}
	return ns
}

type rule struct {
	name, describe string
	words          []string
	expected       []string
}

// rules are tried in order; the first with a word matching a token of the
// component's name or product wins. A word ending in '*' matches a token's
// prefix ("d3d*" matches "d3dcompiler"), any other word a whole token, so
// "codec" does not match "codecov".
var rules = []rule{
	{"installer", "an installer or updater", []string{"setup*", "install*", "updat*", "uninst*", "bootstrap*", "launcher", "squirrel"},
		[]string{"net", "exec", "fs", "persist", "crypto", "install-hook"}},
	{"network", "a network component", []string{"curl", "http*", "ssl", "tls", "ssh*", "socket*", "net", "grpc", "winhttp", "wininet", "request*", "fetch", "axios", "download*", "telemetry", "crashpad*", "sentry*", "proxy", "dns", "mail", "ftp", "websocket*", "ws", "nghttp2"},
		[]string{"net", "crypto", "exec", "fs"}},
	{"crypto", "a cryptography library", []string{"crypto", "crypt32", "bcrypt", "gpg*", "gnupg", "sodium", "nss3", "mbedtls", "wolfssl", "boringssl", "gcrypt"},
		[]string{"crypto", "net"}},
	{"media", "a media codec", []string{"ffmpeg*", "avcodec*", "avformat*", "avutil*", "avfilter*", "avdevice*", "swscale*", "swresample*", "codec", "codecs", "media*", "video*", "audio*", "vpx", "x264", "x265", "opus", "vorbis*", "theora*"},
		[]string{"crypto"}},
	{"graphics", "a graphics library", []string{"d3d*", "dxgi", "dxcompiler", "opengl*", "vulkan*", "egl", "gles*", "skia", "cairo", "png*", "jpeg*", "jpg", "gif*", "tiff*", "webp*", "freetype*", "harfbuzz*", "font*", "icu*", "image*"},
		[]string{}},
	{"compression", "a compression library", []string{"z", "zlib*", "zstd", "lzma", "bz2", "brotli*", "lz4", "snappy", "7z*"},
		[]string{"fs"}},
	{"runtime", "a language runtime", []string{"node", "python*", "electron", "java", "dotnet", "mono*", "ruby*", "perl*", "php*", "lua*", "v8", "chrome*", "cef", "c", "ld", "busybox", "bash"},
		[]string{"net", "exec", "mem", "fs", "crypto", "hook", "collect", "credential", "persist", "evasion"}},
}

// Of guesses the role of f (the new side of a pair) given what its old
// side could do.
//
// The file name decides before version information: a side-loaded DLL
// must keep its name to be loaded, while its version strings are whatever
// the (possibly compromised) build wrote, so a codec that calls itself an
// updater is still a codec. Text files are documents whatever their name:
// "png.h" or "zlib.txt" mention a library without being one.
func Of(f *model.File, old *model.File) Role {
	name := strings.ToLower(model.BaseName(f.Path))
	var product string
	if f.Facts != nil && f.Facts.PE != nil {
		vi := f.Facts.PE.VersionInfo
		product = strings.ToLower(vi["FileDescription"] + " " + vi["ProductName"] + " " + vi["InternalName"])
	}
	r := Role{Name: "program", Describe: "this component", Expected: map[string]bool{}}
	document := false
	switch {
	case f.Kind == "text" || strings.HasPrefix(f.Kind, "text/"):
		r = Role{Name: "document", Describe: "this document", Expected: map[string]bool{}}
		document = true
	case strings.HasPrefix(f.Kind, "script/"):
		r = Role{Name: "script", Describe: "this script", Expected: map[string]bool{}}
	case f.Facts != nil && (f.Facts.PE != nil && f.Facts.PE.Type == "dll" || f.Facts.ELF != nil && f.Facts.ELF.Type == "dyn" && !f.Facts.ELF.PIE):
		r = Role{Name: "library", Describe: "this library", Expected: map[string]bool{}}
	}
	if !document {
		if ru, ok := match(tokens(name)); ok {
			r = ru.role("name")
		} else if ru, ok := match(tokens(product)); ok {
			r = ru.role("version info")
		}
	}
	// What the previous version already did is expected of the next.
	if old != nil && old.Facts != nil {
		for _, c := range old.Facts.Capabilities {
			if !r.Expected[c.Namespace] {
				r.Expected[c.Namespace] = true
				if r.Why == "" {
					r.Why = "existing capabilities"
				}
			}
		}
	}
	return r
}

// match returns the first rule with a word matching one of ts.
func match(ts []string) (rule, bool) {
	for _, ru := range rules {
		for _, w := range ru.words {
			if matchAny(ts, w) {
				return ru, true
			}
		}
	}
	return rule{}, false
}

func (ru rule) role(why string) Role {
	r := Role{Name: ru.name, Describe: ru.describe, Expected: map[string]bool{}, Why: why}
	for _, e := range ru.expected {
		r.Expected[e] = true
	}
	return r
}

// tokens splits s into runs of letters and digits, dropping a leading
// "lib" ("libavcodec" → "avcodec").
func tokens(s string) []string {
	ts := strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
	for i, t := range ts {
		if len(t) > 3 && strings.HasPrefix(t, "lib") {
			ts[i] = t[3:]
		}
	}
	return ts
}

func matchAny(ts []string, w string) bool {
	prefix, isPrefix := strings.CutSuffix(w, "*")
	for _, t := range ts {
		if t == w || isPrefix && strings.HasPrefix(t, prefix) {
			return true
		}
	}
	return false
}
