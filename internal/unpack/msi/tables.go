package msi

import (
	"encoding/binary"
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// Column type bits, from the _Columns.Type of each column.
const (
	typeValid    = 0x0100
	typeString   = 0x0800
	typeNullable = 0x1000
	typeKey      = 0x2000
)

// Bounds on the database streams; real installers are far below them.
const (
	maxPoolBytes   = 8 << 20  // _StringPool: 2M strings
	maxStringBytes = 32 << 20 // _StringData
	maxTableBytes  = 32 << 20 // one table stream
	maxColumns     = 64       // Windows Installer allows 32
)

// stringPool is the database's shared string table: _StringPool holds a
// (length, refcount) pair per string id, _StringData the bytes back to back.
type stringPool struct {
	strs     []string // id 0 is the null string
	refSize  int      // bytes per string reference in tables: 2, or 3 for large pools
	codepage int
}

func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

// loadStringPool parses the two string streams. Strings that do not fit in
// the data end the pool early with an error; the ids before them stay.
func loadStringPool(pool, data []byte) (*stringPool, error) {
	sp := &stringPool{refSize: 2}
	if len(pool) >= 4 {
		// The top bit of the codepage word flags 3-byte string ids.
		cp := le32(pool)
		if cp&0x80000000 != 0 {
			sp.refSize = 3
		}
		sp.codepage = int(cp &^ 0x80000000)
	}
	n := len(pool) / 4
	sp.strs = make([]string, 1, max(n, 1))
	off := 0
	for i := 1; i < n; {
		l, refs := int(le16(pool[4*i:])), le16(pool[4*i+2:])
		i++
		if l == 0 && refs != 0 {
			// A string of 64 KiB or more: this entry holds the high
			// word of its length, the next one the low word.
			if i >= n {
				return sp, fmt.Errorf("_StringPool: long string entry at the end: %w", unpack.ErrCorrupt)
			}
			l = int(refs)<<16 | int(le16(pool[4*i:]))
			i++
		}
		if l > len(data)-off {
			return sp, fmt.Errorf("_StringPool: string %d of %d bytes beyond the %d bytes of _StringData: %w",
				len(sp.strs), l, len(data), unpack.ErrCorrupt)
		}
		sp.strs = append(sp.strs, decodeString(data[off:off+l], sp.codepage))
		off += l
	}
	return sp, nil
}

// get returns string id, and false when the id is outside the pool.
func (sp *stringPool) get(id uint32) (string, bool) {
	if int64(id) >= int64(len(sp.strs)) {
		return "", false
	}
	return sp.strs[id], true
}

// decodeString turns database bytes into UTF-8. Text in a legacy code page
// that is not valid UTF-8 is read as Windows-1252, right for ASCII and for
// the Western installers that are most of them.
func decodeString(b []byte, codepage int) string {
	if utf8.Valid(b) {
		return string(b)
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
		if c >= 0x80 && c < 0xA0 {
			rs[i] = cp1252[c-0x80]
		}
	}
	return string(rs)
}

// cp1252 maps Windows-1252 bytes 0x80–0x9F; the rest is Latin-1.
var cp1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

// column is one column of a table, from _Columns.
type column struct {
	name string
	typ  int
}

func (c column) isString() bool { return c.typ&typeString != 0 }
func (c column) isKey() bool    { return c.typ&typeKey != 0 }

// isBinary reports a stream column, whose cell is a stream named after the
// row's keys.
func (c column) isBinary() bool { return c.typ&^typeNullable == typeString|typeValid }

// width is the column's size in the table stream.
func (c column) width(refSize int) int {
	switch {
	case c.isBinary():
		return 2
	case c.isString():
		return refSize
	case c.typ&0xFF <= 2:
		return 2
	}
	return 4
}

// table is one table read column-major, as MSI stores it: all values of the
// first column, then all of the second, and so on.
type table struct {
	name   string
	cols   []column
	widths []int
	starts []int // offset of each column's values in data
	rows   int
	data   []byte
	sp     *stringPool
	bad    *int // counts string ids outside the pool
}

func newTable(name string, cols []column, data []byte, sp *stringPool, bad *int) (*table, error) {
	t := &table{name: name, cols: cols, data: data, sp: sp, bad: bad}
	rowSize := 0
	for _, c := range cols {
		w := c.width(sp.refSize)
		t.widths = append(t.widths, w)
		rowSize += w
	}
	if rowSize == 0 {
		return nil, fmt.Errorf("table %q has no columns: %w", name, unpack.ErrCorrupt)
	}
	if len(data)%rowSize != 0 {
		return nil, fmt.Errorf("table %q: %d bytes is not a whole number of %d-byte rows: %w", name, len(data), rowSize, unpack.ErrCorrupt)
	}
	t.rows = len(data) / rowSize
	off := 0
	for _, w := range t.widths {
		t.starts = append(t.starts, off)
		off += w * t.rows
	}
	return t, nil
}

// col returns the index of the named column, or -1.
func (t *table) col(name string) int {
	if t == nil {
		return -1
	}
	for i, c := range t.cols {
		if c.name == name {
			return i
		}
	}
	return -1
}

func (t *table) raw(row, col int) uint32 {
	w := t.widths[col]
	p := t.data[t.starts[col]+row*w:]
	v := uint32(p[0]) | uint32(p[1])<<8
	if w > 2 {
		v |= uint32(p[2]) << 16
	}
	if w > 3 {
		v |= uint32(p[3]) << 24
	}
	return v
}

// str returns a string cell; "" for null, a missing column, or an id
// outside the pool (which is counted).
func (t *table) str(row, col int) string {
	if col < 0 || col >= len(t.cols) || !t.cols[col].isString() {
		return ""
	}
	s, ok := t.sp.get(t.raw(row, col))
	if !ok {
		*t.bad++
	}
	return s
}

// num returns an integer cell and whether it is set. Integers are stored
// with their sign bit flipped; 0 is null.
func (t *table) num(row, col int) (int64, bool) {
	if col < 0 || col >= len(t.cols) || t.cols[col].isString() {
		return 0, false
	}
	v := t.raw(row, col)
	if v == 0 {
		return 0, false
	}
	if t.widths[col] == 2 {
		return int64(v) - 0x8000, true
	}
	return int64(int32(v ^ 0x80000000)), true
}

// cell formats any non-binary cell as text (integers in decimal), as
// Windows Installer does when it names a row's stream.
func (t *table) cell(row, col int) string {
	if t.cols[col].isString() {
		return t.str(row, col)
	}
	if v, ok := t.num(row, col); ok {
		return fmt.Sprint(v)
	}
	return ""
}

// loadColumns reads _Columns (Table, Number, Name, Type) into each table's
// ordered column list. Tables whose columns are out of range, duplicated or
// missing are dropped and reported.
func loadColumns(data []byte, sp *stringPool, bad *int) (map[string][]column, error) {
	fixed := []column{
		{"Table", typeValid | typeString | typeKey | 64},
		{"Number", typeValid | typeKey | 2},
		{"Name", typeValid | typeString | 64},
		{"Type", typeValid | 2},
	}
	t, err := newTable("_Columns", fixed, data, sp, bad)
	if err != nil {
		return nil, err
	}
	type numbered struct {
		n int
		column
	}
	byTable := map[string][]numbered{}
	var problems []string
	for r := 0; r < t.rows; r++ {
		name := t.str(r, 0)
		n, ok := t.num(r, 1)
		typ, _ := t.num(r, 3)
		if name == "" || !ok || n < 1 || n > maxColumns {
			problems = append(problems, fmt.Sprintf("table %q column %d", name, n))
			continue
		}
		byTable[name] = append(byTable[name], numbered{int(n), column{t.str(r, 2), int(typ) & 0xFFFF}})
	}
	out := map[string][]column{}
	for name, cs := range byTable {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].n < cs[j].n })
		ok := true
		for i, c := range cs {
			if c.n != i+1 {
				ok = false
				break
			}
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("table %q columns not numbered 1..%d", name, len(cs)))
			continue
		}
		cols := make([]column, len(cs))
		for i, c := range cs {
			cols[i] = c.column
		}
		out[name] = cols
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return out, fmt.Errorf("_Columns: %d bad entries, first %s: %w", len(problems), problems[0], unpack.ErrCorrupt)
	}
	return out, nil
}
