package elf

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/vouch-sec/vouch/internal/entropy"
	"github.com/vouch-sec/vouch/internal/model"
)

// ELF constants used here (debug/elf names in comments).
const (
	etRel  = 1
	etExec = 2
	etDyn  = 3
	etCore = 4

	ptLoad       = 1
	ptDynamic    = 2
	ptInterp     = 3
	ptNote       = 4
	ptPhdr       = 6
	ptTLS        = 7
	ptGNUEHFrame = 0x6474e550
	ptGNUStack   = 0x6474e551
	ptGNURelro   = 0x6474e552
	ptGNUProp    = 0x6474e553

	pfX = 1
	pfW = 2
	pfR = 4

	shtSymtab       = 2
	shtStrtab       = 3
	shtDynamic      = 6
	shtNote         = 7
	shtNobits       = 8
	shtDynsym       = 11
	shtInitArray    = 14
	shtPreinitArray = 16

	shfWrite      = 0x1
	shfAlloc      = 0x2
	shfExecinstr  = 0x4
	shfCompressed = 0x800

	shnUndef  = 0
	shnAbs    = 0xfff1
	shnXindex = 0xffff
	pnXnum    = 0xffff

	sttObject  = 1
	sttSection = 3
	sttFile    = 4
	sttIFunc   = 10 // STT_GNU_IFUNC

	stbGlobal = 1
	stbWeak   = 2
	stbUnique = 10 // STB_GNU_UNIQUE

	dtNull           = 0
	dtNeeded         = 1
	dtHash           = 4
	dtStrtab         = 5
	dtSymtab         = 6
	dtStrsz          = 10
	dtSoname         = 14
	dtRpath          = 15
	dtInitArraysz    = 27
	dtRunpath        = 29
	dtPreinitArraysz = 33
	dtGNUHash        = 0x6ffffef5
	dtFlags1         = 0x6ffffffb

	df1PIE = 0x08000000
)

type prog struct {
	typ, flags                       uint32
	off, vaddr, filesz, memsz, align uint64
}

type sect struct {
	name                               string
	nameOff, typ, link                 uint32
	flags, addr, off, size, align, ent uint64
}

// dynInfo is what the dynamic section says.
type dynInfo struct {
	strtab, strsz             uint64
	symtab, hash, gnuHash     uint64
	hasStrtab, hasSymtab      bool
	hasHash, hasGNUHash       bool
	flags1                    uint64
	initArraysz, preinitArrsz uint64
	hasInit, hasPreinit       bool
}

type parser struct {
	ctx  context.Context
	r    io.ReaderAt
	size uint64
	bo   binary.ByteOrder
	is64 bool
	ef   *model.ELFFacts
	errs []error

	typ                  uint16
	phoff, shoff         uint64
	phentsize, shentsize uint16
	phnum, shnum         uint64
	shstrndx             uint64

	progs        []prog
	sects        []sect // index 0 is the null section, as in the file
	sectionsSafe bool   // every header read, in the file, names not compressed

	dyn     dynInfo
	dynStr  *strtab
	goNote  string
	imports map[string]struct{}
	exports map[string]struct{}
	ifuncs  map[string]struct{}

	truncated  map[string]bool
	budget     uint64 // entropy bytes left
	nameBytes  int64  // symbol name bytes left
	symLeft    uint64 // symbol entries left to read
	strLeft    uint64 // string table bytes left to load whole
	noteLeft   uint64 // note bytes left to read
	ctorsLeft  uint64 // .ctors bytes left to read
	lookupLeft uint64 // bytes left to read for names of unloaded tables
}

func (p *parser) ptrSize() uint64 {
	if p.is64 {
		return 8
	}
	return 4
}

// read returns the n bytes at off, or an error when they are not all in
// the file. Callers bound n before calling.
func (p *parser) read(off, n uint64) ([]byte, error) {
	if off > p.size || n > p.size-off {
		return nil, fmt.Errorf("%d bytes at %#x: past the end of the file (%d bytes)", n, off, p.size)
	}
	b := make([]byte, n)
	if k, err := p.r.ReadAt(b, int64(off)); k < len(b) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("reading %d bytes at %#x: %w", n, off, err)
	}
	return b, nil
}

// inFile reports whether [off, off+n) lies in the file.
func (p *parser) inFile(off, n uint64) bool { return off <= p.size && n <= p.size-off }

func (p *parser) word(b []byte) uint64 {
	if p.is64 {
		return p.bo.Uint64(b)
	}
	return uint64(p.bo.Uint32(b))
}

