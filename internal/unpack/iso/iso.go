// Package iso reads ISO 9660 images (ECMA-119) with their Rock Ridge
// (RRIP over SUSP) and Joliet extensions. When the primary tree has Rock
// Ridge names it is walked with them; otherwise the Joliet tree, when there
// is one; otherwise the primary tree with its 8.3 names (";1" versions
// removed).
//
// The reader is our own: github.com/kdomanski/iso9660 follows directory
// extents without cycle detection or bounds, slices system-use areas with
// unchecked offsets, and has no Joliet support.
//
// # Security
//
//   - At most 64 volume descriptors are read.
//   - Directories are walked breadth first from a queue, so memory is one
//     directory extent (at most 16 MiB) plus the queue. A directory extent
//     already visited (a loop: a subdirectory pointing at its parent) is
//     not walked again, depth is capped at 64, and all directory extents
//     together may not exceed the image size.
//   - Every extent is checked against the image size; a file whose data
//     lies beyond it (a truncated image) fails its own Open.
//   - The member count is bounded by Input.MaxMembers (*limits.Exceeded).
//   - Rock Ridge continuation areas are followed at most 16 deep per
//     record; names and link targets are capped at 4 KiB.
package iso

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
)

// Name is the format name.
const Name = "iso9660"

const (
	sectorSize     = 2048
	firstVDSector  = 16
	maxDescriptors = 64
	maxDepth       = 64
	maxDirExtent   = 16 << 20
	maxCE          = 16
	maxNameLen     = 4096
	maxExtents     = 4096 // per multi-extent file
)

type unpacker struct{}

// New returns the ISO 9660 unpacker.
func New() unpack.Unpacker { return unpacker{} }

func (unpacker) Name() string { return Name }

// Match looks for "CD001" in the first volume descriptor (sector 16), or
// in the next two, where some hybrid images start theirs.
func (unpacker) Match(in *unpack.Input) bool {
	for _, off := range []int{0x8001, 0x8801, 0x9001} {
		if len(in.Head) >= off+5 && string(in.Head[off:off+5]) == "CD001" {
			return true
		}
	}
	return false
}

// record is a parsed directory record.
type record struct {
	extent uint32 // first logical block
	xattr  uint32 // extended attribute record length, in blocks
	length uint32
	flags  byte
	unit   byte // interleaved file unit size
	ident  []byte
	date   time.Time
	su     []byte // system use area
}

// File flags of a directory record.
const (
	flagDir        = 0x02
	flagMultiExent = 0x80
)

type image struct {
	in        *unpack.Input
	blockSize int64
	rockRidge bool
	joliet    bool
	suspSkip  int // SUSP LEN_SKP from the root's SP entry
	dirBytes  int64
	members   int
	beyond    int // files whose data lies past the end of the image
	errs      []error
}

