package rpm

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// Header store limits. rpm itself refuses more than 64 Ki tags
// (hdrchkTags) and 256 MiB of data (hdrchkData).
const (
	maxTags       = 1 << 16
	maxHeaderData = 256 << 20
)

// Tag data types (rpmtag.h rpmTagType).
const (
	typeNull        = 0
	typeChar        = 1
	typeInt8        = 2
	typeInt16       = 3
	typeInt32       = 4
	typeInt64       = 5
	typeString      = 6
	typeBin         = 7
	typeStringArray = 8
	typeI18NString  = 9
)

var headerMagic = []byte{0x8e, 0xad, 0xe8, 0x01}

type entry struct {
	typ, off, count uint32
}

// header is one header structure (signature or main). Only the index is
// held in memory; tag data is read from the input when asked for.
type header struct {
	r       io.ReaderAt
	dataOff int64 // offset of the data store in the input
	dataLen int64
	end     int64 // offset just after the data store
	tags    map[uint32]entry
}

// readHeader reads the header structure at off. Every index entry is checked
// against the data store before it is kept.
func readHeader(r io.ReaderAt, off, size int64, what string) (*header, error) {
	var intro [16]byte
	if size-off < int64(len(intro)) {
		return nil, fmt.Errorf("%s header at %d: truncated: %w", what, off, unpack.ErrCorrupt)
	}
	if _, err := r.ReadAt(intro[:], off); err != nil {
		return nil, fmt.Errorf("%s header at %d: %v: %w", what, off, err, unpack.ErrCorrupt)
	}
	if string(intro[:4]) != string(headerMagic) {
		return nil, fmt.Errorf("%s header at %d: bad magic %x: %w", what, off, intro[:4], unpack.ErrCorrupt)
	}
	n := int64(binary.BigEndian.Uint32(intro[8:]))
	dl := int64(binary.BigEndian.Uint32(intro[12:]))
	if n > maxTags || dl > maxHeaderData {
		return nil, fmt.Errorf("%s header at %d: %d tags, %d data bytes: over the limits (%d, %d): %w",
			what, off, n, dl, maxTags, maxHeaderData, unpack.ErrCorrupt)
	}
	idxOff := off + int64(len(intro))
	if n*16+dl > size-idxOff {
		return nil, fmt.Errorf("%s header at %d: %d tags and %d data bytes beyond end of input: %w",
			what, off, n, dl, unpack.ErrCorrupt)
	}
	idx := make([]byte, n*16)
	if _, err := r.ReadAt(idx, idxOff); err != nil {
		return nil, fmt.Errorf("%s header index at %d: %v: %w", what, idxOff, err, unpack.ErrCorrupt)
	}
	h := &header{r: r, dataOff: idxOff + n*16, dataLen: dl, tags: make(map[uint32]entry, n)}
	h.end = h.dataOff + dl
	for i := int64(0); i < n; i++ {
		e := idx[i*16 : i*16+16]
		tag := binary.BigEndian.Uint32(e)
		ent := entry{typ: binary.BigEndian.Uint32(e[4:]), off: binary.BigEndian.Uint32(e[8:]), count: binary.BigEndian.Uint32(e[12:])}
		if ent.typ > typeI18NString {
			return nil, fmt.Errorf("%s header: tag %d has type %d: %w", what, tag, ent.typ, unpack.ErrCorrupt)
		}
		// Fixed-size data must fit the store; strings are checked when
		// read, since only their terminators give their length.
		if sz := fixedSize(ent.typ); sz > 0 && int64(ent.off)+int64(ent.count)*sz > dl {
			return nil, fmt.Errorf("%s header: tag %d data (%d × %d at %d) beyond the %d-byte store: %w",
				what, tag, ent.count, sz, ent.off, dl, unpack.ErrCorrupt)
		}
		if int64(ent.off) > dl {
			return nil, fmt.Errorf("%s header: tag %d offset %d beyond the %d-byte store: %w", what, tag, ent.off, dl, unpack.ErrCorrupt)
		}
		if _, dup := h.tags[tag]; !dup {
			h.tags[tag] = ent
		}
	}
	return h, nil
}

func fixedSize(typ uint32) int64 {
	switch typ {
	case typeChar, typeInt8, typeBin:
		return 1
	case typeInt16:
		return 2
	case typeInt32:
		return 4
	case typeInt64:
		return 8
	}
	return 0
}

func (h *header) has(tag uint32) bool {
	e, ok := h.tags[tag]
	return ok && e.count > 0
}

// strings returns the strings of a string-typed tag, reading at most max
// bytes of the store. A missing tag gives nil, nil.
func (h *header) strings(tag uint32, max int64) ([]string, error) {
	e, ok := h.tags[tag]
	if !ok {
		return nil, nil
	}
	switch e.typ {
	case typeString:
		if e.count != 1 {
			return nil, fmt.Errorf("string tag %d has count %d: %w", tag, e.count, unpack.ErrCorrupt)
		}
	case typeStringArray, typeI18NString:
	default:
		return nil, fmt.Errorf("tag %d has type %d, not a string: %w", tag, e.typ, unpack.ErrCorrupt)
	}
	avail := h.dataLen - int64(e.off)
	limited := avail > max
	if limited {
		avail = max
	}
	// Each string takes at least its terminator, so the count cannot
	// exceed the bytes there are.
	if int64(e.count) > avail {
		return nil, fmt.Errorf("tag %d: %d strings in %d bytes: %w", tag, e.count, avail, unpack.ErrCorrupt)
	}
	br := bufio.NewReader(io.NewSectionReader(h.r, h.dataOff+int64(e.off), avail))
	out := make([]string, 0, min(e.count, 1024))
	for i := uint32(0); i < e.count; i++ {
		s, err := br.ReadString(0)
		if err != nil {
			if limited && errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("tag %d: string data over %d bytes: %w", tag, max, unpack.ErrUnsupported)
			}
			return nil, fmt.Errorf("tag %d: string %d not terminated in the store: %w", tag, i, unpack.ErrCorrupt)
		}
		out = append(out, s[:len(s)-1])
	}
	return out, nil
}

// str returns the first string of a tag, or "" when it is missing or bad.
func (h *header) str(tag uint32) string {
	ss, err := h.strings(tag, 64<<10)
	if err != nil || len(ss) == 0 {
		return ""
	}
	return ss[0]
}

// int32s returns an INT32 array tag of at most max values.
func (h *header) int32s(tag uint32, max int) ([]uint32, error) {
	e, ok := h.tags[tag]
	if !ok {
		return nil, nil
	}
	if e.typ != typeInt32 {
		return nil, fmt.Errorf("tag %d has type %d, not int32: %w", tag, e.typ, unpack.ErrCorrupt)
	}
	if int64(e.count) > int64(max) {
		return nil, fmt.Errorf("tag %d has %d values (limit %d): %w", tag, e.count, max, unpack.ErrUnsupported)
	}
	// readHeader checked that count×4 bytes fit the store.
	b := make([]byte, int64(e.count)*4)
	if _, err := h.r.ReadAt(b, h.dataOff+int64(e.off)); err != nil {
		return nil, fmt.Errorf("tag %d: %v: %w", tag, err, unpack.ErrCorrupt)
	}
	out := make([]uint32, e.count)
	for i := range out {
		out[i] = binary.BigEndian.Uint32(b[i*4:])
	}
	return out, nil
}
