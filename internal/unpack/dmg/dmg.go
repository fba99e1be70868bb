// Package dmg reads Apple UDIF disk images (.dmg): a "koly" trailer in the
// last 512 bytes points to an XML property list whose "blkx" resources each
// describe one partition as a "mish" table of chunks (zero fill, raw,
// ignored, ADC, zlib, bzip2, LZFSE, LZMA). Each partition is emitted as a
// member named after its blkx Name plus ".img" (e.g. "disk image
// (Apple_HFS : 4).img")
// whose Open streams the decoded sectors in order. The file systems inside
// (HFS+, APFS) are not listed here.
//
// Container Meta: "dmg.partitions", "dmg.codesigned" ("true" when the
// trailer points to a code signature; it is not verified here).
//
// # Security
//
//   - The plist must lie inside the input and is at most 16 MiB; its XML
//     nesting is checked (at most 32 deep) with a streaming tokenizer before
//     howett.net/plist parses it, and partitions are bounded by
//     Input.MaxMembers (*limits.Exceeded).
//   - A mish table's chunk count must fit in its data; chunks must lie
//     inside the partition in ascending order, and their compressed bytes
//     inside the input, before the member is emitted.
//   - Each chunk decodes to exactly its sector count: zlib, bzip2 and LZMA
//     stream through a limit; ADC decodes into a buffer of at most 64 MiB
//     and checks every back-reference.
//   - LZFSE chunks fail as unsupported: the available Go decoder buffers
//     its whole output without a bound and trusts its block headers.
package dmg

import (
	"bytes"
	"compress/bzip2"
	"compress/zlib"
	"context"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/ulikunitz/xz/lzma"
	"github.com/xi2/xz"
	"howett.net/plist"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
)

// Name is the format name.
const Name = "dmg"

const (
	trailerLen   = 512
	sectorSize   = 512
	maxPlist     = 16 << 20
	maxPlistNest = 32
	mishHeader   = 204
	chunkLen     = 40
	maxADCOut    = 64 << 20
	maxDict      = 128 << 20
	maxSectors   = 1 << 50 / sectorSize // 1 PiB
)

// Chunk types of a mish table.
const (
	chunkZero    = 0x00000000
	chunkRaw     = 0x00000001
	chunkIgnore  = 0x00000002
	chunkADC     = 0x80000004
	chunkZlib    = 0x80000005
	chunkBzip2   = 0x80000006
	chunkLZFSE   = 0x80000007
	chunkLZMA    = 0x80000008
	chunkComment = 0x7ffffffe
	chunkLast    = 0xffffffff
)

type unpacker struct{}

// New returns the DMG unpacker.
func New() unpack.Unpacker { return unpacker{} }

func (unpacker) Name() string { return Name }

// Match reads the four bytes where the trailer's signature would be.
func (unpacker) Match(in *unpack.Input) bool {
	if in.Size < trailerLen {
		return false
	}
	var sig [4]byte
	if _, err := in.R.ReadAt(sig[:], in.Size-trailerLen); err != nil {
		return false
	}
	return string(sig[:]) == "koly"
}

type chunk struct {
	typ    uint32
	sector uint64 // first sector, relative to the partition
	count  uint64
	off    int64 // of the compressed bytes in the input
	length int64
}

type partition struct {
	name    string
	sectors uint64
	chunks  []chunk
}

type blkx struct {
	Name   string `plist:"Name"`
	CFName string `plist:"CFName"`
	Data   []byte `plist:"Data"`
}

type resources struct {
	ResourceFork struct {
		Blkx []blkx `plist:"blkx"`
	} `plist:"resource-fork"`
}

