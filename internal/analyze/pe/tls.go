package pe

import (
	"encoding/binary"

	"github.com/vouch-sec/vouch/internal/model"
)

// tlsFacts lists the TLS callbacks: code the loader runs before the entry
// point. AddressOfCallBacks is a virtual address of a zero-terminated array
// of virtual addresses; they are recorded as RVAs.
func (f *file) tlsFacts(p *model.PEFacts) error {
	d := f.dirs[dirTLS]
	if d.va == 0 {
		return nil
	}
	ps := int(f.ptrSize())
	b, err := f.readRVA(d.va, 4*ps)
	if err != nil {
		f.problem("TLS directory: %v", err)
		return nil
	}
	var cbVA uint64
	if f.is64 {
		cbVA = binary.LittleEndian.Uint64(b[24:])
	} else {
		cbVA = uint64(binary.LittleEndian.Uint32(b[12:]))
	}
	if cbVA == 0 {
		return nil
	}
	rva, ok := f.vaToRVA(cbVA)
	if !ok {
		f.problem("TLS callback array at 0x%x is below the image base 0x%x", cbVA, f.imageBase)
		return nil
	}
	for i := 0; ; i++ {
		if i == maxTLSCallbacks {
			f.problem("more than %d TLS callbacks; the rest are ignored", maxTLSCallbacks)
			return nil
		}
		pos, ok := addRVA(rva, uint64(i*ps))
		if !ok {
			return nil
		}
		v, err := f.ptrRVA(pos)
		if err != nil && f.inSectionVA(pos) {
			// Zero-filled by the loader: the terminator.
			return nil
		}
		if err != nil {
			f.problem("TLS callback %d: %v", i, err)
			return nil
		}
		if v == 0 {
			return nil
		}
		if cb, ok := f.vaToRVA(v); ok {
			p.TLSCallbacks = append(p.TLSCallbacks, uint64(cb))
		} else {
			// Kept as stored: a callback outside the image is itself news.
			p.TLSCallbacks = append(p.TLSCallbacks, v)
			f.problem("TLS callback %d at 0x%x is outside the image", i, v)
		}
	}
}
