package ar_test

import (
	gotar "archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/ar"
	"github.com/vouch-sec/vouch/internal/unpack/compress"
	"github.com/vouch-sec/vouch/internal/unpack/tar"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// entry is what the tests compare: data is checked separately.
type entry struct {
	Name string
	Type unpack.Type
	Size int64
	Meta map[string]string
}

func entries(es []unpacktest.Entry) []entry {
	var out []entry
	for _, e := range es {
		out = append(out, entry{e.Name, e.Type, e.Size, e.Meta})
	}
	return out
}

// innerNames lists the tar inside a (possibly compressed) deb part, the way
// the engine will recurse into it.
func innerNames(t *testing.T, b []byte) []string {
	t.Helper()
	in := unpacktest.Input("part", b)
	for _, u := range []unpack.Unpacker{compress.Gzip(), compress.XZ(), compress.Zstd()} {
		if u.Match(in) {
			es, err := unpacktest.Collect(u, in)
			if err != nil || len(es) != 1 || es[0].Err != nil {
				t.Fatalf("%s layer: %v %v", u.Name(), err, es)
			}
			in = unpacktest.Input("part.tar", es[0].Data)
			break
		}
	}
	es, err := unpacktest.Collect(tar.New(), in)
	if err != nil {
		t.Fatalf("tar: %v", err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name)
	}
	return names
}

func TestMatch(t *testing.T) {
	tests := []struct {
		file     string
		deb, lib bool
	}{
		{"hello_gzip.deb", true, false},
		{"hello_zstd.deb", true, false},
		{"hello_none.deb", true, false},
		{"hello_scripts_xz.deb", true, false},
		{"mixed.deb", true, false},
		{"hello_gzip_truncated.deb", true, false},
		{"libgnu.a", false, true},
		{"libbsd.a", false, true},
		{"libgnu_truncated.a", false, true},
		{"gen.sh", false, false},
	}
	for _, tt := range tests {
		in := unpacktest.Input(tt.file, readFixture(t, tt.file))
		if got := ar.Deb().Match(in); got != tt.deb {
			t.Errorf("Deb().Match(%s) = %v, want %v", tt.file, got, tt.deb)
		}
		if got := ar.New().Match(in); got != tt.lib {
			t.Errorf("New().Match(%s) = %v, want %v", tt.file, got, tt.lib)
		}
	}
	if ar.Deb().Name() != "deb" || ar.New().Name() != "ar" {
		t.Errorf("names = %q, %q", ar.Deb().Name(), ar.New().Name())
	}
}

var helloData = []string{"./", "./usr/", "./usr/bin/", "./usr/bin/hello", "./usr/share/", "./usr/share/doc/",
	"./usr/share/doc/hello/", "./usr/share/doc/hello/README", "./usr/bin/hello-readme"}

func TestDeb(t *testing.T) {
	pkgMeta := map[string]string{
		"deb.format":       "2.0",
		"deb.package":      "hello",
		"deb.version":      "1:1.0-1",
		"deb.architecture": "amd64",
		"deb.maintainer":   "Vouch Test <test@example.com>",
	}
	with := func(scripts string) map[string]string {
		m := map[string]string{"deb.maintainer_scripts": scripts}
		for k, v := range pkgMeta {
			m[k] = v
		}
		return m
	}
	part := func(p string) map[string]string { return map[string]string{"deb.part": p} }
	tests := []struct {
		file        string
		want        []entry
		meta        map[string]string
		controlList []string
	}{
		{
			file: "hello_gzip.deb",
			want: []entry{
				{"debian-binary", unpack.TypeFile, 4, part("version")},
				{"control.tar.gz", unpack.TypeFile, 327, part("control")},
				{"data.tar.gz", unpack.TypeFile, 491, part("data")},
			},
			meta:        with("postinst"),
			controlList: []string{"./", "./control", "./postinst"},
		},
		{
			file: "hello_zstd.deb",
			want: []entry{
				{"debian-binary", unpack.TypeFile, 4, part("version")},
				{"control.tar.zst", unpack.TypeFile, 315, part("control")},
				{"data.tar.zst", unpack.TypeFile, 498, part("data")},
			},
			meta:        with("postinst"),
			controlList: []string{"./", "./control", "./postinst"},
		},
		{
			file: "hello_none.deb",
			want: []entry{
				{"debian-binary", unpack.TypeFile, 4, part("version")},
				{"control.tar", unpack.TypeFile, 10240, part("control")},
				{"data.tar", unpack.TypeFile, 20480, part("data")},
			},
			meta:        with("postinst"),
			controlList: []string{"./", "./control", "./postinst"},
		},
		{
			file: "hello_scripts_xz.deb",
			want: []entry{
				{"debian-binary", unpack.TypeFile, 4, part("version")},
				{"control.tar.xz", unpack.TypeFile, 516, part("control")},
				{"data.tar.xz", unpack.TypeFile, 524, part("data")},
			},
			meta:        with("preinst,postinst,prerm,postrm,config,triggers"),
			controlList: []string{"./", "./config", "./control", "./postinst", "./postrm", "./preinst", "./prerm", "./triggers"},
		},
		{
			// GNU ar names ("debian-binary/"), xz control, zstd data.
			file: "mixed.deb",
			want: []entry{
				{"debian-binary", unpack.TypeFile, 4, part("version")},
				{"control.tar.xz", unpack.TypeFile, 516, part("control")},
				{"data.tar.zst", unpack.TypeFile, 498, part("data")},
			},
			meta:        with("preinst,postinst,prerm,postrm,config,triggers"),
			controlList: []string{"./", "./config", "./control", "./postinst", "./postrm", "./preinst", "./prerm", "./triggers"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := unpacktest.Input(tt.file, readFixture(t, tt.file))
			es, err := unpacktest.Collect(ar.Deb(), in)
			if err != nil {
				t.Fatalf("Unpack: %v", err)
			}
			if diff := cmp.Diff(tt.want, entries(es)); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.meta, in.Meta); diff != "" {
				t.Errorf("container Meta (-want +got):\n%s", diff)
			}
			if len(es) != 3 {
				return
			}
			if string(es[0].Data) != "2.0\n" {
				t.Errorf("debian-binary = %q", es[0].Data)
			}
			if diff := cmp.Diff(tt.controlList, innerNames(t, es[1].Data), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("control.tar (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(helloData, innerNames(t, es[2].Data)); diff != "" {
				t.Errorf("data.tar (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStaticLib(t *testing.T) {
	want := []entry{
		{"short.o", unpack.TypeFile, 1096, nil},
		{"odd.txt", unpack.TypeFile, 5, nil},
		{"a_rather_long_object_file_name.o", unpack.TypeFile, 1120, nil},
	}
	wantSHA := map[string]string{
		"short.o":                          "173ef2199a59c734aed9c9f81fa05fb92523c0771f9486c2a788c3dff3728356",
		"odd.txt":                          sha([]byte("odd\n\n")),
		"a_rather_long_object_file_name.o": "64bf48e4076be7f3c8797475792b2375ae7519d05e5ea9dc736f2ed683fe6452",
	}
	for _, file := range []string{"libgnu.a", "libbsd.a"} {
		t.Run(file, func(t *testing.T) {
			in := unpacktest.Input(file, readFixture(t, file))
			es, err := unpacktest.Collect(ar.New(), in)
			if err != nil {
				t.Fatalf("Unpack: %v", err)
			}
			if diff := cmp.Diff(want, entries(es)); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			for _, e := range es {
				if got := sha(e.Data); got != wantSHA[e.Name] {
					t.Errorf("%s: sha256 %s, want %s", e.Name, got, wantSHA[e.Name])
				}
			}
			if len(in.Meta) != 0 {
				t.Errorf("Meta = %v, want none for a plain archive", in.Meta)
			}
		})
	}
}

func TestTruncated(t *testing.T) {
	tests := []struct {
		file  string
		u     unpack.Unpacker
		names []string
	}{
		// The cut is inside data.tar.gz, whose size no longer fits.
		{"hello_gzip_truncated.deb", ar.Deb(), []string{"debian-binary", "control.tar.gz"}},
		{"libgnu_truncated.a", ar.New(), []string{"short.o", "odd.txt"}},
	}
	for _, tt := range tests {
		in := unpacktest.Input(tt.file, readFixture(t, tt.file))
		es, err := unpacktest.Collect(tt.u, in)
		if !errors.Is(err, unpack.ErrCorrupt) {
			t.Errorf("%s: err = %v, want ErrCorrupt", tt.file, err)
		}
		var names []string
		for _, e := range es {
			names = append(names, e.Name)
		}
		if diff := cmp.Diff(tt.names, names); diff != "" {
			t.Errorf("%s: members (-want +got):\n%s", tt.file, diff)
		}
	}
	// A truncated deb still reports the facts read before the damage.
	in := unpacktest.Input("t.deb", readFixture(t, "hello_gzip_truncated.deb"))
	unpacktest.Collect(ar.Deb(), in)
	if in.Meta["deb.package"] != "hello" || in.Meta["deb.maintainer_scripts"] != "postinst" {
		t.Errorf("Meta of truncated deb = %v", in.Meta)
	}
}

// TestEveryPrefix cuts the fixtures at every length: the result is a clean
// end at a member boundary or ErrCorrupt, never a panic or another error.
func TestEveryPrefix(t *testing.T) {
	for _, file := range []string{"hello_gzip.deb", "libgnu.a", "libbsd.a", "mixed.deb"} {
		b := readFixture(t, file)
		for n := 0; n < len(b); n++ {
			for _, u := range []unpack.Unpacker{ar.New(), ar.Deb()} {
				_, err := unpacktest.Collect(u, unpacktest.Input(file, b[:n]))
				if err != nil && !errors.Is(err, unpack.ErrCorrupt) {
					t.Fatalf("%s[:%d]: err = %v", file, n, err)
				}
			}
		}
	}
}

// hdr builds one ar header.
func hdr(name string, size int) string {
	return fmt.Sprintf("%-16s%-12s%-6s%-6s%-8s%-10d`\n", name, "0", "0", "0", "100644", size)
}

func TestCrafted(t *testing.T) {
	const m = "!<arch>\n"
	tests := []struct {
		name    string
		in      string
		names   []string
		wantErr error
	}{
		{"empty archive", m, nil, nil},
		{"odd size, last pad missing", m + hdr("a/", 3) + "abc", []string{"a"}, nil},
		{"odd size then member", m + hdr("a/", 1) + "x\n" + hdr("b/", 2) + "yz", []string{"a", "b"}, nil},
		{"trailing newline padding", m + hdr("a/", 2) + "xy\n\n", []string{"a"}, nil},
		{"trailing garbage", m + hdr("a/", 2) + "xyGARBAGE", []string{"a"}, unpack.ErrCorrupt},
		{"size beyond input", m + hdr("a/", 1000) + "x", nil, unpack.ErrCorrupt},
		{"negative size", m + strings.Replace(hdr("a/", 1), "1         `", "-1        `", 1) + "x", nil, unpack.ErrCorrupt},
		{"huge size", m + strings.Replace(hdr("a/", 1), "1         `", "9999999999`", 1), nil, unpack.ErrCorrupt},
		{"bad terminator", m + strings.Replace(hdr("a/", 1), "`\n", "xx", 1) + "x", nil, unpack.ErrCorrupt},
		{"gnu long names", m + hdr("//", 17) + "first.o/\nsecond/\n\n" + hdr("/9", 1) + "x\n" + hdr("/0", 1) + "y",
			[]string{"second", "first.o"}, nil},
		{"windows long names (NUL)", m + hdr("/", 4) + "\x00\x00\x00\x00" + hdr("/", 0) + hdr("//", 6) + "a.obj\x00" + hdr("/0", 1) + "x",
			[]string{"a.obj"}, nil},
		{"long name outside table", m + hdr("//", 4) + "a/\n\n" + hdr("/4", 1) + "x", nil, unpack.ErrCorrupt},
		{"long name without table", m + hdr("/0", 1) + "x", nil, unpack.ErrCorrupt},
		{"two long-name tables", m + hdr("//", 2) + "a\n" + hdr("//", 2) + "b\n", nil, unpack.ErrCorrupt},
		{"bsd name", m + hdr("#1/8", 9) + "name\x00\x00\x00\x00X\n", []string{"name"}, nil},
		{"bsd name longer than member", m + hdr("#1/8", 4) + "name", nil, unpack.ErrCorrupt},
		{"bsd name too long", m + hdr("#1/99999", 99999) + strings.Repeat("a", 99999), nil, unpack.ErrCorrupt},
		{"bsd symbol table skipped", m + hdr("__.SYMDEF", 2) + "xx" + hdr("a", 1) + "x", []string{"a"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, err := unpacktest.Collect(ar.New(), unpacktest.Input("crafted.a", []byte(tt.in)))
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			var names []string
			for _, e := range es {
				names = append(names, e.Name)
			}
			if diff := cmp.Diff(tt.names, names); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMemberData(t *testing.T) {
	in := "!<arch>\n" + hdr("a/", 3) + "abc\n" + hdr("b/", 2) + "de"
	es, err := unpacktest.Collect(ar.New(), unpacktest.Input("x.a", []byte(in)))
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || !bytes.Equal(es[0].Data, []byte("abc")) || !bytes.Equal(es[1].Data, []byte("de")) {
		t.Errorf("members = %+v", es)
	}
}

func TestMaxMembers(t *testing.T) {
	in := unpacktest.Input("x.a", []byte("!<arch>\n"+hdr("a/", 0)+hdr("b/", 0)+hdr("c/", 0)))
	in.MaxMembers = 2
	es, err := unpacktest.Collect(ar.New(), in)
	if err == nil || len(es) != 2 {
		t.Errorf("got %d members, err %v; want 2 and a limit error", len(es), err)
	}
}

func TestControlFields(t *testing.T) {
	// The deb reader must take only the first paragraph and the first of a
	// duplicated field, and ignore continuation lines.
	ctl := "Package: a\nDescription: x\n Package: evil\nPackage: b\nversion:  2 \r\n\nPackage: c\n"
	deb := buildDeb(t, map[string]string{"control": ctl, "postinst": "#!/bin/sh\n"})
	in := unpacktest.Input("x.deb", deb)
	if _, err := unpacktest.Collect(ar.Deb(), in); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"deb.format": "2.0", "deb.package": "a", "deb.version": "2", "deb.maintainer_scripts": "postinst"}
	if diff := cmp.Diff(want, in.Meta); diff != "" {
		t.Errorf("Meta (-want +got):\n%s", diff)
	}
}

// buildDeb writes a deb with an uncompressed control.tar holding files.
func buildDeb(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var ctl bytes.Buffer
	tw := gotar.NewWriter(&ctl)
	for name, body := range files {
		if err := tw.WriteHeader(&gotar.Header{Name: "./" + name, Mode: 0o755, Size: int64(len(body)), Typeflag: gotar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	pad := func(s string) string {
		if len(s)%2 == 1 {
			return s + "\n"
		}
		return s
	}
	return []byte("!<arch>\n" + hdr("debian-binary", 4) + "2.0\n" +
		hdr("control.tar", ctl.Len()) + pad(ctl.String()) + hdr("data.tar", 0))
}
