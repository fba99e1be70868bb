package xar_test

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
	"github.com/vouch-sec/vouch/internal/unpack/xar"
)

type got struct {
	Name   string
	Type   unpack.Type
	Size   int64
	Link   string
	SHA256 string
	Err    bool
}

func sum(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func collect(t *testing.T, in *unpack.Input) ([]got, map[string][]byte, error) {
	t.Helper()
	es, err := unpacktest.Collect(xar.New(), in)
	var out []got
	data := map[string][]byte{}
	for _, e := range es {
		g := got{Name: e.Name, Type: e.Type, Size: e.Size, Link: e.LinkTarget, SHA256: sum(e.Data), Err: e.Err != nil}
		if e.Err != nil {
			g.SHA256 = ""
			if !errors.Is(e.Err, unpack.ErrCorrupt) && !errors.Is(e.Err, unpack.ErrUnsupported) {
				t.Errorf("%s: error %v wraps neither ErrCorrupt nor ErrUnsupported", e.Name, e.Err)
			}
		}
		data[e.Name] = e.Data
		out = append(out, g)
	}
	return out, data, err
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	welcome = sum([]byte("Welcome to Hello.\n"))
	bom     = sum([]byte("BOMStore fake bom\n"))
	pkgInfo = sum([]byte(`<pkg-info identifier="com.example.hello" version="1.0" install-location="/"/>` + "\n"))
	distrib = sum([]byte(`<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
    <title>Hello</title>
    <pkg-ref id="com.example.hello">#hello.pkg</pkg-ref>
</installer-gui-script>
`))
)

// pkg is the listing of pkg.xar; Payload and Scripts are gzip'd cpio
// archives checked separately.
func pkg() []got {
	return []got{
		{Name: "Distribution", Type: unpack.TypeFile, Size: 187, SHA256: distrib},
		{Name: "Resources", Type: unpack.TypeDir},
		{Name: "Resources/Welcome.txt", Type: unpack.TypeFile, Size: 18, SHA256: welcome},
		{Name: "Resources/Ünïcödé.txt", Type: unpack.TypeFile, Size: 18, SHA256: welcome},
		{Name: "hello.pkg", Type: unpack.TypeDir},
		{Name: "hello.pkg/Bom", Type: unpack.TypeFile, Size: 18, SHA256: bom},
		{Name: "hello.pkg/PackageInfo", Type: unpack.TypeFile, Size: 78, SHA256: pkgInfo},
		{Name: "hello.pkg/Payload", Type: unpack.TypeFile, Size: 154, SHA256: "*"},
		{Name: "hello.pkg/Scripts", Type: unpack.TypeFile, Size: 127, SHA256: "*"},
		{Name: "latest", Type: unpack.TypeSymlink, Link: "hello.pkg"},
	}
}

func TestUnpack(t *testing.T) {
	tests := []struct {
		file    string
		want    []got
		signed  string
		toc     string
		wantErr error
	}{
		{file: "pkg.xar", want: pkg(), signed: "false", toc: "ok"},
		{file: "signed.xar", want: pkg(), signed: "true", toc: "ok"},
		{
			// The TOC no longer matches the checksum a signature would cover.
			file: "badtoc.xar", want: pkg(), signed: "false", toc: "mismatch",
		},
		{
			file: "corrupt.xar", signed: "false", toc: "ok",
			want: func() []got {
				w := pkg()
				w[5].SHA256, w[5].Err = "", true
				return w
			}(),
		},
		{
			file: "truncated.xar", signed: "false", toc: "ok", wantErr: unpack.ErrCorrupt,
			want: func() []got {
				w := pkg()
				w[7].SHA256, w[7].Err = "", true
				w[8].SHA256, w[8].Err = "", true
				return w
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := unpacktest.Input(tt.file, fixture(t, tt.file))
			if !xar.New().Match(in) {
				t.Fatal("Match = false")
			}
			g, data, err := collect(t, in)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("Unpack error = %v, want %v", err, tt.wantErr)
			}
			for i := range g {
				if i < len(tt.want) && tt.want[i].SHA256 == "*" && g[i].SHA256 != "" {
					g[i].SHA256 = "*"
				}
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			want := map[string]string{"xar.signed": tt.signed, "xar.toc_checksum": tt.toc}
			if diff := cmp.Diff(want, in.Meta); diff != "" {
				t.Errorf("Meta (-want +got):\n%s", diff)
			}
			// Payload and Scripts are emitted as stored: gzip'd cpio.
			if p := data["hello.pkg/Scripts"]; len(p) > 0 {
				if c := gunzip(t, p); !bytes.HasPrefix(c, []byte("070707")) || !bytes.Contains(c, []byte("echo installed")) {
					t.Errorf("Scripts is not the gzip'd odc cpio with postinstall: %q", c)
				}
			}
			if p := data["hello.pkg/Payload"]; len(p) > 0 {
				if c := gunzip(t, p); !bytes.Contains(c, []byte("Applications/Hello.app/hello")) {
					t.Errorf("Payload does not hold Hello.app: %q", c)
				}
			}
		})
	}
}

func TestModeTime(t *testing.T) {
	var modes []string
	var mt time.Time
	err := xar.New().Unpack(context.Background(), unpacktest.Input("pkg.xar", fixture(t, "pkg.xar")), func(m *unpack.Member) error {
		modes = append(modes, m.Mode.String())
		if m.Name == "Distribution" {
			mt = m.ModTime
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC); !mt.Equal(want) {
		t.Errorf("Distribution ModTime = %v, want %v", mt, want)
	}
	if modes[0] != "-rw-r--r--" || modes[1] != "drwxr-xr-x" {
		t.Errorf("modes = %v, want -rw-r--r-- then drwxr-xr-x", modes[:2])
	}
}

// build writes a xar from a TOC body (the <file> elements) and a heap.
func build(files string, heap []byte) []byte {
	return buildRaw([]byte(`<?xml version="1.0" encoding="UTF-8"?><xar><toc>`+files+`</toc></xar>`), heap)
}

// buildRaw writes a xar from the whole TOC text and a heap.
func buildRaw(toc, heap []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(toc)
	w.Close()
	h := make([]byte, 28)
	copy(h, "xar!")
	binary.BigEndian.PutUint16(h[4:], 28)
	binary.BigEndian.PutUint16(h[6:], 1)
	binary.BigEndian.PutUint64(h[8:], uint64(z.Len()))
	binary.BigEndian.PutUint64(h[16:], uint64(len(toc)))
	return append(append(h, z.Bytes()...), heap...)
}

func fileXML(name, data string) string {
	return `<file id="1"><name>` + name + `</name><type>file</type>` + data + `</file>`
}

func TestHostile(t *testing.T) {
	exceeded := errors.New("limits.Exceeded")
	withHeader := func(f func(h []byte)) []byte {
		b := build(fileXML("a", ""), nil)
		f(b)
		return b
	}
	tests := []struct {
		name      string
		data      []byte
		wantErr   error
		memberErr error // of the first member, when Unpack succeeds
	}{
		{
			name:    "TOC beyond the input",
			data:    withHeader(func(h []byte) { binary.BigEndian.PutUint64(h[8:], 1<<62) }),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "TOC claims 1 GiB",
			data:    withHeader(func(h []byte) { binary.BigEndian.PutUint64(h[16:], 1<<30) }),
			wantErr: unpack.ErrUnsupported,
		},
		{
			name:    "header size beyond the input",
			data:    withHeader(func(h []byte) { binary.BigEndian.PutUint16(h[4:], 4000) }),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "files nested 300 deep",
			data:    build(strings.Repeat(`<file><name>d</name><type>directory</type>`, 300)+strings.Repeat(`</file>`, 300), nil),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:    "more files than MaxMembers",
			data:    build(strings.Repeat(fileXML("a", ""), 1001), nil),
			wantErr: exceeded,
		},
		{
			name:    "unbalanced xml",
			data:    build(`<file><name>a</name>`, nil),
			wantErr: unpack.ErrCorrupt,
		},
		{
			name: "entity references are not expanded",
			data: build(`<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><file><name>&a;</name></file>`, nil),
			// encoding/xml rejects the unknown entity.
			wantErr: unpack.ErrCorrupt,
		},
		{
			name:      "heap offset past the end",
			data:      build(fileXML("a", `<data><offset>18446744073709551615</offset><length>10</length><size>10</size></data>`), nil),
			wantErr:   unpack.ErrCorrupt,
			memberErr: unpack.ErrCorrupt,
		},
		{
			name:      "unsupported encoding",
			data:      build(fileXML("a", `<data><offset>0</offset><length>2</length><size>2</size><encoding style="application/x-lzma"/></data>`), []byte("hi")),
			memberErr: unpack.ErrUnsupported,
		},
		{
			name:      "size shorter than the data",
			data:      build(fileXML("a", `<data><offset>0</offset><length>2</length><size>1</size></data>`), []byte("hi")),
			memberErr: unpack.ErrCorrupt,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := unpacktest.Input(tt.name, tt.data)
			in.MaxMembers = 1000
			es, err := unpacktest.Collect(xar.New(), in)
			switch {
			case tt.wantErr == exceeded:
				var ex *limits.Exceeded
				if !errors.As(err, &ex) || ex.Limit != "max-members" {
					t.Fatalf("Unpack error = %v, want a max-members *limits.Exceeded", err)
				}
			case !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil):
				t.Fatalf("Unpack error = %v, want %v", err, tt.wantErr)
			}
			if tt.memberErr != nil && (len(es) == 0 || !errors.Is(es[0].Err, tt.memberErr)) {
				t.Fatalf("members = %+v, want the first failing with %v", es, tt.memberErr)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("xar!"), []byte("PK\x03\x04" + strings.Repeat("\x00", 30))} {
		if xar.New().Match(unpacktest.Input("x", b)) {
			t.Errorf("Match(%q) = true", b)
		}
	}
}
