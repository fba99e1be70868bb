package cab

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/vouch-sec/vouch/internal/unpack"
)

type unpacker struct{}

// New returns the cab unpacker.
func New() unpack.Unpacker { return unpacker{} }

func (unpacker) Name() string { return Name }

// Match accepts "MSCF" followed by the zero reserved field.
func (unpacker) Match(in *unpack.Input) bool {
	return bytes.HasPrefix(in.Head, []byte("MSCF\x00\x00\x00\x00"))
}

func (unpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	c, err := Open(in.R, in.Size)
	if c == nil {
		return err
	}
	SetMeta(in.Meta, c, in.Size)
	werr := c.Walk(ctx, func(f *File, open func() (io.ReadCloser, error)) error {
		mode := fs.FileMode(0o644)
		if f.Attribs&0x01 != 0 { // _A_RDONLY
			mode = 0o444
		}
		return emit(&unpack.Member{
			Name: f.Name, Type: unpack.TypeFile, Size: f.Size, Mode: mode, ModTime: f.ModTime,
			Open: open,
		})
	})
	if werr != nil {
		return werr
	}
	return err
}

// SetMeta records facts about cabinet c, read from an input of size bytes,
// under "cab.*" keys of m.
func SetMeta(m map[string]string, c *Cabinet, size int64) {
	m["cab.files"] = strconv.Itoa(len(c.Files))
	m["cab.folders"] = strconv.Itoa(len(c.Folders))
	m["cab.compression"] = strings.Join(c.Methods(), ",")
	end := c.Declared
	if c.Signed {
		m["cab.signed"] = "true"
		if c.SigOffset+c.SigSize > end {
			end = c.SigOffset + c.SigSize
		}
	}
	if c.Prev != "" {
		m["cab.prev_cabinet"] = c.Prev
	}
	if c.Next != "" {
		m["cab.next_cabinet"] = c.Next
	}
	// Bytes after the cabinet (and its signature) are not part of it:
	// worth a look, like data appended to a signed file.
	if size > end {
		m["cab.trailing_bytes"] = strconv.FormatInt(size-end, 10)
	}
}
