// Package identify names a file's content kind from its bytes.
//
// Binary formats are recognised by magic bytes only; the file name is never
// trusted for them. For text, where there is no magic, the name and a #! line
// pick the script language, and a sniff of the content backs them up.
package identify

import (
	"bytes"
	"encoding/binary"
	"path"
	"strings"
	"unicode/utf8"
)

// Kinds. Script and image kinds carry a family prefix so "script/" and
// "image/" can be matched as groups.
const (
	PE        = "pe"
	ELF       = "elf"
	MachO     = "macho"
	MachOFat  = "macho-fat"
	MSI       = "msi"
	OLE       = "ole"
	CAB       = "cab"
	Zip       = "zip"
	Tar       = "tar"
	Gzip      = "gzip"
	XZ        = "xz"
	Bzip2     = "bzip2"
	Zstd      = "zstd"
	LZMA      = "lzma"
	Ar        = "ar"
	Deb       = "deb"
	RPM       = "rpm"
	SevenZip  = "7z"
	ISO       = "iso9660"
	Xar       = "xar"
	DMG       = "dmg"
	Squashfs  = "squashfs"
	Cpio      = "cpio"
	JS        = "script/js"
	Python    = "script/python"
	Shell     = "script/shell"
	PowerSh   = "script/powershell"
	Batch     = "script/batch"
	VBScript  = "script/vbscript"
	Perl      = "script/perl"
	Ruby      = "script/ruby"
	PNG       = "image/png"
	ICO       = "image/ico"
	JPEG      = "image/jpeg"
	GIF       = "image/gif"
	BMP       = "image/bmp"
	SVG       = "image/svg"
	JSON      = "text/json"
	XML       = "text/xml"
	Text      = "text"
	Data      = "data"
	Empty     = "empty"
	JavaClass = "java-class"
	Dex       = "dex"
	Wasm      = "wasm"
	PDF       = "pdf"
)

// HeadSize is how many leading bytes Identify wants to see.
const HeadSize = 64 << 10

// Identify returns the kind of a file from its leading bytes (up to
// HeadSize), its total size and its name (used only for text).
func Identify(head []byte, size int64, name string) string {
	if size == 0 || len(head) == 0 {
		return Empty
	}
	if k := magic(head, size); k != "" {
		return k
	}
	if isText(head) {
		return textKind(head, name)
	}
	return Data
}