func (p *parser) header() error {
	var id [16]byte
	if n, _ := p.r.ReadAt(id[:], 0); n < len(id) || string(id[:4]) != "\x7fELF" {
		return errors.New("not an ELF file (bad magic or shorter than 16 bytes)")
	}
	switch id[elf.EI_CLASS] {
	case 1:
		p.ef.Class = "elf32"
	case 2:
		p.is64 = true
		p.ef.Class = "elf64"
	default:
		return fmt.Errorf("unknown ELF class %d", id[elf.EI_CLASS])
	}
	switch id[elf.EI_DATA] {
	case 1:
		p.bo = binary.LittleEndian
	case 2:
		p.bo = binary.BigEndian
	default:
		return fmt.Errorf("unknown ELF data encoding %d", id[elf.EI_DATA])
	}
	hsize := uint64(52)
	if p.is64 {
		hsize = 64
	}
	h, err := p.read(0, hsize)
	if err != nil {
		return fmt.Errorf("ELF header: %w", err)
	}
	p.typ = p.bo.Uint16(h[16:])
	p.ef.Type = typeName(p.typ)
	p.ef.Machine = machineName(p.bo.Uint16(h[18:]), p.is64, p.bo == binary.BigEndian)
	var o int // offset of e_phoff minus 28 (elf32)
	if p.is64 {
		o = 4
	}
	p.ef.EntryPoint = p.word(h[24:])
	p.phoff = p.word(h[28+o:])
	p.shoff = p.word(h[32+2*o:])
	rest := h[40+3*o:] // e_ehsize…
	p.phentsize = p.bo.Uint16(rest[2:])
	p.phnum = uint64(p.bo.Uint16(rest[4:]))
	p.shentsize = p.bo.Uint16(rest[6:])
	p.shnum = uint64(p.bo.Uint16(rest[8:]))
	p.shstrndx = uint64(p.bo.Uint16(rest[10:]))

	// Extended numbering: counts too large for the header live in the
	// null section header.
	if p.shoff != 0 && (p.shnum == 0 || p.phnum == pnXnum || p.shstrndx == shnXindex) {
		s0, info, err := p.readSection(p.shoff)
		if err != nil {
			p.fail(fmt.Errorf("section header 0 (extended numbering): %w", err))
			return nil
		}
		if p.shnum == 0 {
			p.shnum = s0.size
		}
		if p.phnum == pnXnum {
			p.phnum = uint64(info)
		}
		if p.shstrndx == shnXindex {
			p.shstrndx = uint64(s0.link)
		}
	}
	return nil
}

func (p *parser) programs() error {
	if p.phoff == 0 || p.phnum == 0 {
		return nil
	}
	want := uint16(32)
	if p.is64 {
		want = 56
	}
	if p.phentsize < want {
		return fmt.Errorf("entry size %d, want at least %d", p.phentsize, want)
	}
	n := p.phnum
	if n > maxSections {
		return fmt.Errorf("%d program headers, more than %d", n, maxSections)
	}
	b, err := p.read(p.phoff, n*uint64(p.phentsize))
	if err != nil {
		return fmt.Errorf("%d entries at %#x: %w", n, p.phoff, err)
	}
	p.progs = make([]prog, 0, n)
	for i := uint64(0); i < n; i++ {
		e := b[i*uint64(p.phentsize):]
		var g prog
		g.typ = p.bo.Uint32(e)
		if p.is64 {
			g.flags = p.bo.Uint32(e[4:])
			g.off = p.bo.Uint64(e[8:])
			g.vaddr = p.bo.Uint64(e[16:])
			g.filesz = p.bo.Uint64(e[32:])
			g.memsz = p.bo.Uint64(e[40:])
			g.align = p.bo.Uint64(e[48:])
		} else {
			g.off = uint64(p.bo.Uint32(e[4:]))
			g.vaddr = uint64(p.bo.Uint32(e[8:]))
			g.filesz = uint64(p.bo.Uint32(e[16:]))
			g.memsz = uint64(p.bo.Uint32(e[20:]))
			g.flags = p.bo.Uint32(e[24:])
			g.align = uint64(p.bo.Uint32(e[28:]))
		}
		p.progs = append(p.progs, g)
	}
	return nil
}

