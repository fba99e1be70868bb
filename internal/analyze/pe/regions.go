package pe

import (
	"encoding/binary"
	"io"
	"strconv"
	"strings"

	"github.com/vouch-sec/vouch/internal/entropy"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/pecoff"
)

// Section characteristics that decide the memory protection.
const (
	scnExecute = 0x20000000
	scnRead    = 0x40000000
	scnWrite   = 0x80000000
)

func flags(chars uint32) string {
	s := ""
	if chars&scnRead != 0 {
		s += "r"
	}
	if chars&scnWrite != 0 {
		s += "w"
	}
	if chars&scnExecute != 0 {
		s += "x"
	}
	return s
}

// sectionFacts lists the sections with the entropy of their raw data.
// Sections may overlap in the file; the bytes scanned for entropy are
// capped at twice the file size so that a thousand sections declaring the
// whole file cost no more than two passes.
func (f *file) sectionFacts(p *model.PEFacts) error {
	budget := 2*f.size + 1<<20
	var cut []string // sections whose raw data runs past the end of the file
	var dataEnd int64
	for _, s := range f.sections {
		sec := model.Section{
			Name:        s.name,
			Offset:      int64(s.rawOff),
			Size:        int64(s.rawSize),
			VirtualSize: int64(s.vsize),
			Flags:       flags(s.chars),
		}
		if s.rawSize > 0 {
			start, end := int64(s.rawOff), int64(s.rawOff)+int64(s.rawSize)
			if end > f.size {
				cut = append(cut, strconv.Quote(s.name))
				dataEnd = max(dataEnd, end)
			}
			if n := max(0, min(end, f.size)-start); n > budget {
				f.problem("section %q: entropy not measured, sections overlap beyond twice the file size", s.name)
			} else if n > 0 {
				budget -= n
				e, err := f.entropy(start, n)
				if err != nil {
					if f.ctx.Err() != nil {
						return err
					}
					f.problem("section %q: reading raw data: %v", s.name, err)
				}
				sec.Entropy = e
			}
		}
		p.Sections = append(p.Sections, sec)
	}
	if len(cut) > 0 {
		if len(cut) > 4 {
			cut = append(cut[:4], "…")
		}
		f.problem("truncated: section data runs to 0x%x but the file has %d bytes (%s)", dataEnd, f.size, strings.Join(cut, ", "))
	}
	return nil
}

// overlayFacts finds the data after the image. The image ends with the
// last section's raw data, or with the headers when there are no
// sections; a COFF symbol table right after it (GNU ld and Go without -s)
// belongs to it. A certificate table after the image is skipped: what lies
// before it is signed overlay, what lies after it is overlay.
func (f *file) overlayFacts(p *model.PEFacts) error {
	end := min(max(int64(f.sizeOfHeaders), f.optOff+int64(f.optSize)+40*int64(len(f.sections))), f.size)
	for _, s := range f.sections {
		if s.rawSize > 0 {
			end = max(end, int64(s.rawOff)+int64(s.rawSize))
		}
	}
	if end >= f.size {
		return nil
	}
	if symEnd, ok := f.symbolTable(end); ok {
		r, err := f.region(int64(f.symPtr), symEnd-int64(f.symPtr))
		if err != nil {
			return err
		}
		p.Symbols = r
		end = symEnd
	}
	start := end
	cert := f.dirs[dirSecurity]
	if cert.va != 0 && cert.size != 0 && int64(cert.va) < f.size {
		cStart, cEnd := int64(cert.va), min(int64(cert.va)+int64(cert.size), f.size)
		switch {
		case cStart >= end:
			// Up to 7 bytes are the 8-byte alignment the table needs.
			if cStart-end >= 8 {
				r, err := f.region(end, cStart-end)
				if err != nil {
					return err
				}
				p.SignedOverlay = r
			}
			start = cEnd
		case cEnd > end:
			start = cEnd
		}
	}
	if start < f.size {
		r, err := f.region(start, f.size-start)
		if err != nil {
			return err
		}
		p.Overlay = r
	}
	return nil
}

// symbolTable reports where the COFF symbol and string tables end when
// they start right after the sections (within one 512-byte alignment) and
// fit in the file.
func (f *file) symbolTable(secEnd int64) (int64, bool) {
	start := int64(f.symPtr)
	if f.symPtr == 0 || start < secEnd || start-secEnd >= 0x200 {
		return 0, false
	}
	strtab := start + 18*int64(f.nsyms)
	b, err := f.readAt(strtab, 4)
	if err != nil {
		return 0, false
	}
	n := int64(binary.LittleEndian.Uint32(b))
	if n < 4 {
		n = 4
	}
	if strtab+n > f.size {
		return 0, false
	}
	return strtab + n, true
}

func (f *file) region(off, n int64) (*model.Region, error) {
	e, err := f.entropy(off, n)
	if err != nil {
		if f.ctx.Err() != nil {
			return nil, err
		}
		f.problem("reading 0x%x+0x%x: %v", off, n, err)
	}
	return &model.Region{Offset: off, Size: n, Entropy: e}, nil
}

// scan feeds the bytes [off, off+n) to fn in chunks, checking ctx between
// them.
func (f *file) scan(off, n int64, fn func(pos int64, b []byte)) error {
	buf := make([]byte, min(n, 256<<10))
	for done := int64(0); done < n; {
		if err := f.ctx.Err(); err != nil {
			return err
		}
		k := min(int64(len(buf)), n-done)
		got, err := f.raw.ReadAt(buf[:k], off+done)
		if int64(got) < k {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		fn(off+done, buf[:k])
		done += k
	}
	return nil
}

// entropy is the Shannon entropy of [off, off+n) in bits per byte, rounded
// to three decimals like the file-level entropy.
func (f *file) entropy(off, n int64) (float64, error) {
	if n <= 0 {
		return 0, nil
	}
	var hist entropy.Histogram
	if err := f.scan(off, n, func(_ int64, b []byte) { hist.Write(b) }); err != nil {
		return 0, err
	}
	return hist.Bits(), nil
}

// checksumFacts recomputes the optional-header checksum (pecoff.Checksum).
func (f *file) checksumFacts(p *model.PEFacts) error {
	cs := pecoff.Checksum{FieldOff: f.checksumOff}
	err := f.scan(0, f.size, cs.Write) // chunks are even-sized
	if err != nil {
		if f.ctx.Err() != nil {
			return err
		}
		f.problem("computing checksum: %v", err)
		return nil
	}
	p.Checksum = &model.Checksum{Stored: f.checksum, Computed: cs.Sum(f.size)}
	return nil
}
