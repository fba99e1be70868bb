// Package tar reads tar archives (ustar, pax, GNU, v7).
package tar

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// Name is the format name.
const Name = "tar"

type unpacker struct{}

// New returns the tar unpacker.
func New() unpack.Unpacker { return unpacker{} }

func (unpacker) Name() string { return Name }

// Match accepts ustar/GNU magic, or a v7 header whose checksum is right.
func (unpacker) Match(in *unpack.Input) bool { return IsTar(in.Head) }

// IsTar reports whether h starts with a tar header.
func IsTar(h []byte) bool {
	if len(h) < 512 {
		return false
	}
	if bytes.Equal(h[257:262], []byte("ustar")) {
		return true
	}
	return checksumOK(h[:512])
}

func checksumOK(h []byte) bool {
	field := bytes.Trim(h[148:156], " \x00")
	want, err := strconv.ParseInt(string(field), 8, 64)
	if err != nil || len(field) == 0 {
		return false
	}
	var sum int64
	for i, c := range h {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int64(c)
	}
	// An all-zero block sums to 256 and is the end marker, not a header.
	return sum == want && sum != 256
}

func (unpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	tr := tar.NewReader(io.NewSectionReader(in.R, 0, in.Size))
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("tar.Next(%q): %v: %w", in.Path, err, unpack.ErrCorrupt)
		}
		m := &unpack.Member{
			Name:       h.Name,
			LinkTarget: h.Linkname,
			Size:       h.Size,
			Mode:       h.FileInfo().Mode(),
			ModTime:    h.ModTime,
		}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse, tar.TypeCont:
			m.Type = unpack.TypeFile
		case tar.TypeDir:
			m.Type = unpack.TypeDir
		case tar.TypeSymlink:
			m.Type = unpack.TypeSymlink
		case tar.TypeLink:
			m.Type = unpack.TypeHardlink
		default:
			m.Type = unpack.TypeOther
		}
		m.Open = func() (io.ReadCloser, error) { return io.NopCloser(tr), nil }
		if err := emit(m); err != nil {
			return err
		}
	}
}
