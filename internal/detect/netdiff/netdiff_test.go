package netdiff_test

import (
	"testing"

	"github.com/vouch-sec/vouch/internal/detect/netdiff"
	"github.com/vouch-sec/vouch/internal/model"
)

// Endpoints as the analyzer reports them.
var (
	iconURL  = model.Endpoint{Value: "https://raw.githubusercontent.invalid/IconStorages/images/main/icon%d.ico", Type: "url", Encoding: "utf16", Offset: 2080}
	iconHost = model.Endpoint{Value: "raw.githubusercontent.invalid", Type: "domain", Encoding: "utf16", Offset: 2240}
	rawIPURL = model.Endpoint{Value: "http://203.0.113.148/index.php", Type: "url", Classes: []string{"raw-ip"}, Offset: 4116}
	rawIP    = model.Endpoint{Value: "203.0.113.148", Type: "ip", Classes: []string{"raw-ip"}, Offset: 4148}
	version  = model.Endpoint{Value: "2.4.0.1", Type: "ip", Classes: []string{"raw-ip"}, Offset: 9000}
	webhook  = model.Endpoint{Value: "https://webhook.site.invalid/6d1c", Type: "url", Classes: []string{"webhook-host"}, Offset: 310}
	cheap    = model.Endpoint{Value: "puida.xyz", Type: "domain", Classes: []string{"cheap-tld"}, Offset: 120}
	xorURL   = model.Endpoint{Value: "https://cdn.update-check.invalid/v1/manifest", Type: "url", Encoding: "xor:0x7a", Offset: 6176}
	b64URL   = model.Endpoint{Value: "https://collect.example.invalid/u", Type: "url", Encoding: "base64", Offset: 77}
	schema   = model.Endpoint{Value: "http://www.w3.org/2001/XMLSchema-instance", Type: "url", Classes: []string{"schema"}, Offset: 40}
	github   = model.Endpoint{Value: "https://github.com/tukaani-project/xz/releases/tag/v5.8.4", Type: "url", Offset: 1500}
	curlDocs = model.Endpoint{Value: "https://curl.se/docs/", Type: "url", Offset: 800}

	winhttp = model.Capability{ID: "net/winhttp-client", Namespace: "net", Rule: "winhttp_client", Risk: model.SeverityLow, Source: "vouch"}
	obfHex  = model.Capability{ID: "obfuscation/js-hex-identifiers", Namespace: "obfuscation", Rule: "js_hex_identifiers", Risk: model.SeverityMedium, Source: "vouch"}
)

func eps(fs *model.Facts, e ...model.Endpoint) *model.Facts { fs.Endpoints = e; return fs }

func dll() *model.Facts {
	return &model.Facts{PE: &model.PEFacts{Machine: "amd64", Type: "dll"}}
}

func exe() *model.Facts {
	return &model.Facts{PE: &model.PEFacts{Machine: "i386", Type: "exe"}}
}

func script(c ...model.Capability) *model.Facts {
	return &model.Facts{Script: &model.ScriptFacts{Language: "js", Lines: 10}, Capabilities: c}
}

const (
	ffmpeg    = "ProgramFilesFolder/App/ffmpeg.dll"
	changelog = "usr/share/doc/liblzma5/changelog.Debian.gz!/changelog.Debian"
)

