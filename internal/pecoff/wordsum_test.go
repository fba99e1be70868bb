package pecoff

import (
	"math/rand"
	"testing"
)

// TestWordSum checks the lane-wise checksum sum against the plain one,
// for odd lengths and for slices longer than a chunk.
func TestWordSum(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, n := range []int{0, 1, 2, 7, 8, 9, 4095, 65536, 65537, 200001} {
		b := make([]byte, n)
		rng.Read(b)
		for i := range b[:n/3] {
			b[i] = 0xff // long runs of 0xffff words stress the lanes
		}
		var want uint64
		for i := 0; i+1 < n; i += 2 {
			want += uint64(b[i]) | uint64(b[i+1])<<8
		}
		if n%2 == 1 {
			want += uint64(b[n-1])
		}
		if got := wordSum(b); got != want {
			t.Errorf("len %d: wordSum = %d, want %d", n, got, want)
		}
	}
}
