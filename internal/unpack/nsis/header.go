package nsis

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// Block table indexes of the header (NSIS 2 and 3 with the default
// configuration: NB_PAGES, NB_SECTIONS, NB_ENTRIES, NB_STRINGS,
// NB_LANGTABLES, NB_CTLCOLORS, NB_BGFONT, NB_DATA).
const (
	nbEntries    = 2
	nbStrings    = 3
	nbLangTables = 4
	nbBlocks     = 8
)

// Instruction opcodes used here. They are the same in NSIS 2 and 3 with the
// default configuration (the Unicode-only and log opcodes come later).
const (
	ewCreateDir        = 11 // [path, update $OUTDIR, restrict ACL]
	ewExtractFile      = 20 // [overwrite, name, data offset, time low, time high, allow ignore]
	ewAssignVar        = 25 // [var, string, max length, start]
	ewWriteUninstaller = 62 // [name, data offset, icon size, $INSTDIR\name]

	entrySize = 28 // opcode + 6 parameters

	varOUTDIR = 22
	maxChars  = 8 << 10 // per decoded string
	// maxRendered bounds the characters decoded for all names together:
	// a lying header could point a million instructions at the longest
	// string.
	maxRendered = 16 << 20
)

// Special string codes: NSIS 3 (ANSI and Unicode) and NSIS 2 (ANSI).
const (
	code3Lang, code3Shell, code3Var, code3Skip = 1, 2, 3, 4
	code2Skip, code2Var, code2Shell, code2Lang = 252, 253, 254, 255
)

// script is a parsed header.
type script struct {
	h          []byte
	is64       bool
	unicode    bool
	v2         bool // NSIS 2 string codes
	entriesOff int
	entriesNum int
	strOff     int
	strEnd     int
	budget     int // characters str may still decode
}

func parseHeader(h []byte) (*script, error) {
	s := &script{h: h, budget: maxRendered}
	// 64-bit targets widen each block offset to 8 bytes; their high
	// halves are then all zero, which the 32-bit layout (whose entries
	// offset lands there) never is.
	if len(h) >= 4+12*nbBlocks {
		s.is64 = true
		for k := 0; k < nbBlocks; k++ {
			if binary.LittleEndian.Uint32(h[4+12*k+4:]) != 0 {
				s.is64 = false
				break
			}
		}
	}
	if len(h) < 4+8*nbBlocks {
		return nil, fmt.Errorf("nsis header of %d bytes: %w", len(h), unpack.ErrCorrupt)
	}
	block := func(k int) (off, num uint32) {
		if s.is64 {
			return binary.LittleEndian.Uint32(h[4+12*k:]), binary.LittleEndian.Uint32(h[4+12*k+8:])
		}
		return binary.LittleEndian.Uint32(h[4+8*k:]), binary.LittleEndian.Uint32(h[4+8*k+4:])
	}
	eOff, eNum := block(nbEntries)
	sOff, _ := block(nbStrings)
	lOff, _ := block(nbLangTables)
	size := uint64(len(h))
	if uint64(eOff) > size || uint64(eNum)*entrySize > size-uint64(eOff) {
		return nil, fmt.Errorf("nsis entries block (offset %d, %d entries) outside the %d-byte header: %w", eOff, eNum, len(h), unpack.ErrCorrupt)
	}
	if sOff > lOff || uint64(lOff) > size || lOff-sOff < 2 || h[lOff-1] != 0 {
		return nil, fmt.Errorf("nsis strings block %d..%d in a %d-byte header: %w", sOff, lOff, len(h), unpack.ErrCorrupt)
	}
	s.entriesOff, s.entriesNum = int(eOff), int(eNum)
	s.strOff, s.strEnd = int(sOff), int(lOff)
	// The string table starts with the empty string: one zero byte in
	// ANSI, two in UTF-16.
	s.unicode = h[sOff] == 0 && h[sOff+1] == 0
	if s.unicode {
		if (lOff-sOff)%2 != 0 {
			return nil, fmt.Errorf("nsis unicode strings block of odd length %d: %w", lOff-sOff, unpack.ErrCorrupt)
		}
	} else {
		s.v2 = isV2(h[sOff:lOff])
	}
	return s, nil
}

