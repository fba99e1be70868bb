package endpoints_test

import (
	"math/rand/v2"
	"testing"

	"github.com/vouch-sec/vouch/internal/analyze/endpoints"
)

// BenchmarkExtract: 16 MiB of random bytes with a URL, a host and an
// address every 4 KiB, roughly the density of a large native binary.
func BenchmarkExtract(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 16<<20)
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	for off := 0; off+128 < len(data); off += 4096 {
		copy(data[off:], "\x00https://cdn.example.com/a/b\x00api.example.net\x0010.1.2.3\x00")
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		endpoints.Extract(data, "pe")
	}
}
