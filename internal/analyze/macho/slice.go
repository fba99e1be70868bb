package macho

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/vouch-sec/vouch/internal/entropy"
	"github.com/vouch-sec/vouch/internal/model"
)

const (
	maxLoadCmdBytes = 4 << 20
	maxSections     = 1024
	maxDylibs       = 4096
	maxImports      = 1 << 16
	maxName         = 4096
	maxFixups       = 64 << 20
)

// Load commands read here.
const (
	lcSegment          = 0x1
	lcSymtab           = 0x2
	lcDysymtab         = 0xb
	lcLoadDylib        = 0xc
	lcRoutines         = 0x11
	lcLoadWeakDylib    = 0x80000018
	lcSegment64        = 0x19
	lcRoutines64       = 0x1a
	lcUUID             = 0x1b
	lcCodeSignature    = 0x1d
	lcReexportDylib    = 0x8000001f
	lcLazyLoadDylib    = 0x20
	lcLoadUpwardDylib  = 0x80000023
	lcDyldChainedFixup = 0x80000034
)

// Section types (the low byte of the section flags).
const (
	sZerofill            = 0x1
	sModInitFuncPointers = 0x9
	sGBZerofill          = 0xc
	sThreadLocalZerofill = 0x12
	sInitFuncOffsets     = 0x16
)

// parser holds one slice being parsed. Offsets are relative to the slice.
type parser struct {
	ctx  context.Context
	r    io.ReaderAt
	size int64
	bo   binary.ByteOrder
	is64 bool
	out  *model.MachOSlice
	errs []error

	symtab          *[4]uint32 // symoff, nsyms, stroff, strsize
	iundef, nundef  uint32
	hasDysymtab     bool
	sig, fixups     *[2]uint32 // dataoff, datasize
	entropyBudget   int64
	work            *budget
	workSpent       bool
	tooManySections bool
}

func (p *parser) fail(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf(format, args...))
}

// parseSlice fills s from the Mach-O image in r (size bytes). It returns
// the problems met; the facts gathered before and around them stay in s.
func parseSlice(ctx context.Context, r io.ReaderAt, size int64, s *model.MachOSlice, work *budget) error {
	p := &parser{ctx: ctx, r: r, size: size, out: s, entropyBudget: 2 * size, work: work}
	if err := p.parse(); err != nil {
		p.errs = append(p.errs, err)
	}
	// A hostile file can repeat one fault thousands of times; the first
	// few tell the story.
	const maxErrs = 16
	if n := len(p.errs); n > maxErrs {
		p.errs = append(p.errs[:maxErrs], fmt.Errorf("%d more problems", n-maxErrs))
	}
	return errors.Join(p.errs...)
}

func (p *parser) parse() error {
	var hdr [32]byte
	if p.size < 28 {
		return fmt.Errorf("%d bytes: too short for a Mach-O header", p.size)
	}
	hsz := int64(28)
	if err := readFull(p.r, hdr[:4], 0, p.size); err != nil {
		return fmt.Errorf("reading Mach-O header: %w", err)
	}
	switch binary.LittleEndian.Uint32(hdr[:]) {
	case 0xfeedface:
		p.bo = binary.LittleEndian
	case 0xfeedfacf:
		p.bo, p.is64 = binary.LittleEndian, true
	case 0xcefaedfe:
		p.bo = binary.BigEndian
	case 0xcffaedfe:
		p.bo, p.is64 = binary.BigEndian, true
	default:
		return fmt.Errorf("bad Mach-O magic %#x", hdr[:4])
	}
	if p.is64 {
		hsz = 32
	}
	if err := readFull(p.r, hdr[:hsz], 0, p.size); err != nil {
		return fmt.Errorf("reading Mach-O header: %w", err)
	}
	bo := p.bo
	p.out.CPU = cpuName(bo.Uint32(hdr[4:]), bo.Uint32(hdr[8:]))
	p.out.Type = fileType(bo.Uint32(hdr[12:]))
	ncmds, sizeofcmds := bo.Uint32(hdr[16:]), int64(bo.Uint32(hdr[20:]))

	lc := sizeofcmds
	if lc > p.size-hsz {
		p.fail("load commands (%d bytes) extend past the end of the slice (%d bytes)", sizeofcmds, p.size)
		lc = p.size - hsz
	}
	if lc > maxLoadCmdBytes {
		p.fail("load commands take %d bytes, reading the first %d", sizeofcmds, maxLoadCmdBytes)
		lc = maxLoadCmdBytes
	}
	buf := make([]byte, lc)
	if err := readFull(p.r, buf, hsz, p.size); err != nil {
		return fmt.Errorf("reading load commands: %w", err)
	}
	if err := p.loadCommands(buf, ncmds); err != nil {
		p.errs = append(p.errs, err)
	}
	p.out.Sections = sortedSections(p.out.Sections)
	if err := p.sectionEntropy(); err != nil {
		return err
	}
	if err := p.imports(); err != nil {
		p.errs = append(p.errs, err)
	}
	if p.sig != nil {
		p.out.CodeSign = p.codeSign(int64(p.sig[0]), int64(p.sig[1]))
	}
	return p.ctx.Err()
}