func magic(h []byte, size int64) string {
	has := func(off int, m string) bool { return len(h) >= off+len(m) && string(h[off:off+len(m)]) == m }
	switch {
	case has(0, "MZ") && isPE(h):
		return PE
	case has(0, "\x7fELF"):
		return ELF
	case has(0, "\xfe\xed\xfa\xce"), has(0, "\xce\xfa\xed\xfe"), has(0, "\xfe\xed\xfa\xcf"), has(0, "\xcf\xfa\xed\xfe"):
		return MachO
	case has(0, "\xca\xfe\xba\xbe"), has(0, "\xca\xfe\xba\xbf"):
		// Java class files share the fat magic; a fat header's arch count is small.
		if len(h) >= 8 {
			n := binary.BigEndian.Uint32(h[4:])
			if n > 0 && n < 20 {
				return MachOFat
			}
			return JavaClass
		}
		return Data
	case has(0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
		if isMSI(h) {
			return MSI
		}
		return OLE
	case has(0, "MSCF\x00\x00\x00\x00"):
		return CAB
	case has(0, "PK\x03\x04"), has(0, "PK\x05\x06"), has(0, "Cr24"):
		return Zip
	case has(0, "\x1f\x8b"):
		return Gzip
	case has(0, "\xfd7zXZ\x00"):
		return XZ
	case has(0, "BZh") && len(h) > 3 && h[3] >= '1' && h[3] <= '9':
		return Bzip2
	case has(0, "\x28\xb5\x2f\xfd"):
		return Zstd
	case has(0, "!<arch>\n"):
		if has(8, "debian-binary") {
			return Deb
		}
		return Ar
	case has(0, "\xed\xab\xee\xdb"):
		return RPM
	case has(0, "7z\xbc\xaf\x27\x1c"):
		return SevenZip
	case has(0, "xar!"):
		return Xar
	case has(0, "hsqs"), has(0, "sqsh"):
		return Squashfs
	case has(0, "070701"), has(0, "070702"), has(0, "070707"):
		return Cpio
	case has(0x8001, "CD001"):
		return ISO
	case has(0, "\x89PNG\r\n\x1a\n"):
		return PNG
	case has(0, "\xff\xd8\xff"):
		return JPEG
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return GIF
	case has(0, "BM") && isBMP(h, size):
		return BMP
	case (has(0, "\x00\x00\x01\x00") || has(0, "\x00\x00\x02\x00")) && isICO(h): // icon or cursor
		return ICO
	case has(0, "dex\n"):
		return Dex
	case has(0, "\x00asm"):
		return Wasm
	case has(0, "%PDF-"):
		return PDF
	case has(257, "ustar"):
		return Tar
	case has(0, "\x5d\x00\x00") && len(h) >= 13:
		return LZMA
	}
	if isDMG(h, size) {
		return DMG
	}
	return ""
}

func isPE(h []byte) bool {
	if len(h) < 0x40 {
		return false
	}
	off := int(binary.LittleEndian.Uint32(h[0x3c:]))
	return off >= 0x40 && off+4 <= len(h) && string(h[off:off+4]) == "PE\x00\x00"
}

// isMSI looks for the root storage CLSID of an installer database
// (000C1084-0000-0000-C000-000000000046) in the first directory sector.
func isMSI(h []byte) bool {
	msiCLSID := []byte{0x84, 0x10, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}
	// Patch and transform packages use the neighbouring CLSIDs 000C1086/000C1082.
	if bytes.Contains(h, msiCLSID) {
		return true
	}
	for _, b := range []byte{0x82, 0x86} {
		c := append([]byte{b}, msiCLSID[1:]...)
		if bytes.Contains(h, c) {
			return true
		}
	}
	return false
}

func isBMP(h []byte, size int64) bool {
	if len(h) < 26 {
		return false
	}
	declared := int64(binary.LittleEndian.Uint32(h[2:]))
	hdr := binary.LittleEndian.Uint32(h[14:])
	return declared >= 26 && declared <= size*2+1024 && (hdr == 12 || hdr == 40 || hdr == 52 || hdr == 56 || hdr == 108 || hdr == 124)
}

func isICO(h []byte) bool {
	if len(h) < 22 {
		return false
	}
	n := int(binary.LittleEndian.Uint16(h[4:]))
	if n == 0 || n > 256 {
		return false
	}
	// First directory entry: reserved byte zero, planes 0 or 1.
	return h[9] == 0 && binary.LittleEndian.Uint16(h[10:]) <= 1
}

// isDMG checks for a UDIF "koly" trailer; the head only sees it for tiny
// images, so the engine also checks the tail via the dmg unpacker.
func isDMG(h []byte, size int64) bool {
	return size >= 512 && int64(len(h)) == size && string(h[len(h)-512:len(h)-508]) == "koly"
}

func isText(h []byte) bool {
	if bytes.HasPrefix(h, []byte("\xef\xbb\xbf")) {
		h = h[3:]
	}
	if bytes.HasPrefix(h, []byte("\xff\xfe")) || bytes.HasPrefix(h, []byte("\xfe\xff")) {
		return true // UTF-16 text (PowerShell and batch files are often saved so)
	}
	if bytes.IndexByte(h, 0) >= 0 {
		return false
	}
	// Allow a character cut at the end of the head.
	t := h
	if len(t) > 4 {
		t = t[:len(t)-4]
	}
	bad := 0
	for len(t) > 0 {
		r, n := utf8.DecodeRune(t)
		if r == utf8.RuneError && n == 1 {
			bad++
		} else if r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' && r != 0x1b {
			bad++
		}
		t = t[n:]
	}
	return bad*100 <= len(h) // tolerate stray Latin-1 bytes
}

var extKinds = map[string]string{
	".js": JS, ".mjs": JS, ".cjs": JS, ".jsx": JS, ".ts": JS, ".tsx": JS, ".mts": JS, ".cts": JS,
	".py": Python, ".pyw": Python, ".pth": Python,
	".sh": Shell, ".bash": Shell, ".zsh": Shell, ".ksh": Shell,
	".ps1": PowerSh, ".psm1": PowerSh, ".psd1": PowerSh,
	".bat": Batch, ".cmd": Batch,
	".vbs": VBScript, ".vbe": VBScript,
	".pl": Perl, ".pm": Perl,
	".rb":   Ruby,
	".json": JSON,
	".xml":  XML, ".wxs": XML, ".plist": XML, ".manifest": XML, ".nuspec": XML,
	".svg": SVG,
}

