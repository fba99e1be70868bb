// Package nsis reads Nullsoft Scriptable Install System (NSIS) installers,
// the default installer of electron-builder and of many Windows desktop apps.
//
// An NSIS installer is a PE stub followed, at a 512-byte aligned offset, by
// the "firstheader" (flags, 0xDEADBEEF, "NullsoftInst", header length,
// archive length), the compressed install script header, the data block and
// an optional CRC32. Compression is zlib (raw deflate), NSIS's own bzip2
// variant or LZMA, either per data block ("non-solid": each block is a
// 4-byte length whose high bit marks it compressed) or over the header and
// the whole data block at once ("solid": one stream of 4-byte length +
// bytes items). The method and mode are not recorded anywhere (they are
// compiled into the stub), so they are told from the first bytes after the
// firstheader, as NSIS readers do.
//
// Members are named after the script: the header's instructions are walked
// in order, SetOutPath (EW_CREATEDIR with its update flag) tracks the output
// directory and each File (EW_EXTRACTFILE) names the data block it extracts,
// e.g. "$INSTDIR/app.exe" or "$PLUGINSDIR/System.dll"; NSIS variables and
// shell folders are rendered by name. The uninstaller (EW_WRITEUNINSTALLER)
// is rebuilt as the installer writes it: the stub with the uninstaller icons
// patched in, followed by the uninstaller's own NSIS data. The decompressed
// header itself is the member "[NSIS].nsi-header.bin", the uninstaller icon
// patches "[NSIS].uninstaller-icons.bin", and every data block no
// instruction names (or all of them when the header cannot be parsed) is
// emitted as "[data]/<offset>", so nothing in the data block is hidden.
//
// Container Meta: "nsis.compression" (zlib, bzip2, lzma or none),
// "nsis.solid", "nsis.version_hint" (2 or 3), "nsis.unicode", "nsis.files"
// (File instructions found), "nsis.crc" (ok, bad or none) and
// "nsis.uninstaller" (the input is itself an uninstaller).
//
// # Security
//
// The firstheader is looked for only at 512-byte aligned offsets in the first
// 64 MiB (Match reads one offset for a makensis installer, but up to 64 MiB
// of a PE that is not one); Unpack takes the lowest, the one the stub runs.
// The archive length is checked against the input size, the header
// length is capped at 64 MiB before anything is allocated and must be met
// exactly, and every block table entry, string offset and instruction count
// is checked against the header before use. Strings are decoded up to 8 Ki
// characters, 16 Mi characters for all names, and never expanded
// recursively; the names found stop at the member bound. Data block lengths are checked
// against the data that is there (non-solid) or streamed, never allocated
// (solid); only a block shared by several File instructions in a solid
// stream is held in memory, up to 32 MiB, and a solid stream may expand to
// 256 MiB plus 1000 times its compressed size. LZMA dictionaries are capped at
// 128 MiB; bzip2 blocks are bounded by the 900 kB block size. Every loop
// advances by at least one instruction or four bytes of data and stops at
// the end of the header, the data, or the first error; skipping through a
// solid stream checks the context every MiB.
//
// # Limits
//
// NSIS's inflate ignores the NLEN check word of stored deflate blocks; Go's
// does not, so a block with a wrong NLEN (never written by makensis) fails
// to open here while the installer would still run. LZMA with the x86 BCJ
// filter flag (only the 7-Zip installer used it) is ErrUnsupported. The
// opcode numbers are those of official NSIS 2.26+ and 3; in forks that
// renumber the later ones (the "Park" Unicode NSIS 2) the uninstaller comes
// out as unnamed "[data]/<offset>" blocks.
package nsis

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
)

// Name is the format name.
const Name = "nsis"

const (
	fhSize       = 28       // firstheader
	fhAlign      = 512      // the firstheader sits at a multiple of this
	searchWindow = 64 << 20 // where the firstheader is looked for
	maxHeader    = 64 << 20 // decompressed script header
	maxShared    = 32 << 20 // solid block buffered for several names
	maxStub      = 16 << 20 // stub copied to rebuild the uninstaller
	maxIcons     = 1 << 20  // uninstaller icon patches

	flagUninstall = 1
	flagNoCRC     = 4
	flagsMask     = 15

	compressedBit = 0x80000000

	headerName = "[NSIS].nsi-header.bin"
	iconsName  = "[NSIS].uninstaller-icons.bin"
)

