package nsis

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// unpackBlocks reads a non-solid installer: the header block, then the data
// blocks one after the other, each on its own.
func (a *archive) unpackBlocks(ctx context.Context, emit unpack.Emit) error {
	e := &emitter{in: a.in, emit: emit}
	a.dataStart = a.fhOff + fhSize // the header block is "block 0" here
	pos, n, compressed, err := a.block(0)
	if err != nil {
		return fmt.Errorf("nsis header block of %q: %w", a.in.Path, err)
	}
	a.dataStart = pos + 4 + n

	var firstErr error
	keep := func(err error) {
		if firstErr == nil {
			firstErr = err
		}
	}
	var refs map[int64][]*ref
	if h, err := a.readHeaderBlock(pos, n, compressed); err != nil {
		keep(fmt.Errorf("nsis header of %q: %w", a.in.Path, err))
	} else {
		a.header = h
		if err := e.header(h); err != nil {
			return err
		}
		if refs, err = a.script(); err != nil {
			keep(fmt.Errorf("nsis script of %q: %w", a.in.Path, err))
		}
	}
	if refs == nil {
		refs = map[int64][]*ref{}
	}

	visited := map[int64]bool{}
	for off := int64(0); a.dataStart+off < a.dataEnd; {
		if err := ctx.Err(); err != nil {
			return err
		}
		pos, n, compressed, err := a.block(off)
		if err != nil {
			keep(fmt.Errorf("nsis data block at offset %d of %q: %w", off, a.in.Path, err))
			break
		}
		visited[off] = true
		if err := a.emitItem(e, refs, off, a.blockSize(n, compressed), off+4+n, a.blockOpener(pos, n, compressed)); err != nil {
			return err
		}
		off += 4 + n
	}

	// Blocks named by the script that the walk did not reach (a broken
	// chain, or a lying offset) are still tried on their own.
	err = a.unvisited(ctx, refs, visited, func(off int64) error {
		pos, n, compressed, err := a.block(off)
		if err != nil {
			bad := fmt.Errorf("nsis data block at offset %d of %q: %w", off, a.in.Path, err)
			return a.emitItem(e, refs, off, -1, -1, failOpener(bad))
		}
		return a.emitItem(e, refs, off, a.blockSize(n, compressed), off+4+n, a.blockOpener(pos, n, compressed))
	})
	if err != nil {
		return err
	}
	return firstErr
}

// unvisited calls do, in offset order, for every named data offset the walk
// did not reach, again for those that emitting adds (an uninstaller's data
// follows its icons), until none is left.
func (a *archive) unvisited(ctx context.Context, refs map[int64][]*ref, visited map[int64]bool, do func(off int64) error) error {
	for {
		var todo []int64
		for off := range refs {
			if !visited[off] {
				todo = append(todo, off)
			}
		}
		if len(todo) == 0 {
			return nil
		}
		slices.Sort(todo)
		for _, off := range todo {
			if err := ctx.Err(); err != nil {
				return err
			}
			visited[off] = true
			if err := do(off); err != nil {
				return err
			}
		}
	}
}

// block reads the length word of the non-solid data block at off and checks
// that the block fits the data.
func (a *archive) block(off int64) (pos, n int64, compressed bool, err error) {
	pos = a.dataStart + off
	if off < 0 || pos > a.dataEnd-4 {
		return 0, 0, false, fmt.Errorf("length word past the end of the data: %w", unpack.ErrCorrupt)
	}
	var b [4]byte
	if _, err := a.in.R.ReadAt(b[:], pos); err != nil {
		return 0, 0, false, errWrap("read block length", err)
	}
	l := binary.LittleEndian.Uint32(b[:])
	n = int64(l &^ compressedBit)
	if n > a.dataEnd-pos-4 {
		return 0, 0, false, fmt.Errorf("block of %d bytes, %d left: %w", n, a.dataEnd-pos-4, unpack.ErrCorrupt)
	}
	return pos, n, l&compressedBit != 0, nil
}

func (a *archive) blockSize(n int64, compressed bool) int64 {
	if compressed {
		return -1
	}
	return n
}

// blockOpener opens a non-solid block; it may be called any number of
// times.
func (a *archive) blockOpener(pos, n int64, compressed bool) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		sr := io.NewSectionReader(a.in.R, pos+4, n)
		if !compressed {
			return io.NopCloser(sr), nil
		}
		m, bcj := a.method, a.lzmaBCJ
		if m == methodNone {
			var p [8]byte
			k, _ := sr.ReadAt(p[:], 0)
			m, bcj = sniff(p[:k])
		}
		what := "nsis " + m.String() + " block at " + strconv.FormatInt(pos-a.dataStart, 10)
		d, err := newDecoder(m, bcj, sr)
		if err != nil {
			return nil, errWrap(what, err)
		}
		return io.NopCloser(errReader{what: what, r: d}), nil
	}
}

