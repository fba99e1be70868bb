// Package cab reads Microsoft Cabinet files (MS-CAB): the archives inside
// MSI installers, Windows updates and driver packages.
//
// Folders stored uncompressed ("none") or with MSZIP are decoded here, MSZIP
// with compress/flate and the 32 KiB dictionary carried from one CFDATA block
// to the next as the format requires. LZX and Quantum folders have no Go
// decoder: their files are still listed, with names and sizes, but Open
// returns an error wrapping [unpack.ErrUnsupported]. A cabinet that is part of
// a spanned set is read as far as it goes; files that continue from or into
// another cabinet fail to Open with [unpack.ErrUnsupported].
//
// The reader is exported ([Open], [Cabinet.Walk], [Walk]) for the msi
// package, whose files live in embedded or sibling cabinets.
//
// # Security
//
// Every count, offset and size in CFHEADER, CFFOLDER, CFFILE and CFDATA is
// checked against the input before it is used or allocated; names are capped
// at 256 bytes and each CFDATA block at 32 KiB of output. Block checksums are
// verified. Files listed out of order make a folder be decoded again from its
// start (MSZIP blocks depend on the previous ones), so the bytes decoded for
// one cabinet are bounded by a budget derived from the file sizes it declares,
// and decoding stops when the context is cancelled.
package cab

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vouch-sec/vouch/internal/unpack"
)

// Name is the format name.
const Name = "cab"

// Sizes and bounds from MS-CAB.
const (
	headerSize     = 36
	fileHeaderSize = 16
	dataHeaderSize = 8
	maxBlock       = 32 << 10 // CFDATA.cbUncomp limit
	// MSZIP may expand incompressible input slightly; 6 KiB of slack is
	// what MS-CAB allows for any method.
	maxCompressedBlock = maxBlock + 6144
	maxName            = 256
	// decodeSlack is the decode budget every cabinet gets on top of
	// twice the sum of its file sizes.
	decodeSlack = 64 << 20
)

// CFHEADER.flags.
const (
	flagPrevCabinet    = 0x0001
	flagNextCabinet    = 0x0002
	flagReservePresent = 0x0004
)

// Special CFFILE.iFolder values for files split across cabinets.
const (
	folderContinuedFromPrev    = 0xFFFD
	folderContinuedToNext      = 0xFFFE
	folderContinuedPrevAndNext = 0xFFFF
)

// CFFILE.attribs bit: the name is UTF-8 rather than the OEM code page.
const attrNameIsUTF = 0x80

// Compression methods, the low nibble of CFFOLDER.typeCompress.
const (
	methodNone    = 0
	methodMSZIP   = 1
	methodQuantum = 2
	methodLZX     = 3
)

// Compression is a CFFOLDER.typeCompress value.
type Compression uint16

// Method is the compression method without its window/level bits.
func (c Compression) Method() int { return int(c & 0x000F) }

func (c Compression) String() string {
	switch c.Method() {
	case methodNone:
		return "none"
	case methodMSZIP:
		return "MSZIP"
	case methodQuantum:
		return "Quantum"
	case methodLZX:
		return "LZX"
	}
	return "type " + strconv.Itoa(c.Method())
}

// Folder is one CFFOLDER: a run of CFDATA blocks compressed as one stream.
type Folder struct {
	Compression Compression
	Blocks      int   // CFDATA blocks in this cabinet
	dataOff     int64 // offset of the first CFDATA
}

// File is one CFFILE entry.
type File struct {
	// Name is the stored name with '\' turned into '/'.
	Name string
	Size int64
	// Folder indexes Cabinet.Folders, or is -1 when the file has no
	// folder in this cabinet (continued from a previous one, or corrupt).
	Folder  int
	Offset  int64 // uncompressed offset within the folder
	ModTime time.Time
	Attribs uint16
	iFolder uint16
}