// isV2 tells NSIS 2 ANSI strings from NSIS 3 ones by their variable
// references: a variable code followed by a number whose two bytes both
// have the high bit set (NSIS stores numbers as CODE_SHORT, 0x8080 | …).
func isV2(t []byte) bool {
	n2, n3 := 0, 0
	for i := 0; i+2 < len(t); i++ {
		if t[i+1]&0x80 == 0 || t[i+2]&0x80 == 0 {
			continue
		}
		switch {
		case t[i] == code3Var:
			n3++
		case t[i] == code2Var && (i == 0 || t[i-1] != code2Skip):
			n2++
		}
	}
	return n2 > n3
}

// str renders string table entry i (a character index; negative ones are
// language strings) as the script would show it, variables by name.
// The second result reports whether it starts with a variable or shell
// folder, which makes a path absolute.
func (s *script) str(i int32) (string, bool) {
	if i < 0 {
		return "$(LSTR_" + strconv.FormatInt(-int64(i)-1, 10) + ")", true
	}
	var b strings.Builder
	var units []uint16
	flush := func() {
		if len(units) > 0 {
			b.WriteString(string(utf16.Decode(units)))
			units = units[:0]
		}
	}
	startsWithCode := false
	pos := 0
	for n := 0; n < maxChars && s.budget > 0; n++ {
		s.budget--
		c, ok := s.char(int(i), pos)
		if !ok || c == 0 {
			break
		}
		pos++
		kind := s.codeKind(c)
		if kind == 0 {
			if s.unicode {
				units = append(units, c)
			} else {
				b.WriteRune(rune(c)) // Latin-1: the code page is unknown
			}
			continue
		}
		if kind == code3Skip {
			c, ok = s.char(int(i), pos)
			if !ok || c == 0 {
				break
			}
			pos++
			if s.unicode {
				units = append(units, c)
			} else {
				b.WriteRune(rune(c))
			}
			continue
		}
		// A code takes two bytes: one UTF-16 unit or two ANSI chars.
		var b0, b1 byte
		if s.unicode {
			c1, ok := s.char(int(i), pos)
			if !ok {
				break
			}
			pos++
			b0, b1 = byte(c1), byte(c1>>8)
		} else {
			c0, ok0 := s.char(int(i), pos)
			c1, ok1 := s.char(int(i), pos+1)
			if !ok0 || !ok1 {
				break
			}
			pos += 2
			b0, b1 = byte(c0), byte(c1)
		}
		if n == 0 {
			startsWithCode = true
		}
		flush()
		num := int(b0&0x7f) | int(b1&0x7f)<<7
		switch kind {
		case code3Var:
			b.WriteString(varName(num))
		case code3Lang:
			b.WriteString("$(LSTR_" + strconv.Itoa(num) + ")")
		case code3Shell:
			b.WriteString(s.shellName(b0, b1))
		}
	}
	flush()
	return b.String(), startsWithCode
}

// char returns character pos of the string at index i.
func (s *script) char(i, pos int) (uint16, bool) {
	if s.unicode {
		off := s.strOff + 2*(i+pos)
		if i < 0 || off < s.strOff || off+2 > s.strEnd {
			return 0, false
		}
		return binary.LittleEndian.Uint16(s.h[off:]), true
	}
	off := s.strOff + i + pos
	if i < 0 || off < s.strOff || off >= s.strEnd {
		return 0, false
	}
	return uint16(s.h[off]), true
}