func failOpener(err error) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return nil, err }
}

func (a *archive) readHeaderBlock(pos, n int64, compressed bool) ([]byte, error) {
	if !compressed && n != a.hdrLen {
		return nil, fmt.Errorf("stored header of %d bytes, firstheader says %d: %w", n, a.hdrLen, unpack.ErrCorrupt)
	}
	rc, err := a.blockOpener(pos, n, compressed)()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readHeader(rc, a.hdrLen)
}

// readHeader reads exactly n header bytes; the buffer grows with what the
// stream really yields rather than with what the firstheader claims.
func readHeader(r io.Reader, n int64) ([]byte, error) {
	h, err := unpack.ReadAll(io.LimitReader(r, n), n)
	if err != nil {
		return nil, errWrap("read header", err)
	}
	if int64(len(h)) != n {
		return nil, fmt.Errorf("header is %d bytes, firstheader says %d: %w", len(h), n, unpack.ErrCorrupt)
	}
	return h, nil
}

// unpackSolid reads a solid installer: one stream holding the header and
// then the data block, both as items of a 4-byte length and the bytes.
func (a *archive) unpackSolid(ctx context.Context, emit unpack.Emit) error {
	e := &emitter{in: a.in, emit: emit}
	start := a.fhOff + fhSize
	what := "nsis " + a.method.String() + " stream of " + strconv.Quote(a.in.Path)
	d, err := newDecoder(a.method, a.lzmaBCJ, io.NewSectionReader(a.in.R, start, a.dataEnd-start))
	if err != nil {
		return errWrap(what, err)
	}
	limit := int64(maxSolidFloor) + maxSolidRatio*(a.dataEnd-start)
	br := bufio.NewReaderSize(&capReader{r: errReader{what: what, r: d}, left: limit, max: limit, what: what}, 64<<10)

	var lb [4]byte
	if _, err := io.ReadFull(br, lb[:]); err != nil {
		return errWrap(what, err)
	}
	if l := int64(binary.LittleEndian.Uint32(lb[:])); l != a.hdrLen {
		return fmt.Errorf("%s: header item of %d bytes, firstheader says %d: %w", what, l, a.hdrLen, unpack.ErrCorrupt)
	}
	h, err := readHeader(br, a.hdrLen)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	a.header = h
	if err := e.header(h); err != nil {
		return err
	}
	var firstErr error
	refs, err := a.script()
	if err != nil {
		firstErr = fmt.Errorf("nsis script of %q: %w", a.in.Path, err)
	}
	if refs == nil {
		refs = map[int64][]*ref{}
	}

	visited := map[int64]bool{}
	for off := int64(0); ; {
		if err := ctx.Err(); err != nil {
			return err
		}
		k, err := io.ReadFull(br, lb[:])
		if k == 0 && err == io.EOF {
			break // the stream ends between items
		}
		if err != nil {
			if firstErr == nil {
				firstErr = errWrap(what+": item length at data offset "+strconv.FormatInt(off, 10), err)
			}
			break
		}
		l := int64(binary.LittleEndian.Uint32(lb[:]))
		visited[off] = true
		item := &exactReader{what: what, r: br, n: l}
		var open func() (io.ReadCloser, error)
		if rs := refs[off]; (len(rs) > 1 || hasIcons(rs)) && l <= maxShared {
			b, err := io.ReadAll(item)
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				break
			}
			open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		} else {
			open = onceOpener(item, off)
		}
		if err := a.emitItem(e, refs, off, l, off+4+l, open); err != nil {
			return err
		}
		// Skip what the engine did not read, to reach the next item.
		if err := drain(ctx, item); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			break
		}
		off += 4 + l
	}

	err = a.unvisited(ctx, refs, visited, func(off int64) error {
		bad := fmt.Errorf("%s: data offset %d is not an item of the stream: %w", what, off, unpack.ErrCorrupt)
		return a.emitItem(e, refs, off, -1, -1, failOpener(bad))
	})
	if err != nil {
		return err
	}
	return firstErr
}

// A solid stream may expand to maxSolidFloor plus maxSolidRatio times its
// compressed size: far above real installers, and it stops a bomb whose
// skipped items the engine never sees (and so cannot bound) from burning
// the whole time budget.
const (
	maxSolidFloor = 256 << 20
	maxSolidRatio = 1000
)

