package elf

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// dynamic reads the dynamic section the way the loader finds it: through
// PT_DYNAMIC, with strings from DT_STRTAB. The .dynamic section header is
// used only when there is no PT_DYNAMIC.
func (p *parser) dynamic() error {
	var off, size uint64
	found := false
	for _, g := range p.progs {
		if g.typ == ptDynamic {
			off, size, found = g.off, g.filesz, true
			break
		}
	}
	var sec *sect
	for i := range p.sects {
		if p.sects[i].typ == shtDynamic {
			sec = &p.sects[i]
			break
		}
	}
	switch {
	case !found && (sec == nil || p.typ == etRel):
		return nil
	case !found:
		off, size = sec.off, sec.size
	case sec != nil && sec.off != off:
		p.anomaly("PT_DYNAMIC is at %#x but the .dynamic section at %#x", off, sec.off)
	}
	ent := 2 * p.ptrSize()
	n := size / ent
	if n > maxDynEntries {
		n = maxDynEntries
		p.truncated["dynamic"] = true
	}
	var errs []error
	if !p.inFile(off, n*ent) {
		if off > p.size {
			return fmt.Errorf("%d bytes at %#x: past the end of the file (%d bytes)", size, off, p.size)
		}
		errs = append(errs, fmt.Errorf("%d bytes at %#x: runs past the end of the file (%d bytes)", size, off, p.size))
		n = (p.size - off) / ent
	}
	b, err := p.read(off, n*ent)
	if err != nil {
		return err
	}
	var needed, rpath []uint64
	var soname uint64
	hasSoname := false
	d := &p.dyn
	for i := uint64(0); i < n; i++ {
		tag, val := p.word(b[i*ent:]), p.word(b[i*ent+ent/2:])
		if tag == dtNull {
			break
		}
		switch tag {
		case dtNeeded:
			if len(needed) < maxNeeded {
				needed = append(needed, val)
			} else {
				p.truncated["needed"] = true
			}
		case dtRpath, dtRunpath:
			if len(rpath) < maxNeeded {
				rpath = append(rpath, val)
			} else {
				p.truncated["rpath"] = true
			}
		case dtSoname:
			soname, hasSoname = val, true
		case dtStrtab:
			d.strtab, d.hasStrtab = val, true
		case dtStrsz:
			d.strsz = val
		case dtSymtab:
			d.symtab, d.hasSymtab = val, true
		case dtHash:
			d.hash, d.hasHash = val, true
		case dtGNUHash:
			d.gnuHash, d.hasGNUHash = val, true
		case dtFlags1:
			d.flags1 = val
		case dtInitArraysz:
			d.initArraysz, d.hasInit = val, true
		case dtPreinitArraysz:
			d.preinitArrsz, d.hasPreinit = val, true
		}
	}
	p.dynStr = p.dynStrtab(sec)
	if p.dynStr == nil {
		if len(needed) > 0 || len(rpath) > 0 || hasSoname {
			errs = append(errs, errors.New("no readable string table (DT_STRTAB) for DT_NEEDED/DT_SONAME"))
		}
		return errors.Join(errs...)
	}
	for _, v := range needed {
		p.ef.Needed = append(p.ef.Needed, p.dynStr.get(v, maxNameLen))
	}
	// DT_RPATH and DT_RUNPATH in the order the loader consults them.
	for _, v := range rpath {
		p.ef.RPath = append(p.ef.RPath, p.dynStr.get(v, maxNameLen))
	}
	if hasSoname {
		p.ef.Soname = p.dynStr.get(soname, maxNameLen)
	}
	return errors.Join(errs...)
}

// dynStrtab finds the dynamic string table: DT_STRTAB mapped through the
// LOAD segments, else the string table the .dynamic section links to.
func (p *parser) dynStrtab(sec *sect) *strtab {
	d := &p.dyn
	if d.hasStrtab {
		if off, left, ok := p.fileOff(d.strtab); ok {
			size := d.strsz
			if size == 0 || size > left {
				if size > left {
					p.anomaly("DT_STRSZ %d runs past its LOAD segment", size)
				}
				size = left
			}
			if t, err := p.strtab(off, size); err == nil {
				return t
			}
		} else {
			p.anomaly("DT_STRTAB %#x is not in a LOAD segment", d.strtab)
		}
	}
	if sec != nil && uint64(sec.link) < uint64(len(p.sects)) && sec.link != 0 {
		s := p.sects[sec.link]
		if t, err := p.strtab(s.off, s.size); err == nil {
			return t
		}
	}
	return nil
}

