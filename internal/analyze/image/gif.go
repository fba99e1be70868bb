package image

import (
	"encoding/binary"
	"fmt"
)

type gifInfo struct {
	width, height int
	frames        int
	end           int64 // absolute offset just after the 0x3B trailer byte
	unterminated  bool  // the data ended at a block boundary, no 0x3B
}

// walkGIF walks header, logical screen descriptor and global colour table,
// then blocks until the trailer byte 0x3B: image descriptors (with local
// colour tables and LZW sub-blocks) and extensions (with sub-blocks).
func walkGIF(r *reader) (gifInfo, error) {
	var info gifInfo
	var hdr [13]byte
	if err := r.full(hdr[:]); err != nil {
		return info, fmt.Errorf("gif header: %w", err)
	}
	if s := string(hdr[:6]); s != "GIF87a" && s != "GIF89a" {
		return info, fmt.Errorf("gif header %q: not a GIF", hdr[:6])
	}
	info.width = int(binary.LittleEndian.Uint16(hdr[6:]))
	info.height = int(binary.LittleEndian.Uint16(hdr[8:]))
	if hdr[10]&0x80 != 0 {
		if err := r.skip(colorTableSize(hdr[10])); err != nil {
			return info, fmt.Errorf("gif global color table: %w", err)
		}
	}
	for {
		if err := r.tick(); err != nil {
			return info, err
		}
		at := r.off
		if r.remaining() == 0 && info.frames > 0 {
			// Some encoders omit the trailer byte and decoders accept
			// that: the image ends where its last block does.
			info.end, info.unterminated = r.off, true
			return info, nil
		}
		b, err := r.byte()
		if err != nil {
			return info, fmt.Errorf("gif block: %w", err)
		}
		switch b {
		case 0x3b: // trailer
			info.end = r.off
			return info, nil
		case 0x2c: // image descriptor
			var d [9]byte
			if err := r.full(d[:]); err != nil {
				return info, fmt.Errorf("gif image descriptor at offset %d: %w", at, err)
			}
			if d[8]&0x80 != 0 {
				if err := r.skip(colorTableSize(d[8])); err != nil {
					return info, fmt.Errorf("gif local color table at offset %d: %w", at, err)
				}
			}
			if _, err := r.byte(); err != nil { // LZW minimum code size
				return info, fmt.Errorf("gif image data at offset %d: %w", at, err)
			}
			if err := skipSubBlocks(r); err != nil {
				return info, fmt.Errorf("gif image data at offset %d: %w", at, err)
			}
			info.frames++
		case 0x21: // extension
			if _, err := r.byte(); err != nil { // label
				return info, fmt.Errorf("gif extension at offset %d: %w", at, err)
			}
			if err := skipSubBlocks(r); err != nil {
				return info, fmt.Errorf("gif extension at offset %d: %w", at, err)
			}
		default:
			return info, fmt.Errorf("gif: unknown block 0x%02x at offset %d", b, at)
		}
	}
}

func colorTableSize(packed byte) int64 { return 3 << (int(packed&7) + 1) }

// skipSubBlocks skips data sub-blocks (a length byte, then that many bytes)
// up to and including the zero-length terminator.
func skipSubBlocks(r *reader) error {
	for {
		if err := r.tick(); err != nil {
			return err
		}
		n, err := r.byte()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if err := r.skip(int64(n)); err != nil {
			return err
		}
	}
}
