package image_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/image"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// analyzeFile runs the analyzer on a fixture as the engine would.
func analyzeFile(t *testing.T, name string) (*model.ImageFacts, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return analyzeBytes(t, name, data)
}

func analyzeBytes(t *testing.T, name string, data []byte) (*model.ImageFacts, error) {
	t.Helper()
	head := data[:min(len(data), identify.HeadSize)]
	in := &analyze.Input{
		Path: name,
		Kind: identify.Identify(head, int64(len(data)), name),
		R:    bytes.NewReader(data),
		Size: int64(len(data)),
		Head: head,
	}
	a := image.New()
	if !a.Match(in.Kind) {
		t.Fatalf("%s: analyzer does not match kind %q", name, in.Kind)
	}
	f := &model.File{Path: name, Kind: in.Kind, Facts: &model.Facts{}}
	err := a.Analyze(context.Background(), in, f)
	return f.Facts.Image, err
}

func TestFixtures(t *testing.T) {
	icoEntries := []model.IconEntry{
		{Width: 16, Height: 16, Format: "bmp", Offset: 38, Size: 1384},
		{Width: 32, Height: 32, Format: "png", Offset: 1422, Size: 519},
	}
	tests := []struct {
		file    string
		want    *model.ImageFacts
		wantErr string // substring; "" for none
	}{
		// Clean images end where the file does.
		{"png.png", &model.ImageFacts{Format: "png", Width: 16, Height: 16, LogicalEnd: 511}, ""},
		{"jpeg-exif.jpg", &model.ImageFacts{Format: "jpeg", Width: 32, Height: 24, Frames: 1, LogicalEnd: 726}, ""},
		{"jpeg-progressive.jpg", &model.ImageFacts{Format: "jpeg", Width: 32, Height: 24, Frames: 1, LogicalEnd: 322}, ""},
		{"jpeg-chained.jpg", &model.ImageFacts{Format: "jpeg", Width: 32, Height: 24, Frames: 2, LogicalEnd: 648}, ""},
		{"gif-anim.gif", &model.ImageFacts{Format: "gif", Width: 16, Height: 16, Frames: 2, LogicalEnd: 115}, ""},
		{"gif-unterminated.gif", &model.ImageFacts{Format: "gif", Width: 16, Height: 16, Frames: 2, LogicalEnd: 114, Unterminated: true}, ""},
		{"bmp.bmp", &model.ImageFacts{Format: "bmp", Width: 5, Height: 3, LogicalEnd: 102}, ""},
		{"bmp-v5-profile.bmp", &model.ImageFacts{Format: "bmp", Width: 4, Height: 2, LogicalEnd: 226}, ""},
		{"ico.ico", &model.ImageFacts{Format: "ico", Width: 32, Height: 32, LogicalEnd: 1941, Entries: icoEntries}, ""},

		// Trailers.
		{"ico-3cx.ico", &model.ImageFacts{
			Format: "ico", Width: 32, Height: 32, LogicalEnd: 1941, Entries: icoEntries,
			Trailer: &model.Trailer{Offset: 1941, Size: 84, Entropy: 5.358, Class: "base64", Marker: "$", Preview: "$/T/rPJJQt5dKm1KLaWNjIaRhtV71W3v"},
		}, ""},
		{"ico-entry-trailer.ico", &model.ImageFacts{
			Format: "ico", Width: 32, Height: 32, LogicalEnd: 2241,
			Entries: []model.IconEntry{
				{Width: 16, Height: 16, Format: "bmp", Offset: 38, Size: 1384},
				{Width: 32, Height: 32, Format: "png", Offset: 1422, Size: 819, Trailer: &model.Trailer{
					Offset: 1941, Size: 300, Entropy: 7.292, Class: "high-entropy", Preview: `.t<K.)Ym.....^Jj..m..\q.?.P.....`,
				}},
			},
		}, ""},
		{"ico-gap.ico", &model.ImageFacts{
			Format: "ico", Width: 32, Height: 32, LogicalEnd: 2025,
			Entries: []model.IconEntry{
				{Width: 16, Height: 16, Format: "bmp", Offset: 122, Size: 1384},
				{Width: 32, Height: 32, Format: "png", Offset: 1506, Size: 519},
			},
			Gaps: []model.Trailer{{Offset: 38, Size: 84, Entropy: 5.358, Class: "base64", Marker: "$", Preview: "$/T/rPJJQt5dKm1KLaWNjIaRhtV71W3v"}},
		}, ""},
		{"png-random.png", &model.ImageFacts{Format: "png", Width: 16, Height: 16, LogicalEnd: 511,
			Trailer: &model.Trailer{Offset: 511, Size: 512, Entropy: 7.642, Class: "high-entropy", Preview: "D.eB.8..3..;'$.1v.......t0cx.C}."}}, ""},
		{"png-zip.png", &model.ImageFacts{Format: "png", Width: 16, Height: 16, LogicalEnd: 511,
			Trailer: &model.Trailer{Offset: 511, Size: 131, Entropy: 3.71, Class: "archive", Marker: "zip", Preview: "PK..........aV..,.............ru"}}, ""},
		{"png-newline.png", &model.ImageFacts{Format: "png", Width: 16, Height: 16, LogicalEnd: 511,
			Trailer: &model.Trailer{Offset: 511, Size: 1, Class: "whitespace", Preview: "."}}, ""},
		{"jpeg-mz.jpg", &model.ImageFacts{Format: "jpeg", Width: 32, Height: 24, Frames: 1, LogicalEnd: 726,
			Trailer: &model.Trailer{Offset: 726, Size: 88, Entropy: 0.712, Class: "executable", Marker: "PE", Preview: "MZ.............................."}}, ""},
		{"gif-text.gif", &model.ImageFacts{Format: "gif", Width: 16, Height: 16, Frames: 2, LogicalEnd: 115,
			Trailer: &model.Trailer{Offset: 115, Size: 55, Entropy: 4.229, Class: "text", Preview: "Created with an image editor; se"}}, ""},
		{"bmp-zeropad.bmp", &model.ImageFacts{Format: "bmp", Width: 5, Height: 3, LogicalEnd: 102,
			Trailer: &model.Trailer{Offset: 102, Size: 16, Class: "zero-padding"}}, ""},

		// Broken files: an error, and the facts found before it.
		{"png-truncated.png", &model.ImageFacts{Format: "png", Width: 16, Height: 16}, `png chunk 3 ("IDAT") at offset 284: length 207 at offset 292 runs past the end (481): truncated`},
		{"png-lying-length.png", &model.ImageFacts{Format: "png", Width: 16, Height: 16}, `png chunk 2 ("IDAT") at offset 69: length 2147483636 at offset 77 runs past the end (511)`},
		{"jpeg-truncated.jpg", &model.ImageFacts{Format: "jpeg", Width: 32, Height: 24}, "jpeg scan data after offset 662: at offset 686: truncated"},
		{"gif-truncated.gif", &model.ImageFacts{Format: "gif", Width: 16, Height: 16, Frames: 1}, "gif extension at offset 73"},
		{"bmp-truncated.bmp", &model.ImageFacts{Format: "bmp", Width: 5, Height: 3}, "bmp: data ends at 102, after the end of the file (80)"},
		{"ico-truncated.ico", &model.ImageFacts{Format: "ico", Width: 32, Height: 32, Entries: []model.IconEntry{
			icoEntries[0],
			{Width: 32, Height: 32, Format: "png", Offset: 1422, Size: 519},
		}}, "ico entry 1: 519 bytes at offset 1422 run past the end (1841)"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got, err := analyzeFile(t, tc.file)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error = %v, want it to contain %q", err, tc.wantErr)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("facts (-want +got):\n%s", d)
			}
		})
	}
}

