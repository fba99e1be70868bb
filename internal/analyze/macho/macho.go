// Package macho records facts about Mach-O files and universal (fat)
// binaries. Per architecture slice it lists the CPU, file type, load
// commands, linked dylibs, imported symbols, initializer counts and
// sections with their entropy, and it checks the code signature: it parses
// the SuperBlob and every CodeDirectory, hashes each page of the slice up to
// the code limit and compares the result with the signed page hashes,
// verifies the CMS signature over the CodeDirectory (without a chain: Apple's
// roots are not on the machine) and measures the bytes after the signature.
//
// # Security
//
// Mach-O headers come from the artifact and may lie. The parser here is our
// own. github.com/blacktop/go-macho v1.1.296 was evaluated and set aside:
// its NewFile allocates straight from header fields (measured here: 1 GiB
// for a 48-byte file whose LC_CODE_SIGNATURE claims 1 GiB, 2 GiB for
// LC_TWOLEVEL_HINTS claiming 2^28 hints, 4 GiB for a 60-byte file whose
// SuperBlob claims 2^28 blobs; the fields go to 2^32), it rejects the whole
// file on one bad command, leaving no partial facts, and it writes to the
// process log on unknown commands. debug/macho does not read code
// signatures and fails as a whole too. Every count and offset here is
// checked against the slice size before anything is read or allocated,
// reads are capped (see Limits), and a problem ends only the part of the
// parse it affects: the facts gathered so far stay, and the problem is
// returned.
//
// # Limits
//
// All hashing, entropy measurement and name reading of one file together
// stop at eight times its size plus 64 MiB (a real file needs about three
// passes); what is skipped is reported. At most 64 slices, 4 MiB of load commands, 1024 sections, 4096 dylibs and
// 65536 imported names per slice; names are cut at 4096 bytes. Section
// entropy is measured over at most twice the slice size in total (sections
// may overlap). A code signature is read when it is at most 64 MiB, with at
// most 8 CodeDirectories and a CMS blob of at most 4 MiB. Chained-fixup
// imports are read when the fixups are at most 64 MiB and uncompressed.
package macho

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the analyzer.
const Name = "macho"

const (
	maxSlices = 64
)

type analyzer struct{}

// New returns the Mach-O analyzer.
func New() analyze.Analyzer { return analyzer{} }

func (analyzer) Name() string { return Name }
func (analyzer) Match(kind string) bool {
	return kind == identify.MachO || kind == identify.MachOFat
}

func (analyzer) Analyze(ctx context.Context, in *analyze.Input, f *model.File) error {
	mf := &model.MachOFacts{}
	f.Facts.MachO = mf
	if in.Kind == identify.MachOFat {
		return analyzeFat(ctx, in.R, in.Size, mf)
	}
	mf.Slices = []model.MachOSlice{{Size: in.Size}}
	if err := parseSlice(ctx, in.R, in.Size, &mf.Slices[0], newBudget(in.Size)); err != nil {
		mf.Slices[0].Error = analyze.OneLine(err)
		return err
	}
	return nil
}

