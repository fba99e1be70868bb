package msi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"unicode"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// cfbMagic starts every OLE compound file.
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Root-storage class IDs, in their on-disk (little-endian GUID) byte order.
var (
	clsidPackage   = guid(0x000C1084) // {000C1084-0000-0000-C000-000000000046}, .msi
	clsidTransform = guid(0x000C1082) // .mst
	clsidPatch     = guid(0x000C1086) // .msp
)

func guid(a uint32) [16]byte {
	var g [16]byte
	binary.LittleEndian.PutUint32(g[:], a)
	g[8], g[15] = 0xC0, 0x46
	return g
}

// dirReadBudget bounds what mscfb may read while it loads the header, DIFAT
// and directory: a directory chain running through a whole large hostile
// file would otherwise become millions of entries in memory.
const dirReadBudget = 32 << 20

// budgetReader fails reads once its budget is spent; a negative budget is
// unlimited.
type budgetReader struct {
	r      io.ReaderAt
	budget atomic.Int64
}

var errBudget = errors.New("compound file directory larger than 32 MiB")

func (b *budgetReader) ReadAt(p []byte, off int64) (int, error) {
	if left := b.budget.Load(); left >= 0 {
		if int64(len(p)) > left {
			return 0, errBudget
		}
		b.budget.Add(-int64(len(p)))
	}
	return b.r.ReadAt(p, off)
}

// stream is one stream of the compound file.
type stream struct {
	f *mscfb.File
	// name is the stream name decoded from MSI's compressed form; raw is
	// the name as stored (with a leading control character such as
	// "\x05" kept).
	name, raw string
	table     bool // the name had the 0x4840 table prefix
	path      []string
	used      bool // consumed by the table reader, so not emitted raw
}

// compound is an opened compound file.
type compound struct {
	r       *mscfb.Reader
	size    int64
	clsid   [16]byte
	streams []*stream          // every stream, in directory order
	root    map[string]*stream // root-level non-table streams by decoded name
	tables  map[string]*stream // root-level table streams by table name
}

// openCompound parses the compound file in r. mscfb was not written for
// hostile input, so a panic in it becomes an error wrapping ErrCorrupt.
func openCompound(r io.ReaderAt, size int64) (c *compound, err error) {
	br := &budgetReader{r: r}
	br.budget.Store(dirReadBudget)
	var cr *mscfb.Reader
	if err := safely(func() error {
		var err error
		cr, err = mscfb.New(br)
		return err
	}); err != nil {
		return nil, fmt.Errorf("mscfb.New: %v: %w", err, unpack.ErrCorrupt)
	}
	br.budget.Store(-1)
	c = &compound{r: cr, size: size, root: map[string]*stream{}, tables: map[string]*stream{}}
	if len(cr.File) > 0 {
		c.clsid = rootCLSID(r)
	}
	for _, f := range cr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		raw := f.Name
		if f.Initial != 0 && !unicode.IsPrint(rune(f.Initial)) {
			// mscfb drops a leading non-printing character ("\x05…").
			raw = string(utf16.Decode([]uint16{f.Initial})) + raw
		}
		name, table := decodeStreamName(raw)
		s := &stream{f: f, name: name, raw: raw, table: table, path: f.Path}
		c.streams = append(c.streams, s)
		if len(f.Path) > 0 {
			continue
		}
		if table {
			if _, dup := c.tables[name]; !dup {
				c.tables[name] = s
			}
		} else if _, dup := c.root[name]; !dup {
			c.root[name] = s
		}
	}
	return c, nil
}

// rootCLSID reads the class ID of the root storage, the first entry of the
// first directory sector; zero when it cannot.
func rootCLSID(r io.ReaderAt) [16]byte {
	var h [64]byte
	var id [16]byte
	if _, err := r.ReadAt(h[:], 0); err != nil || !bytes.Equal(h[:8], cfbMagic) {
		return id
	}
	shift := binary.LittleEndian.Uint16(h[30:])
	if shift != 9 && shift != 12 {
		return id
	}
	dir := int64(binary.LittleEndian.Uint32(h[48:]))
	var e [128]byte
	if dir >= 0xFFFFFFFA {
		return id
	}
	if _, err := r.ReadAt(e[:], (dir+1)<<shift); err != nil || e[66] != 5 { // 5: root storage
		return id
	}
	copy(id[:], e[80:96])
	return id
}

func (c *compound) kind() string {
	switch c.clsid {
	case clsidPackage:
		return "package"
	case clsidPatch:
		return "patch"
	case clsidTransform:
		return "transform"
	}
	return ""
}

// readStream returns the whole stream, refusing one larger than max.
func (c *compound) readStream(s *stream, max int64) ([]byte, error) {
	if s.f.Size > max {
		return nil, fmt.Errorf("stream %q: %d bytes, more than the %d vouch reads: %w", s.name, s.f.Size, max, unpack.ErrUnsupported)
	}
	if s.f.Size > c.size {
		return nil, fmt.Errorf("stream %q: %d bytes in a %d-byte file: %w", s.name, s.f.Size, c.size, unpack.ErrCorrupt)
	}
	b := make([]byte, s.f.Size)
	if len(b) == 0 {
		return b, nil
	}
	if _, err := newStreamReader(s.f).ReadAt(b, 0); err != nil {
		return nil, fmt.Errorf("stream %q: %v: %w", s.name, err, unpack.ErrCorrupt)
	}
	return b, nil
}

// streamReader reads an mscfb stream at random offsets. mscfb's own ReadAt
// restarts from the stream's first sector on every call; seeking from the
// current position keeps forward reads (a cabinet's CFDATA blocks) linear.
type streamReader struct {
	f *mscfb.File
}

func newStreamReader(f *mscfb.File) *streamReader { return &streamReader{f: f} }

func (s *streamReader) ReadAt(p []byte, off int64) (n int, err error) {
	size := s.f.Size
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= size {
		return 0, io.EOF
	}
	want := len(p)
	if int64(want) > size-off {
		p = p[:size-off]
	}
	err = safely(func() error {
		if _, err := s.f.Seek(off, io.SeekStart); err != nil {
			return err
		}
		var err error
		n, err = io.ReadFull(s.f, p)
		return err
	})
	if err != nil {
		return n, err
	}
	if n < want {
		return n, io.EOF
	}
	return n, nil
}

// safely runs f, turning a panic into an error.
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("compound file reader panicked: %v", r)
		}
	}()
	return f()
}
