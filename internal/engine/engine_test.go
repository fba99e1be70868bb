package engine_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/gzip"

	"github.com/vouch-sec/vouch/internal/analyze"
	analyzelist "github.com/vouch-sec/vouch/internal/analyze/list"
	detectlist "github.com/vouch-sec/vouch/internal/detect/list"
	"github.com/vouch-sec/vouch/internal/engine"
	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/unpack"
	unpacklist "github.com/vouch-sec/vouch/internal/unpack/list"
)

func config() engine.Config {
	return engine.Config{
		Limits:    limits.Default(),
		Unpackers: unpacklist.All(),
		Analyzers: analyzelist.All(analyze.Config{}),
		Detectors: detectlist.All(detectlist.Options{}),
		Tool:      model.Tool{Name: "vouch", Version: "test"},
	}
}

func inspect(t *testing.T, name string, data []byte, cfg engine.Config) *model.Report {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := engine.Inspect(context.Background(), p, cfg)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	return rep
}

type entry struct {
	name, body string
	typ        byte // tar type; 0 = regular
	link       string
}

func makeTar(t *testing.T, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg, Linkname: e.link}
		if e.typ != 0 {
			h.Typeflag, h.Size = e.typ, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	return buf.Bytes()
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func makeZip(t *testing.T, entries []entry, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.body))
	}
	zw.Close()
	return buf.Bytes()
}

