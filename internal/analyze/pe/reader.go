package pe

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Bounds. Every loop over a count read from the file stops at one of these,
// whatever the header claims.
const (
	maxFileSize     = 4 << 30 // PE offsets are 32-bit; the checksum adds a 32-bit length
	maxSections     = 1024    // the Windows loader accepts up to 96 on old systems
	maxStructRead   = 1 << 20 // one table read at once (export name array, resource entries)
	maxNameLen      = 512     // imported/exported function and DLL names
	maxDescriptors  = 4096    // import descriptors, delay-load descriptors
	maxFuncsPerDLL  = 16384
	maxImportFuncs  = 1 << 16 // across all DLLs
	maxExports      = 1 << 16 // Windows ordinals are 16-bit
	maxNameBytes    = 8 << 20 // imported and exported names together, before dedup
	maxTLSCallbacks = 1024
	maxResEntries   = 1 << 16 // directory entries visited in the resource tree
	maxResDepth     = 3       // type → name → language, as the loader walks it
	maxVersionInfo  = 64 << 10
	maxProblems     = 8
)

var errOutOfBounds = errors.New("outside the file")

// section is one section header as stored.
type section struct {
	name            string
	vsize, va       uint32
	rawSize, rawOff uint32
	chars           uint32
}

type dataDir struct{ va, size uint32 }

// Data directory indexes.
const (
	dirExport      = 0
	dirImport      = 1
	dirResource    = 2
	dirSecurity    = 4
	dirTLS         = 9
	dirDelayImport = 13
	dirCLR         = 14
)

// file is a PE being read through bounded ReaderAt calls.
type file struct {
	ctx  context.Context
	r    *blockCache
	raw  io.ReaderAt // uncached, for long scans
	size int64

	peOff     int64
	machine   uint16
	nsect     uint16
	timestamp uint32
	symPtr    uint32
	nsyms     uint32
	optSize   uint16
	chars     uint16

	optOff        int64
	is64          bool
	entry         uint32
	imageBase     uint64
	fileAlign     uint32
	sizeOfHeaders uint32
	checksumOff   int64
	checksum      uint32
	subsystem     uint16
	dllChars      uint16
	dirs          [16]dataDir

	sections   []section
	importsCut bool
	nameBytes  int // of names kept so far
	namesCut   bool

	problems  []string // the first maxProblems
	nproblems int
}

// problem records something malformed; parsing goes on.
func (f *file) problem(format string, args ...any) {
	f.nproblems++
	if len(f.problems) < maxProblems {
		f.problems = append(f.problems, fmt.Sprintf(format, args...))
	}
}

// err joins the recorded problems into one error, or returns nil.
func (f *file) err() error {
	if f.nproblems == 0 {
		return nil
	}
	more := ""
	if f.nproblems > len(f.problems) {
		more = fmt.Sprintf("; and %d more", f.nproblems-len(f.problems))
	}
	return errors.New(strings.Join(f.problems, "; ") + more)
}

// takeName charges a name read from the file to the name budget and says
// whether it may be kept.
func (f *file) takeName(name string) bool {
	if f.nameBytes += len(name); f.nameBytes <= maxNameBytes {
		return true
	}
	if !f.namesCut {
		f.problem("more than %d bytes of imported and exported names; the rest are ignored", maxNameBytes)
		f.namesCut = true
	}
	return false
}

// readAt reads exactly n bytes at off, refusing anything outside the file
// or larger than maxStructRead.
func (f *file) readAt(off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 || n > maxStructRead || off > f.size || int64(n) > f.size-off {
		return nil, errOutOfBounds
	}
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, off); err != nil {
		return nil, err
	}
	return b, nil
}