// Debian maintainer scripts and rpm scriptlets have no extension.
var shellNames = map[string]bool{
	"preinst": true, "postinst": true, "prerm": true, "postrm": true, "config": true,
	"configure": true, "install.sh": true,
}

func textKind(h []byte, name string) string {
	if k := shebang(h); k != "" {
		return k
	}
	base := strings.ToLower(path.Base(name))
	if i := strings.LastIndex(base, "!/"); i >= 0 {
		base = base[i+2:]
	}
	if k, ok := extKinds[path.Ext(base)]; ok {
		return k
	}
	if shellNames[base] {
		return Shell
	}
	t := bytes.TrimLeft(h, " \t\r\n\xef\xbb\xbf")
	switch {
	case bytes.HasPrefix(t, []byte("<?xml")):
		return XML
	case bytes.HasPrefix(t, []byte("<svg")):
		return SVG
	case (bytes.HasPrefix(t, []byte("{")) || bytes.HasPrefix(t, []byte("["))) && looksJSON(t):
		return JSON
	}
	return Text
}

func shebang(h []byte) string {
	if !bytes.HasPrefix(h, []byte("#!")) {
		return ""
	}
	line := h[2:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	f := strings.Fields(string(line))
	if len(f) == 0 {
		return Shell
	}
	prog := f[0]
	if path.Base(prog) == "env" {
		for _, a := range f[1:] {
			if !strings.HasPrefix(a, "-") {
				prog = a
				break
			}
		}
	}
	return Interpreter(prog)
}

// Interpreter names the script kind run by an interpreter program, as in a
// #! line or an rpm scriptlet's interpreter tag ("/bin/sh", "python3").
func Interpreter(prog string) string {
	prog = path.Base(strings.TrimSpace(prog))
	switch {
	case prog == "node" || prog == "deno" || prog == "bun" || prog == "ts-node":
		return JS
	case strings.HasPrefix(prog, "python"):
		return Python
	case prog == "pwsh" || prog == "powershell":
		return PowerSh
	case strings.HasPrefix(prog, "perl"):
		return Perl
	case strings.HasPrefix(prog, "ruby"):
		return Ruby
	case prog == "lua" || prog == "<lua>":
		return "script/lua"
	}
	return Shell
}

func looksJSON(t []byte) bool {
	t = bytes.TrimRight(t, " \t\r\n")
	return len(t) > 1 && (t[len(t)-1] == '}' || t[len(t)-1] == ']' || len(t) >= HeadSize-8)
}

// IsScript reports whether kind is a script kind.
func IsScript(kind string) bool { return strings.HasPrefix(kind, "script/") }

// IsExecutable reports whether kind is a native executable format.
func IsExecutable(kind string) bool {
	return kind == PE || kind == ELF || kind == MachO || kind == MachOFat
}

// ZipFamily refines a zip's kind from its member names, the way each
// ecosystem marks its packages.
func ZipFamily(names []string) string {
	has := func(pred func(string) bool) bool {
		for _, n := range names {
			if pred(n) {
				return true
			}
		}
		return false
	}
	eq := func(s string) func(string) bool { return func(n string) bool { return n == s } }
	switch {
	case has(eq("AndroidManifest.xml")) && has(func(n string) bool { return strings.HasSuffix(n, ".dex") }):
		return "apk"
	case has(eq("extension.vsixmanifest")):
		return "vsix"
	case has(func(n string) bool { return !strings.Contains(n, "/") && strings.HasSuffix(n, ".nuspec") }):
		return "nupkg"
	case has(func(n string) bool { return strings.HasSuffix(n, ".dist-info/WHEEL") }):
		return "whl"
	case has(eq("manifest.json")) && has(func(n string) bool { return strings.HasPrefix(n, "META-INF/mozilla") }):
		return "xpi"
	case has(eq("META-INF/MANIFEST.MF")):
		return "jar"
	}
	return Zip
}