// dynamicSymbols lists imports, exports and IFUNCs of the dynamic symbol
// table. Like the loader it starts from DT_SYMTAB; the .dynsym section
// header only sizes it when both agree, else the hash tables do.
func (p *parser) dynamicSymbols() error {
	ent := p.symEnt()
	var sec *sect
	for i := range p.sects {
		if p.sects[i].typ == shtDynsym {
			sec = &p.sects[i]
			break
		}
	}
	var off, count uint64
	var str *strtab
	var errs []error
	if p.dyn.hasSymtab {
		if o, _, ok := p.fileOff(p.dyn.symtab); ok {
			off, str = o, p.dynStr
			if sec != nil && sec.off == o {
				count = sec.size / ent
			} else {
				if sec != nil {
					p.anomaly("DT_SYMTAB is at %#x but the .dynsym section at %#x", o, sec.off)
				}
				c, err := p.hashCount()
				if err != nil {
					errs = append(errs, err)
					str = nil
				}
				count = c
			}
		} else {
			p.anomaly("DT_SYMTAB %#x is not in a LOAD segment", p.dyn.symtab)
		}
	}
	if str == nil && sec != nil && sec.link != 0 && uint64(sec.link) < uint64(len(p.sects)) {
		s := p.sects[sec.link]
		t, err := p.strtab(s.off, s.size)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf(".dynsym string table: %w", err))...)
		}
		off, count, str = sec.off, sec.size/ent, t
	}
	if str == nil {
		return errors.Join(errs...)
	}
	err := p.scanSymbols(off, count, func(s sym) {
		if s.typ == sttSection || s.typ == sttFile {
			return
		}
		if s.shndx == shnUndef {
			p.addName(&p.imports, "imports", str.bytes(uint64(s.name), maxNameLen))
			return
		}
		if s.shndx == shnAbs && s.value == 0 && s.size == 0 && s.typ == sttObject {
			return // a version name (GLIBC_2.2.5) that version scripts define
		}
		name := str.bytes(uint64(s.name), maxNameLen)
		vis := s.other & 3
		if (s.bind == stbGlobal || s.bind == stbWeak || s.bind == stbUnique) && (vis == 0 || vis == 3) {
			p.addName(&p.exports, "exports", name)
		}
		if s.typ == sttIFunc {
			p.addName(&p.ifuncs, "ifuncs", name)
		}
	})
	return errors.Join(append(errs, err)...)
}

// symbolTable adds the defined IFUNC symbols of .symtab (local ones too:
// a resolver need not be exported).
func (p *parser) symbolTable() error {
	ent := p.symEnt()
	var errs []error
	for _, sec := range p.sects {
		if sec.typ != shtSymtab {
			continue
		}
		if sec.link == 0 || uint64(sec.link) >= uint64(len(p.sects)) {
			errs = append(errs, fmt.Errorf("section %q links to string table %d of %d", sec.name, sec.link, len(p.sects)))
			continue
		}
		s := p.sects[sec.link]
		str, err := p.strtab(s.off, s.size)
		if err != nil {
			errs = append(errs, fmt.Errorf("section %q string table: %w", sec.name, err))
			continue
		}
		err = p.scanSymbols(sec.off, sec.size/ent, func(s sym) {
			if s.typ == sttIFunc && s.shndx != shnUndef {
				p.addName(&p.ifuncs, "ifuncs", str.bytes(uint64(s.name), maxNameLen))
			}
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("section %q: %w", sec.name, err))
		}
	}
	return errors.Join(errs...)
}

type sym struct {
	name             uint32
	typ, bind, other uint8
	shndx            uint16
	value, size      uint64
}

func (p *parser) symEnt() uint64 {
	if p.is64 {
		return 24
	}
	return 16
}

