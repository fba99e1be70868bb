package rpm_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/rpm"
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

// entry is what the tests compare; file data is compared as its sha256.
type entry struct {
	Name       string
	Type       unpack.Type
	LinkTarget string
	Size       int64
	Meta       map[string]string
	Data       string
}

func entries(es []unpacktest.Entry) []entry {
	var out []entry
	for _, e := range es {
		d := ""
		if e.Type == unpack.TypeFile && e.Err == nil {
			d = string(e.Data)
			if len(e.Data) > 64 {
				d = "sha256:" + sha(e.Data)
			}
		}
		out = append(out, entry{e.Name, e.Type, e.LinkTarget, e.Size, e.Meta, d})
	}
	return out
}

func script(kind, interp string) map[string]string {
	return map[string]string{"rpm.scriptlet": kind, "rpm.interpreter": interp}
}

// helloMembers is what rpmbuild put in every fixture (testdata/gen.sh).
var helloMembers = []entry{
	{".rpm-scriptlets/prein", unpack.TypeFile, "", 21, script("prein", "/bin/sh"), "echo \"pre-install $1\""},
	{".rpm-scriptlets/postin", unpack.TypeFile, "", 36, script("postin", "/bin/sh"), "echo \"post-install $1\"\n/usr/bin/true"},
	{".rpm-scriptlets/preun", unpack.TypeFile, "", 0, script("preun", "/sbin/ldconfig"), ""},
	{".rpm-scriptlets/posttrans", unpack.TypeFile, "", 18, script("posttrans", "<lua>"), "print(\"posttrans\")"},
	{".rpm-scriptlets/verifyscript", unpack.TypeFile, "", 11, script("verifyscript", "/bin/sh"), "echo verify"},
	{".rpm-scriptlets/triggerin-0", unpack.TypeFile, "", 19,
		map[string]string{"rpm.scriptlet": "triggerin", "rpm.interpreter": "/bin/sh", "rpm.trigger": "bash"}, "echo \"bash changed\""},
	{"./usr/bin/hello", unpack.TypeFile, "", 4432, nil, "sha256:e51466924bd11aef751431fe36a6a1213723f922cba0d70a112f8758147c41fb"},
	{"./usr/bin/hello-readme", unpack.TypeSymlink, "../share/hello/README", 21, nil, ""},
	{"./usr/share/hello", unpack.TypeDir, "", 0, nil, ""},
	{"./usr/share/hello/README", unpack.TypeFile, "", 25, nil, "hello is a test fixture.\n"},
	// newc puts a hard-link group's data on its last entry.
	{"./usr/share/hello/link-b", unpack.TypeFile, "", 22, nil, "same bytes, two names\n"},
	{"./usr/share/hello/link-a", unpack.TypeHardlink, "./usr/share/hello/link-b", 0, nil, ""},
}

func TestMatch(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.rpm")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if !rpm.New().Match(unpacktest.Input(f, b)) {
			t.Errorf("Match(%s) = false", f)
		}
	}
	for _, b := range [][]byte{readFixture(t, "gen.sh"), nil, {0xed, 0xab, 0xee, 0xdb}, append([]byte{0xed, 0xab, 0xee, 0xdb}, make([]byte, 200)...)} {
		if rpm.New().Match(unpacktest.Input("x", b)) {
			t.Errorf("Match(%q…) = true", b[:min(len(b), 8)])
		}
	}
}

