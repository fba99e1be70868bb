package nsis

import (
	"bufio"
	"errors"
	"io"
)

// NSIS ships its own cut-down bzip2 whose stream Go's compress/bzip2 cannot
// read: there is no "BZh" stream header, a block starts with the single byte
// 0x31 (the end of the stream is the single byte 0x17) instead of the 48-bit
// block magic, there are no block or stream CRCs and no "randomised" bit.
// Everything after the 24-bit origPtr (symbol map, selectors, Huffman tables,
// MTF/RLE2 symbols, BWT, RLE1) is standard bzip2, with the block size of
// level 9. This is a small decoder for that variant.

const (
	bzBlockMax     = 900000 // NSIS_COMPRESS_BZIP2_LEVEL 9
	bzMaxSelectors = 2 + bzBlockMax/50
	bzMaxCodeLen   = 20
	bzGroupSize    = 50
)

var errBzip2 = errors.New("nsis bzip2: corrupt stream")

type bzBits struct {
	r    *bufio.Reader
	buf  uint64
	n    uint
	err  error
	read int64 // bytes consumed, for tests and diagnostics
}

func (b *bzBits) bits(n uint) uint32 {
	for b.n < n {
		c, err := b.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			if b.err == nil {
				b.err = err
			}
			return 0
		}
		b.read++
		b.buf = b.buf<<8 | uint64(c)
		b.n += 8
	}
	b.n -= n
	return uint32(b.buf>>b.n) & (1<<n - 1)
}

func (b *bzBits) bit() bool { return b.bits(1) == 1 }

// bzHuff is a canonical Huffman code: bzip2 assigns codes by increasing
// length and, within a length, by increasing symbol.
type bzHuff struct {
	count [bzMaxCodeLen + 1]uint16
	syms  [258]uint16
}

func (h *bzHuff) build(lens []uint8) {
	h.count = [bzMaxCodeLen + 1]uint16{}
	for _, l := range lens {
		h.count[l]++
	}
	var offs [bzMaxCodeLen + 2]uint16
	for l := 1; l <= bzMaxCodeLen; l++ {
		offs[l+1] = offs[l] + h.count[l]
	}
	for s, l := range lens {
		h.syms[offs[l]] = uint16(s)
		offs[l]++
	}
}

func (h *bzHuff) decode(b *bzBits) (int, bool) {
	code, first, index := 0, 0, 0
	for l := 1; l <= bzMaxCodeLen; l++ {
		if b.bit() {
			code |= 1
		}
		c := int(h.count[l])
		if code-first < c {
			return int(h.syms[index+code-first]), b.err == nil
		}
		index += c
		first = (first + c) << 1
		code <<= 1
	}
	return 0, false
}

// bzReader decodes an NSIS bzip2 stream.
type bzReader struct {
	b    bzBits
	tt   []uint32
	huff [6]bzHuff
	sel  []uint8

	// Output state of the current block.
	left int    // BWT entries not yet output
	tPos uint32 // next BWT pointer
	last int    // previous output byte, -1 at block start
	run  int    // how many times last was seen in a row
	rep  int    // copies of last still to output (RLE1)
	done bool
	err  error
}

func newBzip2Reader(r io.Reader) *bzReader {
	return &bzReader{b: bzBits{r: bufio.NewReaderSize(r, 16<<10)}}
}

func (z *bzReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n := 0
	for n < len(p) {
		if z.rep > 0 {
			p[n] = byte(z.last)
			z.rep--
			n++
			continue
		}
		if z.left == 0 {
			if z.err != nil || z.done {
				break
			}
			if err := z.readBlock(); err != nil {
				z.err = err
				break
			}
			continue
		}
		z.tPos = z.tt[z.tPos]
		c := int(z.tPos & 0xff)
		z.tPos >>= 8
		z.left--
		if z.run == 4 {
			// The byte after four equal ones is a repeat count.
			z.rep = c
			z.run = 0
			continue
		}
		if c == z.last && z.run > 0 {
			z.run++
		} else {
			z.last, z.run = c, 1
		}
		p[n] = byte(c)
		n++
	}
	if n > 0 {
		return n, nil
	}
	if z.err != nil {
		return 0, z.err
	}
	return 0, io.EOF
}

