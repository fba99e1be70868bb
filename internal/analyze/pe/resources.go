package pe

import (
	"encoding/binary"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

// resEntry is one resource directory entry.
type resEntry struct {
	id     uint32 // when !named
	name   string // when named
	named  bool
	isDir  bool
	target uint32 // offset from the start of the resource directory
}

// resWalk walks the resource tree. Each directory is read at most once
// (visited), at most maxResDepth levels deep, and at most maxResEntries
// entries in all: a tree whose directories point at each other or share
// subdirectories costs no more than one pass over its entries.
type resWalk struct {
	f       *file
	base    uint32
	visited map[uint32]bool
	entries int
	shared  int
}

// resourceFacts counts the resources of each type and decodes the first
// RT_VERSION resource.
func (f *file) resourceFacts(p *model.PEFacts) error {
	d := f.dirs[dirResource]
	if d.va == 0 {
		return nil
	}
	w := &resWalk{f: f, base: d.va, visited: map[uint32]bool{}}
	root := w.dir(0)
	counts := map[string]int{}
	var version *uint32
	for _, e := range root {
		if err := f.ctx.Err(); err != nil {
			return err
		}
		typ := e.name
		if !e.named {
			typ = resourceTypeName(e.id)
		}
		n := 1
		var leaf func(uint32)
		if !e.named && e.id == rtVersion && version == nil {
			leaf = func(off uint32) {
				if version == nil {
					version = &off
				}
			}
		}
		if e.isDir {
			n = w.count(e.target, 1, leaf)
		} else if leaf != nil {
			leaf(e.target)
		}
		if n > 0 {
			counts[typ] += n
		}
	}
	if w.shared > 0 {
		f.problem("resource tree: %d directories referenced more than once", w.shared)
	}
	if len(counts) > 0 {
		p.Resources = counts
	}
	if version != nil {
		if vi := w.versionInfo(*version); len(vi) > 0 {
			p.VersionInfo = vi
		}
	}
	return nil
}

// count returns the number of data entries under the directory at off.
func (w *resWalk) count(off uint32, depth int, leaf func(uint32)) int {
	if depth >= maxResDepth {
		w.f.problem("resource tree deeper than %d levels at offset 0x%x", maxResDepth, off)
		return 0
	}
	if w.visited[off] {
		w.shared++
		return 0
	}
	n := 0
	for _, e := range w.dir(off) {
		if e.isDir {
			n += w.count(e.target, depth+1, leaf)
			continue
		}
		if leaf != nil {
			leaf(e.target)
		}
		n++
	}
	return n
}

// dir reads the entries of the directory at off.
func (w *resWalk) dir(off uint32) []resEntry {
	w.visited[off] = true
	f := w.f
	rva, ok := addRVA(w.base, uint64(off))
	if !ok {
		f.problem("resource directory at offset 0x%x is outside the image", off)
		return nil
	}
	h, err := f.readRVA(rva, 16)
	if err != nil {
		f.problem("resource directory at offset 0x%x: %v", off, err)
		return nil
	}
	le := binary.LittleEndian
	n := int(le.Uint16(h[12:])) + int(le.Uint16(h[14:]))
	if w.entries+n > maxResEntries {
		f.problem("resource tree has more than %d entries; the rest are ignored", maxResEntries)
		n = maxResEntries - w.entries
	}
	if n <= 0 {
		return nil
	}
	w.entries += n
	erva, ok := addRVA(rva, 16)
	if !ok {
		return nil
	}
	b, err := f.readRVA(erva, 8*n)
	if err != nil {
		f.problem("resource directory at offset 0x%x: %d entries: %v", off, n, err)
		return nil
	}
	out := make([]resEntry, 0, n)
	for i := range n {
		name, data := le.Uint32(b[8*i:]), le.Uint32(b[8*i+4:])
		e := resEntry{id: name, isDir: data&0x80000000 != 0, target: data & 0x7fffffff}
		if name&0x80000000 != 0 {
			e.named = true
			e.name = w.name(name & 0x7fffffff)
		}
		out = append(out, e)
	}
	return out
}

// name reads a length-prefixed UTF-16 resource name (at most 64 units).
func (w *resWalk) name(off uint32) string {
	rva, ok := addRVA(w.base, uint64(off))
	if !ok {
		return "?"
	}
	h, err := w.f.readRVA(rva, 2)
	if err != nil {
		return "?"
	}
	n := min(int(binary.LittleEndian.Uint16(h)), 64)
	srva, ok := addRVA(rva, 2)
	if !ok {
		return "?"
	}
	b, err := w.f.readRVA(srva, 2*n)
	if err != nil {
		return "?"
	}
	return utf16String(b)
}

// versionInfo decodes the VS_VERSIONINFO resource whose data entry is at
// off.
func (w *resWalk) versionInfo(off uint32) map[string]string {
	f := w.f
	rva, ok := addRVA(w.base, uint64(off))
	if !ok {
		return nil
	}
	e, err := f.readRVA(rva, 16)
	if err != nil {
		f.problem("RT_VERSION data entry: %v", err)
		return nil
	}
	dataRVA, size := binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:])
	_, avail, ok := f.rvaToOff(dataRVA)
	if !ok {
		f.problem("RT_VERSION data at RVA 0x%x is not in the file", dataRVA)
		return nil
	}
	b, err := f.readRVA(dataRVA, int(min(int64(size), avail, maxVersionInfo)))
	if err != nil {
		f.problem("RT_VERSION data: %v", err)
		return nil
	}
	return parseVersionInfo(b)
}

