package pair_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/glaslos/tlsh"
	"github.com/google/go-cmp/cmp"
	"github.com/vouch-sec/vouch/internal/diff/pair"
	"github.com/vouch-sec/vouch/internal/model"
)

// f builds a member file; sha stands for the content.
func f(path, sha string) *model.File {
	return &model.File{Path: path, SHA256: sha, Size: int64(len(sha) + 1), Kind: "data", Type: "file"}
}

// root builds a top-level container file.
func root(path, format string) *model.File {
	return &model.File{Path: path, SHA256: "root-" + path, Size: 1000, Kind: format, Type: "file", Format: format}
}

// member builds a file inside the container root.
func member(rootPath, rel, sha string) *model.File {
	m := f(rootPath+"!/"+rel, sha)
	m.Chain = []model.Container{{Path: rootPath, Format: "msi"}}
	return m
}

// line is a Pairing in a form easy to compare.
type line struct {
	Old, New string
	Status   pair.Status
	Stage    pair.Stage
}

func lines(ps []pair.Pairing) []line {
	var out []line
	for _, p := range ps {
		l := line{Status: p.Status, Stage: p.Stage}
		if p.Old != nil {
			l.Old = p.Old.Path
		}
		if p.New != nil {
			l.New = p.New.Path
		}
		out = append(out, l)
	}
	return out
}

