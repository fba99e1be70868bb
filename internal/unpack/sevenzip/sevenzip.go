// Package sevenzip reads 7z archives, including the app-64.7z that Electron
// installers carry inside their NSIS stub (LZMA2 with BCJ or BCJ2).
//
// Decoding is done by github.com/bodgit/sevenzip; listing is not trusted to
// it. That library sizes slices from header counts and indexes them with
// header values, so this package parses the header itself first, following
// the library's reading exactly, and only then hands the archive over.
//
// # Security
//
//   - The header must lie inside the input, is at most 32 MiB, and its CRC
//     must match before anything is parsed. A compressed ("encoded") header
//     is decompressed here with a 32 MiB cap before the library sees it.
//   - Every count that the library would allocate from is held to the bytes
//     left in the header, file counts also to Input.MaxMembers (at most
//     2^20; beyond it Unpack returns a *limits.Exceeded), coders and streams
//     per folder to 7-Zip's own bound of 64.
//   - Folders whose pack streams, bind pairs or stream indices point outside
//     their tables or the input, whose methods are unknown or encrypted, or
//     whose LZMA/LZMA2/PPMd dictionary would exceed 256 MiB, fail only
//     their own members' Open.
//   - Members are read in archive order through one cursor, so a solid block
//     is decompressed once, not once per member, and at most one folder
//     decoder is alive at a time. What the cursor decodes only to skip it
//     (members the engine did not read) is bounded by 200 times the
//     archive size (at least 64 MiB) and stops when ctx is done.
//   - The package registers its own LZMA2 (dictionary clamped to the stream
//     size) and zstd (single-threaded, bounded window) decoders with the
//     library, process-wide.
//   - Library panics are recovered at the boundary as a last resort.
package sevenzip

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"

	bsz "github.com/bodgit/sevenzip"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
)

// Name is the format name.
const Name = "7z"

const (
	sigHeaderLen = 32
	// maxHeader bounds the header, raw or decoded: 200 000 files with
	// long names fit in well under 32 MiB.
	maxHeader = 32 << 20
	// maxDict bounds what one decoder may allocate for its window.
	maxDict = 256 << 20
	// maxLinkTarget bounds a symlink member's target.
	maxLinkTarget = 4096
)

var magic = []byte("7z\xbc\xaf\x27\x1c")

type unpacker struct{}

// New returns the 7z unpacker.
func New() unpack.Unpacker { return unpacker{} }

func (unpacker) Name() string { return Name }

func (unpacker) Match(in *unpack.Input) bool { return bytes.HasPrefix(in.Head, magic) }

// archive is what readArchive learnt from the header.
type archive struct {
	h          *header
	folderErrs []error // per folder: why it cannot be decoded, or nil
	members    [][]int // per folder: indices of its files with data
	encrypted  bool
	solid      bool
}

func (unpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	registerDecoders()
	a, err := readArchive(in)
	if err != nil {
		var tm *tooMany
		if errors.As(err, &tm) {
			return &limits.Exceeded{Limit: "max-members", Value: int64(memberBound(in)), Seen: int64(tm.n)}
		}
		return err
	}
	if a == nil { // an empty archive
		in.Meta["7z.files"] = "0"
		return nil
	}
	in.Meta["7z.files"] = fmt.Sprint(len(a.h.files))
	in.Meta["7z.solid"] = fmt.Sprint(a.solid)
	in.Meta["7z.encrypted"] = fmt.Sprint(a.encrypted)
	if len(a.h.files) == 0 {
		return nil
	}
	z, err := newLibReader(in)
	if err != nil {
		return err
	}
	if len(z.File) != len(a.h.files) {
		return fmt.Errorf("sevenzip.NewReader(%q): %d files, header has %d: %w", in.Path, len(z.File), len(a.h.files), unpack.ErrCorrupt)
	}
	cur := &cursor{ctx: ctx, files: z.File, entries: a.h.files, members: a.members, budget: drainBudget(in.Size)}
	for i := range a.h.files {
		if err := ctx.Err(); err != nil {
			return err
		}
		fe, lf := &a.h.files[i], z.File[i]
		m := &unpack.Member{
			Name:    fe.name,
			Mode:    lf.Mode(),
			ModTime: lf.Modified,
		}
		dir := fe.emptyStream && !fe.emptyFile || lf.Mode().IsDir()
		switch {
		case dir:
			m.Type = unpack.TypeDir
		case lf.Mode()&fs.ModeSymlink != 0:
			m.Type = unpack.TypeSymlink
		case lf.Mode()&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0:
			m.Type = unpack.TypeOther
		default:
			m.Type = unpack.TypeFile
		}
		if fe.emptyStream {
			if m.Type == unpack.TypeFile {
				m.Open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(nil)), nil }
			}
		} else {
			m.Size = int64(fe.size)
			if fe.size > 1<<62 {
				m.Size = -1
			}
			ferr := a.folderErrs[fe.folder]
			m.Open = func() (io.ReadCloser, error) {
				if ferr != nil {
					return nil, fmt.Errorf("7z member %q: %w", fe.name, ferr)
				}
				return cur.open(i)
			}
			if m.Type == unpack.TypeSymlink {
				m.LinkTarget = readLink(m.Open)
			}
		}
		if err := emit(m); err != nil {
			return err
		}
	}
	return nil
}

