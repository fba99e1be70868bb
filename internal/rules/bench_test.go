package rules_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/rules"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
	unpacklist "github.com/vouch-sec/vouch/internal/unpack/list"
)

// benchReleases are the cached real releases whose native executables make
// up the benchmark corpus (scripts/fetch-real-data.sh fetches them).
var benchReleases = []string{
	"esbuild-linux-x64-0.28.2.tgz", "esbuild-win32-x64-0.28.2.tgz", "esbuild-darwin-arm64-0.28.2.tgz",
	"libssl3_3.0.22-1~deb12u2_amd64.deb", "libc6_2.36-9+deb12u14_amd64.deb", "openssl_3.0.22-1~deb12u2_amd64.deb",
	"curl_7.88.1-10+deb12u15_amd64.deb", "liblzma5_5.4.1-1+deb12u1_amd64.deb",
	"sentry-cli-darwin-3.8.0.tgz", "7zip-bin-5.2.0.tgz", "rcedit-5.0.2.tgz",
}

// benchMinBytes: the corpus repeats its files until it holds this much.
const benchMinBytes = 100 << 20

type benchFile struct {
	name, kind string
	data       []byte
}

// collector is an analyzer that keeps the bytes of native executables.
type collector struct {
	mu    sync.Mutex
	files []benchFile
}

func (*collector) Name() string           { return "bench-collector" }
func (*collector) Match(kind string) bool { return identify.IsExecutable(kind) }
func (c *collector) Analyze(_ context.Context, in *analyze.Input, _ *model.File) error {
	b, err := io.ReadAll(io.NewSectionReader(in.R, 0, in.Size))
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.files = append(c.files, benchFile{in.Path, in.Kind, b})
	c.mu.Unlock()
	return nil
}

// collectReal unpacks the cached releases with vouch's engine and returns
// their native executables, sorted by path.
func collectReal(tb testing.TB) []benchFile {
	c := &collector{}
	for _, name := range benchReleases {
		p := filepath.Join(realdata.Dir(), name)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		_, err := engine.Inspect(context.Background(), p, engine.Config{
			Limits: limits.Default(), Unpackers: unpacklist.All(), Analyzers: []analyze.Analyzer{c},
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if len(c.files) == 0 {
		tb.Skip("no real releases cached (run scripts/fetch-real-data.sh)")
	}
	sort.Slice(c.files, func(i, j int) bool { return c.files[i].name < c.files[j].name })
	return c.files
}

// benchCorpus is the corpus: the files of $VOUCH_BENCH_DIR (written by
// TestBenchDump, so that scripts/bench-rules.sh gives yara the very same
// files), else the real executables repeated to benchMinBytes.
func benchCorpus(tb testing.TB) ([]benchFile, int64) {
	var files []benchFile
	if dir := os.Getenv("VOUCH_BENCH_DIR"); dir != "" {
		ents, err := os.ReadDir(dir)
		if err != nil {
			tb.Fatal(err)
		}
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				tb.Fatal(err)
			}
			files = append(files, benchFile{e.Name(), identify.Identify(b[:min(len(b), identify.HeadSize)], int64(len(b)), e.Name()), b})
		}
	} else {
		real := collectReal(tb)
		var n int64
		for n < benchMinBytes {
			for _, f := range real {
				files = append(files, f)
				n += int64(len(f.data))
			}
		}
	}
	var total int64
	for _, f := range files {
		total += int64(len(f.data))
	}
	return files, total
}

var safeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// TestBenchDump writes the benchmark corpus to $VOUCH_BENCH_DUMP for
// scripts/bench-rules.sh: the real executables, repeated (as copies) until
// there are benchMinBytes.
func TestBenchDump(t *testing.T) {
	dir := os.Getenv("VOUCH_BENCH_DUMP")
	if dir == "" {
		t.Skip("VOUCH_BENCH_DUMP not set")
	}
	real := collectReal(t)
	var n int64
	for rep := 0; n < benchMinBytes; rep++ {
		for i, f := range real {
			name := fmt.Sprintf("r%d-%03d-%s", rep, i, safeName.ReplaceAllString(filepath.Base(f.name), "_"))
			if err := os.WriteFile(filepath.Join(dir, name), f.data, 0o644); err != nil {
				t.Fatal(err)
			}
			n += int64(len(f.data))
		}
	}
	t.Logf("%d distinct files, %d MiB written", len(real), n>>20)
}

var benchVars = map[string]any{rules.VarKind: "", rules.VarPath: "", rules.VarName: "", rules.VarIsScript: false}

// BenchmarkScanUnion scans the corpus with all first-party rules compiled
// into one ruleset, as `yara` does in scripts/bench-rules.sh.
func BenchmarkScanUnion(b *testing.B) {
	files, total := benchCorpus(b)
	srcs, err := rules.FirstParty()
	if err != nil {
		b.Fatal(err)
	}
	rs, err := rules.DefaultEngine().Compile(srcs, benchVars)
	if err != nil {
		b.Fatal(err)
	}
	sc, err := rs.NewScanner()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	b.ResetTimer()
	cpu := cpuTime()
	for range b.N {
		for _, f := range files {
			if _, err := sc.Scan(context.Background(), f.data, benchVars); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPU(b, cpu, total)
}

// cpuTime is the process's user+system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds MB/s per CPU second: on a shared machine wall time
// measures the neighbours as much as the scan.
func reportCPU(b *testing.B, start time.Duration, total int64) {
	if d := cpuTime() - start; d > 0 {
		b.ReportMetric(float64(total)*float64(b.N)/1e6/d.Seconds(), "cpuMB/s")
	}
}

// BenchmarkScanScoped scans the corpus the way vouch does: each file with
// the ruleset of its kind.
func BenchmarkScanScoped(b *testing.B) {
	files, total := benchCorpus(b)
	s, err := rules.Default()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.CompileAll(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	b.ResetTimer()
	cpu := cpuTime()
	defer func() { reportCPU(b, cpu, total) }()
	for range b.N {
		for _, f := range files {
			if _, err := s.Scan(context.Background(), rules.Target{Kind: f.kind, Path: f.name}, f.data, rules.ScopeAll); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCompile measures start-up: compiling the first-party rules for
// every kind (what a process does at most once), and as one ruleset.
func BenchmarkCompile(b *testing.B) {
	srcs, err := rules.FirstParty()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("all-kinds", func(b *testing.B) {
		cpu := cpuTime()
		defer func() { b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op") }()
		for range b.N {
			s, err := rules.NewSet(rules.DefaultEngine(), srcs, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.CompileAll(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("union", func(b *testing.B) {
		cpu := cpuTime()
		defer func() { b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op") }()
		for range b.N {
			if _, err := rules.DefaultEngine().Compile(srcs, benchVars); err != nil {
				b.Fatal(err)
			}
		}
	})
}