func sum(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

func byPath(r *model.Report) map[string]*model.File {
	m := map[string]*model.File{}
	for _, f := range r.Files {
		m[f.Path] = f
	}
	return m
}

func findingIDs(r *model.Report) []string {
	var ids []string
	for _, f := range r.Findings {
		ids = append(ids, f.ID+" "+f.Path)
	}
	return ids
}

func TestNestedTarGzInZip(t *testing.T) {
	inner := gz(t, makeTar(t, []entry{
		{name: "./package/", typ: tar.TypeDir},
		{name: "./package/index.js", body: "module.exports = 1\n"},
		{name: "./package/package.json", body: `{"name":"x"}`},
		{name: "./package/bin", typ: tar.TypeSymlink, link: "/usr/bin/env"},
	}))
	outer := makeZip(t, []entry{{name: "dist/x-1.0.0.tgz", body: string(inner)}, {name: "README.txt", body: "hello\n"}}, zip.Deflate)
	rep := inspect(t, "release.zip", outer, config())

	files := byPath(rep)
	want := map[string]string{ // path → kind
		"release.zip":                                         "zip",
		"release.zip!/README.txt":                             "text",
		"release.zip!/dist/x-1.0.0.tgz":                       "npm",
		"release.zip!/dist/x-1.0.0.tgz!/package/index.js":     "script/js",
		"release.zip!/dist/x-1.0.0.tgz!/package/package.json": "text/json",
		"release.zip!/dist/x-1.0.0.tgz!/package/bin":          "link",
	}
	got := map[string]string{}
	for p, f := range files {
		got[p] = f.Kind
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
	js := files["release.zip!/dist/x-1.0.0.tgz!/package/index.js"]
	if js.SHA256 != sum("module.exports = 1\n") || js.Size != 19 {
		t.Errorf("index.js sha256/size = %s/%d", js.SHA256, js.Size)
	}
	wantChain := []model.Container{{Path: "release.zip", Format: "zip"}, {Path: "release.zip!/dist/x-1.0.0.tgz", Format: "gzip+tar"}}
	if d := cmp.Diff(wantChain, js.Chain); d != "" {
		t.Errorf("chain (-want +got):\n%s", d)
	}
	if js.Facts == nil || js.Facts.Script == nil || js.Facts.Script.Lines != 1 {
		t.Errorf("script facts = %+v", js.Facts)
	}
	if l := files["release.zip!/dist/x-1.0.0.tgz!/package/bin"]; l.LinkTo != "/usr/bin/env" || l.Type != "symlink" {
		t.Errorf("symlink = %+v", l)
	}
	if files["release.zip!/dist/x-1.0.0.tgz"].Format != "gzip+tar" {
		t.Errorf("tgz format = %q", files["release.zip!/dist/x-1.0.0.tgz"].Format)
	}
	if rep.Verdict != model.SeverityNone || len(rep.Errors) != 0 {
		t.Errorf("verdict %v errors %v findings %v", rep.Verdict, rep.Errors, rep.Findings)
	}
	if rep.Target.SHA256 != sum(string(outer)) {
		t.Errorf("target sha256 = %s", rep.Target.SHA256)
	}
}

func TestGzipOfPlainFileKeepsName(t *testing.T) {
	rep := inspect(t, "notes.txt.gz", gz(t, []byte("just text\n")), config())
	f := byPath(rep)["notes.txt.gz!/notes.txt"]
	if f == nil || f.Kind != "text" {
		t.Fatalf("files = %v", byPath(rep))
	}
}

func TestPathTraversalAndAbsoluteNames(t *testing.T) {
	z := makeZip(t, []entry{
		{name: "../../etc/cron.d/evil", body: "* * * * * root id\n"},
		{name: "/abs/file.txt", body: "x"},
		{name: `..\..\windows\evil.bat`, body: "echo\n"},
		{name: "ok/fine.txt", body: "fine"},
	}, zip.Store)
	rep := inspect(t, "slip.zip", z, config())
	want := []string{
		"unpack.path-traversal slip.zip!/etc/cron.d/evil",
		"unpack.path-traversal slip.zip!/windows/evil.bat",
		"unpack.absolute-path slip.zip!/abs/file.txt",
	}
	if d := cmp.Diff(want, findingIDs(rep)); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	if rep.Verdict != model.SeverityHigh {
		t.Errorf("verdict = %v", rep.Verdict)
	}
	// Every member is still listed and analysed under its cleaned name.
	if f := byPath(rep)["slip.zip!/etc/cron.d/evil"]; f == nil || f.SHA256 != sum("* * * * * root id\n") {
		t.Errorf("traversal member not analysed: %+v", f)
	}
}

func TestDuplicateNames(t *testing.T) {
	z := makeZip(t, []entry{{name: "a.dll", body: "one"}, {name: "a.dll", body: "two"}}, zip.Store)
	rep := inspect(t, "dup.zip", z, config())
	files := byPath(rep)
	if files["dup.zip!/a.dll"] == nil || files["dup.zip!/a.dll~2"] == nil {
		t.Fatalf("both members must be listed: %v", findingIDs(rep))
	}
	if d := cmp.Diff([]string{"unpack.duplicate-name dup.zip!/a.dll"}, findingIDs(rep)); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
}

// TestGzipBomb feeds ten gigabytes of zeros compressed to about ten
// megabytes. The ratio limit must stop it with a finding.
func TestGzipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("bomb test in -short mode")
	}
	bomb := gzipBomb(t, 10<<30)
	rep := inspect(t, "bomb.gz", bomb, config())
	var hit *model.Finding
	for i, f := range rep.Findings {
		if f.ID == "unpack.limit" {
			hit = &rep.Findings[i]
		}
	}
	if hit == nil || hit.Evidence["limit"] != "max-ratio" {
		t.Fatalf("want an unpack.limit max-ratio finding, got %v", findingIDs(rep))
	}
	if f := byPath(rep)["bomb.gz!/bomb"]; f == nil || f.SHA256 != "" || !strings.Contains(f.Analysis, "max-ratio") {
		t.Errorf("bomb member = %+v", f)
	}
}

// gzipBomb builds a multi-member gzip stream of n zero bytes by repeating
// one compressed 64 MiB member.
func gzipBomb(t testing.TB, n int64) []byte {
	const chunk = 64 << 20
	var one bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&one, gzip.BestCompression)
	zw.Write(make([]byte, chunk))
	zw.Close()
	return bytes.Repeat(one.Bytes(), int(n/chunk))
}

func TestDeeplyNestedZip(t *testing.T) {
	data := makeZip(t, []entry{{name: "core.txt", body: "bottom"}}, zip.Store)
	for i := 0; i < 1000; i++ {
		data = makeZip(t, []entry{{name: "n.zip", body: string(data)}}, zip.Store)
	}
	rep := inspect(t, "deep.zip", data, config())
	var depth *model.Finding
	for i, f := range rep.Findings {
		if f.ID == "unpack.limit" && f.Evidence["limit"] == "max-depth" {
			depth = &rep.Findings[i]
		}
	}
	if depth == nil {
		t.Fatalf("want a max-depth finding, got %v", findingIDs(rep))
	}
	// The root plus one file per level up to the depth limit.
	if got, want := len(rep.Files), limits.Default().MaxDepth+1; got != want {
		t.Errorf("files listed = %d, want %d", got, want)
	}
	if n := strings.Count(depth.Path, "!/"); n != limits.Default().MaxDepth {
		t.Errorf("depth finding at %d levels: %s", n, depth.Path)
	}
}