func (unpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	if in.Size < trailerLen {
		return fmt.Errorf("dmg %q: shorter than its trailer: %w", in.Path, unpack.ErrCorrupt)
	}
	var k [trailerLen]byte
	if _, err := in.R.ReadAt(k[:], in.Size-trailerLen); err != nil {
		return fmt.Errorf("dmg trailer of %q: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	be := binary.BigEndian
	if string(k[:4]) != "koly" {
		return fmt.Errorf("dmg trailer of %q: no koly signature: %w", in.Path, unpack.ErrCorrupt)
	}
	if v := be.Uint32(k[4:]); v != 4 {
		return fmt.Errorf("dmg trailer of %q: version %d: %w", in.Path, v, unpack.ErrUnsupported)
	}
	dataFork := be.Uint64(k[0x18:])
	plistOff, plistLen := be.Uint64(k[0xd8:]), be.Uint64(k[0xe0:])
	sigLen := be.Uint64(k[0x130:])
	end := uint64(in.Size - trailerLen)
	switch {
	case plistLen == 0:
		return fmt.Errorf("dmg %q: no plist (a UDIF without blkx resources): %w", in.Path, unpack.ErrUnsupported)
	case plistOff > end || plistLen > end-plistOff:
		return fmt.Errorf("dmg plist of %q at %d+%d beyond the data (truncated?): %w", in.Path, plistOff, plistLen, unpack.ErrCorrupt)
	case plistLen > maxPlist:
		return fmt.Errorf("dmg plist of %q: %d bytes, over the %d-byte bound: %w", in.Path, plistLen, maxPlist, unpack.ErrUnsupported)
	case dataFork > end:
		return fmt.Errorf("dmg %q: data fork at %d beyond the data: %w", in.Path, dataFork, unpack.ErrCorrupt)
	}
	in.Meta["dmg.codesigned"] = strconv.FormatBool(sigLen > 0)
	raw := make([]byte, plistLen)
	if _, err := in.R.ReadAt(raw, int64(plistOff)); err != nil {
		return fmt.Errorf("dmg plist of %q: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	res, err := parsePlist(raw)
	if err != nil {
		return fmt.Errorf("dmg plist of %q: %v: %w", in.Path, err, unpack.ErrCorrupt)
	}
	blocks := res.ResourceFork.Blkx
	in.Meta["dmg.partitions"] = strconv.Itoa(len(blocks))
	if in.MaxMembers > 0 && len(blocks) > in.MaxMembers {
		return &limits.Exceeded{Limit: "max-members", Value: int64(in.MaxMembers), Seen: int64(len(blocks))}
	}
	var errs []error
	for i, b := range blocks {
		if err := ctx.Err(); err != nil {
			return err
		}
		name := b.Name
		if name == "" {
			name = b.CFName
		}
		if name == "" {
			name = fmt.Sprintf("partition %d", i)
		}
		p, err := parseMish(b.Data, int64(dataFork), in.Size)
		if err != nil {
			errs = append(errs, fmt.Errorf("partition %q: %w", name, err))
			continue
		}
		p.name = name
		m := &unpack.Member{
			Name: name + ".img",
			Type: unpack.TypeFile,
			Size: int64(p.sectors * sectorSize),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(&partReader{in: in, p: p}), nil },
			Meta: map[string]string{"dmg.partition": strconv.Itoa(i)},
		}
		if err := emit(m); err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("dmg %q: %w", in.Path, errors.Join(errs...))
	}
	return nil
}

// parsePlist checks the XML nesting with a streaming tokenizer (so that the
// recursive plist parser never sees a deep document), then decodes it.
func parsePlist(raw []byte) (res *resources, err error) {
	if !bytes.HasPrefix(bytes.TrimLeft(raw, " \t\r\n\ufeff"), []byte("<")) {
		return nil, errors.New("not an XML plist")
	}
	d := xml.NewDecoder(bytes.NewReader(raw))
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("xml: %v", err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxPlistNest {
				return nil, fmt.Errorf("xml nested deeper than %d", maxPlistNest)
			}
		case xml.EndElement:
			depth--
		}
	}
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("plist.Unmarshal panicked: %v", r)
		}
	}()
	res = &resources{}
	if _, err := plist.Unmarshal(raw, res); err != nil {
		return nil, fmt.Errorf("plist.Unmarshal: %v", err)
	}
	return res, nil
}