func TestPair(t *testing.T) {
	tests := []struct {
		name     string
		old, new []*model.File
		want     []line
	}{
		{
			name: "exact",
			old:  []*model.File{f("a/x", "1"), f("a/y", "2")},
			new:  []*model.File{f("a/x", "1"), f("a/y", "3")},
			want: []line{
				{"a/x", "a/x", pair.Unchanged, pair.StagePath},
				{"a/y", "a/y", pair.Changed, pair.StagePath},
			},
		},
		{
			name: "renamed identical",
			old:  []*model.File{f("lib/old-name.dll", "c")},
			new:  []*model.File{f("bin/new-name.dll", "c")},
			want: []line{{"lib/old-name.dll", "bin/new-name.dll", pair.Moved, pair.StageContent}},
		},
		{
			name: "empty files are not paired by content",
			old:  []*model.File{{Path: "a/one", SHA256: "e", Type: "file"}},
			new:  []*model.File{{Path: "b/two", SHA256: "e", Type: "file"}},
			want: []line{
				{"a/one", "", pair.Removed, ""},
				{"", "b/two", pair.Added, ""},
			},
		},
		{
			name: "deb python version",
			old:  []*model.File{f("data.tar.xz!/usr/lib/python3.11/x.py", "1")},
			new:  []*model.File{f("data.tar.xz!/usr/lib/python3.12/x.py", "2")},
			want: []line{{"data.tar.xz!/usr/lib/python3.11/x.py", "data.tar.xz!/usr/lib/python3.12/x.py", pair.Moved, pair.StageVersion}},
		},
		{
			name: "shared library version",
			old:  []*model.File{f("usr/lib/libfoo.so.1.2.3", "1")},
			new:  []*model.File{f("usr/lib/libfoo.so.1.2.4", "2")},
			want: []line{{"usr/lib/libfoo.so.1.2.3", "usr/lib/libfoo.so.1.2.4", pair.Moved, pair.StageVersion}},
		},
		{
			name: "npm package paths",
			old:  []*model.File{root("pkg-2.4.0.tgz", "gzip+tar"), member("pkg-2.4.0.tgz", "package/index.js", "1"), member("pkg-2.4.0.tgz", "package/package.json", "p1")},
			new:  []*model.File{root("pkg-2.4.1.tgz", "gzip+tar"), member("pkg-2.4.1.tgz", "package/index.js", "1"), member("pkg-2.4.1.tgz", "package/package.json", "p2")},
			want: []line{
				{"pkg-2.4.0.tgz", "pkg-2.4.1.tgz", pair.Changed, pair.StagePath},
				{"pkg-2.4.0.tgz!/package/index.js", "pkg-2.4.1.tgz!/package/index.js", pair.Unchanged, pair.StagePath},
				{"pkg-2.4.0.tgz!/package/package.json", "pkg-2.4.1.tgz!/package/package.json", pair.Changed, pair.StagePath},
			},
		},
		{
			name: "source tree directory version",
			old:  []*model.File{f("pkg-1.2.3/src/a.c", "1"), f("pkg-1.2.3/README", "r")},
			new:  []*model.File{f("pkg-1.2.4/src/a.c", "2"), f("pkg-1.2.4/README", "r")},
			want: []line{
				{"pkg-1.2.3/README", "pkg-1.2.4/README", pair.Moved, pair.StageContent},
				{"pkg-1.2.3/src/a.c", "pkg-1.2.4/src/a.c", pair.Moved, pair.StageVersion},
			},
		},
		{
			name: "basename fallback",
			old:  []*model.File{f("x/ffmpeg.dll", "1"), f("x/a.txt", "t"), f("z/a.txt", "u")},
			new:  []*model.File{f("y/ffmpeg.dll", "2"), f("w/a.txt", "v"), f("q/a.txt", "s")},
			want: []line{
				{"", "q/a.txt", pair.Added, ""},
				{"", "w/a.txt", pair.Added, ""},
				{"x/a.txt", "", pair.Removed, ""},
				{"x/ffmpeg.dll", "y/ffmpeg.dll", pair.Moved, pair.StageBasename},
				{"z/a.txt", "", pair.Removed, ""},
			},
		},
		{
			name: "ambiguous version match takes the most similar path",
			old:  []*model.File{f("lib/python3.11/site/a.py", "1"), f("lib/python3.11/dist/a.py", "2")},
			new:  []*model.File{f("lib/python3.12/dist/a.py", "3"), f("lib/python3.13/site/a.py", "4")},
			want: []line{
				{"lib/python3.11/dist/a.py", "lib/python3.12/dist/a.py", pair.Moved, pair.StageVersion},
				{"lib/python3.11/site/a.py", "lib/python3.13/site/a.py", pair.Moved, pair.StageVersion},
			},
		},
		{
			name: "ambiguous tie is broken by key order",
			old:  []*model.File{f("v1.0/a", "1"), f("v1.1/a", "2")},
			new:  []*model.File{f("v2.0/a", "3")},
			want: []line{
				{"v1.1/a", "", pair.Removed, ""},
				{"v1.0/a", "v2.0/a", pair.Moved, pair.StageVersion},
			},
		},
		{
			name: "msi against directory",
			old: []*model.File{
				root("TinyApp-1.0.0.msi", "msi"),
				member("TinyApp-1.0.0.msi", "ProgramFilesFolder/TinyApp/ffmpeg.dll", "1"),
				member("TinyApp-1.0.0.msi", "ProgramFilesFolder/TinyApp/app.exe", "a"),
			},
			new: []*model.File{
				f("ProgramFilesFolder/TinyApp/ffmpeg.dll", "2"),
				f("ProgramFilesFolder/TinyApp/app.exe", "a"),
			},
			want: []line{
				{"TinyApp-1.0.0.msi!/ProgramFilesFolder/TinyApp/app.exe", "ProgramFilesFolder/TinyApp/app.exe", pair.Unchanged, pair.StagePath},
				{"TinyApp-1.0.0.msi!/ProgramFilesFolder/TinyApp/ffmpeg.dll", "ProgramFilesFolder/TinyApp/ffmpeg.dll", pair.Changed, pair.StagePath},
				{"TinyApp-1.0.0.msi", "", pair.Removed, ""},
			},
		},
		{
			name: "msi against msi",
			old:  []*model.File{root("TinyApp-1.0.0.msi", "msi"), member("TinyApp-1.0.0.msi", "ProgramFilesFolder/TinyApp/ffmpeg.dll", "1")},
			new:  []*model.File{root("TinyApp-1.0.1.msi", "msi"), member("TinyApp-1.0.1.msi", "ProgramFilesFolder/TinyApp/ffmpeg.dll", "2")},
			want: []line{
				{"TinyApp-1.0.0.msi", "TinyApp-1.0.1.msi", pair.Changed, pair.StagePath},
				{"TinyApp-1.0.0.msi!/ProgramFilesFolder/TinyApp/ffmpeg.dll", "TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/ffmpeg.dll", pair.Changed, pair.StagePath},
			},
		},
		{
			name: "added removed and non-regular files",
			old: []*model.File{
				f("gone", "g"),
				{Path: "link", Type: "symlink", LinkTo: "gone"},
			},
			new: []*model.File{
				f("fresh", "n"),
				{Path: "link", Type: "symlink", LinkTo: "fresh"},
			},
			want: []line{
				{"", "fresh", pair.Added, ""},
				{"gone", "", pair.Removed, ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lines(pair.Pair(tt.old, tt.new, pair.Options{}))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Pair (-want +got):\n%s", diff)
			}
		})
	}
}

// blob returns n pseudo-random bytes from seed, with some structure so that
// TLSH has something to work with.
func blob(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.IntN(64) + 32)
	}
	return b
}

func hash(t *testing.T, b []byte) string {
	t.Helper()
	h, err := tlsh.HashBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return h.String()
}