// parseHeaders reads the DOS, COFF and optional headers and the section
// table. An error here means there is no PE to speak of.
func (f *file) parseHeaders() error {
	dos, err := f.readAt(0, 0x40)
	if err != nil {
		return fmt.Errorf("reading DOS header: %w", err)
	}
	if string(dos[:2]) != "MZ" {
		return errors.New("no MZ signature")
	}
	f.peOff = int64(binary.LittleEndian.Uint32(dos[0x3c:]))
	hdr, err := f.readAt(f.peOff, 24)
	if err != nil {
		return fmt.Errorf("reading PE header at 0x%x: %w", f.peOff, err)
	}
	if string(hdr[:4]) != "PE\x00\x00" {
		return fmt.Errorf("no PE signature at 0x%x", f.peOff)
	}
	le := binary.LittleEndian
	f.machine = le.Uint16(hdr[4:])
	f.nsect = le.Uint16(hdr[6:])
	f.timestamp = le.Uint32(hdr[8:])
	f.symPtr = le.Uint32(hdr[12:])
	f.nsyms = le.Uint32(hdr[16:])
	f.optSize = le.Uint16(hdr[20:])
	f.chars = le.Uint16(hdr[22:])
	f.optOff = f.peOff + 24

	// The optional header: the fixed part is 96 (PE32) or 112 (PE32+)
	// bytes, followed by NumberOfRvaAndSizes data directories.
	avail := min(int64(f.optSize), f.size-f.optOff)
	if avail < 2 {
		return errors.New("no optional header")
	}
	opt, err := f.readAt(f.optOff, int(avail))
	if err != nil {
		return fmt.Errorf("reading optional header: %w", err)
	}
	var dirsOff int
	switch magic := le.Uint16(opt); magic {
	case 0x10b:
		if len(opt) < 96 {
			return fmt.Errorf("optional header too short (%d bytes)", len(opt))
		}
		f.imageBase = uint64(le.Uint32(opt[28:]))
		dirsOff = 96
	case 0x20b:
		if len(opt) < 112 {
			return fmt.Errorf("optional header too short (%d bytes)", len(opt))
		}
		f.is64 = true
		f.imageBase = le.Uint64(opt[24:])
		dirsOff = 112
	default:
		return fmt.Errorf("unknown optional header magic 0x%x", magic)
	}
	f.entry = le.Uint32(opt[16:])
	f.fileAlign = le.Uint32(opt[36:])
	f.sizeOfHeaders = le.Uint32(opt[60:])
	f.checksumOff = f.optOff + 64
	f.checksum = le.Uint32(opt[64:])
	f.subsystem = le.Uint16(opt[68:])
	f.dllChars = le.Uint16(opt[70:])
	ndirs := int(le.Uint32(opt[dirsOff-4:]))
	if ndirs > 16 {
		// The loader ignores the excess too.
		ndirs = 16
	}
	for i := 0; i < ndirs && dirsOff+8*i+8 <= len(opt); i++ {
		p := opt[dirsOff+8*i:]
		f.dirs[i] = dataDir{le.Uint32(p), le.Uint32(p[4:])}
	}

	n := int(f.nsect)
	if n > maxSections {
		f.problem("%d sections declared, only the first %d read", n, maxSections)
		n = maxSections
	}
	tab := f.optOff + int64(f.optSize)
	if tab+40*int64(n) > f.size {
		f.problem("section table at 0x%x runs past the end of the file", tab)
		n = int(max(0, (f.size-tab)/40))
	}
	if n == 0 {
		return nil
	}
	st, err := f.readAt(tab, 40*n)
	if err != nil {
		return fmt.Errorf("reading section table: %w", err)
	}
	f.sections = make([]section, n)
	for i := range f.sections {
		p := st[40*i:]
		f.sections[i] = section{
			name:    f.sectionName(p[:8]),
			vsize:   le.Uint32(p[8:]),
			va:      le.Uint32(p[12:]),
			rawSize: le.Uint32(p[16:]),
			rawOff:  le.Uint32(p[20:]),
			chars:   le.Uint32(p[36:]),
		}
	}
	return nil
}

// sectionName decodes a section name; "/N" names (long names written by
// GNU ld) point into the COFF string table.
func (f *file) sectionName(b []byte) string {
	name := cString(b)
	if len(name) < 2 || name[0] != '/' || f.symPtr == 0 {
		return clean(name)
	}
	var off int64
	for _, c := range name[1:] {
		if c < '0' || c > '9' {
			return clean(name)
		}
		off = off*10 + int64(c-'0')
	}
	strtab := int64(f.symPtr) + 18*int64(f.nsyms)
	if long, ok := f.cStringAt(strtab+off, 256); ok {
		return clean(long)
	}
	return clean(name)
}

// cStringAt reads a NUL-terminated string of at most max bytes at off.
func (f *file) cStringAt(off int64, max int) (string, bool) {
	if off < 0 || off >= f.size {
		return "", false
	}
	n := int(min(int64(max), f.size-off))
	b, err := f.readAt(off, n)
	if err != nil {
		return "", false
	}
	return cString(b), true
}