// parseMish reads a partition's block table and checks every chunk.
func parseMish(b []byte, dataFork, size int64) (*partition, error) {
	be := binary.BigEndian
	if len(b) < mishHeader || string(b[:4]) != "mish" {
		return nil, fmt.Errorf("mish table of %d bytes: %w", len(b), unpack.ErrCorrupt)
	}
	p := &partition{sectors: be.Uint64(b[16:])}
	if p.sectors > maxSectors {
		return nil, fmt.Errorf("%d sectors: %w", p.sectors, unpack.ErrUnsupported)
	}
	dataOff := be.Uint64(b[24:])
	n := uint64(be.Uint32(b[200:]))
	if n > uint64(len(b)-mishHeader)/chunkLen {
		return nil, fmt.Errorf("mish table claims %d chunks in %d bytes: %w", n, len(b), unpack.ErrCorrupt)
	}
	var next uint64 // first sector not yet covered
	for i := range n {
		e := b[mishHeader+i*chunkLen:]
		c := chunk{typ: be.Uint32(e), sector: be.Uint64(e[8:]), count: be.Uint64(e[16:])}
		if c.typ == chunkLast {
			break
		}
		if c.typ == chunkComment {
			continue
		}
		coff, clen := be.Uint64(e[24:]), be.Uint64(e[32:])
		if c.sector < next || c.count > p.sectors || c.sector > p.sectors-c.count {
			return nil, fmt.Errorf("chunk %d: sectors %d+%d outside the partition or out of order: %w", i, c.sector, c.count, unpack.ErrCorrupt)
		}
		next = c.sector + c.count
		switch c.typ {
		case chunkZero, chunkIgnore:
		default:
			// Compressed offsets count from the data fork and the table's
			// data offset (both 0 in images hdiutil writes).
			base := uint64(dataFork) + dataOff
			if base < dataOff || coff > uint64(size) || base > uint64(size)-coff || clen > uint64(size)-base-coff {
				return nil, fmt.Errorf("chunk %d: data %d+%d beyond the input (truncated?): %w", i, base+coff, clen, unpack.ErrCorrupt)
			}
			c.off, c.length = int64(base+coff), int64(clen)
		}
		p.chunks = append(p.chunks, c)
	}
	return p, nil
}

// partReader streams a partition: each chunk decoded to exactly its
// sectors, zeros where no chunk covers.
type partReader struct {
	in   *unpack.Input
	p    *partition
	next int       // index of the next chunk
	pos  uint64    // bytes of the partition produced
	cur  io.Reader // the current chunk's (or gap's) bytes
	end  uint64    // where cur ends
	err  error
}

func (r *partReader) Read(b []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	total := r.p.sectors * sectorSize
	for r.cur == nil || r.pos == r.end {
		if r.pos >= total {
			return 0, io.EOF
		}
		if err := r.advance(); err != nil {
			r.err = err
			return 0, err
		}
	}
	if uint64(len(b)) > r.end-r.pos {
		b = b[:r.end-r.pos]
	}
	n, err := r.cur.Read(b)
	r.pos += uint64(n)
	if err == io.EOF {
		if r.pos < r.end {
			err = fmt.Errorf("dmg partition %q: chunk ends %d bytes early: %w", r.p.name, r.end-r.pos, unpack.ErrCorrupt)
		} else {
			err = nil
		}
	}
	if err != nil {
		if !errors.Is(err, unpack.ErrCorrupt) && !errors.Is(err, unpack.ErrUnsupported) {
			err = fmt.Errorf("dmg partition %q: %v: %w", r.p.name, err, unpack.ErrCorrupt)
		}
		r.err = err
	}
	return n, err
}