// TestClasses checks the trailer classes on hand-made tails after a clean
// PNG.
func TestClasses(t *testing.T) {
	clean, err := os.ReadFile("testdata/png.png")
	if err != nil {
		t.Fatal(err)
	}
	elf := append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 57)...)
	tests := []struct {
		name, tail, class, marker string
	}{
		{"zeros", "\x00\x00\x00\x00", "zero-padding", ""},
		{"crlf", "\r\n", "whitespace", ""},
		{"base64 alone", "SGVsbG8sIHdvcmxkISBIZWxsbywgd29ybGQh", "base64", ""},
		{"base64 wrapped", "$SGVsbG8sIHdvcmxkISBI\r\nZWxsbywgd29ybGQh\r\n", "base64", "$"},
		{"dollar short", "$abcd", "text", ""},
		{"padding mid-way", "$SGVsbG8=sIHdvcmxkISBIZWxsbywg", "text", ""},
		{"sentence", "made with love", "text", ""},
		{"utf-8 text", "créé par l'équipe", "text", ""},
		{"elf", string(elf), "executable", "ELF"},
		{"elf after newline", "\n" + string(elf), "executable", "ELF"},
		{"mach-o", "\xcf\xfa\xed\xfe\x07\x00\x00\x01", "executable", "Mach-O"},
		{"mz without pe", "MZ" + strings.Repeat("\x01", 70), "data", ""},
		{"gzip", "\x1f\x8b\x08\x00\x00\x00", "archive", "gzip"},
		{"bytes", "\x01\x02\x03\xff", "data", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzeBytes(t, "x.png", append(append([]byte{}, clean...), tc.tail...))
			if err != nil {
				t.Fatal(err)
			}
			if got.Trailer == nil {
				t.Fatal("no trailer")
			}
			if got.Trailer.Class != tc.class || got.Trailer.Marker != tc.marker {
				t.Errorf("class %q marker %q, want %q %q", got.Trailer.Class, got.Trailer.Marker, tc.class, tc.marker)
			}
		})
	}
}

