package image

import (
	"encoding/binary"
	"fmt"
)

const pngSig = "\x89PNG\r\n\x1a\n"

// maxPNGChunks bounds the chunk walk; real files have a few hundred at most
// (IDAT is usually split in 8–64 KiB pieces).
const maxPNGChunks = 1 << 20

// pngInfo is what a PNG walk learns.
type pngInfo struct {
	width, height int
	end           int64 // absolute offset just after IEND's CRC
}

// walkPNG walks chunks from the signature at r's offset to IEND. Each chunk
// is length (≤ 2^31-1), a four-letter type, data and a CRC; the walk checks
// lengths and types but not CRCs, since the question is where the image
// ends, not whether it decodes.
func walkPNG(r *reader) (pngInfo, error) {
	var info pngInfo
	var sig [8]byte
	if err := r.full(sig[:]); err != nil {
		return info, fmt.Errorf("png signature: %w", err)
	}
	if string(sig[:]) != pngSig {
		return info, fmt.Errorf("png signature %q: not a PNG", sig[:])
	}
	var hdr [8]byte
	for i := 0; ; i++ {
		if i >= maxPNGChunks {
			return info, fmt.Errorf("png: more than %d chunks", maxPNGChunks)
		}
		if err := r.tick(); err != nil {
			return info, err
		}
		at := r.off
		if err := r.full(hdr[:]); err != nil {
			return info, fmt.Errorf("png chunk %d header: %w", i, err)
		}
		n := binary.BigEndian.Uint32(hdr[:4])
		typ := hdr[4:8]
		if n > 1<<31-1 {
			return info, fmt.Errorf("png chunk %d (%q) at offset %d: length %d over 2^31-1", i, typ, at, n)
		}
		if !isChunkType(typ) {
			return info, fmt.Errorf("png chunk %d at offset %d: invalid type %q", i, at, typ)
		}
		if i == 0 && string(typ) != "IHDR" {
			return info, fmt.Errorf("png: first chunk is %q, not IHDR", typ)
		}
		if string(typ) == "IHDR" && i == 0 {
			if n != 13 {
				return info, fmt.Errorf("png IHDR length %d, want 13", n)
			}
			var ihdr [13]byte
			if err := r.full(ihdr[:]); err != nil {
				return info, fmt.Errorf("png IHDR: %w", err)
			}
			info.width = int(binary.BigEndian.Uint32(ihdr[0:]) & 0x7fffffff)
			info.height = int(binary.BigEndian.Uint32(ihdr[4:]) & 0x7fffffff)
			n = 0
		}
		if err := r.skip(int64(n) + 4); err != nil { // data and CRC
			return info, fmt.Errorf("png chunk %d (%q) at offset %d: %w", i, typ, at, err)
		}
		if string(typ) == "IEND" {
			info.end = r.off
			return info, nil
		}
	}
}

func isChunkType(t []byte) bool {
	for _, c := range t {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}
