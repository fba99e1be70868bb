package tar_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/tar"
	"github.com/vouch-sec/vouch/internal/unpack/unpacktest"
)

type member struct {
	Name, Link, Data string
	Type             unpack.Type
}

func TestUnpack(t *testing.T) {
	want := []member{
		{Name: "./usr/", Type: unpack.TypeDir},
		{Name: "./usr/bin/", Type: unpack.TypeDir},
		{Name: "./usr/bin/alias", Link: "tool", Type: unpack.TypeSymlink},
		{Name: "./usr/bin/hard", Data: "#!/bin/sh\necho hi\n"},
		{Name: "./usr/bin/tool", Link: "./usr/bin/hard", Type: unpack.TypeHardlink},
	}
	for _, file := range []string{"ustar.tar", "pax.tar", "gnu.tar", "v7.tar"} {
		t.Run(file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			in := unpacktest.Input(file, b)
			if !tar.New().Match(in) {
				t.Fatal("Match = false")
			}
			es, err := unpacktest.Collect(tar.New(), in)
			if err != nil {
				t.Fatal(err)
			}
			var got []member
			for _, e := range es {
				got = append(got, member{Name: e.Name, Link: e.LinkTarget, Data: string(e.Data), Type: e.Type})
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestTruncated(t *testing.T) {
	b, _ := os.ReadFile("testdata/truncated.tar")
	es, err := unpacktest.Collect(tar.New(), unpacktest.Input("t", b))
	if !errors.Is(err, unpack.ErrCorrupt) && (len(es) == 0 || es[len(es)-1].Err == nil) {
		t.Errorf("truncation not reported: err=%v entries=%+v", err, es)
	}
}

func TestIsTar(t *testing.T) {
	if tar.IsTar(make([]byte, 1024)) {
		t.Error("zero block is not a tar header")
	}
	if tar.IsTar([]byte("short")) {
		t.Error("short input")
	}
}