// readSection reads one section header and its sh_info.
func (p *parser) readSection(off uint64) (sect, uint32, error) {
	want := uint16(40)
	if p.is64 {
		want = 64
	}
	if p.shentsize < want {
		return sect{}, 0, fmt.Errorf("entry size %d, want at least %d", p.shentsize, want)
	}
	b, err := p.read(off, uint64(want))
	if err != nil {
		return sect{}, 0, err
	}
	s, info := p.parseSection(b)
	return s, info, nil
}

func (p *parser) parseSection(e []byte) (sect, uint32) {
	var s sect
	var info uint32
	s.nameOff = p.bo.Uint32(e)
	s.typ = p.bo.Uint32(e[4:])
	if p.is64 {
		s.flags = p.bo.Uint64(e[8:])
		s.addr = p.bo.Uint64(e[16:])
		s.off = p.bo.Uint64(e[24:])
		s.size = p.bo.Uint64(e[32:])
		s.link = p.bo.Uint32(e[40:])
		info = p.bo.Uint32(e[44:])
		s.align = p.bo.Uint64(e[48:])
		s.ent = p.bo.Uint64(e[56:])
	} else {
		s.flags = uint64(p.bo.Uint32(e[8:]))
		s.addr = uint64(p.bo.Uint32(e[12:]))
		s.off = uint64(p.bo.Uint32(e[16:]))
		s.size = uint64(p.bo.Uint32(e[20:]))
		s.link = p.bo.Uint32(e[24:])
		info = p.bo.Uint32(e[28:])
		s.align = uint64(p.bo.Uint32(e[32:]))
		s.ent = uint64(p.bo.Uint32(e[36:]))
	}
	return s, info
}

func (p *parser) sectionHeaders() error {
	if p.shoff == 0 {
		p.sectionsSafe = true // nothing for debug/elf to inflate
		if p.shnum != 0 {
			p.anomaly("e_shnum is %d but e_shoff is 0", p.shnum)
		}
		return nil
	}
	if p.shnum == 0 {
		return nil
	}
	want := uint16(40)
	if p.is64 {
		want = 64
	}
	if p.shentsize < want {
		return fmt.Errorf("entry size %d, want at least %d", p.shentsize, want)
	}
	n := p.shnum
	all := true
	if n > maxSections {
		p.truncated["sections"] = true
		n, all = maxSections, false
	}
	if full := p.shnum * uint64(p.shentsize); p.shnum > p.size || !p.inFile(p.shoff, full) {
		return fmt.Errorf("%d entries at %#x: past the end of the file (%d bytes)", p.shnum, p.shoff, p.size)
	}
	b, err := p.read(p.shoff, n*uint64(p.shentsize))
	if err != nil {
		return err
	}
	p.sects = make([]sect, 0, n)
	for i := uint64(0); i < n; i++ {
		s, _ := p.parseSection(b[i*uint64(p.shentsize):])
		p.sects = append(p.sects, s)
	}
	if p.shstrndx == shnUndef {
		p.sectionsSafe = all
		return nil
	}
	if p.shstrndx >= uint64(len(p.sects)) {
		return fmt.Errorf("section name table index %d out of range (%d sections)", p.shstrndx, len(p.sects))
	}
	ss := p.sects[p.shstrndx]
	if ss.flags&shfCompressed != 0 {
		return errors.New("section name table is SHF_COMPRESSED; names not read")
	}
	if ss.typ != shtStrtab {
		p.anomaly("section name table (section %d) has type %d, not SHT_STRTAB", p.shstrndx, ss.typ)
	}
	names, err := p.strtab(ss.off, ss.size)
	if err != nil {
		return fmt.Errorf("section name table: %w", err)
	}
	for i := range p.sects {
		p.sects[i].name = names.get(uint64(p.sects[i].nameOff), 256)
	}
	p.sectionsSafe = all && ss.typ == shtStrtab
	return nil
}

var progNames = map[uint32]string{
	0: "NULL", ptLoad: "LOAD", ptDynamic: "DYNAMIC", ptInterp: "INTERP", ptNote: "NOTE", 5: "SHLIB",
	ptPhdr: "PHDR", ptTLS: "TLS", ptGNUEHFrame: "GNU_EH_FRAME", ptGNUStack: "GNU_STACK",
	ptGNURelro: "GNU_RELRO", ptGNUProp: "GNU_PROPERTY", 0x6474e554: "GNU_SFRAME",
	0x65041580: "PAX_FLAGS", 0x65a3dbe6: "OPENBSD_RANDOMIZE", 0x65a3dbe7: "OPENBSD_WXNEEDED",
	0x70000001: "PROC_0x70000001", // ARM_EXIDX / MIPS_REGINFO, by machine
	0x70000003: "PROC_0x70000003", // RISCV_ATTRIBUTES / MIPS_ABIFLAGS, by machine
}