// fhSig is siginfo 0xDEADBEEF (little-endian) and "NullsoftInst".
var fhSig = []byte("\xef\xbe\xad\xdeNullsoftInst")

type unpacker struct{}

// New returns the NSIS unpacker.
func New() unpack.Unpacker { return unpacker{} }

func (unpacker) Name() string { return Name }

// Match accepts a PE ("MZ") that has a firstheader at an aligned offset:
// the end of the PE's last section first (where makensis puts it, so an
// installer costs one read), then every aligned offset of the first 64 MiB.
func (unpacker) Match(in *unpack.Input) bool {
	if _, ok := afterSections(in); ok {
		return true
	}
	_, ok := findFirstHeader(in)
	return ok
}

// locate returns the firstheader Unpack reads: the lowest aligned one, the
// one the NSIS stub itself finds (it reads itself from offset 0 in 512-byte
// steps), so a decoy appended after the real data cannot stand in for it.
func locate(in *unpack.Input) (int64, bool) {
	if off, ok := findFirstHeader(in); ok {
		return off, true
	}
	return afterSections(in)
}

// afterSections checks the first aligned offset after the PE's sections.
func afterSections(in *unpack.Input) (int64, bool) {
	if !bytes.HasPrefix(in.Head, []byte("MZ")) {
		return 0, false
	}
	end, ok := peEnd(in.Head)
	if !ok {
		return 0, false
	}
	var fh [fhSize]byte
	off := (end + fhAlign - 1) / fhAlign * fhAlign
	if off <= 0 || off > in.Size-fhSize {
		return 0, false
	}
	if _, err := in.R.ReadAt(fh[:], off); err != nil || !isFirstHeader(fh[:]) {
		return 0, false
	}
	return off, true
}

func isFirstHeader(b []byte) bool {
	return len(b) >= fhSize && binary.LittleEndian.Uint32(b)&^flagsMask == 0 && bytes.Equal(b[4:20], fhSig)
}

// findFirstHeader returns the lowest aligned firstheader in the first
// 64 MiB.
func findFirstHeader(in *unpack.Input) (int64, bool) {
	if !bytes.HasPrefix(in.Head, []byte("MZ")) || in.Size < fhAlign+fhSize {
		return 0, false
	}
	limit := min(in.Size, searchWindow)
	buf := make([]byte, 64<<10)
	for base := int64(0); base < limit; base += int64(len(buf)) {
		n, err := in.R.ReadAt(buf[:min(int64(len(buf)), in.Size-base)], base)
		if n <= 0 && err != nil {
			break
		}
		for i := 0; i+fhSize <= n; i += fhAlign {
			if base+int64(i) > 0 && isFirstHeader(buf[i:n]) {
				return base + int64(i), true
			}
		}
	}
	return 0, false
}

// peEnd returns where the raw data of the PE's last section ends, from the
// headers in head.
func peEnd(head []byte) (int64, bool) {
	if len(head) < 0x40 {
		return 0, false
	}
	pe := int(binary.LittleEndian.Uint32(head[0x3c:]))
	if pe < 0x40 || pe > len(head)-24 || !bytes.Equal(head[pe:pe+4], []byte("PE\x00\x00")) {
		return 0, false
	}
	nsec := int(binary.LittleEndian.Uint16(head[pe+6:]))
	opt := int(binary.LittleEndian.Uint16(head[pe+20:]))
	table := pe + 24 + opt
	if nsec == 0 || table+40*nsec > len(head) {
		return 0, false
	}
	var end int64
	for i := 0; i < nsec; i++ {
		s := head[table+40*i:]
		size := int64(binary.LittleEndian.Uint32(s[16:]))
		ptr := int64(binary.LittleEndian.Uint32(s[20:]))
		if size > 0 && ptr+size > end {
			end = ptr + size
		}
	}
	return end, end > 0
}

// archive is one opened installer.
type archive struct {
	in      *unpack.Input
	fhOff   int64 // firstheader offset = stub size
	flags   uint32
	hdrLen  int64
	dataEnd int64 // end of the data (before the CRC)
	method  method
	lzmaBCJ bool // LZMA streams start with a filter flag byte
	solid   bool

	header    []byte
	dataStart int64 // non-solid: file offset of data block offset 0
}