func TestNewEndpoint(t *testing.T) {
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"codec gains a URL (3CX)",
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll()}},
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: eps(dll(), iconURL, iconHost)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityMedium, "ffmpeg.dll", []string{"ffmpeg.dll gained the endpoint https://raw.githubusercontent.invalid/IconStorages", "a media codec has no reason to reach the network"}}}},
		{"codec that already did networking gains a URL",
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: &model.Facts{PE: &model.PEFacts{Type: "dll"}, Capabilities: []model.Capability{winhttp}}}},
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: eps(&model.Facts{PE: &model.PEFacts{Type: "dll"}, Capabilities: []model.Capability{winhttp}}, iconURL)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityLow, "ffmpeg.dll", []string{"gained the endpoint"}}}},
		{"network library gains a URL",
			[]f{{Path: "usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0", Kind: "elf", Ver: "1", Facts: &model.Facts{ELF: &model.ELFFacts{Type: "dyn"}}}},
			[]f{{Path: "usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0", Kind: "elf", Ver: "2", Facts: eps(&model.Facts{ELF: &model.ELFFacts{Type: "dyn"}}, curlDocs)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityLow, "libcurl.so.4.8.0", []string{"gained the endpoint https://curl.se/docs/"}}}},
		{"program gains a raw-IP URL (CCleaner)",
			[]f{{Path: "$INSTDIR/SweepClean.exe", Kind: "pe", Ver: "1", Facts: exe()}},
			[]f{{Path: "$INSTDIR/SweepClean.exe", Kind: "pe", Ver: "2", Facts: eps(exe(), rawIP, rawIPURL)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityMedium, "SweepClean.exe", []string{"gained the endpoint http://203.0.113.148/index.php (raw-ip)"}}}},
		{"bare dotted quad in ffmpeg.exe is a version, not an address",
			[]f{{Path: "package/ffmpeg.exe", Kind: "pe", Ver: "1", Facts: exe()}},
			[]f{{Path: "package/ffmpeg.exe", Kind: "pe", Ver: "2", Facts: eps(exe(), version)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityLow, "ffmpeg.exe", []string{"gained the endpoint 2.4.0.1"}}}},
		{"bare dotted quad in a codec is no reason to reach the network",
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "1", Facts: dll()}},
			[]f{{Path: ffmpeg, Kind: "pe", Ver: "2", Facts: eps(dll(), version)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityLow, "ffmpeg.dll", []string{"gained the endpoint 2.4.0.1"}}}},
		{"changelog gains a URL",
			[]f{{Path: changelog, Kind: "text", Ver: "1"}},
			[]f{{Path: changelog, Kind: "text", Ver: "2", Facts: eps(&model.Facts{}, github)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityLow, "changelog.Debian", []string{"changelog.Debian gained the endpoint https://github.com/tukaani-project"}}}},
		{"changelog gains a cheap-TLD address",
			[]f{{Path: changelog, Kind: "text", Ver: "1"}},
			[]f{{Path: changelog, Kind: "text", Ver: "2", Facts: eps(&model.Facts{}, cheap)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityLow, "changelog.Debian", []string{"puida.xyz (cheap-tld)"}}}},
		{"header of a graphics library gains a URL",
			[]f{{Path: "usr/include/libpng16/png.h", Kind: "text", Ver: "1"}},
			[]f{{Path: "usr/include/libpng16/png.h", Kind: "text", Ver: "2", Facts: eps(&model.Facts{}, model.Endpoint{Value: "http://www.libpng.org/pub/png/", Type: "url"})}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityLow, "png.h", []string{"png.h gained the endpoint"}}}},
		{"program gains a cheap-TLD host",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: exe()}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: eps(exe(), cheap)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityMedium, "App.exe", []string{"(cheap-tld)"}}}},
		{"new script names a webhook",
			nil,
			[]f{{Path: "package/lib/setup.js", Kind: "script/js", Ver: "1", Facts: eps(script(), webhook)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityMedium, "setup.js", []string{"setup.js names https://webhook.site.invalid/6d1c (webhook-host)"}}}},
		{"new script names a cheap TLD",
			nil,
			[]f{{Path: "package/lib/util.js", Kind: "script/js", Ver: "1", Facts: eps(script(), cheap)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityLow, "util.js", []string{"(cheap-tld)"}}}},
		{"new script names a plain URL",
			nil,
			[]f{{Path: "package/lib/util.js", Kind: "script/js", Ver: "1", Facts: eps(script(), github)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityLow, "util.js", []string{"new file util.js names https://github.com/"}}}},
		{"new document names a plain URL",
			nil,
			[]f{{Path: "package/README.md", Kind: "text", Ver: "1", Facts: eps(&model.Facts{}, github)}},
			nil},
		{"new program names a bare dotted quad",
			nil,
			[]f{{Path: "package/bin/tool", Kind: "elf", Ver: "1", Facts: eps(&model.Facts{ELF: &model.ELFFacts{Type: "exec"}}, version)}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityLow, "tool", []string{"2.4.0.1"}}}},
		{"schema URLs are no endpoints",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: exe()}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: eps(exe(), schema)}},
			nil},
		{"endpoint already there",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: eps(exe(), rawIPURL)}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: eps(exe(), rawIPURL)}},
			nil},
		{"endpoint removed",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: eps(exe(), rawIPURL)}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: exe()}},
			nil},
		{"unchanged file",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: eps(exe(), webhook)}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: eps(exe(), webhook)}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, compare(tt.old, tt.new), tt.want) })
	}
}