// rvaToOff maps an RVA to a file offset and says how many bytes of file
// data back it from there. Only bytes present in a section's raw data (or
// the headers) count: what lies in a section's zero-filled tail is not in
// the file.
func (f *file) rvaToOff(rva uint32) (off int64, avail int64, ok bool) {
	for _, s := range f.sections {
		if s.rawSize == 0 {
			continue
		}
		raw := int64(s.rawOff)
		if f.fileAlign >= 0x200 {
			// The loader rounds PointerToRawData down to a 512-byte boundary.
			raw &^= 0x1ff
		}
		size := int64(s.rawSize)
		if rva < s.va || int64(rva-s.va) >= size {
			continue
		}
		off = raw + int64(rva-s.va)
		end := min(raw+size, f.size)
		if off >= end {
			return 0, 0, false
		}
		return off, end - off, true
	}
	// RVAs below the first section map to the headers.
	if int64(rva) < min(int64(f.sizeOfHeaders), f.size) && !f.inSectionVA(rva) {
		return int64(rva), min(int64(f.sizeOfHeaders), f.size) - int64(rva), true
	}
	return 0, 0, false
}

func (f *file) inSectionVA(rva uint32) bool {
	for _, s := range f.sections {
		if rva >= s.va && rva-s.va < max(s.vsize, s.rawSize) {
			return true
		}
	}
	return false
}

// readRVA reads n bytes of file data at rva; all of them must be backed by
// the same section's raw data.
func (f *file) readRVA(rva uint32, n int) ([]byte, error) {
	off, avail, ok := f.rvaToOff(rva)
	if !ok || int64(n) > avail {
		return nil, fmt.Errorf("RVA 0x%x (+%d) is not in the file", rva, n)
	}
	return f.readAt(off, n)
}

// cStringRVA reads a NUL-terminated string of at most max bytes at rva.
func (f *file) cStringRVA(rva uint32, max int) (string, bool) {
	off, avail, ok := f.rvaToOff(rva)
	if !ok {
		return "", false
	}
	b, err := f.readAt(off, int(min(int64(max), avail)))
	if err != nil {
		return "", false
	}
	return cString(b), true
}

// u16 and friends read little-endian integers at an RVA.
func (f *file) u32RVA(rva uint32) (uint32, error) {
	b, err := f.readRVA(rva, 4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func (f *file) ptrRVA(rva uint32) (uint64, error) {
	if !f.is64 {
		v, err := f.u32RVA(rva)
		return uint64(v), err
	}
	b, err := f.readRVA(rva, 8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

func (f *file) ptrSize() uint32 {
	if f.is64 {
		return 8
	}
	return 4
}

// cString cuts b at its first NUL.
func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// clean makes a name from the file safe to print: valid UTF-8, no control
// characters.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, s)
}

// utf16String decodes little-endian UTF-16 up to the first NUL.
func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return clean(string(utf16.Decode(u)))
}

// blockCache serves the many small reads of table walks from a few cached
// blocks, so a spilled file is not read with one syscall per name.
type blockCache struct {
	r     io.ReaderAt
	size  int64
	cache map[int64][]byte
	fifo  []int64
}

const (
	cacheBlock  = 16 << 10
	cacheBlocks = 32
)

func newBlockCache(r io.ReaderAt, size int64) *blockCache {
	return &blockCache{r: r, size: size, cache: make(map[int64][]byte, cacheBlocks)}
}

func (c *blockCache) block(i int64) ([]byte, error) {
	if b, ok := c.cache[i]; ok {
		return b, nil
	}
	off := i * cacheBlock
	n := min(int64(cacheBlock), c.size-off)
	if n <= 0 {
		return nil, io.EOF
	}
	b := make([]byte, n)
	if _, err := c.r.ReadAt(b, off); err != nil && !(errors.Is(err, io.EOF) && off+n == c.size) {
		return nil, err
	}
	if len(c.fifo) >= cacheBlocks {
		delete(c.cache, c.fifo[0])
		c.fifo = c.fifo[1:]
	}
	c.cache[i] = b
	c.fifo = append(c.fifo, i)
	return b, nil
}

// ReadAt copies from cached blocks; reads larger than a few blocks bypass
// the cache.
func (c *blockCache) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(p)) > c.size {
		return 0, errOutOfBounds
	}
	if len(p) > 4*cacheBlock {
		n, err := c.r.ReadAt(p, off)
		if n == len(p) {
			return n, nil
		}
		return n, err
	}
	done := 0
	for done < len(p) {
		pos := off + int64(done)
		b, err := c.block(pos / cacheBlock)
		if err != nil {
			return done, err
		}
		k := copy(p[done:], b[pos%cacheBlock:])
		if k == 0 {
			return done, io.ErrUnexpectedEOF
		}
		done += k
	}
	return done, nil
}