func progName(t uint32) string {
	if n, ok := progNames[t]; ok {
		return n
	}
	return fmt.Sprintf("0x%x", t)
}

func (p *parser) segments() error {
	var errs []error
	interp := false
	for i, g := range p.progs {
		if i < maxListed {
			s := model.Section{
				Name:        progName(g.typ),
				Offset:      clampInt(g.off),
				Size:        clampInt(g.filesz),
				VirtualSize: clampInt(g.memsz),
				Flags:       rwx(g.flags&pfR != 0, g.flags&pfW != 0, g.flags&pfX != 0),
			}
			if g.typ == ptLoad {
				e, err := p.entropy(g.off, g.filesz)
				if err != nil {
					return err
				}
				s.Entropy = e
			}
			p.ef.Segments = append(p.ef.Segments, s)
		} else {
			p.truncated["segments"] = true
		}
		if g.typ == ptLoad && g.filesz > 0 && !p.inFile(g.off, g.filesz) {
			errs = append(errs, fmt.Errorf("LOAD segment %d (%d bytes at %#x) past the end of the file", i, g.filesz, g.off))
		}
		if g.typ == ptInterp && !interp {
			interp = true
			n := min(g.filesz, maxInterpLen)
			b, err := p.read(g.off, n)
			if err != nil {
				errs = append(errs, fmt.Errorf("PT_INTERP: %w", err))
				continue
			}
			if i := strings.IndexByte(string(b), 0); i >= 0 {
				b = b[:i]
			}
			p.ef.Interpreter = string(b)
		}
	}
	return errors.Join(errs...)
}

func (p *parser) sectionFacts() error {
	for i, s := range p.sects {
		if i == 0 && s.typ == 0 {
			continue
		}
		if len(p.ef.Sections) == maxListed {
			p.truncated["sections"] = true
			break
		}
		m := model.Section{
			Name:   s.name,
			Offset: clampInt(s.off),
			Size:   clampInt(s.size),
			Flags:  rwx(s.flags&shfAlloc != 0, s.flags&shfWrite != 0, s.flags&shfExecinstr != 0),
		}
		if s.typ == shtNobits {
			m.Size, m.VirtualSize = 0, clampInt(s.size)
		} else {
			if s.size > 0 && !p.inFile(s.off, s.size) {
				p.anomaly("section %q (%d bytes at %#x) runs past the end of the file", s.name, s.size, s.off)
			}
			e, err := p.entropy(s.off, s.size)
			if err != nil {
				return err
			}
			m.Entropy = e
		}
		p.ef.Sections = append(p.ef.Sections, m)
	}
	return nil
}

// entropy measures the bytes of [off, off+n) that are in the file, within
// the entropy budget.
func (p *parser) entropy(off, n uint64) (float64, error) {
	if off >= p.size || n == 0 {
		return 0, nil
	}
	n = min(n, p.size-off)
	if n > p.budget {
		p.truncated["entropy"] = true
		return 0, nil
	}
	p.budget -= n
	var hist entropy.Histogram
	buf := make([]byte, min(n, 64<<10))
	for done := uint64(0); done < n; {
		if err := p.ctx.Err(); err != nil {
			return 0, err
		}
		k := min(uint64(len(buf)), n-done)
		m, err := p.r.ReadAt(buf[:k], int64(off+done))
		hist.Write(buf[:m])
		done += uint64(m)
		if m == 0 || (err != nil && err != io.EOF) {
			n = done
			break
		}
	}
	return hist.Bits(), nil
}

func rwx(r, w, x bool) string {
	s := ""
	if r {
		s += "r"
	}
	if w {
		s += "w"
	}
	if x {
		s += "x"
	}
	return s
}

func clampInt(u uint64) int64 { return int64(min(u, math.MaxInt64)) }

// strtab is a string table: loaded whole when small, else read per name.
type strtab struct {
	p         *parser
	off, size uint64
	data      []byte
}

// strtab opens the table at [off, off+size), clipped to the file.
func (p *parser) strtab(off, size uint64) (*strtab, error) {
	if off > p.size {
		return nil, fmt.Errorf("string table at %#x past the end of the file (%d bytes)", off, p.size)
	}
	if size > p.size-off {
		p.anomaly("string table at %#x (%d bytes) runs past the end of the file", off, size)
		size = p.size - off
	}
	t := &strtab{p: p, off: off, size: size}
	if size <= maxStrtabLoad && size <= p.strLeft {
		b, err := p.read(off, size)
		if err != nil {
			return nil, err
		}
		p.strLeft -= size
		t.data = b
	}
	return t, nil
}

