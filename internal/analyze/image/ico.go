package image

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/vouch-sec/vouch/internal/model"
)

// maxIconEntries bounds an ICO directory; Windows icons hold a dozen sizes.
const maxIconEntries = 256

type icoInfo struct {
	format  string // "ico" or "cur"
	entries []model.IconEntry
	gaps    []model.Trailer
	end     int64
}

// walkICO reads the ICONDIR and its entries. The logical end is the
// furthest entry end; each embedded image is checked to end where its entry
// does, and data left inside an entry becomes that entry's trailer.
// Entry problems are joined into the error; the other entries still count.
func walkICO(ctx context.Context, r io.ReaderAt, size int64) (icoInfo, error) {
	var info icoInfo
	var hdr [6]byte
	if n, _ := r.ReadAt(hdr[:], 0); n < len(hdr) {
		return info, fmt.Errorf("ico header: %w", errTruncated)
	}
	typ := binary.LittleEndian.Uint16(hdr[2:])
	count := int(binary.LittleEndian.Uint16(hdr[4:]))
	switch {
	case binary.LittleEndian.Uint16(hdr[0:]) != 0 || typ != 1 && typ != 2:
		return info, fmt.Errorf("ico header %x: not an icon directory", hdr)
	case count == 0 || count > maxIconEntries:
		return info, fmt.Errorf("ico: %d entries (want 1..%d)", count, maxIconEntries)
	case 6+16*int64(count) > size:
		return info, fmt.Errorf("ico directory of %d entries: %w", count, errTruncated)
	}
	info.format = "ico"
	if typ == 2 {
		info.format = "cur"
	}
	dir := make([]byte, 16*count)
	if _, err := r.ReadAt(dir, 6); err != nil {
		return info, fmt.Errorf("ico directory: %w", err)
	}
	info.end = 6 + 16*int64(count)
	var errs []error
	cut := false
	for i := range count {
		if err := ctx.Err(); err != nil {
			return info, err
		}
		e := dir[16*i:]
		ent := model.IconEntry{
			Width:  int(e[0]),
			Height: int(e[1]),
			Size:   int64(binary.LittleEndian.Uint32(e[8:])),
			Offset: int64(binary.LittleEndian.Uint32(e[12:])),
		}
		if ent.Width == 0 {
			ent.Width = 256
		}
		if ent.Height == 0 {
			ent.Height = 256
		}
		if ent.Offset+ent.Size > size {
			ent.Format = sniffEntry(r, ent.Offset, size)
			info.entries = append(info.entries, ent)
			errs = append(errs, fmt.Errorf("ico entry %d: %d bytes at offset %d run past the end (%d): %w", i, ent.Size, ent.Offset, size, errTruncated))
			cut = true
			continue
		}
		info.end = max(info.end, ent.Offset+ent.Size)
		inner, err := entryImageEnd(ctx, r, &ent)
		if err != nil {
			errs = append(errs, fmt.Errorf("ico entry %d (%s at offset %d): %w", i, ent.Format, ent.Offset, err))
		} else if inner < ent.Offset+ent.Size {
			t, err := classify(ctx, r, inner, ent.Offset+ent.Size-inner)
			if err != nil {
				return info, err
			}
			ent.Trailer = t
		}
		info.entries = append(info.entries, ent)
	}
	if cut {
		info.end = 0 // the file ends inside an image: no logical end
		return info, errors.Join(errs...)
	}
	gaps, err := icoGaps(ctx, r, 6+16*int64(count), info.entries, info.end)
	if err != nil {
		return info, err
	}
	info.gaps = gaps
	return info, errors.Join(errs...)
}

// icoGaps classifies the bytes before the logical end that neither the
// directory nor any entry covers: viewers never read them, so they hide
// data as well as a trailer does.
func icoGaps(ctx context.Context, r io.ReaderAt, dirEnd int64, entries []model.IconEntry, end int64) ([]model.Trailer, error) {
	type span struct{ start, end int64 }
	spans := []span{{0, dirEnd}}
	for _, e := range entries {
		if e.Size > 0 {
			spans = append(spans, span{e.Offset, e.Offset + e.Size})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var gaps []model.Trailer
	cursor := int64(0)
	for _, s := range append(spans, span{end, end}) {
		if s.start > cursor {
			t, err := classify(ctx, r, cursor, s.start-cursor)
			if err != nil {
				return nil, err
			}
			gaps = append(gaps, *t)
		}
		cursor = max(cursor, s.end)
	}
	return gaps, nil
}

// entryImageEnd sets ent.Format and returns where the embedded image ends,
// or the entry's end when that cannot be computed.
func entryImageEnd(ctx context.Context, r io.ReaderAt, ent *model.IconEntry) (int64, error) {
	end := ent.Offset + ent.Size
	var head [40]byte
	n, _ := r.ReadAt(head[:min(ent.Size, int64(len(head)))], ent.Offset)
	switch {
	case n >= 8 && string(head[:8]) == pngSig:
		ent.Format = "png"
		info, err := walkPNG(newReader(ctx, r, ent.Offset, ent.Size))
		if err != nil {
			return end, err
		}
		return info.end, nil
	case n >= 12:
		d, err := parseDIB(head[:n])
		if err != nil {
			ent.Format = "unknown"
			return end, nil
		}
		ent.Format = "bmp"
		if d.pixels < 0 || d.hdrSize != 40 {
			return end, nil // compressed or rare header: no layout to check
		}
		// The DIB height covers the XOR image and the AND mask together.
		h := d.height / 2
		need := d.hdrSize + d.masks + 4*d.colors + stride(d.width, d.bpp)*int64(h) + stride(d.width, 1)*int64(h)
		if need > ent.Size {
			// Writers disagree on 32-bit icons' AND masks; a short entry is
			// not hidden data.
			return end, nil
		}
		return ent.Offset + need, nil
	}
	ent.Format = "unknown"
	return end, nil
}

// sniffEntry names the format of an entry that cannot be walked.
func sniffEntry(r io.ReaderAt, off, size int64) string {
	var head [40]byte
	if off >= size {
		return "unknown"
	}
	n, _ := r.ReadAt(head[:min(size-off, int64(len(head)))], off)
	switch {
	case n >= 8 && string(head[:8]) == pngSig:
		return "png"
	case n >= 12:
		if _, err := parseDIB(head[:n]); err == nil {
			return "bmp"
		}
	}
	return "unknown"
}
