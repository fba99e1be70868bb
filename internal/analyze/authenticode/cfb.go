package authenticode

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// A minimal reader for OLE compound files (MS-CFB), enough to compute the
// MSI Authenticode digest: the directory tree with raw names, class IDs,
// state bits and times, and stream contents. Every chain is followed at
// most once per sector, so cycles and lying sizes end in errors.

const (
	cfbEndOfChain = 0xFFFFFFFE
	cfbFreeSect   = 0xFFFFFFFF
	cfbMaxRegSect = 0xFFFFFFFA
	cfbNoStream   = 0xFFFFFFFF

	// Bounds well above any real MSI (a few thousand entries, storages
	// nested one or two deep).
	cfbMaxEntries = 1 << 18
	cfbMaxDepth   = 32

	cfbTypeStorage = 1
	cfbTypeStream  = 2
	cfbTypeRoot    = 5
)

var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

type cfbEntry struct {
	raw      [128]byte
	name     []byte // UTF-16LE, without the terminator
	typ      byte
	left     uint32
	right    uint32
	child    uint32
	start    uint32
	size     uint32 // low 32 bits, as MSI signing tools read it
	children []*cfbEntry
}

func (e *cfbEntry) clsid() []byte     { return e.raw[80:96] }
func (e *cfbEntry) stateBits() []byte { return e.raw[96:100] }
func (e *cfbEntry) times() []byte     { return e.raw[100:116] }

type cfbFile struct {
	r          io.ReaderAt
	size       int64
	shift      uint
	ss         int64 // sector size
	nsec       uint32
	fat        []uint32
	minifat    []uint32
	cutoff     uint32
	entries    []*cfbEntry
	root       *cfbEntry
	ministream []byte
}

func (c *cfbFile) sectorOff(n uint32) int64 { return (int64(n) + 1) << c.shift }

// chain returns the sectors of the chain starting at start, refusing
// cycles and chains longer than the file has sectors.
func (c *cfbFile) chain(start uint32, table []uint32) ([]uint32, error) {
	var out []uint32
	seen := map[uint32]bool{}
	for s := start; s != cfbEndOfChain; {
		if s >= uint32(len(table)) {
			return nil, fmt.Errorf("sector %d outside the allocation table", s)
		}
		if seen[s] {
			return nil, fmt.Errorf("sector chain loops at %d", s)
		}
		seen[s] = true
		out = append(out, s)
		s = table[s]
	}
	return out, nil
}