// codeKind maps a character to its NSIS 3 code (1..4), or 0 for a plain
// character.
func (s *script) codeKind(c uint16) int {
	if s.v2 {
		switch c {
		case code2Skip:
			return code3Skip
		case code2Var:
			return code3Var
		case code2Shell:
			return code3Shell
		case code2Lang:
			return code3Lang
		}
		return 0
	}
	if c >= code3Lang && c <= code3Skip {
		return int(c)
	}
	return 0
}

var varNames = [...]string{"CMDLINE", "INSTDIR", "OUTDIR", "EXEDIR", "LANGUAGE", "TEMP",
	"PLUGINSDIR", "EXEPATH", "EXEFILE", "HWNDPARENT", "_CLICK", "_OUTDIR"}

// varName names variable n: $0-$9, $R0-$R9, the built-in ones of NSIS 2.26+
// and 3, then user variables, whose names are not stored, as $_N_.
func varName(n int) string {
	switch {
	case n < 10:
		return "$" + strconv.Itoa(n)
	case n < 20:
		return "$R" + strconv.Itoa(n-10)
	case n < 20+len(varNames):
		return "$" + varNames[n-20]
	}
	return "$_" + strconv.Itoa(n-20-len(varNames)) + "_"
}

// shellFolders maps the (current user, all users) CSIDL pair NSIS stores for
// a shell folder constant to its name.
var shellFolders = map[[2]byte]string{
	{0x24, 0x24}: "WINDIR", {0x25, 0x25}: "SYSDIR", {0x02, 0x17}: "SMPROGRAMS",
	{0x07, 0x18}: "SMSTARTUP", {0x10, 0x19}: "DESKTOP", {0x0b, 0x16}: "STARTMENU",
	{0x1a, 0x1a}: "QUICKLAUNCH", {0x05, 0x2e}: "DOCUMENTS", {0x09, 0x09}: "SENDTO",
	{0x08, 0x08}: "RECENT", {0x06, 0x1f}: "FAVORITES", {0x0d, 0x35}: "MUSIC",
	{0x27, 0x36}: "PICTURES", {0x0e, 0x37}: "VIDEOS", {0x13, 0x13}: "NETHOOD",
	{0x14, 0x14}: "FONTS", {0x15, 0x2d}: "TEMPLATES", {0x1a, 0x23}: "APPDATA",
	{0x1c, 0x23}: "LOCALAPPDATA", {0x1b, 0x1b}: "PRINTHOOD", {0x20, 0x20}: "INTERNET_CACHE",
	{0x21, 0x21}: "COOKIES", {0x22, 0x22}: "HISTORY", {0x28, 0x28}: "PROFILE",
	{0x30, 0x2f}: "ADMINTOOLS", {0x38, 0x38}: "RESOURCES", {0x39, 0x39}: "RESOURCES_LOCALIZED",
	{0x3b, 0x3b}: "CDBURN_AREA", {0x1a, 0x5a}: "USERAPPDATA", {0x1c, 0x1c}: "USERLOCALAPPDATA",
	{0x15, 0x15}: "USERTEMPLATES", {0x0b, 0x0b}: "USERSTARTMENU", {0x02, 0x02}: "USERSMPROGRAMS",
	{0x10, 0x10}: "USERDESKTOP", {0x23, 0x23}: "COMMONPROGRAMDATA", {0x2d, 0x2d}: "COMMONTEMPLATES",
	{0x16, 0x16}: "COMMONSTARTMENU", {0x17, 0x17}: "COMMONSMPROGRAMS", {0x19, 0x19}: "COMMONDESKTOP",
}

