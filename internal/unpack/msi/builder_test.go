package msi_test

import (
	"encoding/binary"
	"sort"
	"unicode/utf16"
)

// This file builds compound files and MSI databases by hand, for the
// layouts and damage no tool produces. It follows MS-CFB (version 3,
// 512-byte sectors, 64-byte mini sectors below 4096 bytes) and the MSI
// storage format, and puts all stream data after the metadata so that a
// truncated file keeps its directory.

const (
	freeSect   = 0xFFFFFFFF
	endOfChain = 0xFFFFFFFE
	fatSect    = 0xFFFFFFFD
	noStream   = 0xFFFFFFFF
)

type cfbStream struct {
	name string // as stored, UTF-16 units as runes
	data []byte
	size int64 // if not 0, the size written in the directory entry
}

var (
	clsidMSI  = [16]byte{0x84, 0x10, 0x0C, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46}
	clsidWord = [16]byte{0x06, 0x09, 0x02, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46}
)

func buildCFB(clsid [16]byte, streams []cfbStream) []byte {
	le := binary.LittleEndian
	sectors := func(n int, size int) int { return (n + size - 1) / size }
	// Mini stream: small streams, each on whole 64-byte mini sectors.
	var mini []byte
	var miniFAT []uint32
	start := make([]uint32, len(streams))
	var big [][]byte
	var bigIdx []int
	for i, s := range streams {
		if len(s.data) >= 4096 {
			big = append(big, s.data)
			bigIdx = append(bigIdx, i)
			continue
		}
		if len(s.data) == 0 {
			start[i] = endOfChain
			continue
		}
		first := len(mini) / 64
		n := sectors(len(s.data), 64)
		for k := 0; k < n; k++ {
			next := uint32(first + k + 1)
			if k == n-1 {
				next = endOfChain
			}
			miniFAT = append(miniFAT, next)
		}
		start[i] = uint32(first)
		mini = append(mini, s.data...)
		mini = append(mini, make([]byte, n*64-len(s.data))...)
	}
	nDir := sectors((len(streams)+1)*128, 512)
	nMiniFAT := sectors(len(miniFAT)*4, 512)
	nMini := sectors(len(mini), 512)
	nBig := 0
	for _, b := range big {
		nBig += sectors(len(b), 512)
	}
	nFAT := 1
	for sectors(nFAT+nDir+nMiniFAT+nMini+nBig, 128) > nFAT {
		nFAT++
	}
	total := nFAT + nDir + nMiniFAT + nMini + nBig
	fat := make([]uint32, nFAT*128)
	for i := range fat {
		fat[i] = freeSect
	}
	next := 0
	chain := func(n int) uint32 {
		if n == 0 {
			return endOfChain
		}
		first := next
		for k := 0; k < n; k++ {
			fat[next] = uint32(next + 1)
			if k == n-1 {
				fat[next] = endOfChain
			}
			next++
		}
		return uint32(first)
	}
	for k := 0; k < nFAT; k++ {
		fat[next] = fatSect
		next++
	}
	dirStart := chain(nDir)
	miniFATStart := chain(nMiniFAT)
	miniStart := chain(nMini)
	for j, b := range big {
		start[bigIdx[j]] = chain(sectors(len(b), 512))
	}

	out := make([]byte, 512*(1+total))
	h := out[:512]
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le.PutUint16(h[24:], 0x3E)
	le.PutUint16(h[26:], 3)
	le.PutUint16(h[28:], 0xFFFE)
	le.PutUint16(h[30:], 9)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[44:], uint32(nFAT))
	le.PutUint32(h[48:], dirStart)
	le.PutUint32(h[56:], 4096)
	le.PutUint32(h[60:], miniFATStart)
	le.PutUint32(h[64:], uint32(nMiniFAT))
	le.PutUint32(h[68:], endOfChain)
	for k := 0; k < 109; k++ {
		v := uint32(freeSect)
		if k < nFAT {
			v = uint32(k)
		}
		le.PutUint32(h[76+4*k:], v)
	}
	sec := func(n uint32) []byte { return out[512*(int(n)+1) : 512*(int(n)+2)] }
	for k := 0; k < nFAT; k++ {
		for j := 0; j < 128; j++ {
			le.PutUint32(sec(uint32(k))[4*j:], fat[k*128+j])
		}
	}
	dir := make([]byte, nDir*512)
	entry := func(i int, name string, typ byte, child, right uint32, id [16]byte, first uint32, size int64) {
		e := dir[128*i:]
		u := utf16.Encode([]rune(name))
		for k, c := range u {
			le.PutUint16(e[2*k:], c)
		}
		le.PutUint16(e[64:], uint16(2*(len(u)+1)))
		e[66], e[67] = typ, 1
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		copy(e[80:], id[:])
		le.PutUint32(e[116:], first)
		le.PutUint64(e[120:], uint64(size))
	}
	for i := len(streams) + 1; i < nDir*4; i++ {
		e := dir[128*i:]
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], noStream)
		le.PutUint32(e[76:], noStream)
	}
	child := uint32(noStream)
	if len(streams) > 0 {
		child = 1
	}
	entry(0, "Root Entry", 5, child, noStream, clsid, miniStart, int64(len(mini)))
	for i, s := range streams {
		right := uint32(i + 2)
		if i == len(streams)-1 {
			right = noStream
		}
		size := s.size
		if size == 0 {
			size = int64(len(s.data))
		}
		entry(i+1, s.name, 2, noStream, right, [16]byte{}, start[i], size)
	}
	for k := 0; k < nDir; k++ {
		copy(sec(dirStart+uint32(k)), dir[512*k:])
	}
	mf := make([]byte, nMiniFAT*512)
	for i := range mf {
		mf[i] = 0xFF
	}
	for j, v := range miniFAT {
		le.PutUint32(mf[4*j:], v)
	}
	for k := 0; k < nMiniFAT; k++ {
		copy(sec(miniFATStart+uint32(k)), mf[512*k:])
	}
	for k := 0; k < nMini; k++ {
		copy(sec(miniStart+uint32(k)), mini[min(512*k, len(mini)):])
	}
	for j, b := range big {
		s := start[bigIdx[j]]
		for k := 0; k*512 < len(b); k++ {
			copy(sec(s+uint32(k)), b[512*k:])
		}
	}
	return out
}

const mimeChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"

// encodeName compresses an MSI stream name: two alphabet characters per
// UTF-16 unit from 0x3800, a lone one from 0x4800, a table prefix 0x4840.
func encodeName(name string, table bool) string {
	var out []rune
	if table {
		out = append(out, 0x4840)
	}
	idx := func(c byte) int {
		for i := 0; i < len(mimeChars); i++ {
			if mimeChars[i] == c {
				return i
			}
		}
		return -1
	}
	for i := 0; i < len(name); i++ {
		a := idx(name[i])
		if a < 0 {
			out = append(out, rune(name[i]))
			continue
		}
		if i+1 < len(name) {
			if b := idx(name[i+1]); b >= 0 {
				out = append(out, rune(0x3800+a+b<<6))
				i++
				continue
			}
		}
		out = append(out, rune(0x4800+a))
	}
	return string(out)
}

// MSI column types, as _Columns stores them.
const (
	tString   = 0x0D48 // s72: valid, string, nullable, length 72
	tKeyStr   = 0x2D48 // key s72
	tInt2     = 0x1502 // I2: valid, nullable, 2 bytes
	tInt4     = 0x1104 // I4
	tBinary   = 0x1900 // v0
	tKeyInt2  = 0x2502 // key i2
	tFileName = 0x0FFF // l255
)

type msiCol struct {
	name string
	typ  int
}

type msiTable struct {
	name string
	cols []msiCol
	rows [][]any // string, int, or nil
	raw  []byte  // if set, the stream's bytes instead of rows
}

type msiDB struct {
	tables   []msiTable
	streams  []cfbStream // extra streams, names already encoded
	longRefs bool
	clsid    [16]byte
	// extraColumns are appended to _Columns verbatim: {table, number, name, type}.
	extraColumns [][4]any
}