func (p *parser) loadCommands(buf []byte, ncmds uint32) error {
	bo := p.bo
	off := 0
	for i := uint32(0); i < ncmds; i++ {
		if len(buf)-off < 8 {
			return fmt.Errorf("load command %d of %d: past the end of the load commands", i, ncmds)
		}
		cmd, cs := bo.Uint32(buf[off:]), bo.Uint32(buf[off+4:])
		if cs < 8 || int64(cs) > int64(len(buf)-off) {
			return fmt.Errorf("load command %d (%#x): bad size %d", i, cmd, cs)
		}
		c := buf[off : off+int(cs)]
		off += int(cs)
		p.out.LoadCommands++
		var err error
		switch cmd {
		case lcSegment, lcSegment64:
			err = p.segment(c, cmd == lcSegment64)
		case lcLoadDylib, lcLoadWeakDylib, lcReexportDylib, lcLazyLoadDylib, lcLoadUpwardDylib:
			err = p.dylib(c)
		case lcSymtab:
			if len(c) < 24 {
				err = errors.New("LC_SYMTAB too short")
				break
			}
			p.symtab = &[4]uint32{bo.Uint32(c[8:]), bo.Uint32(c[12:]), bo.Uint32(c[16:]), bo.Uint32(c[20:])}
		case lcDysymtab:
			if len(c) < 80 {
				err = errors.New("LC_DYSYMTAB too short")
				break
			}
			p.hasDysymtab, p.iundef, p.nundef = true, bo.Uint32(c[24:]), bo.Uint32(c[28:])
		case lcCodeSignature, lcDyldChainedFixup:
			if len(c) < 16 {
				err = fmt.Errorf("load command %#x too short", cmd)
				break
			}
			v := &[2]uint32{bo.Uint32(c[8:]), bo.Uint32(c[12:])}
			if cmd == lcCodeSignature {
				if p.sig != nil {
					err = errors.New("more than one LC_CODE_SIGNATURE; using the first")
					break
				}
				p.sig = v
			} else {
				p.fixups = v
			}
		case lcUUID:
			if len(c) >= 24 {
				u := c[8:24]
				p.out.UUID = fmt.Sprintf("%X-%X-%X-%X-%X", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
			}
		case lcRoutines, lcRoutines64:
			// dyld runs a dylib's init routine before its other initializers.
			p.out.InitFuncs++
		}
		if err != nil {
			p.errs = append(p.errs, fmt.Errorf("load command %d: %w", i, err))
		}
	}
	return nil
}

func prot(v uint32) string {
	var b strings.Builder
	for i, c := range "rwx" {
		if v&(1<<i) != 0 {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func (p *parser) segment(c []byte, is64 bool) error {
	bo := p.bo
	var (
		name                    = cstring(c[8:min(24, len(c))])
		vmsize, fileoff, filesz uint64
		initprot, nsects        uint32
		hdrLen, secLen          = 56, 68
	)
	if is64 {
		hdrLen, secLen = 72, 80
	}
	if len(c) < hdrLen {
		return fmt.Errorf("segment %q: command too short", name)
	}
	if is64 {
		vmsize, fileoff, filesz = bo.Uint64(c[32:]), bo.Uint64(c[40:]), bo.Uint64(c[48:])
		initprot, nsects = bo.Uint32(c[60:]), bo.Uint32(c[64:])
	} else {
		vmsize, fileoff, filesz = uint64(bo.Uint32(c[28:])), uint64(bo.Uint32(c[32:])), uint64(bo.Uint32(c[36:]))
		initprot, nsects = bo.Uint32(c[44:]), bo.Uint32(c[48:])
	}
	flags := prot(initprot)
	var err error
	if fit := uint32((len(c) - hdrLen) / secLen); nsects > fit {
		err = fmt.Errorf("segment %q: %d sections declared, room for %d", name, nsects, fit)
		nsects = fit
	}
	if nsects == 0 && filesz > 0 {
		// A segment without sections (__LINKEDIT) still holds bytes worth measuring.
		p.addSection(model.Section{Name: name, Offset: clampInt(fileoff), Size: clampInt(filesz), VirtualSize: clampInt(vmsize), Flags: flags})
	}
	ptr := uint64(4)
	if p.is64 {
		ptr = 8
	}
	for i := range int(nsects) {
		s := c[hdrLen+i*secLen:]
		sect, seg := cstring(s[0:16]), cstring(s[16:32])
		var size uint64
		var off, sflags uint32
		if is64 {
			size, off, sflags = bo.Uint64(s[40:]), bo.Uint32(s[48:]), bo.Uint32(s[64:])
		} else {
			size, off, sflags = uint64(bo.Uint32(s[36:])), bo.Uint32(s[40:]), bo.Uint32(s[56:])
		}
		fsize := size
		switch sflags & 0xff {
		case sZerofill, sGBZerofill, sThreadLocalZerofill:
			fsize = 0
		case sModInitFuncPointers:
			p.out.InitFuncs += int(min(size, uint64(p.size)) / ptr)
		case sInitFuncOffsets:
			p.out.InitFuncs += int(min(size, uint64(p.size)) / 4)
		}
		p.addSection(model.Section{Name: seg + "," + sect, Offset: int64(off), Size: clampInt(fsize), VirtualSize: clampInt(size), Flags: flags})
	}
	return err
}

// take spends n bytes of the file's work budget; the first refusal is
// reported.
func (p *parser) take(n int64) bool {
	if p.work.take(n) {
		return true
	}
	if !p.workSpent {
		p.workSpent = true
		p.fail("work budget for this file spent; later hashes, entropies or names skipped")
	}
	return false
}

func (p *parser) addSection(s model.Section) {
	if len(p.out.Sections) >= maxSections {
		if !p.tooManySections {
			p.tooManySections = true
			p.fail("more than %d sections; listing the first %d", maxSections, maxSections)
		}
		return
	}
	p.out.Sections = append(p.out.Sections, s)
}

// sortedSections orders sections by file offset then name, so reports are
// stable however the load commands were ordered.
func sortedSections(s []model.Section) []model.Section {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].Offset != s[j].Offset {
			return s[i].Offset < s[j].Offset
		}
		return s[i].Name < s[j].Name
	})
	return s
}

func (p *parser) sectionEntropy() error {
	out := 0
	for i := range p.out.Sections {
		s := &p.out.Sections[i]
		if s.Size == 0 {
			continue
		}
		if s.Offset > p.size || s.Size > p.size-s.Offset {
			out++
			continue
		}
		if s.Size > p.entropyBudget || !p.take(s.Size) {
			continue
		}
		p.entropyBudget -= s.Size
		e, err := entropyAt(p.ctx, p.r, s.Offset, s.Size, p.size)
		if err != nil {
			return fmt.Errorf("section %s: %w", s.Name, err)
		}
		s.Entropy = e
	}
	if out > 0 {
		p.fail("%d sections extend past the end of the slice", out)
	}
	return nil
}

func (p *parser) dylib(c []byte) error {
	if len(c) < 24 {
		return errors.New("dylib command too short")
	}
	no := p.bo.Uint32(c[8:])
	if no < 24 || int64(no) >= int64(len(c)) {
		return fmt.Errorf("dylib name offset %d outside the command (%d bytes)", no, len(c))
	}
	if len(p.out.Dylibs) >= maxDylibs {
		return fmt.Errorf("more than %d dylibs", maxDylibs)
	}
	name := cstring(c[no:])
	if len(name) > maxName {
		name = name[:maxName]
	}
	p.out.Dylibs = append(p.out.Dylibs, name)
	return nil
}

// imports collects undefined external symbols from the symbol table (the
// dysymtab's undefined range when it is consistent) and the chained-fixups
// import table, deduplicated and sorted.
func (p *parser) imports() error {
	set := map[string]struct{}{}
	var errs []error
	if p.symtab != nil {
		errs = append(errs, p.symtabImports(set))
	}
	if p.fixups != nil {
		errs = append(errs, p.fixupImports(set))
	}
	if len(set) > 0 {
		p.out.Imports = make([]string, 0, len(set))
		for n := range set {
			p.out.Imports = append(p.out.Imports, n)
		}
		sort.Strings(p.out.Imports)
	}
	return errors.Join(errs...)
}

func (p *parser) symtabImports(set map[string]struct{}) error {
	symoff, nsyms, stroff, strsize := int64(p.symtab[0]), int64(p.symtab[1]), int64(p.symtab[2]), int64(p.symtab[3])
	ent := int64(12)
	if p.is64 {
		ent = 16
	}
	var errs []error
	if symoff > p.size || nsyms > (p.size-symoff)/ent {
		errs = append(errs, fmt.Errorf("symbol table (%d entries at %d) extends past the end of the slice", nsyms, symoff))
		nsyms = max(0, (p.size-symoff)/ent)
	}
	if stroff > p.size || strsize > p.size-stroff {
		errs = append(errs, fmt.Errorf("string table (%d bytes at %d) extends past the end of the slice", strsize, stroff))
		strsize = max(0, p.size-stroff)
	}
	first, count := int64(0), nsyms
	if p.hasDysymtab && int64(p.iundef)+int64(p.nundef) <= nsyms {
		first, count = int64(p.iundef), int64(p.nundef)
	}
	const chunk = 4096
	buf := make([]byte, min(count, chunk)*ent)
	seen := map[int64]bool{} // string offsets already read
	for done := int64(0); done < count; {
		if err := p.ctx.Err(); err != nil {
			return err
		}
		n := min(count-done, chunk)
		b := buf[:n*ent]
		if err := readFull(p.r, b, symoff+(first+done)*ent, p.size); err != nil {
			return errors.Join(append(errs, fmt.Errorf("reading symbols: %w", err))...)
		}
		done += n
		for e := b; len(e) >= int(ent); e = e[ent:] {
			typ := e[4]
			// External, not a debugging entry, undefined (or prebound undefined).
			if typ&0xe0 != 0 || typ&1 == 0 || (typ&0x0e != 0 && typ&0x0e != 0xc) {
				continue
			}
			strx := int64(p.bo.Uint32(e[0:]))
			if strx >= strsize || seen[strx] {
				continue
			}
			seen[strx] = true
			if !p.take(min(maxName, strsize-strx)) {
				return errors.Join(errs...)
			}
			name, err := cstringAt(p.r, stroff+strx, min(maxName, strsize-strx))
			if err != nil {
				return errors.Join(append(errs, fmt.Errorf("reading symbol name: %w", err))...)
			}
			if name == "" {
				continue
			}
			if len(set) >= maxImports {
				return errors.Join(append(errs, fmt.Errorf("more than %d imported symbols", maxImports))...)
			}
			set[name] = struct{}{}
		}
	}
	return errors.Join(errs...)
}

// fixupImports reads the import table of LC_DYLD_CHAINED_FIXUPS.
func (p *parser) fixupImports(set map[string]struct{}) error {
	off, size := int64(p.fixups[0]), int64(p.fixups[1])
	if off > p.size || size > p.size-off {
		return fmt.Errorf("chained fixups (%d bytes at %d) extend past the end of the slice", size, off)
	}
	if size > maxFixups {
		return fmt.Errorf("chained fixups take %d bytes; not read", size)
	}
	if size < 28 {
		return fmt.Errorf("chained fixups header: %d bytes", size)
	}
	d := make([]byte, size)
	if err := readFull(p.r, d, off, p.size); err != nil {
		return fmt.Errorf("reading chained fixups: %w", err)
	}
	bo := p.bo
	impOff, symOff := int64(bo.Uint32(d[8:])), int64(bo.Uint32(d[12:]))
	count, format, symFormat := int64(bo.Uint32(d[16:])), bo.Uint32(d[20:]), bo.Uint32(d[24:])
	if symFormat != 0 {
		return fmt.Errorf("chained fixups: compressed symbol names (format %d) not read", symFormat)
	}
	var ent int64
	switch format {
	case 1:
		ent = 4
	case 2:
		ent = 8
	case 3:
		ent = 16
	default:
		return fmt.Errorf("chained fixups: unknown import format %d", format)
	}
	if impOff > size || count > (size-impOff)/ent {
		return fmt.Errorf("chained fixups: %d imports at %d do not fit in %d bytes", count, impOff, size)
	}
	if symOff > size {
		return fmt.Errorf("chained fixups: symbols at %d past the end (%d bytes)", symOff, size)
	}
	syms := d[symOff:]
	seen := map[int64]bool{}
	for i := range count {
		e := d[impOff+i*ent:]
		var no int64
		if format == 3 {
			no = int64(bo.Uint32(e[4:]))
		} else {
			no = int64(bo.Uint32(e) >> 9)
		}
		if no >= int64(len(syms)) || seen[no] {
			continue
		}
		seen[no] = true
		n := min(int64(len(syms)), no+maxName) - no
		if !p.take(n) {
			return nil
		}
		name := cstring(syms[no : no+n])
		if name == "" {
			continue
		}
		if len(set) >= maxImports {
			return fmt.Errorf("more than %d imported symbols", maxImports)
		}
		set[name] = struct{}{}
	}
	return nil
}

// cstring returns b up to its first NUL.
func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// cstringAt reads a NUL-terminated string at off of at most limit bytes,
// in small steps so a long table costs only the names read.
func cstringAt(r io.ReaderAt, off, limit int64) (string, error) {
	var out []byte
	var buf [256]byte
	for int64(len(out)) < limit {
		n := min(int64(len(buf)), limit-int64(len(out)))
		m, err := r.ReadAt(buf[:n], off+int64(len(out)))
		for i, c := range buf[:m] {
			if c == 0 {
				return string(append(out, buf[:i]...)), nil
			}
		}
		out = append(out, buf[:m]...)
		if int64(m) < n {
			if err == nil || err == io.EOF {
				break
			}
			return "", err
		}
	}
	return string(out), nil
}

// entropyAt measures the entropy of n bytes at off.
func entropyAt(ctx context.Context, r io.ReaderAt, off, n, size int64) (float64, error) {
	var hist entropy.Histogram
	buf := make([]byte, min(n, 64<<10))
	for done := int64(0); done < n; {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		b := buf[:min(int64(len(buf)), n-done)]
		if err := readFull(r, b, off+done, size); err != nil {
			return 0, err
		}
		hist.Write(b)
		done += int64(len(b))
	}
	return hist.Bits(), nil
}
