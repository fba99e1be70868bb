// Package ar reads Unix ar archives: Debian packages (.deb) and static
// libraries (.a, and Windows import libraries, which share the format).
//
// One reader serves two unpackers. [Deb] takes an archive whose first member
// is "debian-binary" and adds what dpkg would act on: the package's control
// fields and its maintainer scripts (container Meta "deb.*") and which part
// each member is (member Meta "deb.part"). [New] takes every other archive.
// The reader handles the GNU long-name table ("//" and "/NNN" names), BSD
// "#1/NN" names and the padding of odd-sized members. Symbol tables ("/",
// "/SYM64/", "__.SYMDEF…") are linker indexes, not content, and are skipped.
// Members are emitted as they are; the engine recurses into control.tar.* and
// data.tar.*.
//
// # Security
//
// Every header is checked against the bytes that are really there before
// anything is read: member sizes must fit the rest of the input, names are
// capped at 4 KiB and the long-name table at 16 MiB. Members are sections of
// the input, never copied. The deb control file is read through a bounded
// decompressor (xz dictionary ≤ 128 MiB, zstd window ≤ 128 MiB), at most
// 64 MiB of control.tar and 1 MiB of the control file itself.
package ar

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
)

// Format names.
const (
	Name    = "ar"
	NameDeb = "deb"
)

const (
	magic      = "!<arch>\n"
	headerSize = 60
	// maxName bounds a BSD "#1/NN" name, as PATH_MAX does on Linux.
	maxName = 4096
	// maxLongNames bounds the GNU long-name table held in memory.
	maxLongNames = 16 << 20
)

type unpacker struct{ deb bool }

// New returns the unpacker for plain ar archives (static libraries).
func New() unpack.Unpacker { return unpacker{} }

// Deb returns the unpacker for Debian binary packages.
func Deb() unpack.Unpacker { return unpacker{deb: true} }

func (u unpacker) Name() string {
	if u.deb {
		return NameDeb
	}
	return Name
}

// Match accepts the ar magic; which of the two unpackers takes the archive
// depends on whether the first member is "debian-binary", as dpkg requires.
func (u unpacker) Match(in *unpack.Input) bool {
	if !bytes.HasPrefix(in.Head, []byte(magic)) {
		return false
	}
	return isDeb(in.Head) == u.deb
}

func isDeb(h []byte) bool {
	if len(h) < len(magic)+headerSize {
		return false
	}
	name := strings.TrimRight(string(h[len(magic):len(magic)+16]), " ")
	return strings.TrimSuffix(name, "/") == "debian-binary" &&
		string(h[len(magic)+58:len(magic)+60]) == "`\n"
}

// member is one archive entry after name resolution.
type member struct {
	name  string
	mtime int64
	mode  int64
	off   int64 // offset of the data in the input
	size  int64
}

// reader walks the headers of an archive.
type reader struct {
	r         io.ReaderAt
	size      int64
	off       int64
	longNames []byte
}

// next returns the next content member, skipping symbol and name tables, or
// io.EOF after the last one.
func (rd *reader) next() (*member, error) {
	for {
		m, skip, err := rd.header()
		if err != nil || !skip {
			return m, err
		}
	}
}