func TestPackages(t *testing.T) {
	tests := []struct {
		file, compressor, signed string
	}{
		{"hello_xz.rpm", "xz", "false"},
		{"hello_zstd.rpm", "zstd", "false"},
		{"hello_gzip.rpm", "gzip", "false"},
		{"hello_bzip2.rpm", "bzip2", "false"},
		{"hello_lzma.rpm", "lzma", "false"},
		{"hello_none.rpm", "", "false"},
		{"hello_signed.rpm", "gzip", "true"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := unpacktest.Input(tt.file, readFixture(t, tt.file))
			es, err := unpacktest.Collect(rpm.New(), in)
			if err != nil {
				t.Fatalf("Unpack: %v", err)
			}
			if diff := cmp.Diff(helloMembers, entries(es)); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			want := map[string]string{"rpm.name": "hello", "rpm.version": "1.0", "rpm.release": "1", "rpm.arch": "x86_64",
				"rpm.vendor": "Vouch Test", "rpm.signed": tt.signed, "rpm.requires": "/bin/sh, /sbin/ldconfig",
				"rpm.scriptlets": "prein,postin,preun,posttrans,verifyscript,triggerin-0"}
			if tt.compressor != "" {
				want["rpm.payload_compressor"] = tt.compressor
			}
			if diff := cmp.Diff(want, in.Meta); diff != "" {
				t.Errorf("Meta (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTruncated(t *testing.T) {
	in := unpacktest.Input("t.rpm", readFixture(t, "hello_xz_truncated.rpm"))
	es, err := unpacktest.Collect(rpm.New(), in)
	if !errors.Is(err, unpack.ErrCorrupt) {
		t.Errorf("payload cut: err = %v, want ErrCorrupt", err)
	}
	// The scriptlets come from the intact header; the payload breaks in
	// the first file, whose read fails.
	if len(es) != 7 || es[5].Name != ".rpm-scriptlets/triggerin-0" || es[6].Name != "./usr/bin/hello" || es[6].Err == nil {
		t.Errorf("payload cut: members %v", entries(es))
	}
	if in.Meta["rpm.name"] != "hello" {
		t.Errorf("payload cut: Meta %v", in.Meta)
	}

	in = unpacktest.Input("t.rpm", readFixture(t, "hello_header_truncated.rpm"))
	es, err = unpacktest.Collect(rpm.New(), in)
	if !errors.Is(err, unpack.ErrCorrupt) || len(es) != 0 {
		t.Errorf("header cut: err = %v, %d members; want ErrCorrupt and none", err, len(es))
	}
	if in.Meta["rpm.signed"] != "false" {
		t.Errorf("header cut: Meta %v, want the signature header's facts", in.Meta)
	}
}

// TestEveryPrefix cuts fixtures at every length: never a panic, and any
// error is ErrCorrupt.
func TestEveryPrefix(t *testing.T) {
	for _, file := range []string{"hello_gzip.rpm", "hello_none.rpm", "hello_zstd.rpm"} {
		b := readFixture(t, file)
		for n := 0; n < len(b); n += 1 + n/2000 {
			_, err := unpacktest.Collect(rpm.New(), unpacktest.Input(file, b[:n]))
			if err == nil && n < len(b)-1024 || err != nil && !errors.Is(err, unpack.ErrCorrupt) {
				t.Fatalf("%s[:%d]: err = %v", file, n, err)
			}
		}
	}
}

// Crafted packages.

type tag struct {
	id, typ, count uint32
	data           []byte
}

func str(id uint32, s string) tag { return tag{id, 6, 1, []byte(s + "\x00")} }

func strs(id uint32, ss ...string) tag {
	return tag{id, 8, uint32(len(ss)), []byte(strings.Join(ss, "\x00") + "\x00")}
}

func i32s(id uint32, vs ...uint32) tag {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.BigEndian.PutUint32(b[4*i:], v)
	}
	return tag{id, 4, uint32(len(vs)), b}
}

// header builds a header structure; int32 data is aligned as rpm does.
func header(tags ...tag) []byte {
	var idx, store bytes.Buffer
	for _, t := range tags {
		if t.typ == 4 {
			for store.Len()%4 != 0 {
				store.WriteByte(0)
			}
		}
		binary.Write(&idx, binary.BigEndian, [4]uint32{t.id, t.typ, uint32(store.Len()), t.count})
		store.Write(t.data)
	}
	var b bytes.Buffer
	b.Write([]byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0})
	binary.Write(&b, binary.BigEndian, [2]uint32{uint32(len(tags)), uint32(store.Len())})
	b.Write(idx.Bytes())
	b.Write(store.Bytes())
	return b.Bytes()
}

func build(sig, main, payload []byte) []byte {
	b := append([]byte{0xed, 0xab, 0xee, 0xdb, 3, 0}, make([]byte, 90)...)
	b = append(b, sig...)
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	b = append(b, main...)
	return append(b, payload...)
}

// newc builds one cpio entry.
func newc(name string, mode, nlink, ino uint32, data string) string {
	return newcRaw(name, len(name)+1, mode, nlink, ino, len(data), data)
}

// newcRaw builds a cpio entry whose name and data sizes may lie.
func newcRaw(name string, nameSize int, mode, nlink, ino uint32, size int, data string) string {
	h := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, nameSize, 0) + name + "\x00"
	for len(h)%4 != 0 {
		h += "\x00"
	}
	h += data
	for len(h)%4 != 0 {
		h += "\x00"
	}
	return h
}

var trailer = newc("TRAILER!!!", 0, 1, 0, "")

func names(es []unpacktest.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

func TestCraftedHeaders(t *testing.T) {
	payload := []byte(newc("./a", 0o100644, 1, 1, "A") + trailer)
	plain := header(str(1000, "x"))
	tests := []struct {
		name    string
		in      []byte
		wantErr error
		names   []string
	}{
		{"minimal", build(header(), plain, payload), nil, []string{"./a"}},
		{"huge index count", build([]byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}, plain, payload), unpack.ErrCorrupt, nil},
		{"index beyond input", build([]byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0}, plain, payload), unpack.ErrCorrupt, nil},
		{"huge data length", build([]byte{0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff}, plain, payload), unpack.ErrCorrupt, nil},
		{"bad main magic", build(header(), []byte("not a header at all"), payload), unpack.ErrCorrupt, nil},
		{"int32 data beyond store", build(header(), header(tag{1003, 4, 0x40000000, []byte{0, 0, 0, 1}}), payload), unpack.ErrCorrupt, nil},
		{"offset beyond store", build(header(), func() []byte {
			h := header(str(1000, "x"))
			binary.BigEndian.PutUint32(h[16+8:], 1000)
			return h
		}(), payload), unpack.ErrCorrupt, nil},
		{"bad type", build(header(), header(tag{1000, 77, 1, []byte("x\x00")}), payload), unpack.ErrCorrupt, nil},
		{"unknown compressor", build(header(), header(str(1125, "brotli"), str(1024, "echo hi")), payload), unpack.ErrUnsupported,
			[]string{".rpm-scriptlets/postin"}},
		{"not cpio", build(header(), header(str(1124, "drpm")), payload), unpack.ErrUnsupported, nil},
		{"stripped cpio", build(header(), plain, []byte(strings.Replace(string(payload), "070701", "07070X", 1))), unpack.ErrUnsupported, nil},
		{"bad cpio magic", build(header(), plain, []byte(strings.Replace(string(payload), "070701", "070707", 1))), unpack.ErrCorrupt, nil},
		{"no trailer", build(header(), plain, []byte(newc("./a", 0o100644, 1, 1, "A"))), unpack.ErrCorrupt, []string{"./a"}},
		{"size beyond payload", build(header(), plain, []byte(newcRaw("./a", 4, 0o100644, 1, 1, 0x7fffffff, "A"))),
			unpack.ErrCorrupt, nil},
		{"name too long", build(header(), plain, []byte(newc(strings.Repeat("a", 5000), 0o100644, 1, 1, "")+trailer)), unpack.ErrCorrupt, nil},
		{"empty name size", build(header(), plain, []byte(newcRaw("", 0, 0o100644, 1, 1, 0, "")+trailer)),
			unpack.ErrCorrupt, nil},
		{"name not terminated", build(header(), plain, []byte(newcRaw("./ab", 3, 0o100644, 1, 1, 0, "")+trailer)),
			unpack.ErrCorrupt, nil},
		{"non-hex field", build(header(), plain, []byte(strings.Replace(newc("./a", 0o100644, 1, 1, ""), "000081a4", "0000-1a4", 1)+trailer)),
			unpack.ErrCorrupt, nil},
		{"symlink target too long", build(header(), plain, []byte(newc("./l", 0o120777, 1, 1, strings.Repeat("t", 5000))+trailer)),
			unpack.ErrCorrupt, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := unpacktest.Input("crafted.rpm", tt.in)
			es, err := unpacktest.Collect(rpm.New(), in)
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.names, names(es)); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHardlinks(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    []entry
		wantErr error
	}{
		{
			name: "three links, data on the last",
			payload: newc("./x", 0o100644, 3, 7, "") + newc("./other", 0o100644, 1, 8, "o") + newc("./y", 0o100644, 3, 7, "") +
				newc("./z", 0o100644, 3, 7, "data") + trailer,
			want: []entry{
				{"./other", unpack.TypeFile, "", 1, nil, "o"},
				{"./z", unpack.TypeFile, "", 4, nil, "data"},
				{"./x", unpack.TypeHardlink, "./z", 0, nil, ""},
				{"./y", unpack.TypeHardlink, "./z", 0, nil, ""},
			},
		},
		{
			name:    "data on the first (other writers)",
			payload: newc("./x", 0o100644, 2, 7, "data") + newc("./y", 0o100644, 2, 7, "") + trailer,
			want: []entry{
				{"./x", unpack.TypeFile, "", 4, nil, "data"},
				{"./y", unpack.TypeHardlink, "./x", 0, nil, ""},
			},
		},
		{
			name:    "empty hard-linked file",
			payload: newc("./x", 0o100644, 2, 7, "") + newc("./y", 0o100644, 2, 7, "") + trailer,
			want: []entry{
				{"./y", unpack.TypeFile, "", 0, nil, ""},
				{"./x", unpack.TypeHardlink, "./y", 0, nil, ""},
			},
		},
		{
			name:    "data member missing",
			payload: newc("./x", 0o100644, 3, 7, "") + newc("./y", 0o100644, 3, 7, "") + trailer,
			want: []entry{
				{"./x", unpack.TypeFile, "", -1, nil, ""},
				{"./y", unpack.TypeFile, "", -1, nil, ""},
			},
			wantErr: unpack.ErrCorrupt,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, err := unpacktest.Collect(rpm.New(), unpacktest.Input("l.rpm", build(header(), header(), []byte(tt.payload))))
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, entries(es)); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			for _, e := range es {
				if e.Size == -1 && !errors.Is(e.Err, unpack.ErrCorrupt) {
					t.Errorf("%s: Open err = %v, want ErrCorrupt", e.Name, e.Err)
				}
			}
		})
	}
}

