// Package image finds where PNG, JPEG, GIF, ICO/CUR and BMP files end by
// their own structure, and describes any bytes that follow.
//
// Image viewers stop at the logical end (PNG IEND, JPEG EOI, the GIF
// trailer byte, the furthest ICO entry, the BMP pixel data) and ignore the
// rest, so the rest is a place to hide things: the 3CX stage-2 loader
// fetched icons whose last bytes were '$' and base64 of an encrypted C2
// address. The analyzer records the logical end and classifies a trailer
// (base64, executable, archive, high-entropy, padding, text, data); the
// image detector judges it. Icons get two more hiding places checked: bytes
// inside an entry after its embedded PNG or DIB ends, and bytes between
// entries that no entry refers to.
//
// # Limits
//
// Only the outside of each image is checked: data hidden inside it (PNG
// ancillary chunks, JPEG APPn/COM segments, GIF comment and application
// extensions, BMP gaps before the pixel data) is not looked at. JPEG images
// chained after the first EOI count as part of the file only when they
// follow it immediately. CUR files are walked like ICO, but identify names
// only type-1 icon directories image/ico, so cursors reach the analyzer
// only through tests today.
//
// # Security
//
// Every structure is walked through a bounded window of the file: lengths
// are checked against what is left before skipping, counts are capped
// (PNG chunks, ICO entries, chained JPEGs), and allocations are fixed-size
// buffers. Nothing is decoded except a bounded head of a suspected base64
// trailer. A walk that meets a lying length stops with an error; the facts
// found before it stay.
package image

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/entropy"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the analyzer.
const Name = "image"

type analyzer struct{}

// New returns the image analyzer.
func New() analyze.Analyzer { return analyzer{} }

func (analyzer) Name() string { return Name }

func (analyzer) Match(kind string) bool {
	switch kind {
	case identify.PNG, identify.JPEG, identify.GIF, identify.ICO, identify.BMP:
		return true
	}
	return false
}

func (analyzer) Analyze(ctx context.Context, in *analyze.Input, f *model.File) error {
	im := &model.ImageFacts{}
	f.Facts.Image = im
	var end int64
	var err error
	switch in.Kind {
	case identify.PNG:
		im.Format = "png"
		var info pngInfo
		info, err = walkPNG(newReader(ctx, in.R, 0, in.Size))
		im.Width, im.Height, end = info.width, info.height, info.end
	case identify.JPEG:
		im.Format = "jpeg"
		var info jpegInfo
		info, err = walkJPEGs(newReader(ctx, in.R, 0, in.Size))
		im.Width, im.Height, im.Frames, end = info.width, info.height, info.images, info.end
	case identify.GIF:
		im.Format = "gif"
		var info gifInfo
		info, err = walkGIF(newReader(ctx, in.R, 0, in.Size))
		im.Width, im.Height, im.Frames, end = info.width, info.height, info.frames, info.end
		im.Unterminated = info.unterminated
	case identify.ICO:
		im.Format = "ico"
		var info icoInfo
		info, err = walkICO(ctx, in.R, in.Size)
		if info.format != "" {
			im.Format = info.format
		}
		im.Entries, im.Gaps, end = info.entries, info.gaps, info.end
		for _, e := range info.entries {
			if e.Width*e.Height > im.Width*im.Height {
				im.Width, im.Height = e.Width, e.Height
			}
		}
	case identify.BMP:
		im.Format = "bmp"
		var info bmpInfo
		info, err = bmpEnd(in.R, in.Size)
		im.Width, im.Height, end = info.width, info.height, info.end
	default:
		return fmt.Errorf("image: kind %q not handled", in.Kind)
	}
	if err != nil && in.Kind != identify.ICO {
		return err
	}
	im.LogicalEnd = end
	if end > 0 && end < in.Size {
		t, terr := classify(ctx, in.R, end, in.Size-end)
		if terr != nil {
			return errors.Join(err, terr)
		}
		im.Trailer = t
	}
	return err
}

// Trailer classification.

// headCap bounds the trailer bytes kept for magic, base64 and preview
// checks; the histogram covers the whole trailer.
const headCap = 64 << 10

// minBase64 is the shortest run taken as base64: shorter ones are common
// words.
const minBase64 = 16

// classify describes size bytes of r at off.
func classify(ctx context.Context, r io.ReaderAt, off, size int64) (*model.Trailer, error) {
	t := &model.Trailer{Offset: off, Size: size}
	var hist [256]int64
	head := make([]byte, 0, min(size, headCap))
	buf := make([]byte, min(size, 64<<10))
	for pos := int64(0); pos < size; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-pos)], off+pos)
		for _, b := range buf[:n] {
			hist[b]++
		}
		if room := cap(head) - len(head); room > 0 {
			head = append(head, buf[:min(n, room)]...)
		}
		pos += int64(n)
		if n == 0 || err != nil && pos < size {
			return nil, fmt.Errorf("reading trailer at offset %d: %w", off+pos, errors.Join(err, io.ErrUnexpectedEOF))
		}
	}
	t.Entropy = entropy.FromCounts(&hist, size)
	t.Class, t.Marker = classOf(head, &hist, size, t.Entropy)
	if t.Class != "zero-padding" {
		t.Preview = preview(head)
	}
	return t, nil
}

