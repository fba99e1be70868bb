package engine_test

import (
	"archive/tar"
	"bytes"
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/vouch-sec/vouch/internal/engine"
)

// benchRelease builds a 48 MiB release: a gzip'd tar of binaries (random
// bytes, like compressed code sections) and text, about the shape of an
// npm package with native builds.
func benchRelease(b *testing.B) (string, int64) {
	rng := rand.New(rand.NewSource(1))
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	var total int64
	add := func(name string, data []byte) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
		total += int64(len(data))
	}
	for i := 0; i < 6; i++ {
		bin := make([]byte, 6<<20)
		rng.Read(bin[:4<<20]) // the rest stays zero, like padding and tables
		add(filepath.Join("package", "bin", string(rune('a'+i))+".node"), bin)
	}
	text := bytes.Repeat([]byte("export function f(a, b) { return a + b }\n"), 1<<16)
	for i := 0; i < 4; i++ {
		add(filepath.Join("package", "lib", string(rune('a'+i))+".js"), text)
	}
	tw.Close()
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	zw.Write(tb.Bytes())
	zw.Close()
	p := filepath.Join(b.TempDir(), "release.tgz")
	os.WriteFile(p, gz.Bytes(), 0o644)
	return p, total
}

// BenchmarkInspect measures unpack + identify + hash + analysis throughput,
// in expanded bytes per second.
func BenchmarkInspect(b *testing.B) {
	p, total := benchRelease(b)
	cfg := config()
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := engine.Inspect(context.Background(), p, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspectRealTree runs on a real release when one is named by
// VOUCH_BENCH_TARGET, so numbers can be compared with sha256sum on the same
// bytes (see scripts/bench-unpack.sh).
func BenchmarkInspectRealTree(b *testing.B) {
	p := os.Getenv("VOUCH_BENCH_TARGET")
	if p == "" {
		b.Skip("set VOUCH_BENCH_TARGET")
	}
	cfg := config()
	rep, err := engine.Inspect(context.Background(), p, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(rep.Summary.Bytes)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		engine.Inspect(context.Background(), p, cfg)
	}
}