// analyzeFat walks the fat header and parses each slice in its own bounds.
// A broken slice does not stop the others.
func analyzeFat(ctx context.Context, r io.ReaderAt, size int64, mf *model.MachOFacts) error {
	mf.Fat = true
	var h [8]byte
	if err := readFull(r, h[:], 0, size); err != nil {
		return fmt.Errorf("reading fat header: %w", err)
	}
	magic, narch := binary.BigEndian.Uint32(h[:]), binary.BigEndian.Uint32(h[4:])
	entSize := int64(20)
	if magic == 0xcafebabf {
		entSize = 32
	} else if magic != 0xcafebabe {
		return fmt.Errorf("fat header: bad magic %#x", magic)
	}
	var errs []error
	if narch == 0 {
		return errors.New("fat header lists no architectures")
	}
	n := int64(narch)
	if n > maxSlices {
		errs = append(errs, fmt.Errorf("fat header lists %d architectures, reading the first %d", narch, maxSlices))
		n = maxSlices
	}
	if avail := (size - 8) / entSize; n > avail {
		errs = append(errs, fmt.Errorf("fat header lists %d architectures, the file holds %d", narch, avail))
		n = avail
	}
	hdrEnd := 8 + n*entSize
	ents := make([]byte, n*entSize)
	if err := readFull(r, ents, 8, size); err != nil {
		return fmt.Errorf("reading fat architectures: %w", err)
	}
	var end int64 = hdrEnd
	work := newBudget(size)
	for i := range n {
		if err := ctx.Err(); err != nil {
			return err
		}
		e := ents[i*entSize:]
		cpu, sub := binary.BigEndian.Uint32(e[0:]), binary.BigEndian.Uint32(e[4:])
		var off, sz uint64
		if entSize == 32 {
			off, sz = binary.BigEndian.Uint64(e[8:]), binary.BigEndian.Uint64(e[16:])
		} else {
			off, sz = uint64(binary.BigEndian.Uint32(e[8:])), uint64(binary.BigEndian.Uint32(e[12:]))
		}
		s := model.MachOSlice{CPU: cpuName(cpu, sub), Offset: clampInt(off), Size: clampInt(sz)}
		serr := func() error {
			if off >= uint64(size) {
				return fmt.Errorf("slice at %d is past the end of the file (%d bytes)", off, size)
			}
			if int64(off) < hdrEnd {
				return fmt.Errorf("slice at %d overlaps the fat header", off)
			}
			avail := min(sz, uint64(size)-off)
			end = max(end, int64(off+avail))
			err := parseSlice(ctx, io.NewSectionReader(r, int64(off), int64(avail)), int64(avail), &s, work)
			if got := s.CPU; got != cpuName(cpu, sub) {
				err = errors.Join(err, fmt.Errorf("fat header says %s, slice header says %s", cpuName(cpu, sub), got))
			}
			if avail < sz {
				err = errors.Join(err, fmt.Errorf("slice is cut short: %d of %d bytes present", avail, sz))
			}
			return err
		}()
		if serr != nil {
			s.Error = analyze.OneLine(serr)
			errs = append(errs, fmt.Errorf("slice %d (%s): %w", i, s.CPU, serr))
		}
		mf.Slices = append(mf.Slices, s)
	}
	if end < size {
		mf.Overlay = &model.Region{Offset: end, Size: size - end}
		if work.take(size - end) {
			ent, err := entropyAt(ctx, r, end, size-end, size)
			if err != nil {
				errs = append(errs, err)
			}
			mf.Overlay.Entropy = ent
		}
	}
	return errors.Join(errs...)
}

// budget bounds the bytes one file may cost to hash, measure and read
// names from, across all its slices: fat slices may overlap and a slice may
// hold several CodeDirectories, so per-slice bounds alone multiply. A real
// file needs about three passes over its bytes.
type budget struct{ left int64 }

func newBudget(size int64) *budget { return &budget{8*size + 64<<20} }

// take reports whether n more bytes fit, and spends them if so.
func (b *budget) take(n int64) bool {
	if n > b.left {
		return false
	}
	b.left -= n
	return true
}

func cpuName(t, sub uint32) string {
	sub &= 0x00ffffff // the top byte holds capability bits
	switch t {
	case 7:
		return "i386"
	case 0x01000007:
		if sub == 8 {
			return "x86_64h"
		}
		return "x86_64"
	case 12:
		switch sub {
		case 6:
			return "armv6"
		case 9:
			return "armv7"
		case 11:
			return "armv7s"
		case 12:
			return "armv7k"
		}
		return "arm"
	case 0x0100000c:
		if sub == 2 {
			return "arm64e"
		}
		return "arm64"
	case 0x0200000c:
		return "arm64_32"
	case 18:
		return "ppc"
	case 0x01000012:
		return "ppc64"
	}
	return fmt.Sprintf("cpu-%#x", t)
}

var fileTypes = map[uint32]string{
	1: "object", 2: "execute", 3: "fvmlib", 4: "core", 5: "preload", 6: "dylib",
	7: "dylinker", 8: "bundle", 9: "dylib-stub", 10: "dsym", 11: "kext", 12: "fileset",
}

func fileType(t uint32) string {
	if s, ok := fileTypes[t]; ok {
		return s
	}
	return fmt.Sprintf("type-%#x", t)
}

// readFull reads len(p) bytes at off, which must lie within size.
func readFull(r io.ReaderAt, p []byte, off, size int64) error {
	if off < 0 || off > size || int64(len(p)) > size-off {
		return fmt.Errorf("%d bytes at %d: past the end (%d bytes)", len(p), off, size)
	}
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

func clampInt(v uint64) int64 {
	if v > 1<<63-1 {
		return 1<<63 - 1
	}
	return int64(v)
}
