// Package xar reads xar archives, the container of macOS flat packages
// (.pkg) and Safari extensions. A xar is a 28-byte (or longer) header, a
// zlib-compressed XML table of contents and a heap the TOC points into.
//
// Members are emitted with their TOC paths, in document order. Data
// encoded "application/x-gzip" (zlib, despite the name), "x-bzip2" or
// "octet-stream" is decoded; a flat package's Payload and Scripts (gzip'd
// cpio or pbzx) are emitted as they are, for the engine to recurse into.
// Each member's extracted-checksum (sha1, md5, sha256, sha512) is checked
// when its data is read to the end.
//
// Container Meta: "xar.signed" ("true" when the TOC has a <signature> or
// <x-signature>; the signature itself is not verified here) and
// "xar.toc_checksum" ("ok", "mismatch" or "none": whether the TOC matches
// the checksum in the heap, which is what a signature covers).
//
// # Security
//
//   - The header size, the TOC's compressed length and every heap extent
//     are checked against the input size before use; a member whose data
//     lies beyond it fails its own Open.
//   - The TOC is decompressed into memory up to 64 MiB and parsed as a
//     stream with encoding/xml (no entity expansion); <file> elements may
//     nest 256 deep, text values are capped at 4 KiB, and the member count
//     is bounded by Input.MaxMembers (at most 2^20; *limits.Exceeded).
package xar

import (
	"bytes"
	"compress/bzip2"
	"compress/zlib"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
)

// Name is the format name.
const Name = "xar"

const (
	headerLen = 28
	maxHeader = 4096
	maxTOC    = 64 << 20
	maxNest   = 256
	maxText   = 4096
)

type unpacker struct{}

// New returns the xar unpacker.
func New() unpack.Unpacker { return unpacker{} }

func (unpacker) Name() string { return Name }

func (unpacker) Match(in *unpack.Input) bool {
	return len(in.Head) >= headerLen && bytes.HasPrefix(in.Head, []byte("xar!"))
}

// node is one <file> of the TOC.
type node struct {
	id       string
	name     string
	typ      string
	mode     string
	mtime    string
	link     string
	children []*node

	hasData  bool
	hasSize  bool
	length   uint64 // archived
	offset   uint64 // in the heap
	size     uint64 // extracted
	encoding string
	sumStyle string // extracted-checksum
	sum      string
}

type toc struct {
	roots    []*node
	signed   bool
	sumStyle string // TOC checksum in the heap
	sumOff   uint64
	sumSize  uint64
	hasSum   bool
	files    int
}