func TestPairFuzzy(t *testing.T) {
	a := blob(1, 8192)
	a2 := append([]byte(nil), a...)
	for i := 0; i < 100; i++ {
		a2[i*37] ^= 0x55
	}
	other := blob(2, 8192)
	mk := func(path string, b []byte, kind string) *model.File {
		return &model.File{Path: path, SHA256: fmt.Sprintf("%x", b[:16]) + path, Size: int64(len(b)), Kind: kind, Type: "file", TLSH: hash(t, b)}
	}
	old := []*model.File{mk("bin/codec.dll", a, "pe"), mk("bin/other.dll", other, "pe")}
	new := []*model.File{mk("bin/renamed.dll", a2, "pe"), mk("bin/text.txt", a2, "text")}
	want := []line{
		{"bin/other.dll", "", pair.Removed, ""},
		{"bin/codec.dll", "bin/renamed.dll", pair.Moved, pair.StageFuzzy},
		{"", "bin/text.txt", pair.Added, ""},
	}
	if diff := cmp.Diff(want, lines(pair.Pair(old, new, pair.Options{}))); diff != "" {
		t.Errorf("Pair (-want +got):\n%s", diff)
	}
	// A negative threshold turns the stage off.
	got := lines(pair.Pair(old, new, pair.Options{FuzzyThreshold: -1}))
	for _, l := range got {
		if l.Stage == pair.StageFuzzy {
			t.Errorf("fuzzy pairing with the stage off: %+v", l)
		}
	}
}

func TestMaxGroup(t *testing.T) {
	// All four keys normalise to "x-#/y-#/z".
	old := []*model.File{f("x-1.0/y-1.0/z", "1"), f("x-1.0/y-2.0/z", "2")}
	new := []*model.File{f("x-3.0/y-1.0/z", "3"), f("x-3.0/y-2.0/z", "4")}
	// With the default bound the two-by-two bucket is resolved by similarity.
	want := []line{
		{"x-1.0/y-1.0/z", "x-3.0/y-1.0/z", pair.Moved, pair.StageVersion},
		{"x-1.0/y-2.0/z", "x-3.0/y-2.0/z", pair.Moved, pair.StageVersion},
	}
	if diff := cmp.Diff(want, lines(pair.Pair(old, new, pair.Options{}))); diff != "" {
		t.Errorf("Pair (-want +got):\n%s", diff)
	}
	// Over the bound it is skipped, and basename is not unique either.
	want = []line{
		{"x-1.0/y-1.0/z", "", pair.Removed, ""},
		{"x-1.0/y-2.0/z", "", pair.Removed, ""},
		{"", "x-3.0/y-1.0/z", pair.Added, ""},
		{"", "x-3.0/y-2.0/z", pair.Added, ""},
	}
	if diff := cmp.Diff(want, lines(pair.Pair(old, new, pair.Options{MaxGroup: 3}))); diff != "" {
		t.Errorf("Pair with MaxGroup 3 (-want +got):\n%s", diff)
	}
}

