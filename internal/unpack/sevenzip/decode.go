package sevenzip

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"

	bsz "github.com/bodgit/sevenzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz/lzma"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// Method IDs from 7-Zip's DOC/Methods.txt.
const (
	methodCopy    = "\x00"
	methodDelta   = "\x03"
	methodX86     = "\x03\x03\x01\x03"
	methodBCJ2    = "\x03\x03\x01\x1b"
	methodPPC     = "\x03\x03\x02\x05"
	methodARM     = "\x03\x03\x05\x01"
	methodSPARC   = "\x03\x03\x08\x05"
	methodARM64   = "\x0a"
	methodLZMA    = "\x03\x01\x01"
	methodLZMA2   = "\x21"
	methodPPMD    = "\x03\x04\x01"
	methodDeflate = "\x04\x01\x08"
	methodBZip2   = "\x04\x02\x02"
	methodZstd    = "\x04\xf7\x11\x01"
	methodBrotli  = "\x04\xf7\x11\x02"
	methodLZ4     = "\x04\xf7\x11\x04"
	methodAES     = "\x06\xf1\x07\x01"
)

// libMethods are the methods github.com/bodgit/sevenzip decodes.
var libMethods = map[string]string{
	methodCopy: "Copy", methodDelta: "Delta", methodX86: "BCJ", methodBCJ2: "BCJ2",
	methodPPC: "PPC", methodARM: "ARM", methodSPARC: "SPARC", methodARM64: "ARM64",
	methodLZMA: "LZMA", methodLZMA2: "LZMA2", methodPPMD: "PPMd", methodDeflate: "Deflate",
	methodBZip2: "BZip2", methodZstd: "zstd", methodBrotli: "Brotli", methodLZ4: "LZ4",
	methodAES: "AES",
}

func hasCoder(f *folder, method string) bool {
	for _, c := range f.coders {
		if string(c.id) == method {
			return true
		}
	}
	return false
}

// checkCoders says why the library cannot, or should not, decode a folder:
// a method it lacks, or a window larger than maxDict.
func checkCoders(f *folder) error {
	for k, c := range f.coders {
		name, ok := libMethods[string(c.id)]
		if !ok {
			return fmt.Errorf("7z method %x: %w", c.id, unpack.ErrUnsupported)
		}
		if c.out != 1 {
			return fmt.Errorf("7z %s coder with %d outputs: %w", name, c.out, unpack.ErrUnsupported)
		}
		// Every coder has one output here, so coder k writes stream k.
		size := f.sizes[k]
		var window uint64
		switch string(c.id) {
		case methodLZMA:
			if len(c.props) != 5 {
				return fmt.Errorf("7z LZMA properties of %d bytes: %w", len(c.props), unpack.ErrCorrupt)
			}
			// The xz/lzma reader clamps the window to a known stream size.
			window = uint64(binary.LittleEndian.Uint32(c.props[1:]))
			if int64(size) >= 0 && size < window {
				window = size
			}
		case methodLZMA2:
			if len(c.props) != 1 || c.props[0] > 40 {
				return fmt.Errorf("7z LZMA2 properties %x: %w", c.props, unpack.ErrCorrupt)
			}
			window = min(lzma2Dict(c.props[0]), size)
		case methodPPMD:
			if len(c.props) != 5 {
				return fmt.Errorf("7z PPMd properties of %d bytes: %w", len(c.props), unpack.ErrCorrupt)
			}
			window = uint64(binary.LittleEndian.Uint32(c.props[1:]))
		}
		if window > maxDict {
			return fmt.Errorf("7z %s window of %d bytes over the %d-byte bound: %w", name, window, maxDict, unpack.ErrUnsupported)
		}
	}
	return nil
}

// lzma2Dict decodes LZMA2's one-byte dictionary size.
func lzma2Dict(p byte) uint64 {
	if p >= 40 {
		return 1<<32 - 1
	}
	return uint64(2|p&1) << (p/2 + 11)
}

var registerOnce sync.Once