// scanSymbols calls fn for each of count symbols at off, read in chunks.
func (p *parser) scanSymbols(off, count uint64, fn func(sym)) error {
	ent := p.symEnt()
	if lim := min(maxSymbols, p.symLeft); count > lim {
		count = lim
		p.truncated["symbols"] = true
	}
	p.symLeft -= count
	var err error
	if !p.inFile(off, count*ent) {
		err = fmt.Errorf("%d symbols at %#x: past the end of the file (%d bytes)", count, off, p.size)
		if off > p.size {
			return err
		}
		count = (p.size - off) / ent
	}
	const chunk = 4096
	for i := uint64(0); i < count; i += chunk {
		if e := p.ctx.Err(); e != nil {
			return e
		}
		k := min(chunk, count-i)
		b, e := p.read(off+i*ent, k*ent)
		if e != nil {
			return e
		}
		for j := uint64(0); j < k; j++ {
			e := b[j*ent:]
			var s sym
			s.name = p.bo.Uint32(e)
			var info uint8
			if p.is64 {
				info, s.other, s.shndx = e[4], e[5], p.bo.Uint16(e[6:])
				s.value, s.size = p.bo.Uint64(e[8:]), p.bo.Uint64(e[16:])
			} else {
				s.value, s.size = uint64(p.bo.Uint32(e[4:])), uint64(p.bo.Uint32(e[8:]))
				info, s.other, s.shndx = e[12], e[13], p.bo.Uint16(e[14:])
			}
			s.typ, s.bind = info&0xf, info>>4
			fn(s)
		}
	}
	return err
}

// addName adds a name to one of the reported sets, within the caps. The
// name is copied only when it is new.
func (p *parser) addName(set *map[string]struct{}, list string, name []byte) {
	if len(name) == 0 {
		return
	}
	if *set == nil {
		*set = map[string]struct{}{}
	}
	if _, ok := (*set)[string(name)]; ok {
		return
	}
	if len(*set) >= maxNames || p.nameBytes < int64(len(name)) {
		p.truncated[list] = true
		return
	}
	p.nameBytes -= int64(len(name))
	(*set)[string(name)] = struct{}{}
}

// hashCount sizes the dynamic symbol table from DT_HASH (nchain) or
// DT_GNU_HASH (one past the last symbol of the longest-numbered chain).
func (p *parser) hashCount() (uint64, error) {
	d := &p.dyn
	if d.hasHash {
		if off, left, ok := p.fileOff(d.hash); ok && left >= 8 {
			b, err := p.read(off, 8)
			if err != nil {
				return 0, fmt.Errorf("DT_HASH: %w", err)
			}
			return uint64(p.bo.Uint32(b[4:])), nil
		}
	}
	if !d.hasGNUHash {
		return 0, errors.New("no .dynsym section header, DT_HASH or DT_GNU_HASH to size DT_SYMTAB")
	}
	off, left, ok := p.fileOff(d.gnuHash)
	if !ok || left < 16 {
		return 0, fmt.Errorf("DT_GNU_HASH %#x is not in a LOAD segment", d.gnuHash)
	}
	h, err := p.read(off, 16)
	if err != nil {
		return 0, fmt.Errorf("DT_GNU_HASH: %w", err)
	}
	nb, symoff, bloom := uint64(p.bo.Uint32(h)), uint64(p.bo.Uint32(h[4:])), uint64(p.bo.Uint32(h[8:]))
	skip := 16 + bloom*p.ptrSize()
	if skip > left || nb*4 > left-skip {
		return 0, fmt.Errorf("DT_GNU_HASH: %d buckets run past their LOAD segment", nb)
	}
	last := uint64(0)
	const chunk = 4096
	for i := uint64(0); i < nb; i += chunk {
		k := min(chunk, nb-i)
		b, err := p.read(off+skip+i*4, k*4)
		if err != nil {
			return 0, fmt.Errorf("DT_GNU_HASH buckets: %w", err)
		}
		for j := uint64(0); j < k; j++ {
			last = max(last, uint64(p.bo.Uint32(b[j*4:])))
		}
	}
	if last < symoff {
		return symoff, nil
	}
	chain := off + skip + nb*4
	for idx := last; idx-last < maxSymbols; {
		at := chain + (idx-symoff)*4
		if !p.inFile(at, 4) {
			break
		}
		k := min(chunk, (p.size-at)/4)
		b, err := p.read(at, k*4)
		if err != nil {
			return 0, fmt.Errorf("DT_GNU_HASH chain: %w", err)
		}
		for j := uint64(0); j < k; j, idx = j+1, idx+1 {
			if p.bo.Uint32(b[j*4:])&1 != 0 {
				return idx + 1, nil
			}
		}
	}
	return 0, errors.New("DT_GNU_HASH chain does not end")
}

