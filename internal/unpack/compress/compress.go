// Package compress reads single-stream compression layers: gzip, xz, bzip2
// and zstd. Each has one transparent member: when that member is itself a
// container (a .tar.gz, an npm .tgz) the engine unpacks it in place.
package compress

import (
	"bytes"
	"compress/bzip2"
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz/lzma"
	"github.com/xi2/xz"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// MaxXZDict is the largest LZMA/LZMA2 dictionary or zstd window a stream
// may demand; xz -9 uses 64 MiB, zstd -19 8 MiB.
const MaxXZDict = 128 << 20

// Decoder returns a bounded decoder for format: "gzip", "xz", "bzip2",
// "zstd" or "lzma" (classic .lzma). It is the one place vouch sets the
// limits of these decoders, so every format that embeds one (zip methods,
// deb members, rpm payloads) shares them. xi2/xz enforces its dictMax as a
// real cap; ulikunitz/xz's DictCap is only a minimum, so it is used for
// classic lzma alone, whose reader does refuse larger dictionaries.
func Decoder(format string, r io.Reader) (io.ReadCloser, error) {
	switch format {
	case "gzip":
		return gzip.NewReader(r)
	case "xz":
		x, err := xz.NewReader(r, MaxXZDict)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(x), nil
	case "bzip2":
		return io.NopCloser(bzip2.NewReader(r)), nil
	case "zstd":
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(MaxXZDict))
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	case "lzma":
		l, err := lzma.ReaderConfig{DictCap: MaxXZDict}.NewReader(r)
		if err != nil {
			return nil, err
		}
		return io.NopCloser(l), nil
	}
	return nil, fmt.Errorf("compression %q: %w", format, unpack.ErrUnsupported)
}

type layer struct {
	name  string
	magic []byte
	exts  map[string]string // suffix → replacement when naming the member
	open  func(r io.Reader) (io.ReadCloser, string, error)
}

// Gzip returns the gzip unpacker (RFC 1952, multi-member streams included).
func Gzip() unpack.Unpacker {
	return &layer{
		name: "gzip", magic: []byte{0x1f, 0x8b},
		exts: map[string]string{".gz": "", ".tgz": ".tar", ".gzip": "", ".z": ""},
		open: func(r io.Reader) (io.ReadCloser, string, error) {
			d, err := Decoder("gzip", r)
			if err != nil {
				return nil, "", err
			}
			return d, d.(*gzip.Reader).Name, nil
		},
	}
}

// XZ returns the xz unpacker.
func XZ() unpack.Unpacker {
	return &layer{
		name: "xz", magic: []byte{0xfd, '7', 'z', 'X', 'Z', 0x00},
		exts: map[string]string{".xz": "", ".txz": ".tar"},
		open: func(r io.Reader) (io.ReadCloser, string, error) {
			d, err := Decoder("xz", r)
			return d, "", err
		},
	}
}

// Bzip2 returns the bzip2 unpacker.
func Bzip2() unpack.Unpacker {
	return &layer{
		name: "bzip2", magic: []byte("BZh"),
		exts: map[string]string{".bz2": "", ".tbz2": ".tar", ".tbz": ".tar"},
		open: func(r io.Reader) (io.ReadCloser, string, error) {
			d, err := Decoder("bzip2", r)
			return d, "", err
		},
	}
}

// Zstd returns the zstd unpacker.
func Zstd() unpack.Unpacker {
	return &layer{
		name: "zstd", magic: []byte{0x28, 0xb5, 0x2f, 0xfd},
		exts: map[string]string{".zst": "", ".zstd": "", ".tzst": ".tar"},
		open: func(r io.Reader) (io.ReadCloser, string, error) {
			d, err := Decoder("zstd", r)
			return d, "", err
		},
	}
}

func (l *layer) Name() string { return l.name }

func (l *layer) Match(in *unpack.Input) bool {
	if !bytes.HasPrefix(in.Head, l.magic) {
		return false
	}
	if l.name == "bzip2" {
		// "BZh" + block size digit + block or end-of-stream magic.
		h := in.Head
		return len(h) >= 10 && h[3] >= '1' && h[3] <= '9' &&
			(bytes.Equal(h[4:10], []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}) ||
				bytes.Equal(h[4:10], []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90}))
	}
	return true
}

func (l *layer) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	rc, stored, err := l.open(io.NewSectionReader(in.R, 0, in.Size))
	if err != nil {
		return fmt.Errorf("%s header of %q: %v: %w", l.name, in.Path, err, unpack.ErrCorrupt)
	}
	defer rc.Close()
	var readErr error
	m := &unpack.Member{
		Name:        l.memberName(in.Path, stored),
		Type:        unpack.TypeFile,
		Size:        -1,
		Transparent: true,
		Open: func() (io.ReadCloser, error) {
			return io.NopCloser(errTrap{rc, &readErr}), nil
		},
	}
	if err := emit(m); err != nil {
		return err
	}
	if readErr != nil && readErr != io.EOF {
		return fmt.Errorf("%s stream of %q: %v: %w", l.name, in.Path, readErr, unpack.ErrCorrupt)
	}
	return nil
}

// memberName prefers the name stored in the stream (gzip FNAME), reduced to
// its base, then the container's own name less its suffix.
func (l *layer) memberName(container, stored string) string {
	if b := path.Base(strings.ReplaceAll(stored, "\\", "/")); stored != "" && b != "." && b != "/" && b != ".." {
		return b
	}
	base := path.Base(container)
	if i := strings.LastIndex(base, "!/"); i >= 0 {
		base = base[i+2:]
	}
	lower := strings.ToLower(base)
	for ext, repl := range l.exts {
		if strings.HasSuffix(lower, ext) && len(base) > len(ext) {
			return base[:len(base)-len(ext)] + repl
		}
	}
	return base + ".out"
}

// errTrap remembers the first read error so Unpack can report a damaged
// stream even when the engine stopped reading early or swallowed it.
type errTrap struct {
	r   io.Reader
	err *error
}

func (t errTrap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err != nil && *t.err == nil {
		*t.err = err
	}
	return n, err
}