func TestObfuscatedLiteral(t *testing.T) {
	const dylib = "App.app/Contents/Frameworks/libffmpeg.dylib"
	macho := func() *model.Facts {
		return &model.Facts{MachO: &model.MachOFacts{Fat: true, Slices: []model.MachOSlice{{CPU: "x86_64"}, {CPU: "arm64"}}}}
	}
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"known library starts hiding a URL under XOR (3CX macOS)",
			[]f{{Path: dylib, Kind: "macho-fat", Ver: "1", Facts: macho()}},
			[]f{{Path: dylib, Kind: "macho-fat", Ver: "2", Facts: eps(macho(), xorURL)}},
			[]want{
				{netdiff.IDObfuscatedString, model.SeverityHigh, "libffmpeg.dylib", []string{"libffmpeg.dylib hides https://cdn.update-check.invalid/v1/manifest under xor:0x7a encoding"}},
				{netdiff.IDNewEndpoint, model.SeverityLow, "libffmpeg.dylib", []string{"gained the hidden endpoint https://cdn.update-check.invalid/v1/manifest"}},
			}},
		{"new file hides a URL under base64",
			nil,
			[]f{{Path: "package/lib/t.js", Kind: "script/js", Ver: "1", Facts: eps(script(), b64URL)}},
			[]want{
				{netdiff.IDObfuscatedString, model.SeverityMedium, "t.js", []string{"under base64 encoding"}},
				{netdiff.IDNewEndpoint, model.SeverityLow, "t.js", []string{"hidden endpoint"}},
			}},
		{"UTF-16 is how Windows stores strings, not hiding",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: exe()}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: eps(exe(), model.Endpoint{Value: "https://update.example.invalid/", Type: "url", Encoding: "utf16"})}},
			[]want{{netdiff.IDNewEndpoint, model.SeverityLow, "App.exe", nil}}},
		{"script becomes obfuscated (chalk)",
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script()}},
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "2", Facts: script(obfHex)}},
			[]want{{netdiff.IDObfuscatedString, model.SeverityMedium, "index.js", []string{"index.js became obfuscated (js_hex_identifiers)"}}}},
		{"new obfuscated script",
			nil,
			[]f{{Path: "package/lib/x.min.js", Kind: "script/js", Ver: "1", Facts: script(obfHex)}},
			[]want{{netdiff.IDObfuscatedString, model.SeverityMedium, "x.min.js", []string{"is new and obfuscated"}}}},
		{"script that was obfuscated stays so",
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "1", Facts: script(obfHex)}},
			[]f{{Path: "package/index.js", Kind: "script/js", Ver: "2", Facts: script(obfHex)}},
			nil},
		{"binary with an obfuscation rule is judged by the capability gain, not here",
			[]f{{Path: "App.exe", Kind: "pe", Ver: "1", Facts: exe()}},
			[]f{{Path: "App.exe", Kind: "pe", Ver: "2", Facts: &model.Facts{PE: &model.PEFacts{Type: "exe"}, Capabilities: []model.Capability{obfHex}}}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, compare(tt.old, tt.new), tt.want) })
	}
}

// TestHiddenEndpointIsOneSignal: an encoded URL in a new file is one fact;
// it must not count twice toward a combined high.
func TestHiddenEndpointIsOneSignal(t *testing.T) {
	d := compare(nil, []f{{Path: "package/lib/t.js", Kind: "script/js", Ver: "1", Facts: eps(script(), b64URL)}})
	if d.Verdict >= model.SeverityHigh {
		for _, g := range d.Findings {
			t.Logf("%s %s: %s", g.Severity, g.ID, g.Title)
		}
		t.Errorf("verdict %s for one base64-encoded URL in a new script", d.Verdict)
	}
}