// readArchive reads the signature header and the header, and checks them
// against everything the library would otherwise trust. It returns nil for
// an archive without a header (7-Zip's empty archive).
func readArchive(in *unpack.Input) (*archive, error) {
	var sh [sigHeaderLen]byte
	if _, err := in.R.ReadAt(sh[:], 0); err != nil {
		return nil, fmt.Errorf("7z signature header of %q: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	if !bytes.HasPrefix(sh[:], magic) {
		return nil, fmt.Errorf("7z signature of %q: %w", in.Path, unpack.ErrCorrupt)
	}
	if sh[6] != 0 {
		return nil, fmt.Errorf("7z format version %d.%d: %w", sh[6], sh[7], unpack.ErrUnsupported)
	}
	if crc32.ChecksumIEEE(sh[12:]) != binary.LittleEndian.Uint32(sh[8:]) {
		return nil, fmt.Errorf("7z start header of %q: checksum mismatch: %w", in.Path, unpack.ErrCorrupt)
	}
	off := binary.LittleEndian.Uint64(sh[12:])
	size := binary.LittleEndian.Uint64(sh[20:])
	wantCRC := binary.LittleEndian.Uint32(sh[28:])
	if off == 0 && size == 0 {
		return nil, nil
	}
	room := uint64(in.Size - sigHeaderLen)
	if in.Size < sigHeaderLen || off > room || size > room-off {
		return nil, fmt.Errorf("7z header of %q at %d+%d beyond the %d-byte input (truncated?): %w", in.Path, off, size, in.Size, unpack.ErrCorrupt)
	}
	if size > maxHeader {
		return nil, fmt.Errorf("7z header of %q is %d bytes, over the %d-byte bound: %w", in.Path, size, maxHeader, unpack.ErrUnsupported)
	}
	raw := make([]byte, size)
	if _, err := in.R.ReadAt(raw, int64(sigHeaderLen+off)); err != nil {
		return nil, fmt.Errorf("7z header of %q: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	if crc32.ChecksumIEEE(raw) != wantCRC {
		return nil, fmt.Errorf("7z header of %q: checksum mismatch: %w", in.Path, unpack.ErrCorrupt)
	}
	a := &archive{}
	p := &parser{b: raw, maxMembers: memberBound(in)}
	id, err := p.byte()
	if err != nil {
		return nil, headerErr(in, err)
	}
	switch id {
	case idHeader:
		if a.h, err = p.header(); err != nil {
			return nil, headerErr(in, err)
		}
		if p.left() != 0 {
			return nil, headerErr(in, p.fail("%d bytes after the header", p.left()))
		}
	case idEncodedHeader:
		si, err := p.streamsInfo()
		if err != nil {
			return nil, headerErr(in, err)
		}
		if p.left() != 0 {
			return nil, headerErr(in, p.fail("%d bytes after the header", p.left()))
		}
		if len(si.folders) != 1 {
			return nil, headerErr(in, fmt.Errorf("%w: encoded header in %d folders", errHeader, len(si.folders)))
		}
		if hasCoder(&si.folders[0], methodAES) {
			in.Meta["7z.encrypted"] = "true"
			return nil, fmt.Errorf("7z header of %q is encrypted: %w", in.Path, unpack.ErrUnsupported)
		}
		if err := si.checkFolders(off)[0]; err != nil {
			return nil, headerErr(in, err)
		}
		dec, err := decodeHeader(in, si)
		if err != nil {
			return nil, err
		}
		p = &parser{b: dec, maxMembers: memberBound(in)}
		if err := p.expect(idHeader); err != nil {
			return nil, headerErr(in, err)
		}
		if a.h, err = p.header(); err != nil {
			return nil, headerErr(in, err)
		}
	default:
		return nil, headerErr(in, p.fail("header starts with property 0x%02x", id))
	}
	if err := a.h.layout(); err != nil {
		return nil, headerErr(in, err)
	}
	if si := a.h.si; si != nil {
		a.members = make([][]int, len(si.folders))
		for i := range a.h.files {
			if fe := &a.h.files[i]; !fe.emptyStream {
				fe.pos = len(a.members[fe.folder])
				a.members[fe.folder] = append(a.members[fe.folder], i)
			}
		}
		a.folderErrs = si.checkFolders(off)
		for i := range si.folders {
			f := &si.folders[i]
			if a.folderErrs[i] != nil {
				a.folderErrs[i] = fmt.Errorf("%v: %w", a.folderErrs[i], unpack.ErrCorrupt)
			}
			if hasCoder(f, methodAES) {
				a.encrypted = true
				a.folderErrs[i] = fmt.Errorf("encrypted: %w", unpack.ErrUnsupported)
			}
			if a.folderErrs[i] == nil {
				a.folderErrs[i] = checkCoders(f)
			}
			if si.hasSub && si.numStreams[i] > 1 {
				a.solid = true
			}
		}
	}
	return a, nil
}

// memberBound is Input.MaxMembers, or 1<<20 when that is unset: the
// library spends a few hundred bytes per declared file up front.
func memberBound(in *unpack.Input) int {
	if in.MaxMembers <= 0 || in.MaxMembers > 1<<20 {
		return 1 << 20
	}
	return in.MaxMembers
}

func headerErr(in *unpack.Input, err error) error {
	if _, ok := err.(*tooMany); ok {
		return err
	}
	if errors.Is(err, errUnsupportedProperty) {
		return fmt.Errorf("7z header of %q: %v: %w", in.Path, err, unpack.ErrUnsupported)
	}
	return fmt.Errorf("7z header of %q: %v: %w", in.Path, err, unpack.ErrCorrupt)
}

// newLibReader opens the archive with the library, once readArchive has
// vouched for its header.
func newLibReader(in *unpack.Input) (z *bsz.Reader, err error) {
	defer recoverAs(&err, "sevenzip.NewReader")
	z, err = bsz.NewReader(in.R, in.Size)
	if err != nil {
		return nil, fmt.Errorf("sevenzip.NewReader(%q): %v: %w", in.Path, err, libErrKind(err))
	}
	return z, nil
}

// libErrKind classifies an error from the library.
func libErrKind(err error) error {
	var re *bsz.ReadError
	if errors.As(err, &re) && re.Encrypted {
		return unpack.ErrUnsupported
	}
	return unpack.ErrCorrupt
}

// catchPanics is switched off by the fuzz tests so that they see library
// panics instead of errors.
var catchPanics = true

func recoverAs(err *error, call string) {
	if !catchPanics {
		return
	}
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s panicked: %v: %w", call, r, unpack.ErrCorrupt)
	}
}

// cursor hands out member readers in archive order. In a solid folder the
// library can only reach a member by decoding everything before it: given
// a member to open, it takes a decoder left in its pool at a lower offset,
// or starts a new one, and silently decodes up to the member. The cursor
// keeps that work visible and bounded: it walks the folder itself, member
// by member, decoding (draining) what the engine skipped or left unread,
// checks ctx, and charges every drained byte to a budget. Handing the
// library each member at exactly the offset of the pooled decoder means the
// library never seeks on its own, and at most one decoder is alive.
type cursor struct {
	ctx     context.Context
	files   []*bsz.File
	entries []fileEntry
	members [][]int // per folder: indices of its files with data, in order
	budget  int64   // bytes that may still be drained

	rc     io.ReadCloser // library reader of members[folder][pos]
	folder int
	pos    int
	used   bool // rc was handed out and may have been read
}

// drainBudget is how much skipped data one archive may make us decode: the
// engine's default expansion ratio over the archive, at least 64 MiB.
func drainBudget(size int64) int64 {
	const ratio, floor = 200, 64 << 20
	if size > (1<<62)/ratio {
		return 1 << 62
	}
	return max(size*ratio, floor)
}

func (c *cursor) open(t int) (rc io.ReadCloser, err error) {
	defer recoverAs(&err, "sevenzip.File.Open")
	fe := &c.entries[t]
	list := c.members[fe.folder]
	target := fe.pos
	switch {
	case c.rc != nil && c.folder != fe.folder:
		// Leaving a folder: drop its decoder without pooling it.
		c.rc = nil
	case c.rc != nil && (c.pos > target || c.pos == target && c.used):
		// Going back (the engine opened a member twice): start over.
		c.rc = nil
	}
	if c.rc == nil {
		if err := c.libOpen(fe.folder, 0); err != nil {
			return nil, err
		}
	}
	for c.pos < target {
		skipped := &c.entries[list[c.pos]]
		n, err := c.drain()
		c.budget -= n
		if err != nil {
			c.rc = nil
			return nil, fmt.Errorf("7z member %q: decoding %q before it: %w", fe.name, skipped.name, err)
		}
		// At the member's end the library pools the decoder at exactly
		// the next member's offset, where libOpen finds it.
		_ = c.rc.Close()
		if err := c.libOpen(fe.folder, c.pos+1); err != nil {
			return nil, err
		}
	}
	c.used = true
	r := &memberReader{r: c.rc, fe: fe}
	if fe.hasCRC {
		r.h = crc32.NewIEEE()
	}
	return r, nil
}

func (c *cursor) libOpen(folder, pos int) error {
	i := c.members[folder][pos]
	c.rc = nil
	rc, err := c.files[i].Open()
	if err != nil {
		return fmt.Errorf("7z member %q: %v: %w", c.entries[i].name, err, libErrKind(err))
	}
	c.rc, c.folder, c.pos, c.used = decoderGuard{rc}, folder, pos, false
	return nil
}

// decoderGuard wraps the library's member reader. Compressed data cannot be
// checked before it is decoded, and the third-party decoders panic on some
// corrupt streams (PPMd divides by zero: testdata/fuzz/FuzzUnpack). That is
// damage to this member, never a crash, so this recover stays on even while
// fuzzing, for member reads and for draining skipped members alike; header
// parsing keeps catchPanics off there.
type decoderGuard struct{ io.ReadCloser }

func (g decoderGuard) Read(p []byte) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("decoder panicked: %v: %w", r, unpack.ErrCorrupt)
		}
	}()
	return g.ReadCloser.Read(p)
}