func TestNormalize(t *testing.T) {
	tests := map[string]string{
		"pkg-1.2.3/src/a.c":              "pkg-#/src/a.c",
		"usr/lib/libfoo.so.1.2":          "usr/lib/libfoo.so.#",
		"usr/lib/libfoo.so.1":            "usr/lib/libfoo.so.#",
		"name-1.2.3.ext":                 "name-#.ext",
		"usr/lib/python3.12/x.py":        "usr/lib/python#/x.py",
		"esbuild-0.28.2.tgz":             "esbuild-#.tgz",
		"openssl_3.0.13-0ubuntu3.1.deb":  "openssl_#.deb",
		"pkg-1.0.0rc1.tar.gz":            "pkg-#.tar.gz",
		"song-1.2.mp3":                   "song-#.mp3",
		"lib/x86_64-linux-gnu/libc.so.6": "lib/x86_64-linux-gnu/libc.so.#",
		"sha256.c":                       "sha256.c",
		"lib64/a":                        "lib64/a",
		"0001-fix.patch":                 "0001-fix.patch",
		"chunk.3f2a9b.js":                "chunk.3f2a9b.js",
		"":                               "",
	}
	for in, want := range tests {
		if got := pair.Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKey(t *testing.T) {
	files := []*model.File{root("a.msi", "msi"), member("a.msi", "x/y", "1")}
	r := pair.Root(files)
	if r != "a.msi" {
		t.Fatalf("Root = %q", r)
	}
	for in, want := range map[string]string{"a.msi": "", "a.msi!/x/y": "x/y", "b.msi!/x": "b.msi!/x", "a.msix": "a.msix"} {
		if got := pair.Key(in, r); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
	if r := pair.Root([]*model.File{f("a", "1"), f("b", "2")}); r != "" {
		t.Errorf("Root of a directory = %q", r)
	}
}

// release builds n files of a synthetic release at version v; about one in
// ten files changes content between versions and one in fifty is renamed.
func release(n int, v string) []*model.File {
	files := make([]*model.File, 0, n)
	for i := range n {
		dir := fmt.Sprintf("pkg-%s/d%03d", v, i%500)
		name := fmt.Sprintf("f%06d.so.%s", i, v)
		if i%50 == 0 && v == "1.0.1" {
			name = fmt.Sprintf("r%06d.bin", i)
		}
		sha := fmt.Sprintf("%064x", i)
		if i%10 == 0 {
			sha = v + sha
		}
		files = append(files, &model.File{Path: dir + "/" + name, SHA256: sha, Size: int64(100 + i%1000), Kind: "elf", Type: "file"})
	}
	return files
}

// withTLSH gives the files renamed by release a fuzzy hash: the new side
// differs from the old one in a few bytes.
func withTLSH(t *testing.T, files []*model.File, changed bool) {
	for i, f := range files {
		if i%50 != 0 {
			continue
		}
		b := blob(uint64(i), 2048)
		if changed {
			for j := 0; j < 10; j++ {
				b[j*200] ^= 0x21
			}
		}
		f.TLSH = hash(t, b)
		f.Size = int64(len(b))
	}
}

func TestDeterminism(t *testing.T) {
	old, new := release(3000, "1.0.0"), release(3000, "1.0.1")
	// Add ambiguity: duplicated content and duplicated base names.
	for i := range 20 {
		old = append(old, f(fmt.Sprintf("dup/o%d/same.txt", i), "same"))
		new = append(new, f(fmt.Sprintf("dup/n%d/same.txt", i), "same"))
	}
	want := lines(pair.Pair(old, new, pair.Options{}))
	r := rand.New(rand.NewPCG(7, 7))
	for range 5 {
		o := append([]*model.File(nil), old...)
		n := append([]*model.File(nil), new...)
		r.Shuffle(len(o), func(i, j int) { o[i], o[j] = o[j], o[i] })
		r.Shuffle(len(n), func(i, j int) { n[i], n[j] = n[j], n[i] })
		if diff := cmp.Diff(want, lines(pair.Pair(o, n, pair.Options{}))); diff != "" {
			t.Fatalf("order changed the result (-first +shuffled):\n%s", diff)
		}
	}
}

// TestLarge runs a 100k-file pairing; it checks that every file appears once,
// not how long it takes.
func TestLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large release")
	}
	const n = 100_000
	old, new := release(n, "1.0.0"), release(n, "1.0.1")
	withTLSH(t, old, false)
	withTLSH(t, new, true)
	got := pair.Pair(old, new, pair.Options{})
	seenOld, seenNew := map[*model.File]bool{}, map[*model.File]bool{}
	stages := map[pair.Stage]int{}
	for _, p := range got {
		if p.Old != nil {
			if seenOld[p.Old] {
				t.Fatalf("old file twice: %s", p.Old.Path)
			}
			seenOld[p.Old] = true
		}
		if p.New != nil {
			if seenNew[p.New] {
				t.Fatalf("new file twice: %s", p.New.Path)
			}
			seenNew[p.New] = true
		}
		stages[p.Stage]++
		if p.Stage == pair.StageFuzzy {
			// d123/f000123.so.1.0.0 must pair with d123/r000123.bin.
			o, nw := p.Old.Path, p.New.Path
			if o[strings.LastIndexByte(o, '/')+2:][:6] != nw[strings.LastIndexByte(nw, '/')+2:][:6] {
				t.Errorf("fuzzy stage paired %s with %s", o, nw)
			}
		}
	}
	// Random bytes make TLSH noisy: a few mutated copies land above the
	// threshold and stay unpaired, which is the documented behaviour.
	if got, want := stages[pair.StageFuzzy], n/50*9/10; got < want {
		t.Errorf("fuzzy stage paired %d files, want at least %d", got, want)
	}
	if len(seenOld) != n || len(seenNew) != n {
		t.Fatalf("saw %d old, %d new files; want %d each", len(seenOld), len(seenNew), n)
	}
	t.Logf("stages: %v", stages)
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"pkg-1.2.3/src/a.c", "libfoo.so.1.2", "python3.12/x", "a.msi!/b-1.0.zip!/c", "openssl_3.0.13-0ubuntu3.1", "x86_64", "1.2.3", "-1", "a.1.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := pair.Normalize(s)
		if again := pair.Normalize(n); again != n {
			t.Errorf("Normalize not idempotent: %q → %q → %q", s, n, again)
		}
		if strings.Count(n, "/") != strings.Count(s, "/") {
			t.Errorf("Normalize(%q) = %q changed the segment count", s, n)
		}
		if len(n) > len(s) {
			t.Errorf("Normalize(%q) = %q grew", s, n)
		}
		if !strings.ContainsAny(s, "0123456789") && n != s {
			t.Errorf("Normalize(%q) = %q changed a path without digits", s, n)
		}
		if k := pair.Key("r.zip!/"+s, "r.zip"); k != s {
			t.Errorf("Key stripped %q to %q", s, k)
		}
	})
}