// TestBigTrailer checks that a trailer larger than the head kept for
// classification is still measured whole and classified from its head.
func TestBigTrailer(t *testing.T) {
	clean, err := os.ReadFile("testdata/png.png")
	if err != nil {
		t.Fatal(err)
	}
	line := "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkwYWJjZGVmZ2hpamts\n"
	tail := "$" + strings.Repeat(line, 200<<10/len(line))
	got, err := analyzeBytes(t, "x.png", append(append([]byte{}, clean...), tail...))
	if err != nil {
		t.Fatal(err)
	}
	if got.Trailer == nil || got.Trailer.Size != int64(len(tail)) || got.Trailer.Class != "base64" || got.Trailer.Marker != "$" {
		t.Errorf("trailer = %+v", got.Trailer)
	}
}

func TestCanceled(t *testing.T) {
	data, err := os.ReadFile("testdata/png-random.png")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := &analyze.Input{Path: "x.png", Kind: identify.PNG, R: bytes.NewReader(data), Size: int64(len(data))}
	f := &model.File{Facts: &model.Facts{}}
	if err := image.New().Analyze(ctx, in, f); err == nil {
		t.Error("no error with a canceled context")
	}
}

// bmpFile builds a BMP with a BITMAPINFOHEADER and n bytes of pixel data.
func bmpFile(bfSize uint32, w, h int32, bpp uint16, compression, sizeImage uint32, n int) []byte {
	b := []byte("BM")
	b = binary.LittleEndian.AppendUint32(b, bfSize)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 54)
	b = binary.LittleEndian.AppendUint32(b, 40)
	b = binary.LittleEndian.AppendUint32(b, uint32(w))
	b = binary.LittleEndian.AppendUint32(b, uint32(h))
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, bpp)
	b = binary.LittleEndian.AppendUint32(b, compression)
	b = binary.LittleEndian.AppendUint32(b, sizeImage)
	b = append(b, make([]byte, 16)...)
	return append(b, bytes.Repeat([]byte{0x55}, n)...)
}

func TestBMPHeaders(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		end     int64
		trailer int64
		wantErr string
	}{
		// 3 pixels at 24 bits: rows of 12 bytes.
		{"bottom-up", bmpFile(90, 3, 3, 24, 0, 0, 36), 90, 0, ""},
		{"top-down", bmpFile(90, 3, -3, 24, 0, 0, 36), 90, 0, ""},
		// bfSize covering appended bytes does not hide them: the pixel
		// layout decides.
		{"grown bfSize", bmpFile(100, 3, 3, 24, 0, 0, 46), 90, 10, ""},
		{"rle with size", bmpFile(30, 3, 3, 8, 1, 20, 30), 74, 10, ""},
		{"rle by bfSize", bmpFile(74, 3, 3, 8, 1, 0, 30), 74, 10, ""},
		{"rle undeclared", bmpFile(30, 3, 3, 8, 1, 0, 30), 0, 0, "compressed pixel data (compression 1) of undeclared size"},
		{"bad bit count", bmpFile(90, 3, 3, 7, 0, 0, 36), 0, 0, "dib bit count 7"},
		{"huge", bmpFile(90, 1<<30, 1<<30, 32, 0, 0, 36), 0, 0, "implausibly large"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzeBytes(t, "x.bmp", tc.data)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var tsize int64
			if got.Trailer != nil {
				tsize = got.Trailer.Size
			}
			if got.LogicalEnd != tc.end || tsize != tc.trailer {
				t.Errorf("end %d trailer %d, want %d %d", got.LogicalEnd, tsize, tc.end, tc.trailer)
			}
		})
	}
}