// capReader fails once more than left bytes have come through.
type capReader struct {
	r         io.Reader
	left, max int64
	what      string
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("%s expands past %d bytes: %w", c.what, c.max, unpack.ErrUnsupported)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// drain reads r to its end, checking ctx: a solid item can be gigabytes
// of decompressed data.
func drain(ctx context.Context, r io.Reader) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := io.CopyN(io.Discard, r, 1<<20)
		if err == io.EOF || (err == nil && n == 0) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func hasIcons(rs []*ref) bool {
	for _, r := range rs {
		if r.kind == refUninstIcons {
			return true
		}
	}
	return false
}

// onceOpener hands out a solid item's stream once: it cannot be rewound.
func onceOpener(r io.Reader, off int64) func() (io.ReadCloser, error) {
	used := false
	return func() (io.ReadCloser, error) {
		if used {
			return nil, fmt.Errorf("nsis solid data block at offset %d was already read (shared by several members and over %d bytes): %w", off, maxShared, unpack.ErrUnsupported)
		}
		used = true
		return io.NopCloser(r), nil
	}
}

// emitItem emits every member data block off feeds: one per instruction
// that names it, or one "[data]/<offset>" member when none does. next is
// the offset of the following block, where an uninstaller's data follows
// its icon patches.
func (a *archive) emitItem(e *emitter, refs map[int64][]*ref, off, size, next int64, open func() (io.ReadCloser, error)) error {
	rs := refs[off]
	if len(rs) == 0 {
		return e.send(&unpack.Member{
			Name: dataName(off), Type: unpack.TypeFile, Size: size, Open: open,
			Meta: map[string]string{"nsis.part": "data", "nsis.offset": strconv.FormatInt(off, 10)},
		})
	}
	for _, r := range rs {
		m := &unpack.Member{
			Name: r.name, Type: unpack.TypeFile, Size: size, Open: open,
			Meta: map[string]string{"nsis.offset": strconv.FormatInt(off, 10)},
		}
		switch r.kind {
		case refFile:
			m.ModTime = fileTime(r.mtime)
		case refUninstIcons:
			m.Name = iconsName
			m.Meta["nsis.part"] = "uninstaller-icons"
			icons, err := readIcons(open, r.size)
			if next >= 0 {
				d := &ref{name: r.name, kind: refUninstData, icons: icons, stub: err == nil}
				refs[next] = append(refs[next], d)
			}
		case refUninstData:
			a.uninstaller(m, r, size, open)
		}
		if err := e.send(m); err != nil {
			return err
		}
	}
	return nil
}

// readIcons reads the uninstaller's icon patches (at most the size the
// instruction gives, as NSIS does).
func readIcons(open func() (io.ReadCloser, error), size int64) ([]byte, error) {
	rc, err := open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, min(size, maxIcons)))
}

// uninstaller makes m the uninstaller NSIS writes: the installer's stub with
// the icon patches applied, then the uninstaller's data block.
func (a *archive) uninstaller(m *unpack.Member, r *ref, size int64, open func() (io.ReadCloser, error)) {
	m.Meta["nsis.part"] = "uninstaller"
	if !r.stub || a.fhOff > maxStub {
		m.Meta["nsis.part"] = "uninstaller-data"
		return
	}
	if size >= 0 {
		m.Size = a.fhOff + size
	}
	m.Open = func() (io.ReadCloser, error) {
		stub := make([]byte, a.fhOff)
		if _, err := a.in.R.ReadAt(stub, 0); err != nil {
			return nil, errWrap("read nsis stub", err)
		}
		patchIcons(stub, r.icons)
		rc, err := open()
		if err != nil {
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(stub), rc), rc}, nil
	}
}

// patchIcons applies {size, offset, bytes} records to stub until a record
// whose first byte is zero, as the NSIS stub does; records outside the stub
// are skipped (NSIS would write out of bounds).
func patchIcons(stub, icons []byte) {
	for p := 0; p < len(icons) && icons[p] != 0; {
		if len(icons)-p < 8 {
			return
		}
		size := uint64(binary.LittleEndian.Uint32(icons[p:]))
		off := uint64(binary.LittleEndian.Uint32(icons[p+4:]))
		p += 8
		if size > uint64(len(icons)-p) {
			return
		}
		if off+size <= uint64(len(stub)) {
			copy(stub[off:], icons[p:p+int(size)])
		}
		p += int(size)
	}
}

// fileTime converts a Windows FILETIME; 0 and all-ones mean "none".
func fileTime(ft int64) time.Time {
	const epochDiff = 11644473600 // seconds from 1601 to 1970
	if ft <= 0 {
		return time.Time{}
	}
	return time.Unix(ft/10_000_000-epochDiff, ft%10_000_000*100).UTC()
}
