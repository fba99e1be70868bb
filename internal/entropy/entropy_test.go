package entropy_test

import (
	"bytes"
	"math/rand"
	"testing"

	"github.com/vouch-sec/vouch/internal/entropy"
)

func TestOf(t *testing.T) {
	rnd := make([]byte, 1<<20)
	rand.New(rand.NewSource(1)).Read(rnd)
	tests := []struct {
		name string
		b    []byte
		want float64
	}{
		{"empty", nil, 0},
		{"one value", bytes.Repeat([]byte{7}, 1000), 0},
		{"two values evenly", bytes.Repeat([]byte{0, 1}, 500), 1},
		{"all values evenly", func() []byte {
			b := make([]byte, 256*4+3)
			for i := range b[:1024] {
				b[i] = byte(i)
			}
			return b[:1024]
		}(), 8},
		{"random", rnd, 8},
	}
	for _, tc := range tests {
		if got := entropy.Of(tc.b); got != tc.want {
			t.Errorf("%s: Of = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Feeding in pieces must equal feeding at once, whatever the split.
func TestWriteInPieces(t *testing.T) {
	b := make([]byte, 10007)
	rand.New(rand.NewSource(2)).Read(b[:5000])
	var h entropy.Histogram
	for i := 0; i < len(b); i += 333 {
		h.Write(b[i:min(len(b), i+333)])
	}
	if h.Bits() != entropy.Of(b) || h.Total() != uint64(len(b)) {
		t.Errorf("pieces %v/%d, whole %v/%d", h.Bits(), h.Total(), entropy.Of(b), len(b))
	}
}

func BenchmarkWrite(b *testing.B) {
	buf := make([]byte, 1<<20)
	rand.New(rand.NewSource(3)).Read(buf[:1<<19])
	b.SetBytes(int64(len(buf)))
	var h entropy.Histogram
	for i := 0; i < b.N; i++ {
		h.Write(buf)
	}
}
