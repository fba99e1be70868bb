package sevenzip

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file parses the 7z header a second time, before the library does.
// github.com/bodgit/sevenzip sizes its slices from header counts (up to
// 2^32 elements) and indexes them with header values, so a 30-byte header
// can make it allocate gigabytes or panic. The parser below follows the
// library's reading byte for byte — including where the library differs
// from 7zFormat.txt — so that both see the same structure, and rejects
// everything the library would over-allocate on or index out of range with.
// Only a header that passes is handed to the library.

// Property IDs of 7zFormat.txt.
const (
	idEnd                   = 0x00
	idHeader                = 0x01
	idArchiveProperties     = 0x02
	idAdditionalStreamsInfo = 0x03
	idMainStreamsInfo       = 0x04
	idFilesInfo             = 0x05
	idPackInfo              = 0x06
	idUnpackInfo            = 0x07
	idSubStreamsInfo        = 0x08
	idSize                  = 0x09
	idCRC                   = 0x0a
	idFolder                = 0x0b
	idCodersUnpackSize      = 0x0c
	idNumUnpackStream       = 0x0d
	idEmptyStream           = 0x0e
	idEmptyFile             = 0x0f
	idName                  = 0x11
	idCTime                 = 0x12
	idATime                 = 0x13
	idMTime                 = 0x14
	idWinAttributes         = 0x15
	idEncodedHeader         = 0x17
	idStartPos              = 0x18
	idDummy                 = 0x19
)

// 7-Zip's own bounds on a folder (k_NumCodersStreams_in_Folder_MAX); real
// archives use at most four coders (BCJ2 and three LZMA streams).
const (
	maxCoders  = 64
	maxStreams = 64
	// maxNameBytes mirrors the library's bufio.Scanner token limit.
	maxNameBytes = 64 << 10
)

var errHeader = errors.New("7z header")

type coder struct {
	id      []byte
	in, out uint64
	props   []byte
}

type bindPair struct{ in, out uint64 }

type folder struct {
	coders        []coder
	in, out       uint64
	bind          []bindPair
	packedStreams uint64
	packed        []uint64 // input stream index of each packed stream
	sizes         []uint64 // one per coder output stream
	crc           uint32
	hasCRC        bool
	hasCRCTable   bool
}

type streamsInfo struct {
	hasPack   bool
	packPos   uint64
	packSizes []uint64 // nil when the kSize record is missing

	hasUnpack bool
	folders   []folder

	hasSub     bool
	numStreams []uint64 // files in each folder
	subSizes   []uint64 // nil when the kSize record is missing
	subCRC     []uint32 // nil when the kCRC record is missing
	subCRCDef  []bool
}

type fileEntry struct {
	name        string
	emptyStream bool
	emptyFile   bool
	attr        uint32
	// Filled in by layout for files with data.
	folder int
	pos    int // index among the folder's files with data
	size   uint64
	crc    uint32
	hasCRC bool
}

type header struct {
	si    *streamsInfo
	files []fileEntry
	// hasFiles tells an absent FilesInfo record from an empty one.
	hasFiles bool
}

// parser reads one header held in memory.
type parser struct {
	b          []byte
	off        int
	maxMembers int
}

func (p *parser) fail(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: "+format, append([]any{errHeader, p.off}, args...)...)
}

func (p *parser) left() int { return len(p.b) - p.off }

func (p *parser) byte() (byte, error) {
	if p.off >= len(p.b) {
		return 0, p.fail("truncated")
	}
	c := p.b[p.off]
	p.off++
	return c, nil
}

func (p *parser) bytes(n uint64) ([]byte, error) {
	if n > uint64(p.left()) {
		return nil, p.fail("%d bytes wanted, %d left", n, p.left())
	}
	b := p.b[p.off : p.off+int(n)]
	p.off += int(n)
	return b, nil
}