// registerDecoders replaces two of the library's decoders: its LZMA2
// reader allocates the window the header declares (up to 4 GiB) even for a
// few bytes of data, and its zstd reader runs decoder goroutines that only
// stop when closed — while the cursor drops, rather than closes, the
// decoder of a folder it has left.
func registerDecoders() {
	registerOnce.Do(func() {
		bsz.RegisterDecompressor([]byte(methodLZMA2), newLZMA2)
		bsz.RegisterDecompressor([]byte(methodZstd), newZstd)
	})
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

func newLZMA2(p []byte, size uint64, rs []io.ReadCloser) (io.ReadCloser, error) {
	if len(rs) != 1 {
		return nil, errors.New("lzma2: need exactly one input")
	}
	if len(p) != 1 || p[0] > 40 {
		return nil, fmt.Errorf("lzma2: properties %x", p)
	}
	dict := max(min(lzma2Dict(p[0]), size), lzma.MinDictCap)
	if dict > maxDict {
		return nil, fmt.Errorf("lzma2: window of %d bytes over the %d-byte bound", dict, maxDict)
	}
	r, err := lzma.Reader2Config{DictCap: int(dict)}.NewReader2(rs[0])
	if err != nil {
		return nil, fmt.Errorf("lzma2: %w", err)
	}
	return readCloser{r, rs[0].Close}, nil
}

func newZstd(_ []byte, _ uint64, rs []io.ReadCloser) (io.ReadCloser, error) {
	if len(rs) != 1 {
		return nil, errors.New("zstd: need exactly one input")
	}
	d, err := zstd.NewReader(rs[0], zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
		zstd.WithDecoderMaxWindow(128<<20))
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return readCloser{d, func() error { d.Close(); return rs[0].Close() }}, nil
}

// decodeHeader decompresses an encoded header, which 7-Zip writes as one
// LZMA stream. Its folder has passed checkFolders.
func decodeHeader(in *unpack.Input, si *streamsInfo) ([]byte, error) {
	f := &si.folders[0]
	if len(f.coders) != 1 || f.coders[0].in != 1 || f.coders[0].out != 1 {
		return nil, fmt.Errorf("7z header of %q in a %d-coder folder: %w", in.Path, len(f.coders), unpack.ErrUnsupported)
	}
	c := f.coders[0]
	size := f.sizes[0]
	if size > maxHeader {
		return nil, fmt.Errorf("7z header of %q decodes to %d bytes, over the %d-byte bound: %w", in.Path, size, maxHeader, unpack.ErrUnsupported)
	}
	pack := io.NewSectionReader(in.R, int64(sigHeaderLen+si.packPos), int64(si.packSizes[0]))
	var (
		r   io.Reader
		err error
	)
	switch string(c.id) {
	case methodCopy:
		r = pack
	case methodLZMA:
		if len(c.props) != 5 {
			return nil, fmt.Errorf("7z header of %q: LZMA properties of %d bytes: %w", in.Path, len(c.props), unpack.ErrCorrupt)
		}
		// The classic LZMA header is the 5 property bytes and the size.
		hdr := binary.LittleEndian.AppendUint64(bytes.Clone(c.props), size)
		r, err = lzma.NewReader(io.MultiReader(bytes.NewReader(hdr), bufio.NewReader(pack)))
	case methodLZMA2:
		if len(c.props) != 1 || c.props[0] > 40 {
			return nil, fmt.Errorf("7z header of %q: LZMA2 properties %x: %w", in.Path, c.props, unpack.ErrCorrupt)
		}
		dict := max(min(lzma2Dict(c.props[0]), size), lzma.MinDictCap)
		r, err = lzma.Reader2Config{DictCap: int(dict)}.NewReader2(bufio.NewReader(pack))
	case methodDeflate:
		r = flate.NewReader(bufio.NewReader(pack))
	case methodBZip2:
		r = bzip2.NewReader(bufio.NewReader(pack))
	default:
		return nil, fmt.Errorf("7z header of %q: method %x: %w", in.Path, c.id, unpack.ErrUnsupported)
	}
	if err != nil {
		return nil, fmt.Errorf("7z header of %q: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("7z header of %q: decoding: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	if f.hasCRC && crc32.ChecksumIEEE(buf) != f.crc {
		return nil, fmt.Errorf("7z header of %q: decoded checksum mismatch: %w", in.Path, unpack.ErrCorrupt)
	}
	return buf, nil
}
