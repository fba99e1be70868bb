package pecoff

import (
	"encoding/binary"
	"math/rand"
	"testing"
)

// plain is the checksum the obvious way: zero the field, sum the words.
func plain(b []byte, field int64) uint32 {
	c := append([]byte(nil), b...)
	for k := field; k < field+4 && k < int64(len(c)); k++ {
		c[k] = 0
	}
	var sum uint64
	for i := 0; i < len(c); i += 2 {
		if i+1 < len(c) {
			sum += uint64(binary.LittleEndian.Uint16(c[i:]))
		} else {
			sum += uint64(c[i])
		}
	}
	for sum > 0xffff {
		sum = (sum & 0xffff) + sum>>16
	}
	return uint32(sum) + uint32(len(c))
}

func TestChecksum(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, size := range []int{0, 1, 7, 64, 1000, 1 << 17, 1<<17 + 3} {
		for _, field := range []int64{0, 3, 216, 217, int64(size) - 2} {
			if field < 0 {
				continue
			}
			b := make([]byte, size)
			rng.Read(b)
			for _, chunk := range []int{2, 64, 1 << 16} {
				c := Checksum{FieldOff: field}
				for off := 0; off < size; off += chunk {
					c.Write(int64(off), b[off:min(size, off+chunk)])
				}
				if got, want := c.Sum(int64(size)), plain(b, field); got != want {
					t.Fatalf("size %d field %d chunk %d: %#x, want %#x", size, field, chunk, got, want)
				}
			}
		}
	}
}
