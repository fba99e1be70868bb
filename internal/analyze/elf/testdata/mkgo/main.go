// Command mkgo writes a small synthetic ELF that carries the Go build info
// blob and the Go build ID note of a real Go binary, copied verbatim, so
// tests and fuzzing exercise Go build info without a 1 MB fixture.
//
//	go run ./mkgo REAL-GO-BINARY OUT
package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: mkgo REAL-GO-BINARY OUT")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "mkgo:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	f, err := elf.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	bi := f.Section(".go.buildinfo")
	if bi == nil {
		return fmt.Errorf("%s: no .go.buildinfo section", in)
	}
	blob, err := bi.Data()
	if err != nil {
		return err
	}
	// Keep the 32-byte header and the two varint-prefixed strings only.
	n := 32
	for range 2 {
		l, k := binary.Uvarint(blob[n:])
		n += k + int(l)
	}
	blob = blob[:n]
	var note []byte
	if s := f.Section(".note.go.buildid"); s != nil {
		if note, err = s.Data(); err != nil {
			return err
		}
	}

	const (
		base    = 0x400000
		blobOff = 0x1000
	)
	le := binary.LittleEndian
	var b bytes.Buffer
	b.Write(make([]byte, blobOff))
	b.Write(blob)
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
	noteOff := b.Len()
	b.Write(note)
	shstr := []byte("\x00.go.buildinfo\x00.note.go.buildid\x00.shstrtab\x00")
	shstrOff := b.Len()
	b.Write(shstr)
	for b.Len()%8 != 0 {
		b.WriteByte(0)
	}
	shOff := b.Len()
	secs := []elf.Section64{
		{},
		{Name: 1, Type: uint32(elf.SHT_PROGBITS), Flags: uint64(elf.SHF_WRITE | elf.SHF_ALLOC), Addr: base + blobOff, Off: blobOff, Size: uint64(len(blob)), Addralign: 16},
		{Name: 15, Type: uint32(elf.SHT_NOTE), Flags: uint64(elf.SHF_ALLOC), Addr: base + uint64(noteOff), Off: uint64(noteOff), Size: uint64(len(note)), Addralign: 4},
		{Name: 32, Type: uint32(elf.SHT_STRTAB), Off: uint64(shstrOff), Size: uint64(len(shstr)), Addralign: 1},
	}
	for _, s := range secs {
		binary.Write(&b, le, s)
	}
	file := b.Bytes()

	var h bytes.Buffer
	hdr := elf.Header64{
		Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: 1,
		Entry: base + blobOff, Phoff: 64, Shoff: uint64(shOff), Ehsize: 64,
		Phentsize: 56, Phnum: 2, Shentsize: 64, Shnum: uint16(len(secs)), Shstrndx: 3,
	}
	copy(hdr.Ident[:], "\x7fELF\x02\x01\x01")
	binary.Write(&h, le, hdr)
	progs := []elf.Prog64{
		{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_W), Off: blobOff, Vaddr: base + blobOff, Paddr: base + blobOff,
			Filesz: uint64(noteOff + len(note) - blobOff), Memsz: uint64(noteOff + len(note) - blobOff), Align: 0x1000},
		{Type: uint32(elf.PT_NOTE), Flags: uint32(elf.PF_R), Off: uint64(noteOff), Vaddr: base + uint64(noteOff), Paddr: base + uint64(noteOff),
			Filesz: uint64(len(note)), Memsz: uint64(len(note)), Align: 4},
	}
	for _, p := range progs {
		binary.Write(&h, le, p)
	}
	copy(file, h.Bytes())
	return os.WriteFile(out, file, 0o644)
}