// advance sets cur to the next chunk, or to the zeros before it.
func (r *partReader) advance() error {
	total := r.p.sectors * sectorSize
	if r.next >= len(r.p.chunks) {
		r.cur, r.end = zeros{}, total
		return nil
	}
	c := r.p.chunks[r.next]
	if start := c.sector * sectorSize; r.pos < start {
		r.cur, r.end = zeros{}, start
		return nil
	}
	r.next++
	n := c.count * sectorSize
	r.end = r.pos + n
	sec := io.NewSectionReader(r.in.R, c.off, c.length)
	switch c.typ {
	case chunkZero, chunkIgnore:
		r.cur = zeros{}
	case chunkRaw:
		r.cur = sec
	case chunkZlib:
		z, err := zlib.NewReader(sec)
		if err != nil {
			return fmt.Errorf("dmg partition %q: zlib chunk at sector %d: %v: %w", r.p.name, c.sector, err, unpack.ErrCorrupt)
		}
		r.cur = z
	case chunkBzip2:
		r.cur = bzip2.NewReader(sec)
	case chunkADC:
		out, err := adcChunk(sec, c.length, n)
		if err != nil {
			return fmt.Errorf("dmg partition %q: ADC chunk at sector %d: %w", r.p.name, c.sector, err)
		}
		r.cur = bytes.NewReader(out)
	case chunkLZMA:
		lr, err := lzmaChunk(sec)
		if err != nil {
			return fmt.Errorf("dmg partition %q: LZMA chunk at sector %d: %v: %w", r.p.name, c.sector, err, unpack.ErrCorrupt)
		}
		r.cur = lr
	case chunkLZFSE:
		return fmt.Errorf("dmg partition %q: LZFSE chunk at sector %d: %w", r.p.name, c.sector, unpack.ErrUnsupported)
	default:
		return fmt.Errorf("dmg partition %q: chunk type %#x: %w", r.p.name, c.typ, unpack.ErrUnsupported)
	}
	// A decoder that produces more than the chunk's sectors is cut off.
	r.cur = io.LimitReader(r.cur, int64(n))
	return nil
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// lzmaChunk opens an LZMA chunk, as an xz stream or a classic .lzma one.
func lzmaChunk(sec *io.SectionReader) (io.Reader, error) {
	var magic [6]byte
	_, _ = sec.ReadAt(magic[:], 0)
	if string(magic[:]) == "\xfd7zXZ\x00" {
		return xz.NewReader(sec, maxDict)
	}
	return lzma.ReaderConfig{DictCap: maxDict}.NewReader(sec)
}

// adcChunk decodes an Apple Data Compression chunk of clen bytes into
// exactly n bytes.
func adcChunk(r io.Reader, clen int64, n uint64) ([]byte, error) {
	if n > maxADCOut || clen > maxADCOut {
		return nil, fmt.Errorf("%d bytes, over the %d-byte bound: %w", n, maxADCOut, unpack.ErrUnsupported)
	}
	src := make([]byte, clen)
	if _, err := io.ReadFull(r, src); err != nil {
		return nil, fmt.Errorf("%v: %w", err, unpack.ErrCorrupt)
	}
	out := make([]byte, n)
	o, err := adcDecode(src, out)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, unpack.ErrCorrupt)
	}
	if uint64(o) != n {
		return nil, fmt.Errorf("decoded %d of %d bytes: %w", o, n, unpack.ErrCorrupt)
	}
	return out, nil
}

// adcDecode decodes ADC: a byte with the top bit set starts a literal run
// of (b&0x7f)+1 bytes; 01xxxxxx starts a three-byte match of (b&0x3f)+4
// bytes at a 16-bit distance; 00xxxxxx a two-byte match of ((b>>2)&0xf)+3
// bytes at a 10-bit distance. Distances count back from the byte before.
func adcDecode(src, out []byte) (int, error) {
	o := 0
	for i := 0; i < len(src); {
		b := src[i]
		var n, dist int
		switch {
		case b&0x80 != 0:
			n = int(b&0x7f) + 1
			i++
			if i+n > len(src) || o+n > len(out) {
				return o, fmt.Errorf("adc literal run of %d bytes overruns", n)
			}
			copy(out[o:], src[i:i+n])
			i += n
			o += n
			continue
		case b&0x40 != 0:
			if i+3 > len(src) {
				return o, errors.New("adc match truncated")
			}
			n, dist = int(b&0x3f)+4, int(src[i+1])<<8|int(src[i+2])
			i += 3
		default:
			if i+2 > len(src) {
				return o, errors.New("adc match truncated")
			}
			n, dist = int(b>>2&0x0f)+3, int(b&0x03)<<8|int(src[i+1])
			i += 2
		}
		dist++
		if dist > o || o+n > len(out) {
			return o, fmt.Errorf("adc match of %d bytes at distance %d out of range", n, dist)
		}
		for k := 0; k < n; k++ { // may overlap: byte by byte
			out[o] = out[o-dist]
			o++
		}
	}
	return o, nil
}
