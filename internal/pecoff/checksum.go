// Package pecoff holds small PE/COFF algorithms that more than one analyzer
// needs, so each is written once.
package pecoff

import "encoding/binary"

// Checksum accumulates the PE optional-header CheckSum: the file summed as
// little-endian 16-bit words with end-around carry, the CheckSum field itself
// counted as zero, plus the file length. Feed the file in order from offset
// 0; every chunk but the last must have an even length.
type Checksum struct {
	// FieldOff is the file offset of OptionalHeader.CheckSum.
	FieldOff int64
	sum      uint64
}

// Write adds b, which starts at file offset off. b is not modified.
func (c *Checksum) Write(off int64, b []byte) {
	c.sum += wordSum(b)
	// Take the CheckSum field's bytes back out: a byte at an even offset was
	// added as the low half of its word, at an odd offset as the high half.
	for k := max(c.FieldOff, off); k < c.FieldOff+4 && k < off+int64(len(b)); k++ {
		c.sum -= uint64(b[k-off]) << (8 * (k & 1))
	}
}

// Sum is the checksum of a file of size bytes fed so far.
func (c *Checksum) Sum(size int64) uint32 {
	sum := c.sum
	for sum > 0xffff {
		sum = (sum & 0xffff) + (sum >> 16)
	}
	return uint32(sum) + uint32(size)
}

// wordSum adds b as little-endian 16-bit words (a trailing odd byte as a
// low half), four words at a time in two 32-bit lanes.
func wordSum(b []byte) uint64 {
	var sum uint64
	for len(b) > 1<<16 {
		sum += wordSum(b[:1<<16]) // lanes cannot overflow within 64 KiB
		b = b[1<<16:]
	}
	var lanes uint64
	i := 0
	for ; i+8 <= len(b); i += 8 {
		v := binary.LittleEndian.Uint64(b[i:])
		lanes += v&0x0000ffff0000ffff + (v>>16)&0x0000ffff0000ffff
	}
	sum += lanes&0xffffffff + lanes>>32
	for ; i+1 < len(b); i += 2 {
		sum += uint64(b[i]) | uint64(b[i+1])<<8
	}
	if i < len(b) {
		sum += uint64(b[i])
	}
	return sum
}