// Cabinet is a parsed cabinet header with its folder and file tables.
type Cabinet struct {
	// Declared is CFHEADER.cbCabinet, the cabinet's size without any
	// Authenticode signature appended to it.
	Declared int64
	SetID    uint16
	Index    uint16 // position in a spanned set
	// Prev and Next name the neighbouring cabinets of a spanned set.
	Prev, Next string
	Folders    []Folder
	Files      []File
	// Signed reports an Authenticode signature reserve area (MS-CAB
	// signing puts its offset and size in the header reserve);
	// SigOffset/SigSize locate the PKCS#7 blob. Not verified here.
	Signed             bool
	SigOffset, SigSize int64
	// IgnoreChecksums skips the CFDATA checksum test, for salvaging a
	// damaged cabinet. By default a mismatch is corrupt data.
	IgnoreChecksums bool

	r           io.ReaderAt
	size        int64
	reserveData int // CFDATA reserve bytes
	budget      int64
	work        int64
	ctx         context.Context
	dec         *decoder
}

func corruptf(format string, a ...any) error {
	return fmt.Errorf(format+": %w", append(a, unpack.ErrCorrupt)...)
}

// Open parses the header, folder table and file table of the cabinet in r.
// When the file table is cut short, Open returns the cabinet with the files
// read so far together with an error wrapping [unpack.ErrCorrupt]; a nil
// Cabinet means nothing could be read.
func Open(r io.ReaderAt, size int64) (*Cabinet, error) {
	if size < headerSize {
		return nil, corruptf("cab header: %d bytes, need %d", size, headerSize)
	}
	var h [headerSize]byte
	if err := readFull(r, size, h[:], 0); err != nil {
		return nil, corruptf("cab header: %v", err)
	}
	if string(h[:4]) != "MSCF" {
		return nil, corruptf("cab header: bad signature %q", h[:4])
	}
	if h[25] != 1 {
		return nil, fmt.Errorf("cab version %d.%d: %w", h[25], h[24], unpack.ErrUnsupported)
	}
	c := &Cabinet{
		r: r, size: size,
		Declared: int64(le32(h[8:])),
		SetID:    le16(h[32:]),
		Index:    le16(h[34:]),
		ctx:      context.Background(),
	}
	coffFiles := int64(le32(h[16:]))
	nFolders, nFiles, flags := int(le16(h[26:])), int(le16(h[28:])), le16(h[30:])

	off := int64(headerSize)
	reserveFolder := 0
	if flags&flagReservePresent != 0 {
		var rs [4]byte
		if err := readFull(r, size, rs[:], off); err != nil {
			return nil, corruptf("cab reserve sizes: %v", err)
		}
		cbHeader := int64(le16(rs[:]))
		reserveFolder, c.reserveData = int(rs[2]), int(rs[3])
		off += 4
		if cbHeader > size-off {
			return nil, corruptf("cab header reserve of %d bytes beyond end of file", cbHeader)
		}
		reserve := make([]byte, cbHeader)
		if err := readFull(r, size, reserve, off); err != nil {
			return nil, corruptf("cab header reserve: %v", err)
		}
		c.parseSignature(reserve)
		off += cbHeader
	}
	var err error
	if flags&flagPrevCabinet != 0 {
		if c.Prev, off, err = readString(r, size, off); err == nil {
			_, off, err = readString(r, size, off) // szDiskPrev
		}
		if err != nil {
			return nil, corruptf("cab previous cabinet name: %v", err)
		}
	}
	if flags&flagNextCabinet != 0 {
		if c.Next, off, err = readString(r, size, off); err == nil {
			_, off, err = readString(r, size, off) // szDiskNext
		}
		if err != nil {
			return nil, corruptf("cab next cabinet name: %v", err)
		}
	}

	entry := int64(8 + reserveFolder)
	if int64(nFolders)*entry > size-off {
		return nil, corruptf("cab folder table: %d folders do not fit in %d bytes", nFolders, size)
	}
	ft := make([]byte, int64(nFolders)*entry)
	if err := readFull(r, size, ft, off); err != nil {
		return nil, corruptf("cab folder table: %v", err)
	}
	c.Folders = make([]Folder, nFolders)
	for i := range c.Folders {
		e := ft[int64(i)*entry:]
		c.Folders[i] = Folder{dataOff: int64(le32(e)), Blocks: int(le16(e[4:])), Compression: Compression(le16(e[6:]))}
	}

	if coffFiles > size {
		return nil, corruptf("cab file table at %d beyond end of file (%d bytes)", coffFiles, size)
	}
	// Each CFFILE takes at least 17 bytes, which bounds the allocation.
	if max := (size - coffFiles) / (fileHeaderSize + 1); int64(nFiles) > max {
		c.Files = make([]File, 0, max)
	} else {
		c.Files = make([]File, 0, nFiles)
	}
	br := newByteReader(r, coffFiles, size)
	var ferr error
	for i := 0; i < nFiles; i++ {
		f, err := readFile(br, nFolders)
		if err != nil {
			ferr = corruptf("cab file %d of %d: %v", i+1, nFiles, err)
			break
		}
		c.Files = append(c.Files, f)
	}
	var sum int64
	for _, f := range c.Files {
		sum += f.Size
	}
	c.budget = 2*sum + decodeSlack
	if ferr != nil {
		return c, ferr
	}
	if c.Declared > size {
		return c, corruptf("cab truncated: header declares %d bytes, file has %d", c.Declared, size)
	}
	return c, nil
}