func (z *bzReader) readBlock() error {
	b := &z.b
	switch sig := b.bits(8); {
	case b.err != nil:
		return b.err
	case sig == 0x17:
		z.done = true
		return nil
	case sig != 0x31:
		return errBzip2
	}
	origPtr := int(b.bits(24))

	var seqToUnseq [256]byte
	nInUse := 0
	used16 := b.bits(16)
	for i := 0; i < 16; i++ {
		if used16&(0x8000>>i) == 0 {
			continue
		}
		w := b.bits(16)
		for j := 0; j < 16; j++ {
			if w&(0x8000>>j) != 0 {
				seqToUnseq[nInUse] = byte(i*16 + j)
				nInUse++
			}
		}
	}
	if b.err != nil {
		return b.err
	}
	if nInUse == 0 {
		return errBzip2
	}
	alphaSize := nInUse + 2

	nGroups := int(b.bits(3))
	nSelectors := int(b.bits(15))
	if b.err != nil {
		return b.err
	}
	if nGroups < 2 || nGroups > 6 || nSelectors < 1 {
		return errBzip2
	}
	// Selectors past what a block can use are read and dropped, as
	// libbzip2 1.0.8 does.
	if z.sel == nil {
		z.sel = make([]uint8, bzMaxSelectors)
	}
	var mtfSel [6]uint8
	for i := range mtfSel {
		mtfSel[i] = uint8(i)
	}
	kept := min(nSelectors, bzMaxSelectors)
	for i := 0; i < nSelectors; i++ {
		j := 0
		for b.bit() {
			j++
			if j >= nGroups {
				return errBzip2
			}
		}
		if b.err != nil {
			return b.err
		}
		if i < kept {
			v := mtfSel[j]
			copy(mtfSel[1:j+1], mtfSel[:j])
			mtfSel[0] = v
			z.sel[i] = v
		}
	}

	var lens [258]uint8
	for t := 0; t < nGroups; t++ {
		cur := int(b.bits(5))
		for i := 0; i < alphaSize; i++ {
			for {
				if cur < 1 || cur > bzMaxCodeLen {
					return errBzip2
				}
				if !b.bit() {
					break
				}
				if b.bit() {
					cur--
				} else {
					cur++
				}
			}
			if b.err != nil {
				return b.err
			}
			lens[i] = uint8(cur)
		}
		z.huff[t].build(lens[:alphaSize])
	}

	if z.tt == nil {
		z.tt = make([]uint32, bzBlockMax)
	}
	var mtf [256]byte
	for i := range mtf {
		mtf[i] = byte(i)
	}
	var counts [256]int
	eob := nInUse + 1
	nblock, group, groupPos := 0, -1, 0
	runLen, runBit := 0, 0
	for {
		if groupPos == 0 {
			group++
			if group >= kept {
				return errBzip2
			}
			groupPos = bzGroupSize
		}
		groupPos--
		sym, ok := z.huff[z.sel[group]].decode(b)
		if !ok {
			if b.err != nil {
				return b.err
			}
			return errBzip2
		}
		if sym <= 1 { // RUNA, RUNB: bijective base-2 run length
			if runBit > 20 {
				return errBzip2
			}
			runLen += (sym + 1) << runBit
			runBit++
			if runLen > bzBlockMax {
				return errBzip2
			}
			continue
		}
		if runLen > 0 {
			if runLen > bzBlockMax-nblock {
				return errBzip2
			}
			c := seqToUnseq[mtf[0]]
			counts[c] += runLen
			for ; runLen > 0; runLen-- {
				z.tt[nblock] = uint32(c)
				nblock++
			}
			runBit = 0
		}
		if sym == eob {
			break
		}
		if sym > eob || nblock >= bzBlockMax {
			return errBzip2
		}
		idx := sym - 1
		v := mtf[idx]
		copy(mtf[1:idx+1], mtf[:idx])
		mtf[0] = v
		c := seqToUnseq[v]
		counts[c]++
		z.tt[nblock] = uint32(c)
		nblock++
	}
	if origPtr >= nblock {
		return errBzip2
	}

	// Inverse BWT: the low byte of tt[i] is the byte, the high 24 bits
	// link to the next position.
	var start [256]int
	sum := 0
	for i, c := range counts {
		start[i] = sum
		sum += c
	}
	for i := 0; i < nblock; i++ {
		c := z.tt[i] & 0xff
		z.tt[start[c]] |= uint32(i) << 8
		start[c]++
	}
	z.tPos = z.tt[origPtr] >> 8
	z.left = nblock
	z.last, z.run = -1, 0
	return nil
}
