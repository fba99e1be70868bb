package rpm

import (
	"bytes"
	"compress/bzip2"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz/lzma"
	"github.com/xi2/xz"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// maxDict bounds the xz and lzma dictionary and the zstd window. xz -9 and
// zstd -19 need 64 MiB and 8 MiB.
const maxDict = 128 << 20

// openPayload returns the decompressed payload. compressor is the
// PAYLOADCOMPRESSOR tag: rpm decides by it, not by the bytes, so vouch reads
// what rpm would install. raw reports an uncompressed payload.
func openPayload(compressor string, r io.Reader, head []byte) (rc io.ReadCloser, raw bool, err error) {
	switch compressor {
	case "", "gzip":
		// rpm reads "gzip" through zlib, which passes data that is not
		// gzip through unchanged; rpmbuild's "w.ufdio" writes no tag.
		if !bytes.HasPrefix(head, []byte{0x1f, 0x8b}) {
			return io.NopCloser(r), true, nil
		}
		g, err := gzip.NewReader(r)
		if err != nil {
			return nil, false, fmt.Errorf("gzip.NewReader: %w", payloadError(err))
		}
		return g, false, nil
	case "bzip2":
		return io.NopCloser(bzip2.NewReader(r)), false, nil
	case "xz":
		x, err := xz.NewReader(r, maxDict)
		if err != nil {
			return nil, false, fmt.Errorf("xz.NewReader: %w", payloadError(err))
		}
		return io.NopCloser(x), false, nil
	case "lzma":
		l, err := lzma.ReaderConfig{DictCap: maxDict}.NewReader(r)
		if err != nil {
			return nil, false, fmt.Errorf("lzma.NewReader: %w", payloadError(err))
		}
		return io.NopCloser(l), false, nil
	case "zstd":
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(maxDict))
		if err != nil {
			return nil, false, fmt.Errorf("zstd.NewReader: %w", payloadError(err))
		}
		return z.IOReadCloser(), false, nil
	}
	return nil, false, fmt.Errorf("payload compressor %q: %w", compressor, unpack.ErrUnsupported)
}

// payloadError words a read error for the engine: limits the decoders
// enforce are unsupported features, anything else is damage.
func payloadError(err error) error {
	var le *lzma.ErrDictSize
	switch {
	case errors.Is(err, unpack.ErrCorrupt), errors.Is(err, unpack.ErrUnsupported),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, xz.ErrMemlimit), errors.Is(err, xz.ErrUnsupportedCheck), errors.Is(err, xz.ErrOptions),
		errors.Is(err, zstd.ErrWindowSizeExceeded), errors.Is(err, zstd.ErrDecoderSizeExceeded), errors.As(err, &le):
		return fmt.Errorf("%v: %w", err, unpack.ErrUnsupported)
	}
	return fmt.Errorf("%v: %w", err, unpack.ErrCorrupt)
}
