package rpm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ulikunitz/xz/lzma"

	"github.com/klauspost/compress/zstd"
	"github.com/xi2/xz"

	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/compress"
)

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
		compressor = "gzip"
	case "bzip2", "xz", "lzma", "zstd":
	default:
		return nil, false, fmt.Errorf("payload compressor %q: %w", compressor, unpack.ErrUnsupported)
	}
	d, err := compress.Decoder(compressor, r)
	if err != nil {
		return nil, false, fmt.Errorf("%s decoder: %w", compressor, payloadError(err))
	}
	return d, false, nil
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
