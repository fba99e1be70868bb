package nsis

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/ulikunitz/xz/lzma"

	"github.com/vouch-sec/vouch/internal/unpack"
)

type method int

const (
	methodNone method = iota
	methodDeflate
	methodBzip2
	methodLZMA
)

// maxDict bounds the LZMA dictionary a stream may ask for (NSIS's default
// is 8 MiB; SetCompressorDictSize goes higher).
const maxDict = 128 << 20

func (m method) String() string {
	switch m {
	case methodDeflate:
		return "zlib"
	case methodBzip2:
		return "bzip2"
	case methodLZMA:
		return "lzma"
	}
	return "none"
}

// sniff tells the method of one compressed block of an installer whose
// header was stored uncompressed, from the block's first bytes.
func sniff(p []byte) (method, bool) {
	var bcj bool
	switch {
	case isLZMA(p, &bcj):
		return methodLZMA, bcj
	case isBzip2(p):
		return methodBzip2, false
	}
	return methodDeflate, false
}

// newDecoder starts decompressing one stream: a whole solid archive or one
// non-solid block. NSIS restarts the decompressor for every block.
func newDecoder(m method, bcj bool, r io.Reader) (io.Reader, error) {
	switch m {
	case methodDeflate:
		return flate.NewReader(r), nil
	case methodBzip2:
		return newBzip2Reader(r), nil
	case methodLZMA:
		if bcj {
			var flag [1]byte
			if _, err := io.ReadFull(r, flag[:]); err != nil {
				return nil, errWrap("nsis lzma filter flag", err)
			}
			switch flag[0] {
			case 0:
			case 1:
				return nil, fmt.Errorf("nsis lzma with x86 BCJ filter: %w", unpack.ErrUnsupported)
			default:
				return nil, fmt.Errorf("nsis lzma filter flag %d: %w", flag[0], unpack.ErrCorrupt)
			}
		}
		// NSIS writes the 5 property bytes and the raw stream; the
		// classic .lzma header adds an 8-byte size, here "unknown".
		var hdr [13]byte
		if _, err := io.ReadFull(r, hdr[:5]); err != nil {
			return nil, errWrap("nsis lzma properties", err)
		}
		if d := binary.LittleEndian.Uint32(hdr[1:]); d > maxDict {
			return nil, fmt.Errorf("nsis lzma dictionary of %d bytes, over the %d cap: %w", d, maxDict, unpack.ErrUnsupported)
		}
		for i := 5; i < len(hdr); i++ {
			hdr[i] = 0xff
		}
		z, err := lzma.ReaderConfig{DictCap: maxDict}.NewReader(io.MultiReader(bytes.NewReader(hdr[:]), r))
		if err != nil {
			return nil, errWrap("nsis lzma stream", err)
		}
		return &lzmaDrain{r: z}, nil
	}
	return r, nil
}

// lzmaDrain hands out what the LZMA decoder decoded before its input ran
// out. The decoder fills its whole dictionary before returning anything, so
// a truncated stream would otherwise lose every byte before the cut; after
// io.ErrUnexpectedEOF it is at its end state and only drains its buffer.
type lzmaDrain struct {
	r   io.Reader
	err error
}

func (d *lzmaDrain) Read(p []byte) (int, error) {
	if d.err != nil {
		if n, _ := d.r.Read(p); n > 0 {
			return n, nil
		}
		return 0, d.err
	}
	n, err := d.r.Read(p)
	if err == io.ErrUnexpectedEOF {
		d.err = err
		if n == 0 && len(p) > 0 {
			return d.Read(p)
		}
		return n, nil
	}
	return n, err
}
