package image_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/image"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

var fuzzKinds = []string{identify.PNG, identify.JPEG, identify.GIF, identify.ICO, identify.BMP}

// FuzzAnalyze runs every format's walk on mutated fixtures. Besides not
// panicking, the facts must be consistent: the logical end inside the
// file, a trailer exactly from there to the end, entry trailers inside
// their entries, gaps ordered and before the logical end.
func FuzzAnalyze(f *testing.F) {
	files, err := filepath.Glob("testdata/*.*")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		if filepath.Ext(p) == ".sh" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		kind := identify.Identify(data, int64(len(data)), p)
		for i, k := range fuzzKinds {
			if k == kind {
				f.Add(uint8(i), data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		kind := fuzzKinds[int(k)%len(fuzzKinds)]
		size := int64(len(data))
		in := &analyze.Input{Path: "f", Kind: kind, R: bytes.NewReader(data), Size: size, Head: data}
		file := &model.File{Facts: &model.Facts{}}
		err := image.New().Analyze(context.Background(), in, file)
		im := file.Facts.Image
		if im == nil || im.Format == "" {
			t.Fatalf("no facts (err %v)", err)
		}
		if im.LogicalEnd < 0 || im.LogicalEnd > size {
			t.Fatalf("logical end %d outside [0, %d]", im.LogicalEnd, size)
		}
		if err == nil && im.LogicalEnd == 0 {
			t.Fatal("no error and no logical end")
		}
		if tr := im.Trailer; tr != nil {
			if tr.Offset != im.LogicalEnd || tr.Size <= 0 || tr.Offset+tr.Size != size {
				t.Fatalf("trailer %+v, logical end %d, size %d", tr, im.LogicalEnd, size)
			}
		} else if im.LogicalEnd > 0 && im.LogicalEnd < size {
			t.Fatalf("logical end %d < size %d without a trailer", im.LogicalEnd, size)
		}
		prev := int64(0)
		for i, g := range im.Gaps {
			if g.Size <= 0 || g.Offset < prev || g.Offset+g.Size > im.LogicalEnd {
				t.Fatalf("gap %d %+v after %d, logical end %d", i, g, prev, im.LogicalEnd)
			}
			prev = g.Offset + g.Size
		}
		for i, e := range im.Entries {
			if tr := e.Trailer; tr != nil {
				if tr.Size <= 0 || tr.Offset < e.Offset || tr.Offset+tr.Size != e.Offset+e.Size || tr.Offset+tr.Size > size {
					t.Fatalf("entry %d %+v: trailer %+v", i, e, tr)
				}
			}
		}
	})
}