func (p *parser) uint32() (uint32, error) {
	b, err := p.bytes(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

// number reads 7z's variable-length integer: the count of leading one bits
// of the first byte is the count of extra little-endian bytes.
func (p *parser) number() (uint64, error) {
	first, err := p.byte()
	if err != nil {
		return 0, err
	}
	var v uint64
	mask := byte(0x80)
	for i := 0; i < 8; i++ {
		if first&mask == 0 {
			return v | uint64(first&(mask-1))<<(8*i), nil
		}
		c, err := p.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c) << (8 * i)
		mask >>= 1
	}
	return v, nil
}

// count reads a number the library uses as a slice length: it accepts at
// most math.MaxUint32 (and no zero when nonZero). max is our tighter bound.
func (p *parser) count(what string, nonZero bool, max uint64) (uint64, error) {
	v, err := p.number()
	if err != nil {
		return 0, err
	}
	if nonZero && v == 0 {
		return 0, p.fail("%s is zero", what)
	}
	if v > math.MaxUint32 || v > max {
		return 0, p.fail("%s %d over bound %d", what, v, max)
	}
	return v, nil
}

// bits reads n bits, most significant first, as the library's readBool.
func (p *parser) bits(n uint64) ([]bool, error) {
	if n == 0 {
		return nil, p.fail("empty bit vector")
	}
	if (n+7)/8 > uint64(p.left()) {
		return nil, p.fail("bit vector of %d bits truncated", n)
	}
	v := make([]bool, n)
	for i := range v {
		v[i] = p.b[p.off+i/8]&(0x80>>(i%8)) != 0
	}
	p.off += int((n + 7) / 8)
	return v, nil
}

// optionalBits is a bit vector preceded by an "all defined" byte.
// inline reads the "external" byte before inline data and refuses data
// kept elsewhere in the archive, which the library does not read.
func (p *parser) inline(what string) error {
	external, err := p.byte()
	if err != nil {
		return err
	}
	if external != 0 {
		return p.fail("external %s", what)
	}
	return nil
}

func (p *parser) optionalBits(n uint64) ([]bool, error) {
	if n == 0 {
		return nil, p.fail("empty bit vector")
	}
	all, err := p.byte()
	if err != nil {
		return nil, err
	}
	if all == 0 {
		return p.bits(n)
	}
	// The library allocates n bools here before reading anything more:
	// only accept counts that the rest of the record can back.
	if n > uint64(p.left())+1 {
		return nil, p.fail("%d defined flags with %d bytes left", n, p.left())
	}
	v := make([]bool, n)
	for i := range v {
		v[i] = true
	}
	return v, nil
}

// digests reads a CRC vector; the result has n entries, 0 when undefined.
func (p *parser) digests(n uint64) ([]uint32, []bool, error) {
	defined, err := p.optionalBits(n)
	if err != nil {
		return nil, nil, err
	}
	crc := make([]uint32, n)
	for i, d := range defined {
		if d {
			if crc[i], err = p.uint32(); err != nil {
				return nil, nil, err
			}
		}
	}
	return crc, defined, nil
}

func (p *parser) expect(want byte) error {
	id, err := p.byte()
	if err != nil {
		return err
	}
	if id != want {
		return p.fail("property 0x%02x, want 0x%02x", id, want)
	}
	return nil
}

func (p *parser) packInfo(si *streamsInfo) error {
	var err error
	si.hasPack = true
	if si.packPos, err = p.number(); err != nil {
		return err
	}
	// Each pack stream needs at least a size byte.
	n, err := p.count("pack stream count", true, uint64(p.left()))
	if err != nil {
		return err
	}
	id, err := p.byte()
	if err != nil {
		return err
	}
	if id == idSize {
		si.packSizes = make([]uint64, n)
		for i := range si.packSizes {
			if si.packSizes[i], err = p.number(); err != nil {
				return err
			}
		}
		if id, err = p.byte(); err != nil {
			return err
		}
	}
	if id == idCRC {
		if _, _, err = p.digests(n); err != nil {
			return err
		}
		if id, err = p.byte(); err != nil {
			return err
		}
	}
	if id != idEnd {
		return p.fail("property 0x%02x in pack info", id)
	}
	return nil
}

func (p *parser) coder() (coder, error) {
	var c coder
	flags, err := p.byte()
	if err != nil {
		return c, err
	}
	if c.id, err = p.bytes(uint64(flags & 0x0f)); err != nil {
		return c, err
	}
	c.in, c.out = 1, 1
	if flags&0x10 != 0 {
		if c.in, err = p.count("coder input streams", true, maxStreams); err != nil {
			return c, err
		}
		if c.out, err = p.count("coder output streams", true, maxStreams); err != nil {
			return c, err
		}
	}
	if flags&0x20 != 0 {
		n, err := p.count("coder properties size", true, uint64(p.left()))
		if err != nil {
			return c, err
		}
		if c.props, err = p.bytes(n); err != nil {
			return c, err
		}
	}
	// Bit 0x80 (alternative methods) is ignored, as the library does.
	return c, nil
}

func (p *parser) folder() (folder, error) {
	var f folder
	n, err := p.count("coder count", true, maxCoders)
	if err != nil {
		return f, err
	}
	for range n {
		c, err := p.coder()
		if err != nil {
			return f, err
		}
		f.coders = append(f.coders, c)
		f.in += c.in
		f.out += c.out
	}
	if f.in > maxStreams || f.out > maxStreams {
		return f, p.fail("folder with %d inputs and %d outputs", f.in, f.out)
	}
	if f.in < f.out {
		return f, p.fail("folder with fewer inputs than outputs")
	}
	for range f.out - 1 {
		in, err := p.count("bind pair input", false, math.MaxUint32)
		if err != nil {
			return f, err
		}
		out, err := p.count("bind pair output", false, math.MaxUint32)
		if err != nil {
			return f, err
		}
		f.bind = append(f.bind, bindPair{in, out})
	}
	f.packedStreams = f.in - (f.out - 1)
	if f.packedStreams == 1 {
		for i := uint64(0); i < f.in; i++ {
			if f.findIn(i) < 0 {
				f.packed = append(f.packed, i)
			}
		}
	} else {
		f.packed = make([]uint64, f.packedStreams)
		for i := range f.packed {
			if f.packed[i], err = p.number(); err != nil {
				return f, err
			}
		}
	}
	return f, nil
}

func (f *folder) findIn(i uint64) int {
	for k, b := range f.bind {
		if b.in == i {
			return k
		}
	}
	return -1
}

func (f *folder) findOut(i uint64) int {
	for k, b := range f.bind {
		if b.out == i {
			return k
		}
	}
	return -1
}

// unpackSize is the size of the folder's unbound output, as the library
// computes it.
func (f *folder) unpackSize() uint64 {
	if len(f.sizes) == 0 {
		return 0
	}
	for i := len(f.sizes) - 1; i >= 0; i-- {
		if f.findOut(uint64(i)) < 0 {
			return f.sizes[i]
		}
	}
	return f.sizes[len(f.sizes)-1]
}

func (p *parser) unpackInfo(si *streamsInfo) error {
	si.hasUnpack = true
	if err := p.expect(idFolder); err != nil {
		return err
	}
	// A folder takes at least two bytes.
	n, err := p.count("folder count", true, uint64(p.left()))
	if err != nil {
		return err
	}
	if err := p.inline("folders"); err != nil {
		return err
	}
	for range n {
		f, err := p.folder()
		if err != nil {
			return err
		}
		si.folders = append(si.folders, f)
	}
	if err := p.expect(idCodersUnpackSize); err != nil {
		return err
	}
	for i := range si.folders {
		f := &si.folders[i]
		f.sizes = make([]uint64, f.out)
		for k := range f.sizes {
			if f.sizes[k], err = p.number(); err != nil {
				return err
			}
		}
	}
	id, err := p.byte()
	if err != nil {
		return err
	}
	if id == idCRC {
		crc, defined, err := p.digests(n)
		if err != nil {
			return err
		}
		for i := range si.folders {
			si.folders[i].crc, si.folders[i].hasCRC = crc[i], defined[i]
			si.folders[i].hasCRCTable = true
		}
		if id, err = p.byte(); err != nil {
			return err
		}
	}
	if id != idEnd {
		return p.fail("property 0x%02x in unpack info", id)
	}
	return nil
}

func (p *parser) subStreamsInfo(si *streamsInfo) error {
	si.hasSub = true
	id, err := p.byte()
	if err != nil {
		return err
	}
	si.numStreams = make([]uint64, len(si.folders))
	var total uint64
	for i := range si.numStreams {
		si.numStreams[i] = 1
	}
	if id == idNumUnpackStream {
		for i := range si.numStreams {
			// The library sums these without overflow checks; keep each
			// one small so the sum it computes is the true sum.
			if si.numStreams[i], err = p.count("streams in folder", false, math.MaxUint32); err != nil {
				return err
			}
		}
		if id, err = p.byte(); err != nil {
			return err
		}
	}
	for _, n := range si.numStreams {
		total += n
	}
	if total > math.MaxUint32 {
		return p.fail("%d streams", total)
	}
	if p.maxMembers > 0 && total > uint64(p.maxMembers) {
		return &tooMany{total}
	}
	if total > uint64(p.left())+uint64(len(si.folders)) {
		return p.fail("%d streams with %d bytes left", total, p.left())
	}
	if id == idSize {
		si.subSizes = make([]uint64, total)
		k := 0
		for i, n := range si.numStreams {
			if n == 0 {
				continue
			}
			var sum uint64
			for j := uint64(1); j < n; j++ {
				if si.subSizes[k], err = p.number(); err != nil {
					return err
				}
				if sum+si.subSizes[k] < sum {
					return p.fail("stream sizes overflow")
				}
				sum += si.subSizes[k]
				k++
			}
			us := si.folders[i].unpackSize()
			if sum > us {
				return p.fail("streams of folder %d larger than the folder", i)
			}
			si.subSizes[k] = us - sum
			k++
		}
		if id, err = p.byte(); err != nil {
			return err
		}
	} else {
		for i, n := range si.numStreams {
			if n > 1 {
				// The library would index a missing size table.
				return p.fail("folder %d has %d streams and no sizes", i, n)
			}
		}
	}
	if id == idCRC {
		if total == 0 {
			return p.fail("digests for no streams")
		}
		if si.subCRC, si.subCRCDef, err = p.digests(total); err != nil {
			return err
		}
		if id, err = p.byte(); err != nil {
			return err
		}
	}
	if id != idEnd {
		return p.fail("property 0x%02x in substreams info", id)
	}
	return nil
}

func (p *parser) streamsInfo() (*streamsInfo, error) {
	si := &streamsInfo{}
	id, err := p.byte()
	if err != nil {
		return nil, err
	}
	if id == idPackInfo {
		if err := p.packInfo(si); err != nil {
			return nil, err
		}
		if id, err = p.byte(); err != nil {
			return nil, err
		}
	}
	if id == idUnpackInfo {
		if err := p.unpackInfo(si); err != nil {
			return nil, err
		}
		if id, err = p.byte(); err != nil {
			return nil, err
		}
	}
	if id == idSubStreamsInfo {
		if !si.hasUnpack {
			return nil, p.fail("substreams without unpack info")
		}
		if err := p.subStreamsInfo(si); err != nil {
			return nil, err
		}
		if id, err = p.byte(); err != nil {
			return nil, err
		}
	}
	if id != idEnd {
		return nil, p.fail("property 0x%02x in streams info", id)
	}
	return si, nil
}

// times skips a time vector (8 bytes per defined entry).
func (p *parser) skipVector(n uint64, width uint64) error {
	defined, err := p.optionalBits(n)
	if err != nil {
		return err
	}
	if err := p.inline("vector"); err != nil {
		return err
	}
	for _, d := range defined {
		if d {
			if _, err := p.bytes(width); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *parser) filesInfo(h *header) error {
	h.hasFiles = true
	// Each file costs the library a few hundred bytes before anything else
	// is read, so the count is held to the member bound and to the header.
	n, err := p.number()
	if err != nil {
		return err
	}
	if n == 0 || n > math.MaxUint32 {
		return p.fail("file count %d", n)
	}
	if p.maxMembers > 0 && n > uint64(p.maxMembers) {
		return &tooMany{n}
	}
	if n > uint64(p.left()) {
		return p.fail("%d files with %d bytes left", n, p.left())
	}
	h.files = make([]fileEntry, n)
	var emptyStreams uint64
	for {
		prop, err := p.byte()
		if err != nil {
			return err
		}
		if prop == idEnd {
			return nil
		}
		length, err := p.number()
		if err != nil {
			return err
		}
		switch prop {
		case idEmptyStream:
			v, err := p.bits(n)
			if err != nil {
				return err
			}
			for i, e := range v {
				h.files[i].emptyStream = e
				if e {
					emptyStreams++
				}
			}
		case idEmptyFile:
			v, err := p.bits(emptyStreams)
			if err != nil {
				return err
			}
			j := 0
			for i := range h.files {
				if h.files[i].emptyStream {
					h.files[i].emptyFile = v[j]
					j++
				}
			}
		case idCTime, idATime, idMTime:
			if err := p.skipVector(n, 8); err != nil {
				return err
			}
		case idName:
			if err := p.names(h, length); err != nil {
				return err
			}
		case idWinAttributes:
			defined, err := p.optionalBits(n)
			if err != nil {
				return err
			}
			if err := p.inline("attributes"); err != nil {
				return err
			}
			for i, d := range defined {
				if d {
					if h.files[i].attr, err = p.uint32(); err != nil {
						return err
					}
				}
			}
		case idDummy:
			// The library skips int64(length) bytes, nothing when negative.
			if int64(length) > 0 {
				if _, err := p.bytes(length); err != nil {
					return err
				}
			}
		case idStartPos:
			return p.fail("start positions: %w", errUnsupportedProperty)
		default:
			return p.fail("file property 0x%02x: %w", prop, errUnsupportedProperty)
		}
	}
}

var errUnsupportedProperty = errors.New("property the reader does not support")

// names reads the UTF-16LE, NUL-terminated names. The library reads
// length-1 bytes after the "external" byte (nothing when that is negative).
func (p *parser) names(h *header, length uint64) error {
	if err := p.inline("names"); err != nil {
		return err
	}
	n := int64(length - 1)
	if n < 0 {
		n = 0
	}
	if n > int64(p.left()) {
		n = int64(p.left())
	}
	raw, _ := p.bytes(uint64(n))
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(raw[2*i:])
	}
	s := string(utf16.Decode(u))
	if len(raw)%2 == 1 {
		s += string(utf8.RuneError)
	}
	parts := strings.Split(s, "\x00")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) != len(h.files) {
		return p.fail("%d names for %d files", len(parts), len(h.files))
	}
	for i, name := range parts {
		if len(name) >= maxNameBytes {
			return p.fail("name of %d bytes", len(name))
		}
		h.files[i].name = name
	}
	return nil
}

func (p *parser) header() (*header, error) {
	h := &header{}
	id, err := p.byte()
	if err != nil {
		return nil, err
	}
	switch id {
	case idArchiveProperties:
		return nil, p.fail("archive properties: %w", errUnsupportedProperty)
	case idAdditionalStreamsInfo:
		return nil, p.fail("additional streams: %w", errUnsupportedProperty)
	}
	if id == idMainStreamsInfo {
		if h.si, err = p.streamsInfo(); err != nil {
			return nil, err
		}
		if id, err = p.byte(); err != nil {
			return nil, err
		}
	}
	if id == idFilesInfo {
		if err := p.filesInfo(h); err != nil {
			return nil, err
		}
		if id, err = p.byte(); err != nil {
			return nil, err
		}
	}
	if id != idEnd {
		return nil, p.fail("property 0x%02x in header", id)
	}
	return h, nil
}

// tooMany reports a declared member count over Input.MaxMembers.
type tooMany struct{ n uint64 }

func (e *tooMany) Error() string { return fmt.Sprintf("header declares %d members", e.n) }

// checkFolders checks what the library indexes when it builds a folder's
// decoder: pack sizes, bind pairs and packed-stream indices. It returns
// one error per folder (nil when the folder can be decoded), since a bad
// folder should only fail its own members. packLimit is the length of the
// packed-data area between the signature header and the header.
func (si *streamsInfo) checkFolders(packLimit uint64) []error {
	errs := make([]error, len(si.folders))
	// The library places folder i after the first sum(packedStreams) pack
	// streams of the folders before it, then reads len(packed) streams
	// counted the same way; both must stay inside the pack table.
	var before, lenBefore uint64
	for i := range si.folders {
		f := &si.folders[i]
		start, lstart := before, lenBefore
		before += f.packedStreams
		lenBefore += uint64(len(f.packed))
		switch {
		case !si.hasPack || si.packSizes == nil:
			errs[i] = fmt.Errorf("%w: folder %d without pack sizes", errHeader, i)
			continue
		case before > uint64(len(si.packSizes)) || lenBefore > uint64(len(si.packSizes)):
			errs[i] = fmt.Errorf("%w: folder %d: pack streams beyond the pack table", errHeader, i)
			continue
		}
		end := si.packPos
		for _, s := range si.packSizes[:start] {
			end = addCap(end, s)
		}
		for _, s := range si.packSizes[lstart:lenBefore] {
			end = addCap(end, s)
		}
		if end > packLimit {
			errs[i] = fmt.Errorf("%w: folder %d: packed data beyond the archive", errHeader, i)
			continue
		}
		for _, b := range f.bind {
			if b.in >= f.in || b.out >= f.out {
				errs[i] = fmt.Errorf("%w: folder %d: bind pair out of range", errHeader, i)
				break
			}
		}
		for _, in := range f.packed {
			if in >= f.in {
				errs[i] = fmt.Errorf("%w: folder %d: packed stream index out of range", errHeader, i)
				break
			}
		}
	}
	return errs
}

// addCap adds without wrapping around.
func addCap(a, b uint64) uint64 {
	if a+b < a {
		return math.MaxUint64
	}
	return a + b
}

// layout assigns each file with data its folder and size the way the
// library's FileFolderAndSize does, after checking it cannot index out of
// range.
func (h *header) layout() error {
	var withData uint64
	for i := range h.files {
		switch fe := &h.files[i]; {
		case fe.emptyFile && !fe.emptyStream:
			// Possible with two EmptyStream records; the library would
			// then count this file in one loop and not in another.
			return fmt.Errorf("%w: file %d is an empty file with a stream", errHeader, i)
		case !fe.emptyStream:
			withData++
		}
	}
	if withData == 0 {
		return nil
	}
	si := h.si
	if si == nil || !si.hasUnpack || len(si.folders) == 0 {
		return fmt.Errorf("%w: %d files with data but no folders", errHeader, withData)
	}
	if si.hasSub {
		var total uint64
		for _, n := range si.numStreams {
			total += n
		}
		if total != withData {
			return fmt.Errorf("%w: %d streams for %d files with data", errHeader, total, withData)
		}
	} else if withData != 1 || len(si.folders) != 1 {
		// Without substreams the library puts every file in folder 0.
		return fmt.Errorf("%w: %d files in %d folders without substreams info", errHeader, withData, len(si.folders))
	}
	j := uint64(0)
	for i := range h.files {
		fe := &h.files[i]
		if fe.emptyStream {
			continue
		}
		folderIdx, streams := 0, uint64(1)
		if si.hasSub {
			var total uint64
			for folderIdx = range si.numStreams {
				streams = si.numStreams[folderIdx]
				total += streams
				if j < total {
					break
				}
			}
		}
		fe.folder = folderIdx
		if si.subCRC != nil {
			fe.crc, fe.hasCRC = si.subCRC[j], si.subCRCDef[j]
		}
		if streams == 1 {
			f := &si.folders[folderIdx]
			fe.size = f.sizes[len(f.coders)-1]
			if f.hasCRCTable {
				fe.crc, fe.hasCRC = f.crc, f.hasCRC
			}
		} else {
			fe.size = si.subSizes[j]
		}
		j++
	}
	return nil
}