// verBlock is one node of a VS_VERSIONINFO tree: wLength, wValueLength,
// wType, a NUL-terminated UTF-16 key, padding to 32 bits, the value,
// padding, the children.
type verBlock struct {
	key      string
	value    []byte // from the value's start to the end of the block
	children []byte
}

// readVerBlock reads the block at the start of b and says how far the next
// sibling is.
func readVerBlock(b []byte) (verBlock, int, bool) {
	if len(b) < 6 {
		return verBlock{}, 0, false
	}
	le := binary.LittleEndian
	length := int(le.Uint16(b))
	if length < 6 {
		return verBlock{}, 0, false
	}
	length = min(length, len(b))
	vlen, typ := int(le.Uint16(b[2:])), le.Uint16(b[4:])
	body := b[:length]
	i := 6
	for i+1 < length && (body[i] != 0 || body[i+1] != 0) {
		i += 2
	}
	blk := verBlock{key: utf16String(body[6:min(i, length)])}
	i = min(align4(i+2), length)
	if typ == 1 {
		// Text: the length counts UTF-16 units (some tools write bytes;
		// readers of values stop at the NUL either way).
		vlen *= 2
	}
	blk.value = body[i:]
	blk.children = body[min(align4(i+vlen), length):]
	return blk, align4(length), true
}

func align4(n int) int { return (n + 3) &^ 3 }

// eachChild calls fn for the child blocks in b, at most 256 of them.
func eachChild(b []byte, fn func(verBlock)) {
	for pos, n := 0, 0; pos < len(b) && n < 256; n++ {
		blk, next, ok := readVerBlock(b[pos:])
		if !ok {
			return
		}
		fn(blk)
		pos += next
	}
}

// parseVersionInfo returns the wanted strings of the first string table
// that has each of them.
func parseVersionInfo(b []byte) map[string]string {
	root, _, ok := readVerBlock(b)
	if !ok {
		return nil
	}
	out := map[string]string{}
	eachChild(root.children, func(fileInfo verBlock) {
		if fileInfo.key != "StringFileInfo" {
			return
		}
		eachChild(fileInfo.children, func(table verBlock) {
			eachChild(table.children, func(s verBlock) {
				k, ok := versionKeys[strings.ToLower(s.key)]
				if !ok || out[k] != "" {
					return
				}
				v := strings.TrimSpace(utf16String(s.value))
				if len(v) > 1024 {
					v = strings.ToValidUTF8(v[:1024], "")
				}
				if v != "" {
					out[k] = v
				}
			})
		})
	})
	return out
}
