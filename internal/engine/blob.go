package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/vouch-sec/vouch/internal/limits"
)

// blob holds the bytes of one file of the virtual tree: in memory while the
// memory budget allows, otherwise in an unlinked file of a private temp
// directory. It is reference counted: the walker holds it while it unpacks
// the file, the analysis worker while it analyses it.
type blob struct {
	r    io.ReaderAt
	size int64
	mem  int64 // bytes charged to the memory budget
	f    *os.File
	refs atomic.Int32
	pool *store
}

func (b *blob) retain() { b.refs.Add(1) }

func (b *blob) release() {
	if b.refs.Add(-1) != 0 {
		return
	}
	if b.f != nil {
		b.f.Close()
	}
	b.pool.inMem.Add(-b.mem)
	b.r = nil
}

// store owns the memory budget and the private spill directory.
type store struct {
	budget int64
	inMem  atomic.Int64
	once   sync.Once
	dir    string
	dirErr error
}

func (s *store) spillFile() (*os.File, error) {
	s.once.Do(func() { s.dir, s.dirErr = os.MkdirTemp("", "vouch-spill-") })
	if s.dirErr != nil {
		return nil, s.dirErr
	}
	f, err := os.CreateTemp(s.dir, "blob-")
	if err != nil {
		return nil, err
	}
	// Unlink at once: the bytes live only as long as the open file.
	os.Remove(f.Name())
	return f, nil
}

func (s *store) close() {
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// fromFile wraps an open host file without copying it.
func (s *store) fromFile(f *os.File, size int64) *blob {
	b := &blob{r: f, size: size, f: f, pool: s}
	b.refs.Store(1)
	return b
}

// meter counts expanded bytes against the limits while a member is read.
type meter struct {
	lim       *limits.Limits
	total     *atomic.Int64 // whole release
	container *int64        // this container's output so far
	srcSize   int64         // this container's own size
	file      int64         // this member so far
}

func (m *meter) add(n int) error {
	m.file += int64(n)
	*m.container += int64(n)
	t := m.total.Add(int64(n))
	switch {
	case m.file > m.lim.MaxFileBytes:
		return &limits.Exceeded{Limit: "max-file-bytes", Value: m.lim.MaxFileBytes, Seen: m.file}
	case t > m.lim.MaxTotalBytes:
		return &limits.Exceeded{Limit: "max-total-bytes", Value: m.lim.MaxTotalBytes, Seen: t}
	case *m.container > m.lim.RatioFloor && float64(*m.container) > m.lim.MaxRatio*float64(max(m.srcSize, 1)):
		return &limits.Exceeded{Limit: "max-ratio", Value: int64(m.lim.MaxRatio), Seen: *m.container / max(m.srcSize, 1)}
	}
	return nil
}

// chunkSize is the unit of in-memory blobs: fixed chunks never need the
// copy-and-double growth that would briefly hold two buffers.
const chunkSize = 256 << 10

// memberInMemory is the largest member kept in memory; larger ones go to the
// spill directory at once, so one big member cannot starve the budget.
const memberInMemory = 32 << 20

// materialize reads r into a new blob, hashing as it goes. On a limit it
// returns the *limits.Exceeded with the byte count so far and no blob.
func (s *store) materialize(r io.Reader, declared int64, m *meter) (*blob, string, int64, error) {
	h := sha256.New()
	var chunks [][]byte
	var f *os.File
	var n int64
	fail := func(err error) (*blob, string, int64, error) {
		if f != nil {
			f.Close()
		}
		return nil, "", n, err
	}
	spill := func() error {
		var err error
		if f, err = s.spillFile(); err != nil {
			return fmt.Errorf("spill to temp: %w", err)
		}
		for _, c := range chunks {
			if _, err := f.Write(c); err != nil {
				return fmt.Errorf("spill to temp: %w", err)
			}
		}
		chunks = nil
		return nil
	}
	if declared > memberInMemory {
		if err := spill(); err != nil {
			return fail(err)
		}
	}
	bufp := scratchPool.Get().(*[]byte)
	defer scratchPool.Put(bufp)
	buf := *bufp
	for {
		k, err := io.ReadFull(r, buf)
		if k > 0 {
			n += int64(k)
			if lerr := m.add(k); lerr != nil {
				return fail(lerr)
			}
			h.Write(buf[:k])
			if f == nil && (n > memberInMemory || s.inMem.Load()+n > s.budget) {
				if serr := spill(); serr != nil {
					return fail(serr)
				}
			}
			if f != nil {
				if _, werr := f.Write(buf[:k]); werr != nil {
					return fail(fmt.Errorf("spill to temp: %w", werr))
				}
			} else {
				// Exact-size copies: a 2 KiB member must not pin 256 KiB.
				chunks = append(chunks, append([]byte(nil), buf[:k]...))
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return fail(err)
		}
	}
	sum := hex.EncodeToString(h.Sum(nil))
	b := &blob{size: n, pool: s}
	if f != nil {
		b.f, b.r = f, f
	} else {
		b.r = chunkReader{chunks: chunks, size: n}
		b.mem = n
		s.inMem.Add(n)
	}
	b.refs.Store(1)
	return b, sum, n, nil
}

// scratchPool holds read buffers shared by all materialize calls.
var scratchPool = sync.Pool{New: func() any { b := make([]byte, chunkSize); return &b }}

// chunkReader reads a sequence of full chunkSize chunks (the last may be
// short) as one byte range.
type chunkReader struct {
	chunks [][]byte
	size   int64
}

func (c chunkReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= c.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off < c.size {
		ch := c.chunks[off/chunkSize]
		k := copy(p[n:], ch[off%chunkSize:])
		n += k
		off += int64(k)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