func (u unpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	fhOff, ok := locate(in)
	if !ok {
		return fmt.Errorf("nsis firstheader not found in %q: %w", in.Path, unpack.ErrCorrupt)
	}
	var fh [fhSize]byte
	if _, err := in.R.ReadAt(fh[:], fhOff); err != nil {
		return fmt.Errorf("read nsis firstheader of %q: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	a := &archive{
		in:     in,
		fhOff:  fhOff,
		flags:  binary.LittleEndian.Uint32(fh[0:]),
		hdrLen: int64(int32(binary.LittleEndian.Uint32(fh[20:]))),
	}
	arcLen := int64(binary.LittleEndian.Uint32(fh[24:]))
	if a.flags&flagUninstall != 0 {
		in.Meta["nsis.uninstaller"] = "true"
	}

	// A short archive is still read as far as it goes; the error is
	// returned at the end so the members before the cut count.
	var tailErr error
	end := fhOff + arcLen
	switch {
	case arcLen < fhSize:
		return fmt.Errorf("nsis archive length %d in %q: %w", arcLen, in.Path, unpack.ErrCorrupt)
	case end > in.Size:
		tailErr = fmt.Errorf("nsis archive of %q declares %d bytes, %d there: %w", in.Path, arcLen, in.Size-fhOff, unpack.ErrCorrupt)
		end = in.Size
		in.Meta["nsis.crc"] = "bad"
	case a.flags&flagNoCRC != 0:
		in.Meta["nsis.crc"] = "none"
	default:
		end -= 4
		in.Meta["nsis.crc"] = a.checkCRC(end)
	}
	a.dataEnd = end
	if a.hdrLen <= 0 {
		return fmt.Errorf("nsis header length %d in %q: %w", a.hdrLen, in.Path, unpack.ErrCorrupt)
	}
	if a.hdrLen > maxHeader {
		return fmt.Errorf("nsis header of %q is %d bytes, over the %d cap: %w", in.Path, a.hdrLen, maxHeader, unpack.ErrUnsupported)
	}

	var sig [12]byte
	n, _ := in.R.ReadAt(sig[:], fhOff+fhSize)
	a.detect(sig[:n])
	in.Meta["nsis.compression"] = a.method.String()
	in.Meta["nsis.solid"] = strconv.FormatBool(a.solid)

	var err error
	if a.solid {
		err = a.unpackSolid(ctx, emit)
	} else {
		err = a.unpackBlocks(ctx, emit)
	}
	if err != nil {
		return err
	}
	return tailErr
}

// checkCRC verifies the CRC32 that NSIS stores after the data. It covers the
// file from offset 512 (the first 512 bytes are read before the check
// starts) to the CRC itself.
func (a *archive) checkCRC(crcOff int64) string {
	var want [4]byte
	if crcOff < fhAlign || crcOff+4 > a.in.Size {
		return "bad"
	}
	if _, err := a.in.R.ReadAt(want[:], crcOff); err != nil {
		return "bad"
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(a.in.R, fhAlign, crcOff-fhAlign)); err != nil {
		return "bad"
	}
	if h.Sum32() != binary.LittleEndian.Uint32(want[:]) {
		return "bad"
	}
	return "ok"
}

// detect tells the compression method and mode from the bytes after the
// firstheader, the way NSIS readers (7-Zip's among them) do:
//
//	LL LL LL LL == header length    non-solid, header stored
//	[00|01] 5D 00 00 dd dd 00 ..    solid LZMA (optional filter flag byte)
//	LL LL LL 80 [00|01] 5D 00 00 …  non-solid LZMA
//	LL LL LL 80 31 tt (tt < 14)     non-solid bzip2
//	LL LL LL 80 …                   non-solid deflate
//	31 tt (tt < 14)                 solid bzip2
//	anything else                   solid deflate
//
// A bzip2 block starts with 0x31 and a 24-bit origPtr below 900010.
func (a *archive) detect(sig []byte) {
	a.method, a.solid = methodDeflate, true
	if len(sig) < 12 {
		sig = append(sig, make([]byte, 12-len(sig))...)
	}
	first := binary.LittleEndian.Uint32(sig)
	switch {
	case int64(first) == a.hdrLen:
		a.method, a.solid = methodNone, false
	case isLZMA(sig, &a.lzmaBCJ):
		a.method = methodLZMA
	case sig[3] == 0x80:
		a.solid = false
		switch {
		case isLZMA(sig[4:], &a.lzmaBCJ):
			a.method = methodLZMA
		case isBzip2(sig[4:]):
			a.method = methodBzip2
		}
	case isBzip2(sig):
		a.method = methodBzip2
	}
}

// isLZMA recognises NSIS's LZMA properties (lc=3 lp=0 pb=2, a dictionary
// under 16 MiB·256) followed by the range coder's first byte (always 0),
// optionally after a filter flag byte (0 none, 1 x86 BCJ).
func isLZMA(p []byte, flag *bool) bool {
	props := func(p []byte) bool {
		return len(p) >= 7 && p[0] == 0x5d && p[1] == 0 && p[2] == 0 && p[5] == 0 && p[6]&0x80 == 0
	}
	if props(p) {
		*flag = false
		return true
	}
	if len(p) > 0 && p[0] <= 1 && props(p[1:]) {
		*flag = true
		return true
	}
	return false
}

func isBzip2(p []byte) bool { return len(p) >= 2 && p[0] == 0x31 && p[1] < 14 }

// ref is one instruction that names a data block.
type ref struct {
	name  string
	kind  refKind
	mtime int64  // FILETIME, 0 when unknown
	size  int64  // icon patch size for an uninstaller
	icons []byte // refUninstData: the icon patches read before it
	stub  bool   // refUninstData: written after the patched stub
}

type refKind int

const (
	refFile refKind = iota
	refUninstIcons
	refUninstData
)

// emitter counts members against the bound and remembers which data blocks
// were named.
type emitter struct {
	in    *unpack.Input
	emit  unpack.Emit
	count int
}

func (e *emitter) send(m *unpack.Member) error {
	if e.in.MaxMembers > 0 && e.count >= e.in.MaxMembers {
		return &limits.Exceeded{Limit: "max-members", Value: int64(e.in.MaxMembers), Seen: int64(e.count + 1)}
	}
	e.count++
	return e.emit(m)
}

func (e *emitter) header(h []byte) error {
	return e.send(&unpack.Member{
		Name: headerName, Type: unpack.TypeFile, Size: int64(len(h)),
		Meta: map[string]string{"nsis.part": "header"},
		Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(h)), nil },
	})
}

