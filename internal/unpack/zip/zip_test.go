package zip_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
	"github.com/vouch-sec/vouch/internal/unpack/zip"
)

func load(t *testing.T, name string) *unpack.Input {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return unpacktest.Input(name, b)
}

type member struct {
	Name, Link, Data string
	Type             unpack.Type
	Err              bool
}

func summarize(es []unpacktest.Entry) []member {
	var out []member
	for _, e := range es {
		out = append(out, member{Name: e.Name, Link: e.LinkTarget, Data: string(e.Data), Type: e.Type, Err: e.Err != nil})
	}
	return out
}

func TestUnpack(t *testing.T) {
	basic := []member{
		{Name: "hello.txt", Data: "hello zip\n"},
		{Name: "dir/", Type: unpack.TypeDir},
		{Name: "dir/app.js", Data: "console.log(\"x\")\n"},
		{Name: "link", Link: "hello.txt", Type: unpack.TypeSymlink},
	}
	tests := []struct {
		file string
		want []member
	}{
		{"basic.zip", basic},
		{"extension.crx", basic},
		{"bzip2.zip", []member{{Name: "hello.txt", Data: "hello zip\n"}}},
		{"encrypted.zip", []member{{Name: "hello.txt", Err: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			in := load(t, tc.file)
			u := zip.New()
			if !u.Match(in) {
				t.Fatal("Match = false")
			}
			got, err := unpacktest.Collect(u, in)
			if err != nil {
				t.Fatalf("Unpack: %v", err)
			}
			if d := cmp.Diff(tc.want, summarize(got)); d != "" {
				t.Errorf("members (-want +got):\n%s", d)
			}
		})
	}
}

func TestEncryptedMemberSaysWhy(t *testing.T) {
	got, _ := unpacktest.Collect(zip.New(), load(t, "encrypted.zip"))
	if len(got) != 1 || !errors.Is(got[0].Err, unpack.ErrUnsupported) {
		t.Fatalf("got %+v, want ErrUnsupported", got)
	}
}

func TestTruncated(t *testing.T) {
	_, err := unpacktest.Collect(zip.New(), load(t, "truncated.zip"))
	if !errors.Is(err, unpack.ErrCorrupt) {
		t.Errorf("err = %v, want ErrCorrupt", err)
	}
}

func TestMatchIgnoresName(t *testing.T) {
	in := unpacktest.Input("looks-like.zip", []byte("not a zip at all"))
	if zip.New().Match(in) {
		t.Error("matched by name")
	}
}