// get returns the NUL-terminated string at i, cut at limit bytes.
func (t *strtab) get(i uint64, limit int) string { return string(t.bytes(i, limit)) }

// bytes is get without the copy for a loaded table: the result may alias
// the table and must not be kept.
func (t *strtab) bytes(i uint64, limit int) []byte {
	if i >= t.size {
		return nil
	}
	if t.data != nil {
		b := t.data[i:]
		if len(b) > limit {
			b = b[:limit]
		}
		if j := bytes.IndexByte(b, 0); j >= 0 {
			b = b[:j]
		}
		return b
	}
	// Read a short prefix first: most names are short, and a hostile
	// file can ask for millions of them; all such reads share a budget.
	var out []byte
	for step := 64; ; step *= 4 {
		want := min(uint64(limit-len(out)), uint64(step), t.size-i-uint64(len(out)))
		if want > t.p.lookupLeft {
			t.p.truncated["names"] = true
			return nil // never a cut name
		}
		t.p.lookupLeft -= want
		b := make([]byte, want)
		n, _ := t.p.r.ReadAt(b, int64(t.off+i+uint64(len(out))))
		b = b[:n]
		if j := bytes.IndexByte(b, 0); j >= 0 {
			return append(out, b[:j]...)
		}
		out = append(out, b...)
		if n < int(want) || len(out) >= limit || uint64(len(out)) >= t.size-i {
			return out
		}
	}
}

// fileOff maps a virtual address to a file offset through the LOAD
// segments, as the loader sees it, with the bytes left in that segment.
func (p *parser) fileOff(addr uint64) (off, left uint64, ok bool) {
	for _, g := range p.progs {
		if g.typ != ptLoad || addr < g.vaddr || addr-g.vaddr >= g.filesz {
			continue
		}
		d := addr - g.vaddr
		if g.off > math.MaxUint64-d {
			continue
		}
		return g.off + d, g.filesz - d, true
	}
	return 0, 0, false
}

func typeName(t uint16) string {
	switch t {
	case 0:
		return "none"
	case etRel:
		return "rel"
	case etExec:
		return "exec"
	case etDyn:
		return "dyn"
	case etCore:
		return "core"
	}
	return fmt.Sprintf("0x%04x", t)
}

func machineName(m uint16, is64, be bool) string {
	pick := func(names ...string) string { // 32le, 32be, 64le, 64be
		i := 0
		if be {
			i++
		}
		if is64 {
			i += 2
		}
		return names[i]
	}
	switch elf.Machine(m) {
	case elf.EM_NONE:
		return "none"
	case elf.EM_386:
		return "i386"
	case elf.EM_X86_64:
		return "x86_64"
	case elf.EM_ARM:
		return pick("arm", "armeb", "arm", "armeb")
	case elf.EM_AARCH64:
		return pick("aarch64", "aarch64_be", "aarch64", "aarch64_be")
	case elf.EM_RISCV:
		return pick("riscv32", "riscv32", "riscv64", "riscv64")
	case elf.EM_PPC:
		return "ppc"
	case elf.EM_PPC64:
		return pick("ppc64le", "ppc64", "ppc64le", "ppc64")
	case elf.EM_S390:
		return pick("s390", "s390", "s390x", "s390x")
	case elf.EM_MIPS:
		return pick("mipsel", "mips", "mips64el", "mips64")
	case elf.EM_LOONGARCH:
		return pick("loongarch32", "loongarch32", "loongarch64", "loongarch64")
	case elf.EM_SPARC:
		return "sparc"
	case elf.EM_SPARCV9:
		return "sparc64"
	case elf.EM_IA_64:
		return "ia64"
	case elf.EM_68K:
		return "m68k"
	case elf.EM_PARISC:
		return "hppa"
	case elf.EM_ALPHA:
		return "alpha"
	case elf.EM_SH:
		return "sh"
	case elf.EM_BPF:
		return "bpf"
	}
	if s := elf.Machine(m).String(); strings.HasPrefix(s, "EM_") {
		return strings.ToLower(strings.TrimPrefix(s, "EM_"))
	}
	return fmt.Sprintf("0x%x", m)
}
