package rpm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/vouch-sec/vouch/internal/unpack"
)

const (
	cpioHeaderSize = 110
	// maxCPIOName bounds a member name (with its NUL), as PATH_MAX does.
	maxCPIOName = 4096
	// maxLinkTarget bounds a symlink target read into memory.
	maxLinkTarget = 4096
	// maxPendingLinks bounds the hard-link names held back while waiting
	// for the link that carries the data.
	maxPendingLinks = 1 << 16
)

// cpioEntry is one newc header.
type cpioEntry struct {
	name     string
	ino      uint64
	mode     uint64
	nlink    uint64
	mtime    int64
	size     int64
	devMajor uint64
	devMinor uint64
}

// cpioReader reads a newc ("070701") or newc-with-checksum ("070702")
// stream. It never seeks: the payload is a decompressed stream.
type cpioReader struct {
	r    io.Reader
	pos  int64 // bytes consumed, for the 4-byte alignment
	left int64 // unread data of the current entry
	pad  int64 // alignment after that data
	// limit is how many payload bytes can follow when the stream is not
	// compressed (-1 when unknown), so sizes can be checked up front.
	limit int64
}

func (c *cpioReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	c.pos += int64(n)
	if errors.Is(err, io.EOF) && c.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// skip discards n bytes of the stream, checking ctx between chunks: a
// member the engine did not read may still expand to gigabytes.
func (c *cpioReader) skip(ctx context.Context, n int64) error {
	for n > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		k, err := io.CopyN(io.Discard, c.r, min(n, 1<<20))
		c.pos += k
		n -= k
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
	return nil
}

func (c *cpioReader) readFull(b []byte) error {
	n, err := io.ReadFull(c.r, b)
	c.pos += int64(n)
	return err
}

// next returns the next entry, or nil at the trailer. A stream that ends
// without the trailer is truncated.
func (c *cpioReader) next(ctx context.Context) (*cpioEntry, error) {
	if err := c.skip(ctx, c.left+c.pad); err != nil {
		return nil, fmt.Errorf("cpio data before offset %d: %w", c.pos, err)
	}
	c.left, c.pad = 0, 0
	var h [cpioHeaderSize]byte
	if err := c.readFull(h[:]); err != nil {
		return nil, fmt.Errorf("cpio header at %d: %w", c.pos, err)
	}
	switch string(h[:6]) {
	case "070701", "070702":
	case "07070X":
		// rpm ≥ 4.12 writes this "stripped" header, whose metadata lives
		// in the rpm header, when a file is 4 GiB or larger.
		return nil, fmt.Errorf("cpio header at %d: rpm stripped cpio (large files): %w", c.pos-cpioHeaderSize, unpack.ErrUnsupported)
	default:
		return nil, fmt.Errorf("cpio header at %d: bad magic %q: %w", c.pos-cpioHeaderSize, h[:6], unpack.ErrCorrupt)
	}
	var f [13]uint64
	for i := range f {
		v, err := strconv.ParseUint(string(h[6+8*i:14+8*i]), 16, 32)
		if err != nil {
			return nil, fmt.Errorf("cpio header at %d: field %d %q is not hex: %w", c.pos-cpioHeaderSize, i, h[6+8*i:14+8*i], unpack.ErrCorrupt)
		}
		f[i] = v
	}
	e := &cpioEntry{ino: f[0], mode: f[1], nlink: f[4], mtime: int64(f[5]), size: int64(f[6]), devMajor: f[7], devMinor: f[8]}
	nameSize := int64(f[11])
	if nameSize < 1 || nameSize > maxCPIOName {
		return nil, fmt.Errorf("cpio header at %d: name size %d (limit %d): %w", c.pos-cpioHeaderSize, nameSize, maxCPIOName, unpack.ErrCorrupt)
	}
	name := make([]byte, nameSize)
	if err := c.readFull(name); err != nil {
		return nil, fmt.Errorf("cpio name at %d: %w", c.pos, err)
	}
	if name[nameSize-1] != 0 {
		return nil, fmt.Errorf("cpio name %q not NUL-terminated: %w", name, unpack.ErrCorrupt)
	}
	e.name = string(name[:nameSize-1])
	if err := c.skip(ctx, align4(c.pos)); err != nil {
		return nil, fmt.Errorf("cpio name padding at %d: %w", c.pos, err)
	}
	if e.name == "TRAILER!!!" {
		return nil, nil
	}
	if c.limit >= 0 && e.size > c.limit-c.pos {
		return nil, fmt.Errorf("cpio entry %q: size %d beyond end of payload: %w", e.name, e.size, unpack.ErrCorrupt)
	}
	c.left = e.size
	c.pad = align4(c.pos + e.size)
	return e, nil
}

func align4(n int64) int64 { return (4 - n%4) % 4 }

// Unix file type bits of the newc mode field that decide the member type.
const (
	sIFMT  = 0o170000
	sIFDIR = 0o040000
	sIFREG = 0o100000
	sIFLNK = 0o120000
)

// linkKey identifies the files of one hard-link group.
type linkKey struct{ devMajor, devMinor, ino uint64 }

// pendingLink is a hard link held back until the link with the data comes.
type pendingLink struct {
	name  string
	mode  uint64
	mtime int64
}

// walkCPIO emits the payload's members. newc stores a hard-link group as
// several entries with the same inode, the data on the last one only, so
// the earlier names are held back and emitted as hard links to it.
func walkCPIO(ctx context.Context, c *cpioReader, emit func(*unpack.Member) error) error {
	pending := map[linkKey][]pendingLink{}
	var order []linkKey          // pending groups, first seen first
	done := map[linkKey]string{} // groups whose data member was emitted
	npending := 0
	var err error
	for {
		if err = ctx.Err(); err != nil {
			return err
		}
		var e *cpioEntry
		e, err = c.next(ctx)
		if err != nil || e == nil {
			break
		}
		m := &unpack.Member{
			Name:    e.name,
			Size:    e.size,
			Mode:    unpack.UnixMode(e.mode),
			ModTime: time.Unix(e.mtime, 0).UTC(),
		}
		switch e.mode & sIFMT {
		case sIFREG:
			m.Type = unpack.TypeFile
			m.Open = func() (io.ReadCloser, error) { return io.NopCloser(c), nil }
			if e.nlink > 1 {
				k := linkKey{e.devMajor, e.devMinor, e.ino}
				if target, ok := done[k]; ok && e.size == 0 {
					m.Type, m.LinkTarget, m.Open = unpack.TypeHardlink, target, nil
					break
				}
				if e.size == 0 && uint64(len(pending[k])+1) < e.nlink {
					if npending >= maxPendingLinks {
						err = fmt.Errorf("cpio: more than %d hard links waiting for their data: %w", maxPendingLinks, unpack.ErrCorrupt)
						break
					}
					npending++
					if len(pending[k]) == 0 {
						order = append(order, k)
					}
					pending[k] = append(pending[k], pendingLink{e.name, e.mode, e.mtime})
					continue
				}
				if err = emit(m); err != nil {
					return err
				}
				for _, p := range pending[k] {
					l := &unpack.Member{Name: p.name, Type: unpack.TypeHardlink, LinkTarget: e.name, Size: 0,
						Mode: unpack.UnixMode(p.mode), ModTime: time.Unix(p.mtime, 0).UTC()}
					if err = emit(l); err != nil {
						return err
					}
				}
				npending -= len(pending[k])
				delete(pending, k)
				if len(done) < maxPendingLinks {
					done[k] = e.name
				}
				continue
			}
		case sIFDIR:
			m.Type = unpack.TypeDir
		case sIFLNK:
			m.Type = unpack.TypeSymlink
			if e.size > maxLinkTarget {
				err = fmt.Errorf("cpio symlink %q: target of %d bytes (limit %d): %w", e.name, e.size, maxLinkTarget, unpack.ErrCorrupt)
				break
			}
			target := make([]byte, e.size)
			if _, err = io.ReadFull(c, target); err != nil {
				err = fmt.Errorf("cpio symlink %q: %w", e.name, err)
				break
			}
			m.LinkTarget = string(target)
		default:
			m.Type = unpack.TypeOther
		}
		if err != nil {
			break
		}
		if err = emit(m); err != nil {
			return err
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err = payloadError(err)
	}
	// Links whose data member never came: the names are real, the data
	// is lost.
	for _, k := range order {
		group := pending[k]
		delete(pending, k) // a key can be in order twice
		for _, p := range group {
			l := &unpack.Member{Name: p.name, Type: unpack.TypeFile, Size: -1, Mode: unpack.UnixMode(p.mode), ModTime: time.Unix(p.mtime, 0).UTC(),
				Open: func() (io.ReadCloser, error) {
					return nil, fmt.Errorf("cpio: data of hard link %q missing: %w", p.name, unpack.ErrCorrupt)
				}}
			if eerr := emit(l); eerr != nil {
				return eerr
			}
		}
		if err == nil && len(group) > 0 {
			err = fmt.Errorf("cpio: hard links without their data member: %w", unpack.ErrCorrupt)
		}
	}
	return err
}
