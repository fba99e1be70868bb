package pe

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/vouch-sec/vouch/internal/model"
)

// exportFacts lists exported names, and "#N" for functions exported by
// ordinal only.
func (f *file) exportFacts(p *model.PEFacts) error {
	d := f.dirs[dirExport]
	if d.va == 0 {
		return nil
	}
	b, err := f.readRVA(d.va, 40)
	if err != nil {
		f.problem("export directory: %v", err)
		return nil
	}
	le := binary.LittleEndian
	base, nfuncs, nnames := le.Uint32(b[16:]), le.Uint32(b[20:]), le.Uint32(b[24:])
	funcsRVA, namesRVA, ordsRVA := le.Uint32(b[28:]), le.Uint32(b[32:]), le.Uint32(b[36:])
	if nfuncs > maxExports {
		f.problem("export directory declares %d functions; only %d read", nfuncs, maxExports)
		nfuncs = maxExports
	}
	if nnames > maxExports {
		f.problem("export directory declares %d names; only %d read", nnames, maxExports)
		nnames = maxExports
	}

	var out []string
	named := map[uint32]bool{}
	if nnames > 0 {
		names, err := f.readRVA(namesRVA, 4*int(nnames))
		if err != nil {
			f.problem("export name table: %v", err)
		} else {
			ords, err := f.readRVA(ordsRVA, 2*int(nnames))
			if err != nil {
				f.problem("export ordinal table: %v", err)
			}
			for i := range int(nnames) {
				if i%1024 == 0 {
					if err := f.ctx.Err(); err != nil {
						return err
					}
				}
				rva := le.Uint32(names[4*i:])
				name, ok := f.cStringRVA(rva, maxNameLen)
				if !ok {
					f.problem("export name %d at RVA 0x%x is not in the file", i, rva)
					break
				}
				if !f.takeName(name) {
					break
				}
				out = append(out, clean(name))
				if ords != nil {
					named[uint32(le.Uint16(ords[2*i:]))] = true
				}
			}
		}
	}
	if nfuncs > 0 {
		fns, err := f.readRVA(funcsRVA, 4*int(nfuncs))
		if err != nil {
			f.problem("export address table: %v", err)
		} else {
			for i := range nfuncs {
				if le.Uint32(fns[4*i:]) != 0 && !named[i] {
					out = append(out, fmt.Sprintf("#%d", uint64(base)+uint64(i)))
				}
			}
		}
	}
	slices.Sort(out)
	p.Exports = slices.Compact(out)
	return nil
}
