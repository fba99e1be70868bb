package image

import (
	"encoding/binary"
	"fmt"
	"io"
)

// maxDIBBytes bounds pixel sizes computed from header fields; a larger
// value is a lying header, not an image.
const maxDIBBytes = 1 << 40

type bmpInfo struct {
	width, height int
	end           int64
}

// bmpEnd finds where a BMP's data ends: after the pixel data the header
// describes (bfOffBits plus rows × stride for uncompressed bitmaps,
// biSizeImage for compressed ones) or after an embedded ICC profile,
// whichever is later. bfSize is used only when neither can be computed:
// it is a declaration an attacker can grow to cover what follows, while
// the pixel layout is what a decoder actually reads.
func bmpEnd(r io.ReaderAt, size int64) (bmpInfo, error) {
	var info bmpInfo
	var h [14 + 124]byte
	n, _ := r.ReadAt(h[:min(size, int64(len(h)))], 0)
	if n < 26 || string(h[:2]) != "BM" {
		return info, fmt.Errorf("bmp header: %w", errTruncated)
	}
	bfSize := int64(binary.LittleEndian.Uint32(h[2:]))
	offBits := int64(binary.LittleEndian.Uint32(h[10:]))
	d, err := parseDIB(h[14:n])
	if err != nil {
		return info, fmt.Errorf("bmp: %w", err)
	}
	info.width, info.height = d.width, d.height
	end := int64(0)
	switch {
	case d.pixels >= 0:
		end = offBits + d.pixels
	case d.sizeImage > 0:
		end = offBits + d.sizeImage
	case bfSize > offBits:
		end = bfSize
	default:
		return info, fmt.Errorf("bmp: compressed pixel data (compression %d) of undeclared size", d.compression)
	}
	if d.profileSize > 0 {
		end = max(end, 14+d.profileOff+d.profileSize)
	}
	if offBits < 14+d.hdrSize {
		return info, fmt.Errorf("bmp: pixel data offset %d inside the headers", offBits)
	}
	if end > size {
		return info, fmt.Errorf("bmp: data ends at %d, after the end of the file (%d): %w", end, size, errTruncated)
	}
	info.end = end
	return info, nil
}

// dib is what a DIB header (BITMAPCOREHEADER, BITMAPINFOHEADER and its V2–V5
// extensions) says about layout.
type dib struct {
	hdrSize       int64
	width, height int // height as stored, made positive
	bpp           int
	compression   uint32
	sizeImage     int64
	colors        int64 // palette entries
	masks         int64 // bytes of BI_BITFIELDS masks after a 40-byte header
	pixels        int64 // uncompressed pixel bytes, -1 when compressed
	profileOff    int64 // V5: ICC profile offset from the DIB header, size
	profileSize   int64
}

func parseDIB(h []byte) (dib, error) {
	var d dib
	if len(h) < 12 {
		return d, fmt.Errorf("dib header: %w", errTruncated)
	}
	d.hdrSize = int64(binary.LittleEndian.Uint32(h))
	switch d.hdrSize {
	case 12:
		d.width = int(binary.LittleEndian.Uint16(h[4:]))
		d.height = int(binary.LittleEndian.Uint16(h[6:]))
		d.bpp = int(binary.LittleEndian.Uint16(h[10:]))
		if d.bpp <= 8 {
			d.colors = 1 << d.bpp
		}
	case 40, 52, 56, 64, 108, 124:
		if int64(len(h)) < min(d.hdrSize, 40) {
			return d, fmt.Errorf("dib header: %w", errTruncated)
		}
		w := int32(binary.LittleEndian.Uint32(h[4:]))
		ht := int32(binary.LittleEndian.Uint32(h[8:]))
		d.width, d.height = abs32(w), abs32(ht)
		d.bpp = int(binary.LittleEndian.Uint16(h[14:]))
		d.compression = binary.LittleEndian.Uint32(h[16:])
		d.sizeImage = int64(binary.LittleEndian.Uint32(h[20:]))
		d.colors = int64(binary.LittleEndian.Uint32(h[32:]))
		if d.colors == 0 && d.bpp <= 8 {
			d.colors = 1 << d.bpp
		}
		if d.hdrSize == 40 && (d.compression == 3 || d.compression == 6) {
			d.masks = 12
			if d.compression == 6 {
				d.masks = 16
			}
		}
		if d.hdrSize == 124 && len(h) >= 124 {
			d.profileOff = int64(binary.LittleEndian.Uint32(h[112:]))
			d.profileSize = int64(binary.LittleEndian.Uint32(h[116:]))
		}
	default:
		return d, fmt.Errorf("dib header size %d unknown", d.hdrSize)
	}
	switch d.bpp {
	case 1, 2, 4, 8, 16, 24, 32:
	case 0:
		if d.compression != 4 && d.compression != 5 { // JPEG, PNG say bpp 0
			return d, fmt.Errorf("dib bit count 0 for compression %d", d.compression)
		}
	default:
		return d, fmt.Errorf("dib bit count %d", d.bpp)
	}
	d.pixels = -1
	if d.compression == 0 || d.compression == 3 || d.compression == 6 {
		d.pixels = stride(d.width, d.bpp) * int64(d.height)
		if d.pixels > maxDIBBytes {
			return d, fmt.Errorf("dib of %dx%d at %d bpp is implausibly large", d.width, d.height, d.bpp)
		}
	}
	return d, nil
}

// stride is a DIB row's size: padded to 4 bytes.
func stride(width, bpp int) int64 { return (int64(width)*int64(bpp) + 31) / 32 * 4 }

func abs32(v int32) int {
	if v < 0 {
		return -int(v)
	}
	return int(v)
}