func openCFB(ctx context.Context, r io.ReaderAt, size int64) (*cfbFile, error) {
	var h [512]byte
	if err := readFull(r, h[:], 0, size); err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	if !bytes.Equal(h[:8], cfbMagic) {
		return nil, errors.New("not a compound file")
	}
	c := &cfbFile{r: r, size: size}
	shift := binary.LittleEndian.Uint16(h[30:])
	if shift != 9 && shift != 12 {
		return nil, fmt.Errorf("sector shift %d", shift)
	}
	if ms := binary.LittleEndian.Uint16(h[32:]); ms != 6 {
		return nil, fmt.Errorf("mini sector shift %d", ms)
	}
	c.shift = uint(shift)
	c.ss = 1 << shift
	if size < 2*c.ss {
		return nil, errors.New("file smaller than two sectors")
	}
	c.nsec = uint32((size - c.ss + c.ss - 1) / c.ss) // sectors after the header
	c.cutoff = binary.LittleEndian.Uint32(h[56:])
	per := uint32(c.ss / 4)

	// DIFAT: 109 entries in the header, then chained sectors.
	var difat []uint32
	for i := 0; i < 109; i++ {
		difat = append(difat, binary.LittleEndian.Uint32(h[76+4*i:]))
	}
	buf := make([]byte, c.ss)
	seen := map[uint32]bool{}
	for s := binary.LittleEndian.Uint32(h[68:]); s != cfbEndOfChain && s != cfbFreeSect; {
		if s >= c.nsec || seen[s] {
			return nil, fmt.Errorf("bad DIFAT sector %d", s)
		}
		seen[s] = true
		if err := readFull(r, buf, c.sectorOff(s), size); err != nil {
			return nil, fmt.Errorf("reading DIFAT sector %d: %w", s, err)
		}
		for i := uint32(0); i < per-1; i++ {
			difat = append(difat, binary.LittleEndian.Uint32(buf[4*i:]))
		}
		s = binary.LittleEndian.Uint32(buf[4*(per-1):])
	}
	// FAT: only entries for sectors that exist matter.
	for _, s := range difat {
		if s == cfbFreeSect || s == cfbEndOfChain {
			continue
		}
		if uint32(len(c.fat)) >= c.nsec {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s >= c.nsec {
			return nil, fmt.Errorf("FAT sector %d outside the file", s)
		}
		if err := readFull(r, buf, c.sectorOff(s), size); err != nil {
			return nil, fmt.Errorf("reading FAT sector %d: %w", s, err)
		}
		for i := uint32(0); i < per; i++ {
			c.fat = append(c.fat, binary.LittleEndian.Uint32(buf[4*i:]))
		}
	}
	if uint32(len(c.fat)) > c.nsec {
		c.fat = c.fat[:c.nsec]
	}
	// Directory.
	dirSecs, err := c.chain(binary.LittleEndian.Uint32(h[48:]), c.fat)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	for _, s := range dirSecs {
		if err := readFull(r, buf, c.sectorOff(s), size); err != nil {
			return nil, fmt.Errorf("reading directory sector %d: %w", s, err)
		}
		if len(c.entries) >= cfbMaxEntries {
			return nil, fmt.Errorf("more than %d directory entries", cfbMaxEntries)
		}
		for i := int64(0); i+128 <= c.ss; i += 128 {
			e := &cfbEntry{}
			copy(e.raw[:], buf[i:i+128])
			e.typ = e.raw[66]
			nl := int(binary.LittleEndian.Uint16(e.raw[64:]))
			if nl >= 2 && nl <= 64 && nl%2 == 0 {
				e.name = e.raw[:nl-2]
			}
			e.left = binary.LittleEndian.Uint32(e.raw[68:])
			e.right = binary.LittleEndian.Uint32(e.raw[72:])
			e.child = binary.LittleEndian.Uint32(e.raw[76:])
			e.start = binary.LittleEndian.Uint32(e.raw[116:])
			e.size = binary.LittleEndian.Uint32(e.raw[120:])
			c.entries = append(c.entries, e)
		}
	}
	if len(c.entries) == 0 || c.entries[0].typ != cfbTypeRoot {
		return nil, errors.New("no root storage")
	}
	c.root = c.entries[0]
	if err := c.buildTree(); err != nil {
		return nil, err
	}
	// Mini FAT and mini stream.
	if s := binary.LittleEndian.Uint32(h[60:]); s != cfbEndOfChain && s != cfbFreeSect {
		secs, err := c.chain(s, c.fat)
		if err != nil {
			return nil, fmt.Errorf("mini FAT: %w", err)
		}
		for _, s := range secs {
			if err := readFull(r, buf, c.sectorOff(s), size); err != nil {
				return nil, fmt.Errorf("reading mini FAT sector %d: %w", s, err)
			}
			for i := uint32(0); i < per; i++ {
				c.minifat = append(c.minifat, binary.LittleEndian.Uint32(buf[4*i:]))
			}
		}
	}
	if c.root.size > 0 && c.root.start != cfbEndOfChain {
		var w bytes.Buffer
		if err := c.copyRegular(ctx, &w, c.root.start, c.root.size); err != nil {
			return nil, fmt.Errorf("mini stream: %w", err)
		}
		c.ministream = w.Bytes()
	}
	return c, nil
}

// buildTree links every storage to its children, visiting each directory
// entry at most once.
func (c *cfbFile) buildTree() error {
	visited := make([]bool, len(c.entries))
	visited[0] = true
	var walk func(st *cfbEntry, depth int) error
	walk = func(st *cfbEntry, depth int) error {
		if depth > cfbMaxDepth {
			return fmt.Errorf("storages nested deeper than %d", cfbMaxDepth)
		}
		stack := []uint32{st.child}
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if id == cfbNoStream {
				continue
			}
			if int64(id) >= int64(len(c.entries)) || visited[id] {
				return fmt.Errorf("directory entry %d reached twice or out of range", id)
			}
			visited[id] = true
			e := c.entries[id]
			if e.typ != cfbTypeStorage && e.typ != cfbTypeStream {
				return fmt.Errorf("directory entry %d has type %d", id, e.typ)
			}
			st.children = append(st.children, e)
			stack = append(stack, e.left, e.right)
			if e.typ == cfbTypeStorage {
				if err := walk(e, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(c.root, 0)
}

// copyRegular writes size bytes of the FAT chain at start to w.
func (c *cfbFile) copyRegular(ctx context.Context, w io.Writer, start, size uint32) error {
	secs, err := c.chain(start, c.fat)
	if err != nil {
		return err
	}
	if int64(len(secs))*c.ss < int64(size) {
		return fmt.Errorf("chain of %d sectors holds less than %d bytes", len(secs), size)
	}
	buf := make([]byte, c.ss)
	left := int64(size)
	for _, s := range secs {
		if left == 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(left, c.ss)
		if err := readFull(c.r, buf[:n], c.sectorOff(s), c.size); err != nil {
			return fmt.Errorf("reading sector %d: %w", s, err)
		}
		w.Write(buf[:n])
		left -= n
	}
	return nil
}

// copyStream writes the contents of stream e to w.
func (c *cfbFile) copyStream(ctx context.Context, w io.Writer, e *cfbEntry) error {
	if e.size == 0 {
		return nil
	}
	if e.size >= c.cutoff {
		return c.copyRegular(ctx, w, e.start, e.size)
	}
	secs, err := c.chain(e.start, c.minifat)
	if err != nil {
		return fmt.Errorf("mini stream chain: %w", err)
	}
	left := int64(e.size)
	for _, s := range secs {
		if left == 0 {
			break
		}
		off := int64(s) * 64
		n := min(left, 64)
		if off+n > int64(len(c.ministream)) {
			return fmt.Errorf("mini sector %d outside the mini stream", s)
		}
		w.Write(c.ministream[off : off+n])
		left -= n
	}
	if left > 0 {
		return errors.New("mini stream chain ends early")
	}
	return nil
}

// readStream returns the contents of a stream of at most max bytes.
func (c *cfbFile) readStream(ctx context.Context, e *cfbEntry, max int64) ([]byte, error) {
	if int64(e.size) > max || int64(e.size) > c.size {
		return nil, fmt.Errorf("stream of %d bytes", e.size)
	}
	var b bytes.Buffer
	if err := c.copyStream(ctx, &b, e); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