func TestMemberLimit(t *testing.T) {
	var es []entry
	for i := 0; i < 50; i++ {
		es = append(es, entry{name: strings.Repeat("x", i+1), body: "x"})
	}
	cfg := config()
	cfg.Limits.MaxMembers = 10
	rep := inspect(t, "many.zip", makeZip(t, es, zip.Store), cfg)
	if got := len(rep.Files); got != 11 {
		t.Errorf("files = %d, want root + 10", got)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Evidence["limit"] != "max-members" {
		t.Errorf("findings = %v", findingIDs(rep))
	}
}

func TestFileBytesLimitSkipsOnlyThatMember(t *testing.T) {
	cfg := config()
	cfg.Limits.MaxFileBytes = 1000
	z := makeZip(t, []entry{{name: "big.bin", body: strings.Repeat("A", 5000)}, {name: "small.txt", body: "ok"}}, zip.Deflate)
	rep := inspect(t, "big.zip", z, cfg)
	files := byPath(rep)
	if files["big.zip!/small.txt"] == nil || files["big.zip!/small.txt"].SHA256 != sum("ok") {
		t.Errorf("small member must still be analysed")
	}
	if f := files["big.zip!/big.bin"]; f == nil || f.Analysis != "skipped: limit max-file-bytes" {
		t.Errorf("big member = %+v", f)
	}
}

func TestTruncatedContainerKeepsWhatCameBefore(t *testing.T) {
	tb := makeTar(t, []entry{{name: "a.txt", body: "first"}, {name: "b.txt", body: strings.Repeat("b", 4000)}})
	rep := inspect(t, "cut.tar", tb[:1536], config())
	if f := byPath(rep)["cut.tar!/a.txt"]; f == nil || f.SHA256 != sum("first") {
		t.Errorf("a.txt must be listed: %v", byPath(rep))
	}
	if len(rep.Errors) == 0 {
		t.Errorf("truncation must be reported in errors")
	}
}

func TestCorruptGzipIsAnErrorNotAFailure(t *testing.T) {
	g := gz(t, []byte(strings.Repeat("hello ", 1000)))
	g[len(g)/2] ^= 0xff
	rep := inspect(t, "bad.gz", g, config())
	if len(rep.Errors) == 0 {
		t.Fatalf("want an error entry")
	}
	if rep.Files[0].Path != "bad.gz" {
		t.Errorf("the container itself is still listed")
	}
}

type panicky struct{}

func (panicky) Name() string                { return "panicky" }
func (panicky) Match(in *unpack.Input) bool { return bytes.HasPrefix(in.Head, []byte("PANIC")) }
func (panicky) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	emit(&unpack.Member{Name: "first.txt", Type: unpack.TypeFile, Size: 2, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader("ok")), nil
	}})
	panic("boom")
}

func TestPanickingUnpackerIsContained(t *testing.T) {
	cfg := config()
	cfg.Unpackers = append([]unpack.Unpacker{panicky{}}, cfg.Unpackers...)
	z := makeZip(t, []entry{{name: "p.bin", body: "PANIC!"}, {name: "after.txt", body: "still here"}}, zip.Store)
	rep := inspect(t, "p.zip", z, cfg)
	files := byPath(rep)
	if files["p.zip!/after.txt"] == nil || files["p.zip!/p.bin!/first.txt"] == nil {
		t.Errorf("members around the panic must be listed: %v", files)
	}
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error, "panic in panicky unpacker: boom") {
		t.Errorf("errors = %v", rep.Errors)
	}
}

type sleepy struct{}

func (sleepy) Name() string           { return "sleepy" }
func (sleepy) Match(kind string) bool { return kind == "text" }
func (sleepy) Analyze(ctx context.Context, in *analyze.Input, f *model.File) error {
	time.Sleep(2 * time.Second)
	return nil
}

