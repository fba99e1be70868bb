// Package zip reads zip archives and their family (jar, whl, apk, nupkg,
// vsix, xpi) and Chrome's crx, which is a zip behind a small header.
package zip

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"

	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/compress"
)

// Name is the format name.
const Name = "zip"

// Zip-method numbers from APPNOTE.TXT 4.4.5 that archive/zip lacks.
const (
	methodBzip2 = 12
	methodZstd  = 93
	methodXZ    = 95
)

type unpacker struct{}

// New returns the zip unpacker.
func New() unpack.Unpacker { return unpacker{} }

func (unpacker) Name() string { return Name }

func (unpacker) Match(in *unpack.Input) bool {
	h := in.Head
	return bytes.HasPrefix(h, []byte("PK\x03\x04")) || bytes.HasPrefix(h, []byte("PK\x05\x06")) ||
		bytes.HasPrefix(h, []byte("Cr24"))
}

func (unpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	r, size := in.R, in.Size
	if bytes.HasPrefix(in.Head, []byte("Cr24")) {
		off, err := crxPayloadOffset(in.Head)
		if err != nil {
			return err
		}
		if off > size {
			return fmt.Errorf("crx header: payload offset %d beyond file: %w", off, unpack.ErrCorrupt)
		}
		r, size = io.NewSectionReader(in.R, off, size-off), size-off
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("zip.NewReader(%q): %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	// Extra zip methods go through the same bounded decoders as the
	// compression layers.
	for method, format := range map[uint16]string{methodBzip2: "bzip2", methodZstd: "zstd", methodXZ: "xz"} {
		zr.RegisterDecompressor(method, func(r io.Reader) io.ReadCloser {
			d, err := compress.Decoder(format, r)
			if err != nil {
				return errReadCloser{err}
			}
			return d
		})
	}
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		m := &unpack.Member{
			Name:    f.Name,
			Size:    int64(f.UncompressedSize64),
			Mode:    f.Mode(),
			ModTime: f.Modified,
		}
		if f.UncompressedSize64 > 1<<62 {
			m.Size = -1
		}
		switch {
		case f.FileInfo().IsDir():
			m.Type = unpack.TypeDir
		case f.Mode()&fs.ModeSymlink != 0:
			m.Type = unpack.TypeSymlink
			m.LinkTarget = readLink(f)
		default:
			m.Type = unpack.TypeFile
		}
		f := f
		m.Open = func() (io.ReadCloser, error) {
			if f.Flags&0x1 != 0 {
				return nil, fmt.Errorf("member is encrypted: %w", unpack.ErrUnsupported)
			}
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("zip member %q: %v: %w", f.Name, err, unpack.ErrUnsupported)
			}
			return rc, nil
		}
		if err := emit(m); err != nil {
			return err
		}
	}
	return nil
}

// readLink reads a symlink's target, which zip stores as the member's data.
func readLink(f *zip.File) string {
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := unpack.ReadAll(rc, 4096)
	return string(b)
}

// crxPayloadOffset parses the CRX2/CRX3 header that precedes the zip.
func crxPayloadOffset(h []byte) (int64, error) {
	if len(h) < 12 {
		return 0, fmt.Errorf("crx header truncated: %w", unpack.ErrCorrupt)
	}
	switch v := binary.LittleEndian.Uint32(h[4:]); v {
	case 2:
		if len(h) < 16 {
			return 0, fmt.Errorf("crx2 header truncated: %w", unpack.ErrCorrupt)
		}
		return 16 + int64(binary.LittleEndian.Uint32(h[8:])) + int64(binary.LittleEndian.Uint32(h[12:])), nil
	case 3:
		return 12 + int64(binary.LittleEndian.Uint32(h[8:])), nil
	default:
		return 0, fmt.Errorf("crx version %d: %w", v, unpack.ErrUnsupported)
	}
}

type errReadCloser struct{ err error }

func (e errReadCloser) Read([]byte) (int, error) { return 0, e.err }
func (e errReadCloser) Close() error             { return nil }