// icoFile builds an icon directory of type typ over the given images.
func icoFile(typ uint16, images ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint16(nil, 0)
	b = binary.LittleEndian.AppendUint16(b, typ)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(images)))
	off := 6 + 16*len(images)
	for _, im := range images {
		b = append(b, 4, 4, 0, 0)
		b = binary.LittleEndian.AppendUint16(b, 1)
		b = binary.LittleEndian.AppendUint16(b, 32)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(im)))
		b = binary.LittleEndian.AppendUint32(b, uint32(off))
		off += len(im)
	}
	for _, im := range images {
		b = append(b, im...)
	}
	return b
}

// dib4x4 is a 4x4 32-bit icon DIB: header, 64 bytes of colour, 16 of mask.
func dib4x4() []byte {
	b := binary.LittleEndian.AppendUint32(nil, 40)
	b = binary.LittleEndian.AppendUint32(b, 4)
	b = binary.LittleEndian.AppendUint32(b, 8) // XOR and AND rows
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, 32)
	b = append(b, make([]byte, 24)...)
	return append(b, bytes.Repeat([]byte{0x7f}, 64+16)...)
}

func TestICOEntries(t *testing.T) {
	png, err := os.ReadFile("testdata/png.png")
	if err != nil {
		t.Fatal(err)
	}
	withTail := func(b []byte, tail string) []byte { return append(append([]byte{}, b...), tail...) }
	tests := []struct {
		name    string
		data    []byte
		format  string
		end     int64
		inner   []string // entry trailer classes, "" for none
		wantErr string
	}{
		{"dib", icoFile(1, dib4x4()), "ico", 22 + 120, []string{""}, ""},
		{"cursor", icoFile(2, dib4x4(), png), "cur", 38 + 120 + 511, []string{"", ""}, ""},
		{"dib with text inside", icoFile(1, withTail(dib4x4(), "hidden words here")), "ico", 22 + 137, []string{"text"}, ""},
		{"png with base64 inside", icoFile(1, withTail(png, "$QUJDREVGR0hJSktMTU5PUA==")), "ico", 22 + 511 + 25, []string{"base64"}, ""},
		{"png broken inside", icoFile(1, png[:400]), "ico", 22 + 400, []string{""}, "ico entry 0 (png at offset 22)"},
		{"no entries", icoFile(1), "ico", 0, nil, "ico: 0 entries"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			im, err := analyzeBytesKind(tc.data, identify.ICO)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("error = %v, want %q", err, tc.wantErr)
			}
			var inner []string
			for _, e := range im.Entries {
				c := ""
				if e.Trailer != nil {
					c = e.Trailer.Class
				}
				inner = append(inner, c)
			}
			if im.Format != tc.format || im.LogicalEnd != tc.end || im.Trailer != nil || !cmp.Equal(inner, tc.inner) {
				t.Errorf("format %s end %d trailer %+v inner %q, want %s %d nil %q", im.Format, im.LogicalEnd, im.Trailer, inner, tc.format, tc.end, tc.inner)
			}
		})
	}
	// Too many entries for an icon.
	many := make([]byte, 6+16*300)
	binary.LittleEndian.PutUint16(many[2:], 1)
	binary.LittleEndian.PutUint16(many[4:], 300)
	if _, err := analyzeBytesKind(many, identify.ICO); err == nil || !strings.Contains(err.Error(), "300 entries") {
		t.Errorf("300 entries: error %v", err)
	}
}

func analyzeBytesKind(data []byte, kind string) (*model.ImageFacts, error) {
	in := &analyze.Input{Path: "x", Kind: kind, R: bytes.NewReader(data), Size: int64(len(data))}
	f := &model.File{Facts: &model.Facts{}}
	err := image.New().Analyze(context.Background(), in, f)
	return f.Facts.Image, err
}