func (unpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	var h [headerLen]byte
	if _, err := in.R.ReadAt(h[:], 0); err != nil {
		return fmt.Errorf("xar header of %q: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	hsize := int64(binary.BigEndian.Uint16(h[4:]))
	tocLen := binary.BigEndian.Uint64(h[8:])
	tocSize := binary.BigEndian.Uint64(h[16:])
	switch {
	case hsize < headerLen || hsize > maxHeader || hsize > in.Size:
		return fmt.Errorf("xar header of %q: size %d: %w", in.Path, hsize, unpack.ErrCorrupt)
	case tocLen > uint64(in.Size-hsize):
		return fmt.Errorf("xar TOC of %q: %d bytes at %d beyond the %d-byte input (truncated?): %w", in.Path, tocLen, hsize, in.Size, unpack.ErrCorrupt)
	case tocSize > maxTOC:
		return fmt.Errorf("xar TOC of %q: %d bytes, over the %d-byte bound: %w", in.Path, tocSize, maxTOC, unpack.ErrUnsupported)
	}
	heap := hsize + int64(tocLen)
	zr, err := zlib.NewReader(io.NewSectionReader(in.R, hsize, int64(tocLen)))
	if err != nil {
		return fmt.Errorf("xar TOC of %q: zlib.NewReader: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	raw, err := unpack.ReadAll(zr, maxTOC)
	if err != nil {
		return fmt.Errorf("xar TOC of %q: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	maxMembers := in.MaxMembers
	if maxMembers <= 0 || maxMembers > 1<<20 {
		maxMembers = 1 << 20 // the tree is held in memory
	}
	t, err := parseTOC(raw, maxMembers)
	if err != nil {
		var ex *limits.Exceeded
		if errors.As(err, &ex) {
			return err
		}
		return fmt.Errorf("xar TOC of %q: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	in.Meta["xar.signed"] = strconv.FormatBool(t.signed)
	in.Meta["xar.toc_checksum"] = tocChecksum(in, t, hsize, int64(tocLen), heap)

	w := &walker{ctx: ctx, in: in, heap: heap, emit: emit, byID: map[string]string{}}
	for _, n := range t.roots {
		if err := w.walk(n, ""); err != nil {
			return err
		}
	}
	if w.beyond > 0 {
		return fmt.Errorf("xar %q: %d members with data beyond the end of the input (truncated?): %w", in.Path, w.beyond, unpack.ErrCorrupt)
	}
	return nil
}

// tocChecksum compares the compressed TOC with the checksum the heap holds
// for it.
func tocChecksum(in *unpack.Input, t *toc, hsize, tocLen, heap int64) string {
	if !t.hasSum {
		return "none"
	}
	h := newHash(t.sumStyle)
	if h == nil || t.sumSize != uint64(h.Size()) || t.sumOff > uint64(in.Size-heap) || t.sumSize > uint64(in.Size-heap)-t.sumOff {
		return "mismatch"
	}
	want := make([]byte, t.sumSize)
	if _, err := in.R.ReadAt(want, heap+int64(t.sumOff)); err != nil {
		return "mismatch"
	}
	if _, err := io.Copy(h, io.NewSectionReader(in.R, hsize, tocLen)); err != nil || !bytes.Equal(h.Sum(nil), want) {
		return "mismatch"
	}
	return "ok"
}

func newHash(style string) hash.Hash {
	switch strings.ToLower(style) {
	case "sha1":
		return sha1.New()
	case "md5":
		return md5.New()
	case "sha256":
		return sha256.New()
	case "sha512":
		return sha512.New()
	}
	return nil
}

// parseTOC reads the TOC as a token stream into a tree of nodes.
func parseTOC(raw []byte, maxMembers int) (*toc, error) {
	t := &toc{}
	d := xml.NewDecoder(bytes.NewReader(raw))
	var (
		stack []string // element names
		files []*node  // open <file> elements
		text  []byte
	)
	// parent returns the name of the element enclosing the current one.
	parent := func(up int) string {
		if len(stack) > up {
			return stack[len(stack)-1-up]
		}
		return ""
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("xml: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := tok.Name.Local
			text = text[:0]
			switch {
			case name == "file":
				if len(files) >= maxNest {
					return nil, fmt.Errorf("files nested deeper than %d", maxNest)
				}
				t.files++
				if maxMembers > 0 && t.files > maxMembers {
					return nil, &limits.Exceeded{Limit: "max-members", Value: int64(maxMembers), Seen: int64(t.files)}
				}
				n := &node{id: attr(tok, "id")}
				if len(files) == 0 {
					t.roots = append(t.roots, n)
				} else {
					p := files[len(files)-1]
					p.children = append(p.children, n)
				}
				files = append(files, n)
			case (name == "signature" || name == "x-signature") && parent(0) == "toc":
				t.signed = true
			case name == "checksum" && parent(0) == "toc":
				t.sumStyle, t.hasSum = attr(tok, "style"), true
			case name == "encoding" && parent(0) == "data" && len(files) > 0:
				files[len(files)-1].encoding = attr(tok, "style")
			case name == "extracted-checksum" && parent(0) == "data" && len(files) > 0:
				files[len(files)-1].sumStyle = attr(tok, "style")
			case name == "data" && parent(0) == "file" && len(files) > 0:
				files[len(files)-1].hasData = true
			case name == "name" && parent(0) == "file":
				// Kept so that the end tag can tell a base64 name.
				if attr(tok, "enctype") == "base64" {
					name = "name64"
				}
			}
			stack = append(stack, name)
		case xml.CharData:
			if len(text)+len(tok) <= maxText {
				text = append(text, tok...)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, errors.New("unbalanced xml")
			}
			name := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if err := t.end(name, parent(0), files, string(text)); err != nil {
				return nil, err
			}
			if name == "file" {
				files = files[:len(files)-1]
			}
			text = text[:0]
		}
	}
	if len(stack) != 0 {
		return nil, errors.New("xml ends inside an element")
	}
	return t, nil
}

// end stores the text of an element that has just closed; up is the name
// of the element that encloses it.
func (t *toc) end(name, up string, files []*node, s string) error {
	s = strings.TrimSpace(s)
	if up == "checksum" && len(files) == 0 {
		var err error
		switch name {
		case "offset":
			t.sumOff, err = strconv.ParseUint(s, 10, 64)
		case "size":
			t.sumSize, err = strconv.ParseUint(s, 10, 64)
		}
		return err
	}
	if len(files) == 0 {
		return nil
	}
	n := files[len(files)-1]
	if up == "file" {
		switch name {
		case "name":
			n.name = s
		case "name64":
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return fmt.Errorf("base64 name %q: %v", s, err)
			}
			n.name = string(b)
		case "type":
			n.typ = s
		case "mode":
			n.mode = s
		case "mtime":
			n.mtime = s
		case "link":
			n.link = s
		}
		return nil
	}
	if up == "data" {
		var err error
		switch name {
		case "length":
			n.length, err = strconv.ParseUint(s, 10, 64)
		case "offset":
			n.offset, err = strconv.ParseUint(s, 10, 64)
		case "size":
			n.size, err = strconv.ParseUint(s, 10, 64)
			n.hasSize = true
		case "extracted-checksum":
			n.sum = strings.ToLower(s)
		}
		if err != nil {
			return fmt.Errorf("file %q: data %s %q", n.name, name, s)
		}
	}
	return nil
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

type walker struct {
	ctx    context.Context
	in     *unpack.Input
	heap   int64
	emit   unpack.Emit
	byID   map[string]string // file id → path, for hard links
	beyond int
}

// walk emits n, then its children (the TOC's nesting is bounded).
func (w *walker) walk(n *node, dir string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	p := n.name
	if dir != "" {
		p = dir + "/" + n.name
	}
	if n.id != "" {
		w.byID[n.id] = p
	}
	m := &unpack.Member{Name: p, Size: -1}
	if mode, err := strconv.ParseUint(n.mode, 8, 32); err == nil {
		m.Mode = unpack.UnixMode(mode & 0o7777) // the type comes from <type>
	}
	if t, err := time.Parse(time.RFC3339, n.mtime); err == nil {
		m.ModTime = t
	}
	switch n.typ {
	case "directory":
		m.Type, m.Size = unpack.TypeDir, 0
		m.Mode |= fs.ModeDir
	case "symlink":
		m.Type, m.Size, m.LinkTarget = unpack.TypeSymlink, 0, n.link
		m.Mode |= fs.ModeSymlink
	case "hardlink":
		m.Type, m.Size = unpack.TypeHardlink, 0
		m.LinkTarget = w.byID[n.link]
	case "file", "":
		m.Type = unpack.TypeFile
		m.Size, m.Open = w.data(n, p)
	default: // fifo, character special, block special, socket
		m.Type, m.Size = unpack.TypeOther, 0
	}
	if err := w.emit(m); err != nil {
		return err
	}
	for _, c := range n.children {
		if err := w.walk(c, p); err != nil {
			return err
		}
	}
	return nil
}

// data returns a file's size and Open.
func (w *walker) data(n *node, p string) (int64, func() (io.ReadCloser, error)) {
	if !n.hasData {
		return 0, func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(nil)), nil }
	}
	size := int64(n.size)
	if !n.hasSize || n.size > 1<<62 {
		size = -1
	}
	room := uint64(w.in.Size - w.heap)
	if n.offset > room || n.length > room-n.offset {
		w.beyond++
		return size, func() (io.ReadCloser, error) {
			return nil, fmt.Errorf("xar member %q: heap extent %d+%d beyond the input (truncated?): %w", p, n.offset, n.length, unpack.ErrCorrupt)
		}
	}
	sec := io.NewSectionReader(w.in.R, w.heap+int64(n.offset), int64(n.length))
	return size, func() (io.ReadCloser, error) {
		var r io.Reader
		switch n.encoding {
		case "", "application/octet-stream":
			r = sec
		case "application/x-gzip":
			// xar writes zlib streams under this name; accept real gzip too.
			var magic [2]byte
			_, _ = sec.ReadAt(magic[:], 0)
			var err error
			if magic == [2]byte{0x1f, 0x8b} {
				r, err = gzip.NewReader(sec)
			} else {
				r, err = zlib.NewReader(sec)
			}
			if err != nil {
				return nil, fmt.Errorf("xar member %q: %v: %w", p, err, unpack.ErrCorrupt)
			}
		case "application/x-bzip2":
			r = bzip2.NewReader(sec)
		default:
			return nil, fmt.Errorf("xar member %q: encoding %q: %w", p, n.encoding, unpack.ErrUnsupported)
		}
		cr := &checkReader{r: r, name: p, size: size}
		if h := newHash(n.sumStyle); h != nil && n.sum != "" {
			cr.h, cr.want = h, n.sum
		}
		return io.NopCloser(cr), nil
	}
}

// checkReader checks a member's size and extracted checksum at its end.
type checkReader struct {
	r    io.Reader
	name string
	size int64 // -1 when unknown
	n    int64
	h    hash.Hash
	want string
}

func (c *checkReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.h != nil {
		c.h.Write(p[:n])
	}
	switch {
	case err == io.EOF:
		if c.size >= 0 && c.n != c.size {
			return n, fmt.Errorf("xar member %q: %d bytes, TOC says %d: %w", c.name, c.n, c.size, unpack.ErrCorrupt)
		}
		if c.h != nil && hex.EncodeToString(c.h.Sum(nil)) != c.want {
			return n, fmt.Errorf("xar member %q: extracted checksum mismatch: %w", c.name, unpack.ErrCorrupt)
		}
	case err != nil:
		return n, fmt.Errorf("xar member %q: %v: %w", c.name, err, unpack.ErrCorrupt)
	}
	return n, err
}