func TestFileTimeout(t *testing.T) {
	cfg := config()
	cfg.Analyzers = []analyze.Analyzer{sleepy{}}
	cfg.Limits.FileTimeout = 10 * time.Millisecond
	rep := inspect(t, "slow.txt", []byte("slow text\n"), cfg)
	if len(rep.Findings) != 1 || rep.Findings[0].Evidence["limit"] != "file-timeout" {
		t.Errorf("findings = %v", findingIDs(rep))
	}
}

func TestDirectoryTarget(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "bin"), 0o755)
	os.WriteFile(filepath.Join(dir, "bin", "tool.sh"), []byte("#!/bin/sh\necho hi\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "data.tgz"), gz(t, makeTar(t, []entry{{name: "x.txt", body: "x"}})), 0o644)
	os.Symlink("/etc/shadow", filepath.Join(dir, "shadow"))
	rep, err := engine.Inspect(context.Background(), dir, config())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rep.Files {
		got[f.Path] = f.Kind + "/" + f.Type
	}
	want := map[string]string{
		"bin/tool.sh":     "script/shell/file",
		"data.tgz":        "gzip/file",
		"data.tgz!/x.txt": "text/file",
		"shadow":          "link/symlink",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if rep.Target.Kind != "directory" {
		t.Errorf("target kind %q", rep.Target.Kind)
	}
}

func TestMissingTargetIsTargetError(t *testing.T) {
	_, err := engine.Inspect(context.Background(), filepath.Join(t.TempDir(), "nope"), config())
	var te *engine.TargetError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *TargetError", err)
	}
}

func TestOutputIsDeterministic(t *testing.T) {
	var es []entry
	for i := 0; i < 40; i++ {
		es = append(es, entry{name: strings.Repeat("d/", i%5) + string(rune('a'+i%26)) + ".txt", body: strings.Repeat("z", i)})
	}
	z := makeZip(t, es, zip.Deflate)
	a, b := inspect(t, "d.zip", z, config()), inspect(t, "d.zip", z, config())
	a.Target.Path, b.Target.Path = "", ""
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("two runs differ:\n%s", d)
	}
}

// siblingProbe asks for siblings by hostile names and records what opened.
type siblingProbe struct{ opened map[string]int64 }

func (siblingProbe) Name() string                { return "probe" }
func (siblingProbe) Match(in *unpack.Input) bool { return bytes.HasPrefix(in.Head, []byte("PROBE")) }
func (p siblingProbe) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	for _, name := range []string{"ext.cab", "../secret.txt", "/etc/passwd", "sub/ext.cab", `..\secret.txt`, ".", ""} {
		if _, size, err := in.Sibling(name); err == nil {
			p.opened[name] = size
		}
	}
	return nil
}

func TestSiblingOnlyOpensPlainNamesBeside(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "release")
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(root, "secret.txt"), []byte("s"), 0o644)
	os.WriteFile(filepath.Join(dir, "ext.cab"), []byte("cab"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "ext.cab"), []byte("nested"), 0o644)
	os.WriteFile(filepath.Join(dir, "setup.msi"), []byte("PROBE"), 0o644)
	probe := siblingProbe{opened: map[string]int64{}}
	cfg := config()
	cfg.Unpackers = []unpack.Unpacker{probe}
	if _, err := engine.Inspect(context.Background(), filepath.Join(dir, "setup.msi"), cfg); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int64{"ext.cab": 3}, probe.opened); d != "" {
		t.Errorf("opened siblings (-want +got):\n%s", d)
	}
}

type twoProblems struct{}

func (twoProblems) Name() string           { return "two" }
func (twoProblems) Match(kind string) bool { return kind == "text" }
func (twoProblems) Analyze(ctx context.Context, in *analyze.Input, f *model.File) error {
	return errors.Join(errors.New("first problem"), errors.New("second problem"))
}

// Joined errors reach errors[] on one line, whatever analyzer made them.
func TestErrorsAreOneLine(t *testing.T) {
	cfg := config()
	cfg.Analyzers = []analyze.Analyzer{twoProblems{}}
	rep := inspect(t, "notes.txt", []byte("text\n"), cfg)
	if len(rep.Errors) != 1 || rep.Errors[0].Error != "two: first problem; second problem" {
		t.Errorf("errors = %q", rep.Errors)
	}
}