// parseSignature recognises the 20-byte header reserve that Authenticode
// signing writes: 00 00 10 00, then the signature's offset and size.
func (c *Cabinet) parseSignature(rs []byte) {
	if len(rs) != 20 || le32(rs) != 0x00100000 {
		return
	}
	c.Signed = true
	c.SigOffset, c.SigSize = int64(le32(rs[4:])), int64(le32(rs[8:]))
}

func readFile(br *byteReader, nFolders int) (File, error) {
	var h [fileHeaderSize]byte
	if err := br.full(h[:]); err != nil {
		return File{}, err
	}
	raw, err := br.cstring(maxName)
	if err != nil {
		return File{}, err
	}
	f := File{
		Size:    int64(le32(h[:])),
		Offset:  int64(le32(h[4:])),
		iFolder: le16(h[8:]),
		Attribs: le16(h[14:]),
		ModTime: dosTime(le16(h[10:]), le16(h[12:])),
		Folder:  -1,
	}
	f.Name = strings.ReplaceAll(decodeName(raw, f.Attribs&attrNameIsUTF != 0), `\`, "/")
	switch {
	case f.iFolder == folderContinuedToNext:
		// It starts in this cabinet's last folder.
		f.Folder = nFolders - 1
	case f.iFolder >= folderContinuedFromPrev:
	case int(f.iFolder) < nFolders:
		f.Folder = int(f.iFolder)
	}
	return f, nil
}

// decodeName returns a CFFILE name as UTF-8. Names without the UTF flag are
// in an unknown OEM code page: valid UTF-8 is kept, anything else is read
// as Latin-1 so that no byte is lost.
func decodeName(b []byte, isUTF bool) string {
	if utf8.Valid(b) {
		return string(b)
	}
	if isUTF {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	rs := make([]rune, len(b))
	for i, c := range b {
		rs[i] = rune(c)
	}
	return string(rs)
}

func dosTime(d, t uint16) time.Time {
	day, month, year := int(d&0x1F), int(d>>5&0x0F), int(d>>9)+1980
	if day == 0 || month == 0 || month > 12 {
		return time.Time{}
	}
	return time.Date(year, time.Month(month), day, int(t>>11), int(t>>5&0x3F), int(t&0x1F)*2, 0, time.UTC)
}

// Methods lists the compression methods of the cabinet's folders, sorted.
func (c *Cabinet) Methods() []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range c.Folders {
		if s := f.Compression.String(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// Walk calls fn for every file in file-table order. open returns the file's
// bytes; it is valid only until fn returns. Walk stops at the first error fn
// returns, and at ctx's cancellation.
func (c *Cabinet) Walk(ctx context.Context, fn func(f *File, open func() (io.ReadCloser, error)) error) error {
	c.ctx = ctx
	defer func() { c.ctx = context.Background() }()
	for i := range c.Files {
		if err := ctx.Err(); err != nil {
			return err
		}
		f := &c.Files[i]
		if err := fn(f, func() (io.ReadCloser, error) { return c.open(f) }); err != nil {
			return err
		}
	}
	return nil
}

// Walk opens the cabinet in r and walks its files (see [Cabinet.Walk]). An
// error from fn is returned as is; otherwise the error is the one [Open]
// reported for a damaged header or file table, after the files it could
// read were walked.
func Walk(ctx context.Context, r io.ReaderAt, size int64, fn func(f *File, open func() (io.ReadCloser, error)) error) error {
	c, err := Open(r, size)
	if c == nil {
		return err
	}
	if werr := c.Walk(ctx, fn); werr != nil {
		return werr
	}
	return err
}

func (c *Cabinet) open(f *File) (io.ReadCloser, error) {
	switch f.iFolder {
	case folderContinuedFromPrev, folderContinuedPrevAndNext:
		return nil, fmt.Errorf("cab file %q continues from previous cabinet %q: %w", f.Name, c.Prev, unpack.ErrUnsupported)
	case folderContinuedToNext:
		return nil, fmt.Errorf("cab file %q continues in next cabinet %q: %w", f.Name, c.Next, unpack.ErrUnsupported)
	}
	if f.Folder < 0 || f.Folder >= len(c.Folders) {
		return nil, corruptf("cab file %q: folder %d of %d", f.Name, f.iFolder, len(c.Folders))
	}
	fo := &c.Folders[f.Folder]
	switch m := fo.Compression.Method(); m {
	case methodNone, methodMSZIP:
	case methodLZX, methodQuantum:
		return nil, fmt.Errorf("cab file %q: unsupported compression %s: %w", f.Name, fo.Compression, unpack.ErrUnsupported)
	default:
		return nil, fmt.Errorf("cab file %q: unsupported compression type %d: %w", f.Name, m, unpack.ErrUnsupported)
	}
	if f.Offset+f.Size > int64(fo.Blocks)*maxBlock {
		return nil, corruptf("cab file %q: bytes %d..%d beyond folder's %d blocks", f.Name, f.Offset, f.Offset+f.Size, fo.Blocks)
	}
	d := c.dec
	if d == nil || d.folder != f.Folder || d.pos > f.Offset {
		if d == nil {
			d = &decoder{c: c}
			c.dec = d
		}
		d.reset(f.Folder)
	}
	if err := d.skip(f.Offset - d.pos); err != nil {
		return nil, fmt.Errorf("cab file %q: %w", f.Name, err)
	}
	return &fileReader{d: d, left: f.Size, name: f.Name}, nil
}

// fileReader reads one file's bytes from its folder's decoder.
type fileReader struct {
	d    *decoder
	left int64
	name string
}

func (fr *fileReader) Read(p []byte) (int, error) {
	if fr.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > fr.left {
		p = p[:fr.left]
	}
	n, err := fr.d.read(p)
	fr.left -= int64(n)
	if err == io.EOF {
		if fr.left > 0 {
			return n, corruptf("cab file %q: folder ends %d bytes before the file", fr.name, fr.left)
		}
		err = nil
	}
	if err != nil {
		return n, fmt.Errorf("cab file %q: %w", fr.name, err)
	}
	return n, nil
}

func (fr *fileReader) Close() error { return nil }

// decoder turns one folder's CFDATA blocks into its uncompressed stream.
type decoder struct {
	c       *Cabinet
	folder  int
	method  int
	next    int   // next block to decode
	dataOff int64 // file offset of the next CFDATA header
	pos     int64 // folder offset of out[cur]
	out     []byte
	cur     int
	in      []byte
	window  []byte // last 32 KiB of output, MSZIP's dictionary
	fl      io.ReadCloser
	err     error
}

func (d *decoder) reset(folder int) {
	fo := d.c.Folders[folder]
	d.folder, d.method = folder, fo.Compression.Method()
	d.next, d.dataOff, d.pos = 0, fo.dataOff, 0
	d.out, d.cur = d.out[:0], 0
	d.window = d.window[:0]
	d.err = nil
}

func (d *decoder) read(p []byte) (int, error) {
	for d.cur == len(d.out) { // loops over empty blocks
		if err := d.block(); err != nil {
			return 0, err
		}
	}
	n := copy(p, d.out[d.cur:])
	d.cur += n
	d.pos += int64(n)
	return n, nil
}

func (d *decoder) skip(n int64) error {
	for n > 0 {
		if d.cur == len(d.out) {
			if err := d.block(); err != nil {
				if err == io.EOF {
					return corruptf("folder ends %d bytes before the file starts", n)
				}
				return err
			}
		}
		k := int64(len(d.out) - d.cur)
		if k > n {
			k = n
		}
		d.cur += int(k)
		d.pos += k
		n -= k
	}
	return nil
}

// block decodes the next CFDATA block into out. It returns io.EOF after the
// folder's last block; other errors stick.
func (d *decoder) block() error {
	if d.err != nil {
		return d.err
	}
	d.err = d.decodeBlock()
	return d.err
}

func (d *decoder) decodeBlock() error {
	c := d.c
	if err := c.ctx.Err(); err != nil {
		return err
	}
	if d.next >= c.Folders[d.folder].Blocks {
		return io.EOF
	}
	hl := int64(dataHeaderSize + c.reserveData)
	var hb [dataHeaderSize + 255]byte
	hdr := hb[:hl]
	if err := readFull(c.r, c.size, hdr, d.dataOff); err != nil {
		return corruptf("CFDATA %d at %d: %v", d.next, d.dataOff, err)
	}
	sum, cbData, cbUncomp := le32(hdr), int(le16(hdr[4:])), int(le16(hdr[6:]))
	if cbUncomp == 0 && c.Next != "" {
		return fmt.Errorf("CFDATA %d continues in next cabinet %q: %w", d.next, c.Next, unpack.ErrUnsupported)
	}
	if cbUncomp > maxBlock || cbData > maxCompressedBlock {
		return corruptf("CFDATA %d: %d bytes expanding to %d", d.next, cbData, cbUncomp)
	}
	if d.method == methodNone && cbData != cbUncomp {
		return corruptf("CFDATA %d: stored block of %d bytes expands to %d", d.next, cbData, cbUncomp)
	}
	if c.work += int64(cbUncomp); c.work > c.budget {
		return corruptf("cab decode budget of %d bytes exceeded (files overlap or are out of order)", c.budget)
	}
	if cap(d.in) < cbData {
		d.in = make([]byte, maxCompressedBlock)
	}
	in := d.in[:cbData]
	if err := readFull(c.r, c.size, in, d.dataOff+hl); err != nil {
		return corruptf("CFDATA %d at %d: %v", d.next, d.dataOff, err)
	}
	if sum != 0 && !c.IgnoreChecksums {
		if got := checksum(hdr[4:8], checksum(in, 0)); got != sum {
			return corruptf("CFDATA %d: checksum %08x, header says %08x", d.next, got, sum)
		}
	}
	if cap(d.out) < maxBlock {
		d.out = make([]byte, maxBlock)
	}
	out := d.out[:cbUncomp]
	switch d.method {
	case methodNone:
		copy(out, in)
	case methodMSZIP:
		if len(in) < 2 || in[0] != 'C' || in[1] != 'K' {
			return corruptf("CFDATA %d: MSZIP block without CK signature", d.next)
		}
		br := bytes.NewReader(in[2:])
		if d.fl == nil {
			d.fl = flate.NewReaderDict(br, d.window)
		} else if err := d.fl.(flate.Resetter).Reset(br, d.window); err != nil {
			return corruptf("CFDATA %d: %v", d.next, err)
		}
		// Stop at cbUncomp: some encoders leave the block's final bit
		// unset, and nothing past it belongs to the block.
		if _, err := io.ReadFull(d.fl, out); err != nil {
			return corruptf("CFDATA %d: MSZIP: %v", d.next, err)
		}
		d.window = appendWindow(d.window, out)
	}
	d.out, d.cur = out, 0
	d.dataOff += hl + int64(cbData)
	d.next++
	return nil
}

// appendWindow keeps the last 32 KiB of decoded output.
func appendWindow(w, b []byte) []byte {
	if len(b) >= maxBlock {
		return append(w[:0], b[len(b)-maxBlock:]...)
	}
	if extra := len(w) + len(b) - maxBlock; extra > 0 {
		w = append(w[:0], w[extra:]...)
	}
	return append(w, b...)
}

// checksum is the MS-CAB CFDATA checksum: little-endian 32-bit words XORed,
// with the 1–3 trailing bytes taken most significant first.
func checksum(b []byte, seed uint32) uint32 {
	n := len(b) / 4
	for i := 0; i < n; i++ {
		seed ^= le32(b[4*i:])
	}
	var ul uint32
	for _, c := range b[4*n:] {
		ul = ul<<8 | uint32(c)
	}
	return seed ^ ul
}

func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }

// readFull reads len(b) bytes at off, failing cleanly past the end.
func readFull(r io.ReaderAt, size int64, b []byte, off int64) error {
	if off < 0 || off > size || int64(len(b)) > size-off {
		return io.ErrUnexpectedEOF
	}
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// readString reads a NUL-terminated string of at most 255 bytes at off and
// returns the offset after its NUL.
func readString(r io.ReaderAt, size, off int64) (string, int64, error) {
	br := newByteReader(r, off, size)
	b, err := br.cstring(maxName)
	if err != nil {
		return "", 0, err
	}
	return decodeName(b, false), br.off, nil
}

// byteReader reads forward from an io.ReaderAt through a small buffer.
type byteReader struct {
	r      io.ReaderAt
	off    int64 // offset of the next byte to return
	size   int64
	buf    []byte
	bufOff int64
}

func newByteReader(r io.ReaderAt, off, size int64) *byteReader {
	return &byteReader{r: r, off: off, size: size, bufOff: off}
}

func (b *byteReader) fill() error {
	if b.off >= b.size {
		return io.ErrUnexpectedEOF
	}
	n := b.size - b.off
	if n > 4096 {
		n = 4096
	}
	if cap(b.buf) < 4096 {
		b.buf = make([]byte, 4096)
	}
	// Keep a short read: the table may end well before a truncation.
	k, err := b.r.ReadAt(b.buf[:n], b.off)
	if k <= 0 {
		if err == nil || errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	b.buf = b.buf[:k]
	b.bufOff = b.off
	return nil
}

func (b *byteReader) byte() (byte, error) {
	i := b.off - b.bufOff
	if i < 0 || i >= int64(len(b.buf)) {
		if err := b.fill(); err != nil {
			return 0, err
		}
		i = 0
	}
	b.off++
	return b.buf[i], nil
}

func (b *byteReader) full(p []byte) error {
	for i := range p {
		c, err := b.byte()
		if err != nil {
			return err
		}
		p[i] = c
	}
	return nil
}

// cstring reads up to a NUL; the string may hold at most max-1 bytes.
func (b *byteReader) cstring(max int) ([]byte, error) {
	var s []byte
	for {
		c, err := b.byte()
		if err != nil {
			return nil, err
		}
		if c == 0 {
			return s, nil
		}
		if len(s) == max-1 {
			return nil, fmt.Errorf("name longer than %d bytes", max-1)
		}
		s = append(s, c)
	}
}
