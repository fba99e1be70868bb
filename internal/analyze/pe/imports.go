package pe

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

type importKey struct {
	dll     string
	delayed bool
}

// importFacts reads the import and delay-load import directories. Both are
// walked like the loader walks them, to the terminating all-zero entry
// (the directory size is not trusted), and capped by maxDescriptors and
// the function budgets.
func (f *file) importFacts(p *model.PEFacts) error {
	funcs := map[importKey]map[string]bool{}
	budget := maxImportFuncs
	add := func(k importKey, names []string) {
		set := funcs[k]
		if set == nil {
			set = map[string]bool{}
			funcs[k] = set
		}
		for _, n := range names {
			set[n] = true
		}
	}

	if d := f.dirs[dirImport]; d.va != 0 {
		for i := 0; ; i++ {
			if i == maxDescriptors {
				f.problem("more than %d import descriptors; the rest are ignored", maxDescriptors)
				break
			}
			if err := f.ctx.Err(); err != nil {
				return err
			}
			rva, ok := addRVA(d.va, 20*uint64(i))
			if !ok {
				break
			}
			b, err := f.readRVA(rva, 20)
			if err != nil {
				f.problem("import descriptor %d: %v", i, err)
				break
			}
			le := binary.LittleEndian
			oft, stamp, nameRVA, ft := le.Uint32(b), le.Uint32(b[4:]), le.Uint32(b[12:]), le.Uint32(b[16:])
			if nameRVA == 0 && ft == 0 {
				break
			}
			dll, ok := f.cStringRVA(nameRVA, maxNameLen)
			if !ok || dll == "" {
				f.problem("import descriptor %d: DLL name at RVA 0x%x is not in the file", i, nameRVA)
				continue
			}
			dll = strings.ToLower(clean(dll))
			thunks := oft
			if thunks == 0 {
				if stamp != 0 {
					// Bound, with no name table: the IAT holds addresses.
					add(importKey{dll, false}, nil)
					continue
				}
				thunks = ft
			}
			add(importKey{dll, false}, f.thunks(dll, thunks, false, &budget))
		}
	}

	if d := f.dirs[dirDelayImport]; d.va != 0 {
		// Nothing at run time reads this directory (the delay-load helper
		// is handed its descriptor by the thunk code), and descriptors
		// from dlltool are not followed by a zero one: trust the size when
		// the directory gives one.
		n := maxDescriptors + 1
		if d.size >= 32 && int(d.size/32) < n {
			n = int(d.size / 32)
		}
		for i := 0; i < n; i++ {
			if i == maxDescriptors {
				f.problem("more than %d delay-load descriptors; the rest are ignored", maxDescriptors)
				break
			}
			if err := f.ctx.Err(); err != nil {
				return err
			}
			rva, ok := addRVA(d.va, 32*uint64(i))
			if !ok {
				break
			}
			b, err := f.readRVA(rva, 32)
			if err != nil {
				f.problem("delay-load descriptor %d: %v", i, err)
				break
			}
			le := binary.LittleEndian
			attrs, nameRVA, intRVA := le.Uint32(b), le.Uint32(b[4:]), le.Uint32(b[16:])
			if nameRVA == 0 {
				break
			}
			// Attribute bit 0 clear: the old (Visual C++ 6) format, where
			// the fields are virtual addresses.
			vaBased := attrs&1 == 0
			if vaBased {
				var ok1, ok2 bool
				nameRVA, ok1 = f.vaToRVA(uint64(nameRVA))
				intRVA, ok2 = f.vaToRVA(uint64(intRVA))
				if !ok1 || !ok2 {
					f.problem("delay-load descriptor %d: addresses below the image base", i)
					continue
				}
			}
			dll, ok := f.cStringRVA(nameRVA, maxNameLen)
			if !ok || dll == "" {
				f.problem("delay-load descriptor %d: DLL name at RVA 0x%x is not in the file", i, nameRVA)
				continue
			}
			dll = strings.ToLower(clean(dll))
			add(importKey{dll, true}, f.thunks(dll, intRVA, vaBased, &budget))
		}
	}

	for k, set := range funcs {
		im := model.Import{DLL: k.dll, Delayed: k.delayed}
		for n := range set {
			im.Functions = append(im.Functions, n)
		}
		slices.Sort(im.Functions)
		p.Imports = append(p.Imports, im)
	}
	slices.SortFunc(p.Imports, func(a, b model.Import) int {
		if c := cmp.Compare(a.DLL, b.DLL); c != 0 {
			return c
		}
		if a.Delayed == b.Delayed {
			return 0
		}
		if !a.Delayed {
			return -1
		}
		return 1
	})
	return nil
}

// thunks reads an import name table: pointer-sized entries up to a zero
// one, each an ordinal ("#N") or the RVA of a hint/name pair.
func (f *file) thunks(dll string, rva uint32, vaBased bool, budget *int) []string {
	if rva == 0 {
		return nil
	}
	ps := uint64(f.ptrSize())
	ordFlag := uint64(1) << 31
	if f.is64 {
		ordFlag = 1 << 63
	}
	var out []string
	for i := 0; ; i++ {
		if *budget <= 0 {
			if !f.importsCut {
				f.problem("more than %d imported functions; the rest are ignored", maxImportFuncs)
				f.importsCut = true
			}
			return out
		}
		if i == maxFuncsPerDLL {
			f.problem("imports from %q cut at %d functions", dll, i)
			return out
		}
		pos, ok := addRVA(rva, uint64(i)*ps)
		if !ok {
			return out
		}
		v, err := f.ptrRVA(pos)
		if err != nil {
			f.problem("imports from %q: entry %d: %v", dll, i, err)
			return out
		}
		if v == 0 {
			return out
		}
		*budget--
		if v&ordFlag != 0 {
			out = append(out, fmt.Sprintf("#%d", v&0xffff))
			continue
		}
		hint := uint32(v)
		if vaBased {
			if hint, ok = f.vaToRVA(v); !ok {
				f.problem("imports from %q: entry %d: address 0x%x below the image base", dll, i, v)
				return out
			}
		} else if v > 0x7fffffff {
			f.problem("imports from %q: entry %d: bad name RVA 0x%x", dll, i, v)
			return out
		}
		nrva, ok := addRVA(hint, 2)
		name, ok2 := f.cStringRVA(nrva, maxNameLen)
		if !ok || !ok2 || name == "" {
			f.problem("imports from %q: entry %d: name at RVA 0x%x is not in the file", dll, i, hint)
			return out
		}
		if !f.takeName(name) {
			return out
		}
		out = append(out, clean(name))
	}
}

// addRVA adds an offset to an RVA, failing past 4 GiB.
func addRVA(rva uint32, d uint64) (uint32, bool) {
	s := uint64(rva) + d
	if s > math.MaxUint32 {
		return 0, false
	}
	return uint32(s), true
}

// vaToRVA subtracts the image base.
func (f *file) vaToRVA(va uint64) (uint32, bool) {
	if va < f.imageBase || va-f.imageBase > math.MaxUint32 {
		return 0, false
	}
	return uint32(va - f.imageBase), true
}
