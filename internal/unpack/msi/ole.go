package msi

import (
	"bytes"
	"context"
	"strings"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// OLEName is the format name of the generic compound-file unpacker.
const OLEName = "ole"

type oleUnpacker struct{}

// OLE returns an unpacker for any OLE compound file that is not an MSI
// (Office 97–2003 documents, .msg, thumbnails databases…). It lists every
// stream under its storage path, unchanged. Register it after [New].
func OLE() unpack.Unpacker { return oleUnpacker{} }

func (oleUnpacker) Name() string { return OLEName }

func (oleUnpacker) Match(in *unpack.Input) bool { return bytes.HasPrefix(in.Head, cfbMagic) }

func (oleUnpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	c, err := openCompound(in.R, in.Size)
	if err != nil {
		return err
	}
	if c.clsid != ([16]byte{}) {
		in.Meta["ole.clsid"] = c.r.ID()
	}
	d := &database{in: in, c: c}
	for _, s := range c.streams {
		if err := ctx.Err(); err != nil {
			return err
		}
		// OLE names are plain UTF-16: keep them as stored, without the
		// MSI name expansion.
		parts := make([]string, 0, len(s.path)+1)
		for _, p := range s.path {
			parts = append(parts, printable(p))
		}
		parts = append(parts, printable(s.raw))
		if err := emit(d.streamMember(strings.Join(parts, "/"), s, nil)); err != nil {
			return err
		}
	}
	return nil
}