func (unpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	im := &image{in: in}
	pvd, svd, err := im.descriptors()
	if err != nil {
		return err
	}
	in.Meta["iso.volume_id"] = strings.TrimRight(string(pvd[40:72]), " \x00")
	im.blockSize = int64(binary.LittleEndian.Uint16(pvd[128:]))
	switch im.blockSize {
	case 512, 1024, 2048:
	default:
		return fmt.Errorf("iso9660 %q: logical block size %d: %w", in.Path, im.blockSize, unpack.ErrUnsupported)
	}
	proot, err := parseRecord(pvd[156:190])
	if err != nil {
		return fmt.Errorf("iso9660 %q: primary root record: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	im.detectRockRidge(proot)
	in.Meta["iso.rockridge"] = fmt.Sprint(im.rockRidge)
	in.Meta["iso.joliet"] = fmt.Sprint(svd != nil)
	root := proot
	if !im.rockRidge && svd != nil {
		if jroot, err := parseRecord(svd[156:190]); err == nil {
			root, im.joliet = jroot, true
		}
	}
	if err := im.walk(ctx, root, emit); err != nil {
		return err
	}
	if im.beyond > 0 {
		im.errs = append(im.errs, fmt.Errorf("%d files with data beyond the end of the image (truncated?): %w", im.beyond, unpack.ErrCorrupt))
	}
	if len(im.errs) > 0 {
		return fmt.Errorf("iso9660 %q: %w", in.Path, errors.Join(im.errs...))
	}
	return nil
}

// descriptors reads the volume descriptor set and returns the primary and
// the Joliet supplementary descriptor (nil when absent).
func (im *image) descriptors() (pvd, svd []byte, err error) {
	in := im.in
	for i := range maxDescriptors {
		b := make([]byte, sectorSize)
		if _, err := in.R.ReadAt(b, int64(firstVDSector+i)*sectorSize); err != nil {
			break
		}
		if string(b[1:6]) != "CD001" {
			break
		}
		switch b[0] {
		case 0: // boot record
			if bytes.HasPrefix(b[7:], []byte("EL TORITO SPECIFICATION")) {
				in.Meta["iso.eltorito"] = "true"
			}
		case 1:
			if pvd == nil {
				pvd = b
			}
		case 2:
			// Joliet is a supplementary descriptor whose escape sequences
			// name UCS-2 level 1, 2 or 3.
			if svd == nil && b[88] == '%' && b[89] == '/' && bytes.IndexByte([]byte("@CE"), b[90]) >= 0 {
				svd = b
			}
		}
		if b[0] == 255 {
			break
		}
	}
	if pvd == nil {
		return nil, nil, fmt.Errorf("iso9660 %q: no primary volume descriptor: %w", in.Path, unpack.ErrCorrupt)
	}
	return pvd, svd, nil
}

// parseRecord parses one directory record; b is exactly the record.
func parseRecord(b []byte) (record, error) {
	var r record
	if len(b) < 34 || int(b[0]) != len(b) {
		return r, fmt.Errorf("directory record of %d bytes", len(b))
	}
	n := int(b[32])
	if 33+n > len(b) {
		return r, fmt.Errorf("identifier of %d bytes overruns a %d-byte record", n, len(b))
	}
	r.xattr = uint32(b[1])
	r.extent = binary.LittleEndian.Uint32(b[2:])
	r.length = binary.LittleEndian.Uint32(b[10:])
	r.date = recordTime(b[18:25])
	r.flags = b[25]
	r.unit = b[26]
	r.ident = b[33 : 33+n]
	su := 33 + n
	if n%2 == 0 {
		su++ // padding byte after an even-length identifier
	}
	if su < len(b) {
		r.su = b[su:]
	}
	return r, nil
}

// recordTime decodes the 7-byte recording date of a directory record.
func recordTime(b []byte) time.Time {
	if b[1] < 1 || b[1] > 12 || b[2] < 1 || b[2] > 31 {
		return time.Time{}
	}
	zone := time.FixedZone("", int(int8(b[6]))*15*60)
	return time.Date(1900+int(b[0]), time.Month(b[1]), int(b[2]), int(b[3]), int(b[4]), int(b[5]), 0, zone)
}

// isDot reports the "." and ".." records, whose identifiers are 0 and 1.
func (r *record) isDot() bool { return len(r.ident) == 1 && r.ident[0] <= 1 }

// detectRockRidge looks for SUSP's SP entry at the start of the root's "."
// record and an RRIP entry after it.
func (im *image) detectRockRidge(root record) {
	b, err := im.readDirSector(root.extent)
	if err != nil || len(b) == 0 || int(b[0]) < 34 || int(b[0]) > len(b) {
		return
	}
	dot, err := parseRecord(b[:b[0]])
	if err != nil || !dot.isDot() {
		return
	}
	su := dot.su
	if len(su) < 7 || string(su[:2]) != "SP" || su[2] < 7 || su[4] != 0xbe || su[5] != 0xef {
		return
	}
	im.suspSkip = int(su[6])
	im.forEntry(su, 0, func(sig string, _ []byte) bool {
		switch sig {
		case "RR", "PX", "NM", "ER":
			im.rockRidge = true
			return false
		}
		return true
	})
}

// readDirSector reads the first sector of a directory extent.
func (im *image) readDirSector(extent uint32) ([]byte, error) {
	off := int64(extent) * im.blockSize
	if off+sectorSize > im.in.Size {
		return nil, io.ErrUnexpectedEOF
	}
	b := make([]byte, sectorSize)
	_, err := im.in.R.ReadAt(b, off)
	return b, err
}

// forEntry calls fn for each SUSP entry of a system use area, following
// continuation (CE) areas; fn returns false to stop.
func (im *image) forEntry(su []byte, skip int, fn func(sig string, data []byte) bool) {
	if skip > len(su) {
		return
	}
	area := su[skip:]
	for hops := 0; ; hops++ {
		var next []byte
		for len(area) >= 4 {
			n := int(area[2])
			if n < 4 || n > len(area) {
				break
			}
			e := area[:n]
			area = area[n:]
			sig := string(e[:2])
			if sig == "ST" {
				break
			}
			if sig == "CE" && n >= 28 {
				next = im.continuation(e)
				continue
			}
			if !fn(sig, e) {
				return
			}
		}
		if next == nil || hops >= maxCE {
			return
		}
		area = next
	}
}

// continuation reads the area a CE entry points to.
func (im *image) continuation(e []byte) []byte {
	block := int64(binary.LittleEndian.Uint32(e[4:]))
	off := int64(binary.LittleEndian.Uint32(e[12:]))
	n := int64(binary.LittleEndian.Uint32(e[20:]))
	start := block*im.blockSize + off
	if n == 0 || n > sectorSize || start+n > im.in.Size {
		return nil
	}
	b := make([]byte, n)
	if _, err := im.in.R.ReadAt(b, start); err != nil {
		return nil
	}
	return b
}

// rrInfo is what the Rock Ridge entries of one record say.
type rrInfo struct {
	name     string
	hasName  bool
	mode     uint32
	hasMode  bool
	link     string
	hasLink  bool
	child    uint32 // CL: the relocated directory's extent
	hasChild bool
	moved    bool // RE: this is the relocated directory itself
}

func (im *image) rockRidgeInfo(r *record) rrInfo {
	var ri rrInfo
	var name, link []byte
	linkSep := false
	im.forEntry(r.su, im.suspSkip, func(sig string, e []byte) bool {
		switch sig {
		case "NM":
			if len(e) >= 5 && e[4]&0x06 == 0 && len(name)+len(e)-5 <= maxNameLen {
				name = append(name, e[5:]...)
				ri.hasName = true
			}
		case "PX":
			if len(e) >= 8 {
				ri.mode, ri.hasMode = binary.LittleEndian.Uint32(e[4:]), true
			}
		case "SL":
			if len(e) < 5 {
				break
			}
			ri.hasLink = true
			// Components: flags, length, content.
			for c := e[5:]; len(c) >= 2 && int(c[1])+2 <= len(c); {
				flags, n := c[0], int(c[1])
				var part string
				switch {
				case flags&0x02 != 0:
					part = "."
				case flags&0x04 != 0:
					part = ".."
				case flags&0x08 != 0:
					part = "/"
				default:
					part = string(c[2 : 2+n])
				}
				if linkSep && !strings.HasSuffix(string(link), "/") {
					link = append(link, '/')
				}
				if len(link)+len(part) <= maxNameLen {
					link = append(link, part...)
				}
				// A component continued (flag 1) in the next one is
				// joined without a separator.
				linkSep = flags&0x01 == 0
				c = c[2+n:]
			}
		case "CL":
			if len(e) >= 8 {
				ri.child, ri.hasChild = binary.LittleEndian.Uint32(e[4:]), true
			}
		case "RE":
			ri.moved = true
		}
		return true
	})
	ri.name, ri.link = string(name), string(link)
	return ri
}

// dirJob is a directory waiting in the walk queue.
type dirJob struct {
	path   string
	extent uint32
	length uint32
	depth  int
}

func (im *image) walk(ctx context.Context, root record, emit unpack.Emit) error {
	visited := map[uint32]bool{}
	queue := []dirJob{{extent: root.extent, length: root.length}}
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		d := queue[0]
		queue = queue[1:]
		if visited[d.extent] {
			im.errs = append(im.errs, fmt.Errorf("directory %q: extent %d already walked (a loop): %w", d.path, d.extent, unpack.ErrCorrupt))
			continue
		}
		visited[d.extent] = true
		subdirs, err := im.dir(d, emit)
		if err != nil {
			return err
		}
		queue = append(queue, subdirs...)
	}
	return nil
}

// dir emits the entries of one directory and returns its subdirectories.
func (im *image) dir(d dirJob, emit unpack.Emit) ([]dirJob, error) {
	in := im.in
	off := int64(d.extent) * im.blockSize
	n := int64(d.length)
	switch {
	case n > maxDirExtent:
		im.errs = append(im.errs, fmt.Errorf("directory %q: extent of %d bytes: %w", d.path, n, unpack.ErrUnsupported))
		return nil, nil
	case off+n > in.Size:
		im.errs = append(im.errs, fmt.Errorf("directory %q: extent %d+%d beyond the %d-byte image: %w", d.path, off, n, in.Size, unpack.ErrCorrupt))
		return nil, nil
	case im.dirBytes+n > in.Size:
		im.errs = append(im.errs, fmt.Errorf("directory %q: directories larger than the image: %w", d.path, unpack.ErrCorrupt))
		return nil, nil
	}
	im.dirBytes += n
	buf := make([]byte, n)
	if _, err := in.R.ReadAt(buf, off); err != nil {
		im.errs = append(im.errs, fmt.Errorf("directory %q: %v: %w", d.path, err, unpack.ErrCorrupt))
		return nil, nil
	}
	var subdirs []dirJob
	var parts []record // extents of a multi-extent file so far
	for i := 0; i < len(buf); {
		rl := int(buf[i])
		if rl == 0 {
			// Records never cross a sector: the rest is padding.
			i = (i/sectorSize + 1) * sectorSize
			continue
		}
		if rl < 34 || i%sectorSize+rl > sectorSize || i+rl > len(buf) {
			im.errs = append(im.errs, fmt.Errorf("directory %q: bad record at byte %d: %w", d.path, i, unpack.ErrCorrupt))
			break
		}
		r, err := parseRecord(buf[i : i+rl])
		i += rl
		if err != nil {
			im.errs = append(im.errs, fmt.Errorf("directory %q: %v: %w", d.path, err, unpack.ErrCorrupt))
			break
		}
		if r.isDot() {
			continue
		}
		if r.flags&flagMultiExent != 0 && r.flags&flagDir == 0 {
			if len(parts) < maxExtents {
				parts = append(parts, r)
			}
			continue
		}
		sub, err := im.entry(d, r, parts, emit)
		parts = nil
		if err != nil {
			return nil, err
		}
		if sub != nil {
			subdirs = append(subdirs, *sub)
		}
	}
	return subdirs, nil
}

// entry emits one directory entry (r, preceded by the extents of a
// multi-extent file) and returns it as a directory to walk, if it is one.
func (im *image) entry(d dirJob, r record, parts []record, emit unpack.Emit) (*dirJob, error) {
	var ri rrInfo
	if im.rockRidge {
		ri = im.rockRidgeInfo(&r)
		if ri.moved {
			// Shown where its CL entry points from, not in rr_moved.
			return nil, nil
		}
	}
	name := im.name(&r, &ri)
	p := name
	if d.path != "" {
		p = d.path + "/" + name
	}
	im.members++
	if im.in.MaxMembers > 0 && im.members > im.in.MaxMembers {
		return nil, &limits.Exceeded{Limit: "max-members", Value: int64(im.in.MaxMembers), Seen: int64(im.members)}
	}
	m := &unpack.Member{Name: p, ModTime: r.date, Size: -1}
	isDir := r.flags&flagDir != 0
	extent, length := r.extent, r.length
	if ri.hasChild {
		// A Rock Ridge "child link": a deep directory moved elsewhere.
		isDir, extent, length = true, ri.child, im.dotLength(ri.child)
	}
	if ri.hasMode {
		m.Mode = unpack.UnixMode(uint64(ri.mode))
	}
	switch {
	case isDir:
		m.Type, m.Size = unpack.TypeDir, 0
		m.Mode |= fs.ModeDir
	case ri.hasLink || ri.hasMode && ri.mode&0xf000 == 0xa000:
		m.Type, m.Size, m.LinkTarget = unpack.TypeSymlink, 0, ri.link
	case ri.hasMode && ri.mode&0xf000 != 0 && ri.mode&0xf000 != 0x8000:
		m.Type, m.Size = unpack.TypeOther, 0
	default:
		m.Type = unpack.TypeFile
		m.Size, m.Open = im.fileData(p, append(parts, r))
	}
	if err := emit(m); err != nil {
		return nil, err
	}
	if !isDir {
		return nil, nil
	}
	if d.depth+1 > maxDepth {
		im.errs = append(im.errs, fmt.Errorf("directory %q: deeper than %d: %w", p, maxDepth, unpack.ErrUnsupported))
		return nil, nil
	}
	return &dirJob{path: p, extent: extent, length: length, depth: d.depth + 1}, nil
}

// dotLength reads the length of a directory from its own "." record.
func (im *image) dotLength(extent uint32) uint32 {
	b, err := im.readDirSector(extent)
	if err != nil || int(b[0]) < 34 || int(b[0]) > len(b) {
		return 0
	}
	r, err := parseRecord(b[:b[0]])
	if err != nil {
		return 0
	}
	return r.length
}

// name picks the entry's name: Rock Ridge, Joliet, or ISO 9660 without
// its ";1" version (and the "." of a name without extension).
func (im *image) name(r *record, ri *rrInfo) string {
	if ri.hasName {
		return ri.name
	}
	var s string
	if im.joliet {
		u := make([]uint16, len(r.ident)/2)
		for i := range u {
			u[i] = binary.BigEndian.Uint16(r.ident[2*i:])
		}
		s = string(utf16.Decode(u))
	} else {
		s = string(r.ident)
	}
	if r.flags&flagDir == 0 {
		if i := strings.LastIndexByte(s, ';'); i >= 0 {
			s = s[:i]
		}
		if !im.joliet {
			s = strings.TrimSuffix(s, ".")
		}
	}
	return s
}

// fileData returns the size and Open of a file made of one or more
// extents, checking each against the image.
func (im *image) fileData(p string, parts []record) (int64, func() (io.ReadCloser, error)) {
	var size int64
	var readers []io.Reader
	var bad error
	for _, r := range parts {
		size += int64(r.length)
		start := (int64(r.extent) + int64(r.xattr)) * im.blockSize
		switch {
		case r.unit != 0:
			bad = fmt.Errorf("interleaved file: %w", unpack.ErrUnsupported)
		case start+int64(r.length) > im.in.Size:
			bad = fmt.Errorf("extent %d+%d beyond the %d-byte image (truncated?): %w", start, r.length, im.in.Size, unpack.ErrCorrupt)
			im.beyond++
		default:
			readers = append(readers, io.NewSectionReader(im.in.R, start, int64(r.length)))
		}
	}
	return size, func() (io.ReadCloser, error) {
		if bad != nil {
			return nil, fmt.Errorf("iso9660 member %q: %w", p, bad)
		}
		return io.NopCloser(io.MultiReader(readers...)), nil
	}
}
