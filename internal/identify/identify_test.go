package identify_test

import (
	"testing"

	"github.com/vouch-sec/vouch/internal/identify"
)

func TestIdentify(t *testing.T) {
	pe := make([]byte, 0x100)
	copy(pe, "MZ")
	pe[0x3c] = 0x80
	copy(pe[0x80:], "PE\x00\x00")
	fat := []byte("\xca\xfe\xba\xbe\x00\x00\x00\x02")
	class := []byte("\xca\xfe\xba\xbe\x00\x00\x00\x34")
	ico := append([]byte("\x00\x00\x01\x00\x01\x00\x10\x10\x00\x00\x01\x00\x20\x00"), make([]byte, 16)...)
	bmp := append([]byte("BM\x46\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00"), make([]byte, 52)...)
	iso := make([]byte, 0x8010)
	copy(iso[0x8001:], "CD001")
	tests := []struct {
		name string
		head []byte
		file string
		want string
	}{
		{"pe", pe, "x.png", identify.PE},
		{"mz without pe header is data", []byte("MZ\x90\x00garbage"), "x.exe", identify.Data},
		{"elf", []byte("\x7fELF\x02\x01\x01"), "libc.so.6", identify.ELF},
		{"macho64", []byte("\xcf\xfa\xed\xfe\x07\x00\x00\x01"), "a", identify.MachO},
		{"fat", fat, "lib.dylib", identify.MachOFat},
		{"java class shares fat magic", class, "A.class", identify.JavaClass},
		{"cab", []byte("MSCF\x00\x00\x00\x00\x10\x00"), "a", identify.CAB},
		{"zip", []byte("PK\x03\x04\x14\x00"), "a.jar", identify.Zip},
		{"gzip", []byte("\x1f\x8b\x08\x00"), "a.tgz", identify.Gzip},
		{"xz", []byte("\xfd7zXZ\x00\x00"), "a", identify.XZ},
		{"bzip2", []byte("BZh91AY&SY"), "a", identify.Bzip2},
		{"zstd", []byte("\x28\xb5\x2f\xfd\x00"), "a", identify.Zstd},
		{"deb", []byte("!<arch>\ndebian-binary   "), "a.deb", identify.Deb},
		{"ar", []byte("!<arch>\nfoo.o/          "), "a.a", identify.Ar},
		{"rpm", []byte("\xed\xab\xee\xdb\x03\x00"), "a", identify.RPM},
		{"7z", []byte("7z\xbc\xaf\x27\x1c\x00\x04"), "a", identify.SevenZip},
		{"iso", iso, "a", identify.ISO},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00"), "a.ico", identify.PNG},
		{"ico", ico, "favicon", identify.ICO},
		{"cursor", append([]byte("\x00\x00\x02"), ico[3:]...), "arrow.cur", identify.ICO},
		{"bmp", bmp, "a", identify.BMP},
		{"jpeg", []byte("\xff\xd8\xff\xe0"), "a", identify.JPEG},
		{"gif", []byte("GIF89a\x01\x00"), "a", identify.GIF},
		{"js by name", []byte("module.exports = {}\n"), "pkg!/index.js", identify.JS},
		{"node shebang", []byte("#!/usr/bin/env node\nrequire('x')\n"), "cli", identify.JS},
		{"python shebang", []byte("#!/usr/bin/python3\nimport os\n"), "tool", identify.Python},
		{"sh shebang", []byte("#!/bin/sh\nset -e\n"), "configure", identify.Shell},
		{"maintainer script", []byte("set -e\nldconfig\n"), "x.deb!/control.tar.xz!/postinst", identify.Shell},
		{"powershell", []byte("Write-Host hi\r\n"), "install.ps1", identify.PowerSh},
		{"json", []byte("{\"name\": \"x\"}\n"), "package.json", identify.JSON},
		{"json sniffed", []byte("{\"a\": 1}"), "LICENSE-data", identify.JSON},
		{"xml", []byte("<?xml version=\"1.0\"?><a/>"), "x", identify.XML},
		{"text", []byte("MIT License\n\nCopyright\n"), "LICENSE", identify.Text},
		{"binary data", []byte{0x00, 0x01, 0x02, 0xff, 0xfe}, "a.txt", identify.Data},
		{"empty", nil, "a", identify.Empty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := identify.Identify(tc.head, int64(len(tc.head))+1, tc.file); got != tc.want {
				t.Errorf("Identify = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestZipFamily(t *testing.T) {
	tests := []struct {
		names []string
		want  string
	}{
		{[]string{"META-INF/MANIFEST.MF", "a/B.class"}, "jar"},
		{[]string{"pkg/__init__.py", "pkg-1.0.dist-info/WHEEL"}, "whl"},
		{[]string{"AndroidManifest.xml", "classes.dex", "META-INF/MANIFEST.MF"}, "apk"},
		{[]string{"[Content_Types].xml", "Newtonsoft.Json.nuspec", "lib/net45/a.dll"}, "nupkg"},
		{[]string{"extension.vsixmanifest", "extension/package.json"}, "vsix"},
		{[]string{"manifest.json", "META-INF/mozilla.rsa"}, "xpi"},
		{[]string{"readme.txt"}, "zip"},
	}
	for _, tc := range tests {
		if got := identify.ZipFamily(tc.names); got != tc.want {
			t.Errorf("ZipFamily(%v) = %q, want %q", tc.names, got, tc.want)
		}
	}
}

func FuzzIdentify(f *testing.F) {
	f.Add([]byte("MZ\x00\x00"), "a.exe")
	f.Add([]byte("#!/usr/bin/env node\n"), "x")
	f.Add([]byte("\xca\xfe\xba\xbe"), "x")
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		identify.Identify(b, int64(len(b)), name)
	})
}

func TestInterpreter(t *testing.T) {
	for prog, want := range map[string]string{
		"/bin/sh": identify.Shell, "/usr/bin/bash": identify.Shell, "/usr/bin/python3": identify.Python,
		"<lua>": "script/lua", "/usr/bin/perl": identify.Perl, "node": identify.JS,
	} {
		if got := identify.Interpreter(prog); got != want {
			t.Errorf("Interpreter(%q) = %q, want %q", prog, got, want)
		}
	}
}
