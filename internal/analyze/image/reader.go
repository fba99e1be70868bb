package image

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// errTruncated is returned when a structure runs past the end of the data
// it was given.
var errTruncated = errors.New("truncated")

// reader is a buffered cursor over [base, base+size) of an io.ReaderAt that
// knows its absolute offset. Reads past the end fail with errTruncated, so a
// lying length can never make it read outside its window.
type reader struct {
	ctx  context.Context
	br   *bufio.Reader
	off  int64 // absolute offset of the next byte
	end  int64 // absolute end of the window
	work int   // operations since the last ctx check
}

func newReader(ctx context.Context, r io.ReaderAt, base, size int64) *reader {
	return &reader{
		ctx: ctx,
		br:  bufio.NewReaderSize(io.NewSectionReader(r, base, size), 32<<10),
		off: base,
		end: base + size,
	}
}

// tick checks ctx every so often; walks call it once per structure.
func (r *reader) tick() error {
	r.work++
	if r.work&1023 == 0 {
		return r.ctx.Err()
	}
	return nil
}

func (r *reader) remaining() int64 { return r.end - r.off }

func (r *reader) byte() (byte, error) {
	b, err := r.br.ReadByte()
	if err != nil {
		return 0, r.fail(err)
	}
	r.off++
	return b, nil
}

// peek returns the next n bytes without consuming them.
func (r *reader) peek(n int) ([]byte, error) {
	p, err := r.br.Peek(n)
	if err != nil {
		return p, r.fail(err)
	}
	return p, nil
}

func (r *reader) full(p []byte) error {
	n, err := io.ReadFull(r.br, p)
	r.off += int64(n)
	if err != nil {
		return r.fail(err)
	}
	return nil
}

// skip moves n bytes forward; n beyond the window is errTruncated without
// reading anything.
func (r *reader) skip(n int64) error {
	if n < 0 {
		return fmt.Errorf("negative length %d at offset %d", n, r.off)
	}
	if n > r.remaining() {
		return fmt.Errorf("length %d at offset %d runs past the end (%d): %w", n, r.off, r.end, errTruncated)
	}
	for n > 0 {
		step := min(n, 1<<30)
		d, err := r.br.Discard(int(step))
		r.off += int64(d)
		n -= int64(d)
		if err != nil {
			return r.fail(err)
		}
	}
	return nil
}

func (r *reader) fail(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("at offset %d: %w", r.off, errTruncated)
	}
	return err
}

// skipTo consumes bytes up to, not including, the next c.
func (r *reader) skipTo(c byte) error {
	for {
		if err := r.tick(); err != nil {
			return err
		}
		if r.br.Buffered() == 0 {
			if _, err := r.br.Peek(1); err != nil {
				return r.fail(err)
			}
		}
		buf, _ := r.br.Peek(r.br.Buffered())
		i := bytes.IndexByte(buf, c)
		if i < 0 {
			i = len(buf)
		}
		d, _ := r.br.Discard(i)
		r.off += int64(d)
		if i < len(buf) {
			return nil
		}
	}
}