// initArrays counts start-up entries. The dynamic section's sizes win over
// section headers, since the loader uses them.
func (p *parser) initArrays() error {
	ps := p.ptrSize()
	var init, pre, ctors uint64
	var secInit, secPre bool
	var errs []error
	for _, s := range p.sects {
		switch {
		case s.typ == shtInitArray:
			init, secInit = init+s.size/ps, true
		case s.typ == shtPreinitArray:
			pre, secPre = pre+s.size/ps, true
		case s.name == ".ctors" && s.typ != shtNobits:
			n, err := p.ctorsCount(s)
			if err != nil {
				errs = append(errs, err)
			}
			ctors += n
		}
	}
	if p.dyn.hasInit {
		if n := p.dyn.initArraysz / ps; n != init {
			if secInit {
				p.anomaly("DT_INIT_ARRAYSZ says %d entries, .init_array sections %d", n, init)
			}
			init = n
		}
	}
	if p.dyn.hasPreinit {
		if n := p.dyn.preinitArrsz / ps; n != pre {
			if secPre {
				p.anomaly("DT_PREINIT_ARRAYSZ says %d entries, .preinit_array sections %d", n, pre)
			}
			pre = n
		}
	}
	const most = 1 << 30
	p.ef.InitArray = int(min(init, most) + min(pre, most) + min(ctors, most))
	return errors.Join(errs...)
}

// ctorsCount counts .ctors entries other than the -1 head and 0 tail
// sentinels that crtbegin.o and crtend.o contribute.
func (p *parser) ctorsCount(s sect) (uint64, error) {
	ps := p.ptrSize()
	n := s.size / ps
	if n == 0 || s.size > maxCtorsRead || s.size > p.ctorsLeft {
		return n, nil
	}
	p.ctorsLeft -= s.size
	b, err := p.read(s.off, n*ps)
	if err != nil {
		return n, fmt.Errorf("section .ctors: %w", err)
	}
	ones := uint64(1)<<(8*ps) - 1
	if ps == 8 {
		ones = ^uint64(0)
	}
	if p.word(b) == ones {
		n--
		if n > 0 && p.word(b[n*ps:]) == 0 {
			n--
		}
	}
	return n, nil
}

// notes reads the GNU build id and the Go build id from SHT_NOTE sections,
// or from PT_NOTE segments when there are no section headers.
func (p *parser) notes() error {
	type region struct{ off, size, align uint64 }
	var rs []region
	for _, s := range p.sects {
		if s.typ == shtNote {
			rs = append(rs, region{s.off, s.size, s.align})
		}
	}
	if len(p.sects) == 0 {
		for _, g := range p.progs {
			if g.typ == ptNote {
				rs = append(rs, region{g.off, g.filesz, g.align})
			}
		}
	}
	var errs []error
	for _, r := range rs {
		n := min(r.size, maxNoteBytes)
		if n > p.noteLeft {
			p.truncated["notes"] = true
			break
		}
		p.noteLeft -= n
		b, err := p.read(r.off, n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p.parseNotes(b, r.align)
	}
	return errors.Join(errs...)
}

func (p *parser) parseNotes(b []byte, align uint64) {
	a := uint64(4)
	if align == 8 {
		a = 8
	}
	up := func(v uint64) uint64 { return (v + a - 1) &^ (a - 1) }
	for off := uint64(0); off+12 <= uint64(len(b)); {
		namesz, descsz, typ := uint64(p.bo.Uint32(b[off:])), uint64(p.bo.Uint32(b[off+4:])), p.bo.Uint32(b[off+8:])
		nameEnd := off + 12 + namesz
		descOff := up(nameEnd)
		descEnd := descOff + descsz
		if descEnd > uint64(len(b)) {
			return
		}
		name := string(b[off+12 : nameEnd])
		for len(name) > 0 && name[len(name)-1] == 0 {
			name = name[:len(name)-1]
		}
		desc := b[descOff:descEnd]
		switch {
		case name == "GNU" && typ == 3 && p.ef.BuildID == "": // NT_GNU_BUILD_ID
			p.ef.BuildID = hex.EncodeToString(desc[:min(len(desc), 64)])
		case name == "Go" && typ == 4 && p.goNote == "": // Go build ID
			p.goNote = string(desc[:min(len(desc), 256)])
		}
		off = up(descEnd)
	}
}
