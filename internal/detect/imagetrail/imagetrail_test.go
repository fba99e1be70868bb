package imagetrail_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/detect/imagetrail"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

// fixtures are the analyzer's; the detector judges what it found.
const fixtures = "../../analyze/image/testdata"

func TestDetectFile(t *testing.T) {
	facts := func(im *model.ImageFacts) *model.File {
		return &model.File{Path: "app.zip!/res/icon.ico", Kind: "image/ico", Facts: &model.Facts{Image: im}}
	}
	trailer := func(class, marker string, size int64) *model.Trailer {
		return &model.Trailer{Offset: 1000, Size: size, Entropy: 5.5, Class: class, Marker: marker, Preview: "xyz"}
	}
	tests := []struct {
		name string
		file *model.File
		want []model.Finding
	}{
		{"no facts", &model.File{Path: "a.png", Facts: &model.Facts{}}, nil},
		{"no trailer", facts(&model.ImageFacts{Format: "ico", LogicalEnd: 1000}), nil},
		{"zero padding", facts(&model.ImageFacts{Format: "ico", LogicalEnd: 1000, Trailer: trailer("zero-padding", "", 1<<20)}), nil},
		{"newline", facts(&model.ImageFacts{Format: "ico", LogicalEnd: 1000, Trailer: trailer("whitespace", "", 1)}), nil},
		{"3cx", facts(&model.ImageFacts{Format: "ico", LogicalEnd: 1000, Trailer: trailer("base64", "$", 84)}), []model.Finding{{
			ID: "image.trailing-data", Severity: model.SeverityHigh, Path: "app.zip!/res/icon.ico",
			Title: "icon.ico carries 84 bytes after the end of its image: '$' + base64 (3CX stage-2 shape)",
			Evidence: map[string]any{
				"format": "ico", "logical_end": int64(1000), "trailer_offset": int64(1000), "trailer_size": int64(84),
				"class": "base64", "marker": "$", "entropy": 5.5, "preview": "xyz", "where": "trailer",
			},
		}}},
		{"entry trailer", facts(&model.ImageFacts{Format: "ico", LogicalEnd: 2000, Entries: []model.IconEntry{
			{Width: 16, Height: 16, Format: "bmp", Offset: 38, Size: 500},
			{Width: 32, Height: 32, Format: "png", Offset: 538, Size: 1462, Trailer: trailer("executable", "PE", 700)},
		}}), []model.Finding{{
			ID: "image.trailing-data", Severity: model.SeverityHigh, Path: "app.zip!/res/icon.ico",
			Title: "icon.ico carries 700 bytes inside icon entry 1 (32x32 PNG) after its image ends: a PE executable",
			Evidence: map[string]any{
				"format": "ico", "logical_end": int64(2000), "trailer_offset": int64(1000), "trailer_size": int64(700),
				"class": "executable", "marker": "PE", "entropy": 5.5, "preview": "xyz",
				"where": "entry", "entry": 1, "entry_format": "png", "entry_offset": int64(538), "entry_size": int64(1462),
			},
		}}},
		{"gap", facts(&model.ImageFacts{Format: "ico", LogicalEnd: 2000, Gaps: []model.Trailer{
			{Offset: 38, Size: 8, Class: "zero-padding"},
			{Offset: 600, Size: 300, Entropy: 7.3, Class: "high-entropy", Preview: "abc"},
		}}), []model.Finding{{
			ID: "image.trailing-data", Severity: model.SeverityHigh, Path: "app.zip!/res/icon.ico",
			Title: "icon.ico carries 300 bytes at offset 600 that no icon entry refers to: high-entropy data (7.30 bits/byte, encrypted or compressed)",
			Evidence: map[string]any{
				"format": "ico", "logical_end": int64(2000), "trailer_offset": int64(600), "trailer_size": int64(300),
				"class": "high-entropy", "entropy": 7.3, "preview": "abc", "where": "gap",
			},
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := imagetrail.New().DetectFile(tc.file)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

func TestSeverity(t *testing.T) {
	tests := []struct {
		class string
		size  int64
		want  model.Severity
	}{
		{"base64", 20, model.SeverityHigh},
		{"executable", 64, model.SeverityHigh},
		{"archive", 30, model.SeverityHigh},
		{"high-entropy", 64, model.SeverityHigh},
		{"text", 10, model.SeverityLow},
		{"text", 1 << 10, model.SeverityMedium},
		{"data", 13, model.SeverityLow},
		{"data", 4 << 10, model.SeverityMedium},
		{"whitespace", 16, model.SeverityNone},
		{"whitespace", 17, model.SeverityLow},
		{"zero-padding", 1 << 30, model.SeverityNone},
	}
	for _, tc := range tests {
		if got := imagetrail.Severity(&model.Trailer{Class: tc.class, Size: tc.size}); got != tc.want {
			t.Errorf("Severity(%s, %d) = %v, want %v", tc.class, tc.size, got, tc.want)
		}
	}
}

// TestFixtures runs vouch end to end on the analyzer's fixtures: each
// raises exactly the image findings listed (severity and title).
func TestFixtures(t *testing.T) {
	want := map[string][]string{
		"ico-3cx.ico":           {"high: ico-3cx.ico carries 84 bytes after the end of its image: '$' + base64 (3CX stage-2 shape)"},
		"ico-entry-trailer.ico": {"high: ico-entry-trailer.ico carries 300 bytes inside icon entry 1 (32x32 PNG) after its image ends: high-entropy data (7.29 bits/byte, encrypted or compressed)"},
		"png-random.png":        {"high: png-random.png carries 512 bytes after the end of its image: high-entropy data (7.64 bits/byte, encrypted or compressed)"},
		"png-zip.png":           {"high: png-zip.png carries 131 bytes after the end of its image: a zip archive"},
		"jpeg-mz.jpg":           {"high: jpeg-mz.jpg carries 88 bytes after the end of its image: a PE executable"},
		"ico-gap.ico":           {"high: ico-gap.ico carries 84 bytes at offset 38 that no icon entry refers to: '$' + base64 (3CX stage-2 shape)"},
		"gif-text.gif":          {`low: gif-text.gif carries 55 bytes after the end of its image: text "Created with an image editor; se"`},
	}
	ents, err := os.ReadDir(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		name := e.Name()
		if strings.HasSuffix(name, ".sh") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			rep, err := vouch.Inspect(context.Background(), filepath.Join(fixtures, name), vouch.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range rep.Findings {
				if strings.HasPrefix(f.ID, imagetrail.Name+".") {
					got = append(got, f.Severity.String()+": "+f.Title)
				}
			}
			if d := cmp.Diff(want[name], got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

// TestRealImagesQuiet inspects real releases full of images (PNG and
// animated GIF from lightbox2, ICO with PNG entries from cra-template,
// NSIS's BMPs, which end in two zero bytes, and ICOs with DIB entries) and
// Go's own image test files (baseline, progressive and restart-marker
// JPEGs, PngSuite): every image must walk to its end without an error and
// none may raise an image finding.
func TestRealImagesQuiet(t *testing.T) {
	tests := []struct {
		file   string
		images int // image files expected inside
	}{
		{"lightbox2-2.11.4.tgz", 8},
		{"cra-template-1.2.0.tgz", 3},
		{"nsis-common_3.08-3+deb12u1_all.deb", 79},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			rep, err := vouch.Inspect(context.Background(), realdata.Path(t, tc.file), vouch.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkQuiet(t, rep, tc.images)
		})
	}
}

func TestGoImagesQuiet(t *testing.T) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("go env GOROOT: %v", err)
	}
	root := strings.TrimSpace(string(out))
	dirs := []string{"src/image/testdata", "src/image/png/testdata", "src/image/png/testdata/pngsuite"}
	n := 0
	for _, d := range dirs {
		ents, err := os.ReadDir(filepath.Join(root, d))
		if err != nil {
			t.Skipf("Go image test files not found: %v", err)
		}
		for _, e := range ents {
			name := e.Name()
			// Go's deliberately broken files are not benign images.
			if e.IsDir() || strings.HasPrefix(name, "invalid-") || strings.HasSuffix(name, ".sng") || strings.HasPrefix(name, "README") {
				continue
			}
			rep, err := vouch.Inspect(context.Background(), filepath.Join(root, d, name), vouch.Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkQuiet(t, rep, 1)
			n++
		}
	}
	t.Logf("%d images", n)
}

func checkQuiet(t *testing.T, rep *vouch.Report, images int) {
	t.Helper()
	for _, e := range rep.Errors {
		if strings.Contains(e.Error, "image:") {
			t.Errorf("error: %s: %s", e.Path, e.Error)
		}
	}
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.ID, imagetrail.Name+".") {
			t.Errorf("finding on a real image: %s %s", f.Severity, f.Title)
		}
	}
	var seen []string
	for _, f := range rep.Files {
		if !strings.HasPrefix(f.Kind, "image/") || f.Kind == "image/svg" {
			continue
		}
		seen = append(seen, f.Path)
		im := f.Facts.Image
		if im == nil || im.LogicalEnd == 0 {
			t.Errorf("%s: no logical end: %+v", f.Path, im)
			continue
		}
	}
	sort.Strings(seen)
	if len(seen) != images {
		t.Errorf("%d images, want %d: %v", len(seen), images, seen)
	}
}
