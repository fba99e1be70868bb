// Package unpacktest has helpers shared by the tests and fuzz targets of
// the unpackers.
package unpacktest

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// Entry is a member as a test sees it: metadata plus up to MaxRead bytes.
type Entry struct {
	Name        string
	Type        unpack.Type
	LinkTarget  string
	Size        int64
	Data        []byte
	Err         error // from Open or reading
	Meta        map[string]string
	Transparent bool
}

// MaxRead bounds how much of each member tests and fuzzers read.
const MaxRead = 64 << 20

// Input builds an Input over b, with the head filled as the engine does.
func Input(path string, b []byte) *unpack.Input {
	head := b
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	return &unpack.Input{Path: path, R: bytes.NewReader(b), Size: int64(len(b)), Head: head, MaxMembers: 100_000, Meta: map[string]string{}}
}

// Collect runs u over in and returns every member with its bytes (files
// only), and the error Unpack returned.
func Collect(u unpack.Unpacker, in *unpack.Input) ([]Entry, error) {
	var out []Entry
	err := u.Unpack(context.Background(), in, func(m *unpack.Member) error {
		e := Entry{Name: m.Name, Type: m.Type, LinkTarget: m.LinkTarget, Size: m.Size, Meta: m.Meta, Transparent: m.Transparent}
		if m.Type == unpack.TypeFile && m.Open != nil {
			rc, err := m.Open()
			if err != nil {
				e.Err = err
			} else {
				e.Data, e.Err = io.ReadAll(io.LimitReader(rc, MaxRead))
				rc.Close()
			}
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// Fuzz is the body every unpacker's fuzz target shares: it must neither
// panic nor hang on any input, whether Match accepts it or not.
func Fuzz(t *testing.T, u unpack.Unpacker, b []byte) {
	t.Helper()
	in := Input("fuzz", b)
	in.MaxMembers = 1000
	u.Match(in)
	n := 0
	_ = u.Unpack(context.Background(), in, func(m *unpack.Member) error {
		n++
		if n > 1000 {
			return io.EOF
		}
		if m.Open != nil {
			if rc, err := m.Open(); err == nil {
				_, _ = io.Copy(io.Discard, io.LimitReader(rc, 16<<20))
				rc.Close()
			}
		}
		return nil
	})
}
