package image

import (
	"encoding/binary"
	"fmt"
)

// maxJPEGImages bounds how many JPEG images chained one after another
// (MPF multi-picture files, Ultra HDR gain maps) are walked.
const maxJPEGImages = 64

type jpegInfo struct {
	width, height int
	images        int
	end           int64 // absolute offset just after the last EOI
}

// walkJPEGs walks the JPEG at r's offset and any JPEGs that follow it back
// to back: phones store depth and gain maps so, and the multi-picture
// format (CIPA DC-007) declares them after the first EOI. A following
// image that does not walk cleanly is left as trailer.
func walkJPEGs(r *reader) (jpegInfo, error) {
	var info jpegInfo
	w, h, err := walkJPEG(r)
	info.width, info.height = w, h
	if err != nil {
		return info, err
	}
	info.images, info.end = 1, r.off
	for info.images < maxJPEGImages && r.remaining() >= 3 {
		p, err := r.peek(3)
		if err != nil || string(p) != "\xff\xd8\xff" {
			break
		}
		if _, _, err := walkJPEG(r); err != nil {
			if cerr := r.ctx.Err(); cerr != nil {
				return info, cerr
			}
			break
		}
		info.images++
		info.end = r.off
	}
	return info, nil
}

// walkJPEG walks one JPEG from SOI to EOI: marker segments by their
// lengths (so an EXIF thumbnail, with its own SOI/EOI inside APP1, is
// skipped whole), and after each SOS the entropy-coded data up to the next
// marker that is not a stuffed 0xFF00 or a restart marker. Progressive
// files have many SOS segments; the loop handles them alike.
func walkJPEG(r *reader) (width, height int, err error) {
	var soi [2]byte
	if err := r.full(soi[:]); err != nil {
		return 0, 0, fmt.Errorf("jpeg SOI: %w", err)
	}
	if soi != [2]byte{0xff, 0xd8} {
		return 0, 0, fmt.Errorf("jpeg: no SOI at offset %d", r.off-2)
	}
	var m byte // a marker already read by the entropy-data scan, or 0
	for {
		if err := r.tick(); err != nil {
			return width, height, err
		}
		at := r.off
		if m == 0 {
			b, err := r.byte()
			if err != nil {
				return width, height, fmt.Errorf("jpeg marker: %w", err)
			}
			if b != 0xff {
				return width, height, fmt.Errorf("jpeg: byte 0x%02x at offset %d where a marker should be", b, at)
			}
			for m = 0xff; m == 0xff; { // fill bytes
				if m, err = r.byte(); err != nil {
					return width, height, fmt.Errorf("jpeg marker: %w", err)
				}
			}
		}
		marker := m
		m = 0
		switch {
		case marker == 0xd9: // EOI
			return width, height, nil
		case marker == 0xd8:
			return width, height, fmt.Errorf("jpeg: SOI inside the image at offset %d", at)
		case marker == 0x00:
			return width, height, fmt.Errorf("jpeg: invalid marker 0xff00 at offset %d", at)
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd7: // TEM, RST: no length
			continue
		}
		var lb [2]byte
		if err := r.full(lb[:]); err != nil {
			return width, height, fmt.Errorf("jpeg segment 0x%02x length: %w", marker, err)
		}
		n := int64(binary.BigEndian.Uint16(lb[:]))
		if n < 2 {
			return width, height, fmt.Errorf("jpeg segment 0x%02x at offset %d: length %d", marker, at, n)
		}
		n -= 2
		if isSOF(marker) && width == 0 && n >= 5 {
			var sof [5]byte
			if err := r.full(sof[:]); err != nil {
				return width, height, fmt.Errorf("jpeg SOF: %w", err)
			}
			height = int(binary.BigEndian.Uint16(sof[1:]))
			width = int(binary.BigEndian.Uint16(sof[3:]))
			n -= 5
		}
		if err := r.skip(n); err != nil {
			return width, height, fmt.Errorf("jpeg segment 0x%02x at offset %d: %w", marker, at, err)
		}
		if marker != 0xda { // SOS
			continue
		}
		if m, err = scanEntropyData(r); err != nil {
			return width, height, fmt.Errorf("jpeg scan data after offset %d: %w", at, err)
		}
	}
}

// scanEntropyData consumes entropy-coded data and returns the marker that
// ends it, with r just past the marker byte.
func scanEntropyData(r *reader) (byte, error) {
	for {
		if err := r.skipTo(0xff); err != nil {
			return 0, err
		}
		var b byte
		for b = 0xff; b == 0xff; { // 0xff, then any fill bytes
			var err error
			if b, err = r.byte(); err != nil {
				return 0, err
			}
		}
		if b == 0x00 || b >= 0xd0 && b <= 0xd7 {
			continue // stuffed byte or restart marker
		}
		return b, nil
	}
}

// isSOF reports whether m starts a frame (C0–CF except DHT C4, JPG C8 and
// DAC CC).
func isSOF(m byte) bool {
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc
}