func TestModes(t *testing.T) {
	payload := newc("./suid", 0o104755, 1, 1, "x") + newc("./fifo", 0o010644, 1, 2, "") + newc("./dev", 0o020600, 1, 3, "") + trailer
	var got []fs.FileMode
	var types []unpack.Type
	err := rpm.New().Unpack(t.Context(), unpacktest.Input("m.rpm", build(header(), header(), []byte(payload))), func(m *unpack.Member) error {
		got = append(got, m.Mode)
		types = append(types, m.Type)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []fs.FileMode{fs.ModeSetuid | 0o755, fs.ModeNamedPipe | 0o644, fs.ModeDevice | fs.ModeCharDevice | 0o600}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("modes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]unpack.Type{unpack.TypeFile, unpack.TypeOther, unpack.TypeOther}, types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
}

func TestTriggers(t *testing.T) {
	const in, un, postun = 1 << 16, 1 << 17, 1 << 18
	main := header(
		strs(1065, "echo zero", "echo one"),          // TRIGGERSCRIPTS
		strs(1092, "/bin/sh", "/bin/bash"),           // TRIGGERSCRIPTPROG
		strs(1066, "glibc", "bash", "zsh"),           // TRIGGERNAME
		i32s(1068, un, in, in),                       // TRIGGERFLAGS
		i32s(1069, 0, 1, 1),                          // TRIGGERINDEX
		strs(5066, "ldconfig -X"),                    // FILETRIGGERSCRIPTS
		strs(5067, "<lua>"),                          // FILETRIGGERSCRIPTPROG
		strs(5069, "/usr/lib64/"),                    // FILETRIGGERNAME
		i32s(5072, postun),                           // FILETRIGGERFLAGS
		i32s(5070, 0),                                // FILETRIGGERINDEX
		strs(1023, "echo pre"),                       // PREIN as an array, as old rpms had
		str(5103, "echo preuntrans"),                 // PREUNTRANS (rpm 4.20)
		tag{1088, 8, 2, []byte("/bin/sh\x00-e\x00")}, // POSTUNPROG with an argument
	)
	es, err := unpacktest.Collect(rpm.New(), unpacktest.Input("t.rpm", build(header(), main, []byte(trailer))))
	if err != nil {
		t.Fatal(err)
	}
	want := []entry{
		{".rpm-scriptlets/prein", unpack.TypeFile, "", 8, script("prein", "/bin/sh"), "echo pre"},
		{".rpm-scriptlets/postun", unpack.TypeFile, "", 0, script("postun", "/bin/sh -e"), ""},
		{".rpm-scriptlets/preuntrans", unpack.TypeFile, "", 15, script("preuntrans", "/bin/sh"), "echo preuntrans"},
		{".rpm-scriptlets/triggerun-0", unpack.TypeFile, "", 9,
			map[string]string{"rpm.scriptlet": "triggerun", "rpm.interpreter": "/bin/sh", "rpm.trigger": "glibc"}, "echo zero"},
		{".rpm-scriptlets/triggerin-1", unpack.TypeFile, "", 8,
			map[string]string{"rpm.scriptlet": "triggerin", "rpm.interpreter": "/bin/bash", "rpm.trigger": "bash,zsh"}, "echo one"},
		{".rpm-scriptlets/filetriggerpostun-0", unpack.TypeFile, "", 11,
			map[string]string{"rpm.scriptlet": "filetriggerpostun", "rpm.interpreter": "<lua>", "rpm.trigger": "/usr/lib64/"}, "ldconfig -X"},
	}
	if diff := cmp.Diff(want, entries(es)); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
}

func TestBadScriptlet(t *testing.T) {
	// A script whose string runs off the end of the store: the member is
	// still listed, and its Open says why it cannot be read.
	main := header(tag{1024, 6, 1, []byte("echo no terminator")})
	es, err := unpacktest.Collect(rpm.New(), unpacktest.Input("b.rpm", build(header(), main, []byte(trailer))))
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Name != ".rpm-scriptlets/postin" || !errors.Is(es[0].Err, unpack.ErrCorrupt) {
		t.Errorf("members = %+v", es)
	}
}

func TestMaxMembers(t *testing.T) {
	payload := newc("./a", 0o100644, 1, 1, "") + newc("./b", 0o100644, 1, 2, "") + newc("./c", 0o100644, 1, 3, "") + trailer
	in := unpacktest.Input("m.rpm", build(header(), header(str(1024, "x")), []byte(payload)))
	in.MaxMembers = 3
	es, err := unpacktest.Collect(rpm.New(), in)
	var le *limits.Exceeded
	if !errors.As(err, &le) || len(es) != 3 {
		t.Errorf("got %d members, err %v; want 3 and a limit", len(es), err)
	}
}

func TestSourcePackage(t *testing.T) {
	b := readFixture(t, "hello_src.rpm")
	in := unpacktest.Input("hello.src.rpm", b)
	es, err := unpacktest.Collect(rpm.New(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Name != "hello.spec" || es[0].Type != unpack.TypeFile ||
		!bytes.Contains(es[0].Data, []byte("%post\necho \"post-install $1\"")) {
		t.Errorf("members = %v", names(es))
	}
	want := map[string]string{"rpm.name": "hello", "rpm.version": "1.0", "rpm.release": "1", "rpm.arch": "x86_64",
		"rpm.vendor": "Vouch Test", "rpm.signed": "false", "rpm.payload_compressor": "gzip"}
	if diff := cmp.Diff(want, in.Meta); diff != "" {
		t.Errorf("Meta (-want +got):\n%s", diff)
	}
}