func (db msiDB) build() []byte {
	le := binary.LittleEndian
	ids := map[string]int{}
	var strs []string
	id := func(s string) int {
		if s == "" {
			return 0
		}
		if n, ok := ids[s]; ok {
			return n
		}
		strs = append(strs, s)
		ids[s] = len(strs)
		return len(strs)
	}
	refSize := 2
	if db.longRefs {
		refSize = 3
	}
	isStr := func(typ int) bool { return typ&0x0800 != 0 && typ&^0x1000 != 0x0900 }
	width := func(typ int) int {
		switch {
		case typ&^0x1000 == 0x0900:
			return 2
		case typ&0x0800 != 0:
			return refSize
		case typ&0xFF <= 2:
			return 2
		}
		return 4
	}
	put := func(b []byte, v uint32, w int) {
		for k := 0; k < w; k++ {
			b[k] = byte(v >> (8 * k))
		}
	}
	value := func(v any, typ int) uint32 {
		switch v := v.(type) {
		case nil:
			return 0
		case string:
			return uint32(id(v))
		case int:
			if isStr(typ) {
				return uint32(v) // a raw string id
			}
			if width(typ) == 2 {
				return uint32(v + 0x8000)
			}
			return uint32(int32(v)) ^ 0x80000000
		}
		panic("bad value")
	}
	encodeTable := func(cols []msiCol, rows [][]any) []byte {
		size := 0
		for _, c := range cols {
			size += width(c.typ)
		}
		out := make([]byte, size*len(rows))
		off := 0
		for j, c := range cols {
			w := width(c.typ)
			for r, row := range rows {
				put(out[off+r*w:], value(row[j], c.typ), w)
			}
			off += w * len(rows)
		}
		return out
	}
	var colRows, tabRows [][]any
	for _, t := range db.tables {
		tabRows = append(tabRows, []any{t.name})
		for j, c := range t.cols {
			colRows = append(colRows, []any{t.name, j + 1, c.name, c.typ})
		}
	}
	for _, e := range db.extraColumns {
		colRows = append(colRows, e[:])
	}
	colCols := []msiCol{{"Table", tKeyStr}, {"Number", tKeyInt2}, {"Name", tString}, {"Type", tInt2}}
	var streams []cfbStream
	for _, t := range db.tables {
		data := t.raw
		if data == nil {
			data = encodeTable(t.cols, t.rows)
		}
		if len(data) > 0 {
			streams = append(streams, cfbStream{name: encodeName(t.name, true), data: data})
		}
	}
	columns := encodeTable(colCols, colRows)
	tables := encodeTable([]msiCol{{"Name", tKeyStr}}, tabRows)
	pool := make([]byte, 4+4*len(strs))
	cp := uint32(65001)
	if db.longRefs {
		cp |= 0x80000000
	}
	le.PutUint32(pool, cp)
	var data []byte
	for i, s := range strs {
		le.PutUint16(pool[4+4*i:], uint16(len(s)))
		le.PutUint16(pool[6+4*i:], 1)
		data = append(data, s...)
	}
	streams = append([]cfbStream{
		{name: encodeName("_StringPool", true), data: pool},
		{name: encodeName("_StringData", true), data: data},
		{name: encodeName("_Tables", true), data: tables},
		{name: encodeName("_Columns", true), data: columns},
	}, streams...)
	streams = append(streams, db.streams...)
	sort.SliceStable(streams, func(i, j int) bool { return len(streams[i].data) < len(streams[j].data) })
	return buildCFB(db.clsid, streams)
}

// tinyDB is a small valid package whose one embedded cabinet holds cab.
func tinyDB(cab []byte) msiDB {
	return msiDB{
		clsid: clsidMSI,
		tables: []msiTable{
			{name: "Directory", cols: []msiCol{{"Directory", tKeyStr}, {"Directory_Parent", tString}, {"DefaultDir", tFileName}},
				rows: [][]any{
					{"TARGETDIR", nil, "SourceDir"},
					{"ProgramFiles64Folder", "TARGETDIR", "."},
					{"APPDIR", "ProgramFiles64Folder", "EVILCO~1|Evil Corp:SRCDIR"},
					{"BINDIR", "APPDIR", "bin"},
					{"DOTDIR", "BINDIR", "."},
				}},
			{name: "Component", cols: []msiCol{{"Component", tKeyStr}, {"Directory_", tString}},
				rows: [][]any{{"Main", "DOTDIR"}, {"Lib", "APPDIR"}}},
			{name: "File", cols: []msiCol{{"File", tKeyStr}, {"Component_", tString}, {"FileName", tFileName},
				{"FileSize", tInt4}, {"Version", tString}, {"Sequence", tInt2}},
				rows: [][]any{
					{"fil_TinyApp_exe", "Main", "TINYAPP.EXE|TinyApp.exe", 4952, "2.0.0.0", 1},
					{"fil_ffmpeg_dll", "Lib", "ffmpeg.dll", 1, nil, 2},
					{"fil_icon", "Main", "TinyApp.ico", 70, nil, 3},
					{"fil_readme", "Main", "README.txt", 43, nil, 4},
				}},
			{name: "Media", cols: []msiCol{{"DiskId", tKeyInt2}, {"LastSequence", tInt4}, {"Cabinet", tString}},
				rows: [][]any{{1, 5, "#data.cab"}}},
			{name: "Property", cols: []msiCol{{"Property", tKeyStr}, {"Value", tFileName}},
				rows: [][]any{{"ProductName", "Crafted"}, {"ProductVersion", "9.9"}, {"Manufacturer", "Nobody"}}},
			{name: "Binary", cols: []msiCol{{"Name", tKeyStr}, {"Data", tBinary}},
				rows: [][]any{{"Helper", 1}}},
			{name: "CustomAction", cols: []msiCol{{"Action", tKeyStr}, {"Type", tInt2}, {"Source", tString}, {"Target", tFileName}},
				rows: [][]any{
					{"RunHelper", 1, "Helper", "Go"},
					{"Inline", 38, nil, "MsgBox \"hi\""},
					{"LaunchApp", 18, "fil_TinyApp_exe", "/quiet"},
					{"RunCmd", 34, "APPDIR", "cmd.exe /c evil"},
				}},
		},
		streams: []cfbStream{
			{name: encodeName("data.cab", false), data: cab},
			{name: encodeName("Binary.Helper", false), data: []byte("MZ helper")},
			{name: encodeName("Hidden.bin", false), data: []byte("not referenced by any table")},
		},
	}
}