// script parses the header into the names of data blocks; on failure the
// data blocks are still emitted, unnamed.
func (a *archive) script() (map[int64][]*ref, error) {
	s, err := parseHeader(a.header)
	if err != nil {
		return nil, err
	}
	a.in.Meta["nsis.unicode"] = strconv.FormatBool(s.unicode)
	a.in.Meta["nsis.version_hint"] = "3"
	if s.v2 {
		a.in.Meta["nsis.version_hint"] = "2"
	}
	refs, files, err := s.walk(a.in.MaxMembers)
	a.in.Meta["nsis.files"] = strconv.Itoa(files)
	return refs, err
}

func dataName(off int64) string { return "[data]/" + strconv.FormatInt(off, 10) }

// errWrap marks a read error of a member or stream as corruption, keeping
// the errors that already say what they are.
func errWrap(what string, err error) error {
	if errors.Is(err, unpack.ErrCorrupt) || errors.Is(err, unpack.ErrUnsupported) {
		return err
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%s: %v: %w", what, err, unpack.ErrCorrupt)
}

// errReader fails every read with err, wrapped as corruption.
type errReader struct {
	what string
	r    io.Reader
}

func (e errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		err = errWrap(e.what, err)
	}
	return n, err
}

// exactReader fails with io.ErrUnexpectedEOF (wrapped) when r ends before n
// bytes, so a short block is reported rather than silently cut.
type exactReader struct {
	what string
	r    io.Reader
	n    int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	n, err := e.r.Read(p)
	e.n -= int64(n)
	if err == io.EOF && e.n > 0 {
		err = io.ErrUnexpectedEOF
	}
	if err != nil && err != io.EOF {
		err = errWrap(e.what, err)
	}
	return n, err
}