func classOf(head []byte, hist *[256]int64, size int64, ent float64) (class, marker string) {
	if hist[0] == size {
		return "zero-padding", ""
	}
	if hist[0]+hist[' ']+hist['\t']+hist['\r']+hist['\n'] == size {
		return "whitespace", ""
	}
	// Magic may sit after a little padding.
	first := head[:min(len(head), 64)]
	lead := head[len(first)-len(bytes.TrimLeft(first, "\x00\r\n\t ")):]
	if m := executableMagic(lead); m != "" {
		return "executable", m
	}
	if m := archiveMagic(lead); m != "" {
		return "archive", m
	}
	if m, ok := isBase64(head, hist, size); ok {
		return "base64", m
	}
	if isText(head, hist, size) {
		return "text", ""
	}
	if size >= minHighEntropy && ent > highEntropy(size) {
		return "high-entropy", ""
	}
	return "data", ""
}

// minHighEntropy is the smallest trailer judged by entropy at all.
const minHighEntropy = 64

// highEntropy is the entropy above which size bytes look encrypted or
// compressed: 7.2 bits/byte, lowered for small sizes because a sample of n
// bytes cannot show more than log2(n) bits. The line follows the 1st
// percentile of uniformly random samples (measured: 5.58 at 64 bytes, 6.39
// at 128, 7.05 at 256) while x86 code stays below it (at most 5.43, 5.67
// and 5.87).
func highEntropy(size int64) float64 {
	return min(7.2, 5.5+0.75*(math.Log2(float64(size))-6))
}

func executableMagic(p []byte) string {
	switch {
	case len(p) >= 0x40 && string(p[:2]) == "MZ":
		lfa := int64(binary.LittleEndian.Uint32(p[0x3c:]))
		if lfa+4 <= int64(len(p)) && string(p[lfa:lfa+4]) == "PE\x00\x00" {
			return "PE"
		}
	case bytes.HasPrefix(p, []byte("\x7fELF")):
		return "ELF"
	case bytes.HasPrefix(p, []byte("\xfe\xed\xfa\xce")), bytes.HasPrefix(p, []byte("\xce\xfa\xed\xfe")),
		bytes.HasPrefix(p, []byte("\xfe\xed\xfa\xcf")), bytes.HasPrefix(p, []byte("\xcf\xfa\xed\xfe")):
		return "Mach-O"
	case len(p) >= 8 && string(p[:4]) == "\xca\xfe\xba\xbe":
		// Java class files share the magic; a fat header's arch count is small.
		if n := binary.BigEndian.Uint32(p[4:]); n > 0 && n < 20 {
			return "Mach-O universal"
		}
	}
	return ""
}

var archiveMagics = []struct{ magic, name string }{
	{"PK\x03\x04", "zip"},
	{"7z\xbc\xaf\x27\x1c", "7z"},
	{"Rar!\x1a\x07", "rar"},
	{"\x1f\x8b\x08", "gzip"},
	{"\xfd7zXZ\x00", "xz"},
	{"\x28\xb5\x2f\xfd", "zstd"},
	{"MSCF\x00\x00\x00\x00", "cab"},
}

func archiveMagic(p []byte) string {
	for _, a := range archiveMagics {
		if bytes.HasPrefix(p, []byte(a.magic)) {
			return a.name
		}
	}
	if len(p) >= 4 && string(p[:3]) == "BZh" && p[3] >= '1' && p[3] <= '9' {
		return "bzip2"
	}
	return ""
}

// isBase64 reports whether the trailer is base64 text, after an optional
// '$' (the 3CX marker), possibly wrapped in lines: every other byte must be
// in one base64 alphabet, '=' only at the end, and the head must decode.
func isBase64(head []byte, hist *[256]int64, size int64) (marker string, ok bool) {
	body := head
	if len(body) > 0 && body[0] == '$' {
		marker, body = "$", body[1:]
	}
	// Whole trailer: count what lies outside both alphabets.
	var other int64
	for c := range 256 {
		if !isB64Char(byte(c)) && c != '=' && c != '\r' && c != '\n' {
			other += hist[c]
		}
	}
	if marker != "" {
		other-- // the '$' itself
	}
	if other != 0 {
		return "", false
	}
	var clean []byte
	for _, c := range body {
		if c != '\r' && c != '\n' {
			clean = append(clean, c)
		}
	}
	if int64(len(head)) == size {
		// Padding is only allowed at the end.
		trimmed := bytes.TrimRight(clean, "=")
		if len(clean)-len(trimmed) > 2 || bytes.IndexByte(trimmed, '=') >= 0 {
			return "", false
		}
		clean = trimmed
	} else {
		// Only a prefix is held: decode whole quanta of it.
		if bytes.IndexByte(clean, '=') >= 0 {
			return "", false
		}
		clean = clean[:len(clean)/4*4]
	}
	if len(clean) < minBase64 {
		return "", false
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if _, err := enc.DecodeString(string(clean)); err == nil {
			return marker, true
		}
	}
	return "", false
}

func isB64Char(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}

// isText reports whether the trailer is printable ASCII and whitespace, or
// UTF-8 text (judged on the head) without control bytes.
func isText(head []byte, hist *[256]int64, size int64) bool {
	var printable, high int64
	for c := 0x20; c < 0x7f; c++ {
		printable += hist[c]
	}
	printable += hist['\t'] + hist['\r'] + hist['\n']
	for c := 0x80; c < 0x100; c++ {
		high += hist[c]
	}
	if printable+high != size {
		return false
	}
	return high == 0 || validUTF8Prefix(head)
}

func validUTF8Prefix(p []byte) bool {
	// A character may be cut at the end of the head.
	for i := 0; i < 4 && len(p) > 0; i++ {
		if utf8.Valid(p) {
			return true
		}
		p = p[:len(p)-1]
	}
	return utf8.Valid(p)
}

// preview is up to 32 leading bytes, non-printable ones as '.'.
func preview(p []byte) string {
	p = p[:min(len(p), 32)]
	out := make([]byte, len(p))
	for i, c := range p {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		out[i] = c
	}
	return string(out)
}