// header reads one header and advances past its data. skip reports a table
// that is not content.
func (rd *reader) header() (m *member, skip bool, err error) {
	rest := rd.size - rd.off
	if rest == 0 {
		return nil, false, io.EOF
	}
	if rest < headerSize {
		// Some writers pad the archive with newlines; anything else is
		// data hidden after the last member.
		tail := make([]byte, rest)
		if _, err := rd.r.ReadAt(tail, rd.off); err != nil && !errors.Is(err, io.EOF) {
			return nil, false, fmt.Errorf("ar: reading at %d: %v: %w", rd.off, err, unpack.ErrCorrupt)
		}
		if len(bytes.Trim(tail, "\n")) == 0 {
			return nil, false, io.EOF
		}
		return nil, false, fmt.Errorf("ar: %d trailing bytes at %d: %w", rest, rd.off, unpack.ErrCorrupt)
	}
	var h [headerSize]byte
	if _, err := rd.r.ReadAt(h[:], rd.off); err != nil {
		return nil, false, fmt.Errorf("ar: header at %d: %v: %w", rd.off, err, unpack.ErrCorrupt)
	}
	if h[58] != '`' || h[59] != '\n' {
		return nil, false, fmt.Errorf("ar: header at %d: bad terminator %q: %w", rd.off, h[58:60], unpack.ErrCorrupt)
	}
	size, ok := parseDec(h[48:58])
	if !ok {
		return nil, false, fmt.Errorf("ar: header at %d: bad size %q: %w", rd.off, h[48:58], unpack.ErrCorrupt)
	}
	dataOff := rd.off + headerSize
	if size > rd.size-dataOff {
		return nil, false, fmt.Errorf("ar: member at %d: size %d beyond end of input (%d bytes left): %w",
			rd.off, size, rd.size-dataOff, unpack.ErrCorrupt)
	}
	hdrOff := rd.off
	// Members start on even offsets; the pad byte after an odd-sized
	// member may be missing at the very end.
	rd.off = dataOff + size + size&1
	if rd.off > rd.size {
		rd.off = rd.size
	}

	m = &member{off: dataOff, size: size}
	m.mtime, _ = parseDec(h[16:28])
	m.mode, _ = strconv.ParseInt(strings.TrimRight(string(h[40:48]), " "), 8, 64)
	raw := strings.TrimRight(string(h[:16]), " ")
	switch {
	case raw == "/" || raw == "/SYM64/":
		return nil, true, nil
	case raw == "//":
		if rd.longNames != nil {
			return nil, false, fmt.Errorf("ar: second long-name table at %d: %w", hdrOff, unpack.ErrCorrupt)
		}
		if size > maxLongNames {
			return nil, false, fmt.Errorf("ar: long-name table of %d bytes at %d (limit %d): %w", size, hdrOff, maxLongNames, unpack.ErrUnsupported)
		}
		rd.longNames = make([]byte, size)
		if _, err := rd.r.ReadAt(rd.longNames, dataOff); err != nil {
			return nil, false, fmt.Errorf("ar: long-name table at %d: %v: %w", hdrOff, err, unpack.ErrCorrupt)
		}
		return nil, true, nil
	case len(raw) > 1 && raw[0] == '/' && isDigits(raw[1:]):
		i, _ := strconv.ParseInt(raw[1:], 10, 64)
		if i >= int64(len(rd.longNames)) {
			return nil, false, fmt.Errorf("ar: member at %d: long name %q outside the table (%d bytes): %w", hdrOff, raw, len(rd.longNames), unpack.ErrCorrupt)
		}
		name := rd.longNames[i:]
		// GNU ends names with "/\n", Microsoft's lib.exe with NUL.
		if j := bytes.IndexAny(name, "\n\x00"); j >= 0 {
			name = name[:j]
		}
		if len(name) > maxName {
			return nil, false, fmt.Errorf("ar: member at %d: long name of %d bytes: %w", hdrOff, len(name), unpack.ErrCorrupt)
		}
		m.name = strings.TrimSuffix(string(name), "/")
	case strings.HasPrefix(raw, "#1/"):
		n, ok := parseDec([]byte(raw[3:]))
		if !ok || n > size || n > maxName {
			return nil, false, fmt.Errorf("ar: member at %d: bad BSD name length %q: %w", hdrOff, raw, unpack.ErrCorrupt)
		}
		name := make([]byte, n)
		if _, err := rd.r.ReadAt(name, dataOff); err != nil {
			return nil, false, fmt.Errorf("ar: member at %d: name: %v: %w", hdrOff, err, unpack.ErrCorrupt)
		}
		// BSD ar pads the name with NULs to keep the data aligned.
		m.name = string(bytes.TrimRight(name, "\x00"))
		m.off += n
		m.size -= n
	default:
		m.name = strings.TrimSuffix(raw, "/") // GNU name terminator
	}
	switch m.name {
	case "__.SYMDEF", "__.SYMDEF SORTED", "__.SYMDEF_64", "__.SYMDEF_64 SORTED":
		return nil, true, nil
	}
	return m, false, nil
}

// parseDec parses a space-padded decimal field. Unlike strconv alone it
// refuses signs, so a size cannot be negative.
func parseDec(b []byte) (int64, bool) {
	s := strings.TrimRight(string(b), " ")
	if s == "" || !isDigits(s) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func (u unpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	var h [len(magic)]byte
	if _, err := in.R.ReadAt(h[:], 0); err != nil || string(h[:]) != magic {
		return fmt.Errorf("ar magic of %q: %w", in.Path, unpack.ErrCorrupt)
	}
	rd := &reader{r: in.R, size: in.Size, off: int64(len(magic))}
	var d *debState
	if u.deb {
		d = &debState{meta: in.Meta}
		// Facts gathered before a damaged member still count.
		defer d.finish()
	}
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := rd.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%q: %w", in.Path, err)
		}
		if in.MaxMembers > 0 && n >= in.MaxMembers {
			return &limits.Exceeded{Limit: "max-members", Value: int64(in.MaxMembers), Seen: int64(n + 1)}
		}
		sr := io.NewSectionReader(in.R, m.off, m.size)
		um := &unpack.Member{
			Name:    m.name,
			Type:    unpack.TypeFile,
			Size:    m.size,
			Mode:    unpack.UnixMode(uint64(m.mode) & 0o7777), // ar holds only regular files
			ModTime: time.Unix(m.mtime, 0).UTC(),
			Open: func() (io.ReadCloser, error) {
				return io.NopCloser(io.NewSectionReader(sr, 0, sr.Size())), nil
			},
		}
		if d != nil {
			d.member(ctx, n, um, sr)
		}
		if err := emit(um); err != nil {
			return err
		}
	}
	return nil
}