// shellName renders a shell folder code. With bit 0x80 in b0 the folder is
// read from the registry value named by string (b0 & 0x3f): that is how
// $PROGRAMFILES and $COMMONFILES are stored; bit 0x40 asks for the other
// registry view (64-bit from a 32-bit installer and vice versa).
func (s *script) shellName(b0, b1 byte) string {
	if b0&0x80 != 0 {
		var name []byte
		for p := 0; p < 64; p++ {
			c, ok := s.char(int(b0&0x3f), p)
			if !ok || c == 0 {
				break
			}
			name = append(name, byte(c))
		}
		base := ""
		switch string(name) {
		case "ProgramFilesDir":
			base = "$PROGRAMFILES"
		case "CommonFilesDir":
			base = "$COMMONFILES"
		default:
			return "$SHELL_REG(" + string(name) + ")"
		}
		if b0&0x40 != 0 {
			if s.is64 {
				return base + "32"
			}
			return base + "64"
		}
		return base
	}
	if n, ok := shellFolders[[2]byte{b0, b1}]; ok {
		return "$" + n
	}
	return fmt.Sprintf("$SHELL(0x%02x,0x%02x)", b0, b1)
}

// isAbsolute reports whether a rendered path does not depend on $OUTDIR:
// it starts with a variable or shell folder, a drive or a UNC prefix.
func isAbsolute(p string, startsWithCode bool) bool {
	if startsWithCode || strings.HasPrefix(p, `\\`) {
		return true
	}
	return len(p) >= 2 && p[1] == ':' && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z')
}

func joinPath(dir, name string, abs bool) string {
	p := name
	if !abs {
		p = strings.TrimRight(dir, `\`) + `\` + name
	}
	return strings.ReplaceAll(p, `\`, "/")
}

// walk reads the instructions in order and returns, per data offset, the
// instructions that extract that data block, and the number of File
// instructions. The output directory is tracked linearly, as 7-Zip does;
// jumps and calls are not followed. It stops, with an error, after
// maxRefs names or when the string budget runs out; what it found so far
// is kept.
func (s *script) walk(maxRefs int) (map[int64][]*ref, int, error) {
	refs := map[int64][]*ref{}
	files, nrefs := 0, 0
	outdir := "$OUTDIR"
	for k := 0; k < s.entriesNum; k++ {
		if s.budget <= 0 {
			return refs, files, fmt.Errorf("nsis script names more than %d characters: %w", maxRendered, unpack.ErrUnsupported)
		}
		if maxRefs > 0 && nrefs >= maxRefs {
			return refs, files, fmt.Errorf("nsis script names more than %d data blocks: %w", maxRefs, unpack.ErrUnsupported)
		}
		e := s.h[s.entriesOff+k*entrySize:]
		var p [6]int32
		for j := range p {
			p[j] = int32(binary.LittleEndian.Uint32(e[4+4*j:]))
		}
		switch binary.LittleEndian.Uint32(e) {
		case ewCreateDir:
			if p[1] != 0 {
				outdir, _ = s.str(p[0])
			}
		case ewAssignVar:
			if p[0] == varOUTDIR && p[2] == 0 && p[3] == 0 {
				outdir, _ = s.str(p[1])
			}
		case ewExtractFile:
			if p[2] < 0 {
				continue
			}
			name, abs := s.str(p[1])
			files++
			nrefs++
			refs[int64(p[2])] = append(refs[int64(p[2])], &ref{
				name:  joinPath(outdir, name, isAbsolute(name, abs)),
				kind:  refFile,
				mtime: int64(uint32(p[4]))<<32 | int64(uint32(p[3])),
			})
		case ewWriteUninstaller:
			if p[1] < 0 {
				continue
			}
			// NSIS writes to [0] when it is a full path after
			// expansion and to [3] ($INSTDIR\[0]) otherwise.
			name, abs := s.str(p[0])
			if !isAbsolute(name, abs) && p[3] != 0 {
				name, abs = s.str(p[3])
			}
			r := &ref{name: joinPath(outdir, name, isAbsolute(name, abs)), kind: refUninstData}
			if p[2] > 0 {
				r.kind, r.size = refUninstIcons, int64(p[2])
			}
			nrefs++
			refs[int64(p[1])] = append(refs[int64(p[1])], r)
		}
	}
	return refs, files, nil
}
