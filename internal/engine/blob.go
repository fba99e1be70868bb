package engine

import (
	"bytes"
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

// materialize reads r into a new blob, hashing as it goes. On a limit it
// returns the *limits.Exceeded with the byte count so far and no blob.
func (s *store) materialize(r io.Reader, declared int64, m *meter) (*blob, string, int64, error) {
	h := sha256.New()
	var buf bytes.Buffer
	if declared > 0 && declared <= 16<<20 {
		buf.Grow(int(declared))
	}
	var f *os.File
	chunk := make([]byte, 256<<10)
	var n int64
	fail := func(err error) (*blob, string, int64, error) {
		if f != nil {
			f.Close()
		}
		return nil, "", n, err
	}
	for {
		k, err := r.Read(chunk)
		if k > 0 {
			n += int64(k)
			if lerr := m.add(k); lerr != nil {
				return fail(lerr)
			}
			h.Write(chunk[:k])
			if f == nil && s.inMem.Load()+int64(buf.Len()+k) > s.budget {
				var serr error
				if f, serr = s.spillFile(); serr != nil {
					return fail(fmt.Errorf("spill to temp: %w", serr))
				}
				if _, serr = f.Write(buf.Bytes()); serr != nil {
					return fail(fmt.Errorf("spill to temp: %w", serr))
				}
				buf = bytes.Buffer{}
			}
			if f != nil {
				if _, werr := f.Write(chunk[:k]); werr != nil {
					return fail(fmt.Errorf("spill to temp: %w", werr))
				}
			} else {
				buf.Write(chunk[:k])
			}
		}
		if errors.Is(err, io.EOF) {
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
		data := buf.Bytes()
		b.r = bytes.NewReader(data)
		b.mem = int64(len(data))
		s.inMem.Add(b.mem)
	}
	b.refs.Store(1)
	return b, sum, n, nil
}