// drain reads the current member to its end, within the budget.
func (c *cursor) drain() (int64, error) {
	buf := make([]byte, 64<<10)
	var n int64
	for {
		if err := c.ctx.Err(); err != nil {
			return n, err
		}
		if n >= c.budget {
			return n, fmt.Errorf("skipping over %d decoded bytes of a solid block: %w", c.budget, unpack.ErrUnsupported)
		}
		k, err := c.rc.Read(buf[:min(int64(len(buf)), c.budget-n)])
		n += int64(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("%v: %w", err, libErrKind(err))
		}
	}
}

// memberReader reads one member, checks its CRC at the end, and leaves
// closing the library's reader to the cursor.
type memberReader struct {
	r  io.Reader
	fe *fileEntry
	h  hash.Hash32
	n  uint64
}

func (m *memberReader) Read(p []byte) (n int, err error) {
	defer recoverAs(&err, "sevenzip reader")
	n, err = m.r.Read(p)
	m.n += uint64(n)
	if m.h != nil {
		m.h.Write(p[:n])
	}
	switch {
	case err == io.EOF:
		if m.n != m.fe.size {
			return n, fmt.Errorf("7z member %q: %d of %d bytes: %w", m.fe.name, m.n, m.fe.size, unpack.ErrCorrupt)
		}
		if m.h != nil && m.h.Sum32() != m.fe.crc {
			return n, fmt.Errorf("7z member %q: CRC mismatch: %w", m.fe.name, unpack.ErrCorrupt)
		}
	case err != nil:
		return n, fmt.Errorf("7z member %q: %v: %w", m.fe.name, err, libErrKind(err))
	}
	return n, err
}

func (m *memberReader) Close() error { return nil }

// readLink reads a symlink's target, which 7z stores as the member's data.
func readLink(open func() (io.ReadCloser, error)) string {
	rc, err := open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := unpack.ReadAll(rc, maxLinkTarget)
	return string(b)
}
