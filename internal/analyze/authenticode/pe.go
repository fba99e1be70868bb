package authenticode

import (
	"context"
	"crypto"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/pecoff"
)

// WIN_CERTIFICATE values (wintrust.h).
const (
	winCertRevision1     = 0x0100
	winCertRevision2     = 0x0200
	winCertTypeX509      = 0x0001
	winCertTypePKCS7     = 0x0002
	winCertTypeReserved  = 0x0003
	winCertTypeTSStack   = 0x0004
	winCertTypeEFIPKCS15 = 0x0EF0
	winCertTypeEFIGUID   = 0x0EF1
)

// Limits on what a certificate table may make vouch do.
const (
	maxEntries = 256      // WIN_CERTIFICATE entries walked
	maxSigSize = 16 << 20 // one PKCS#7 blob parsed (real ones are kilobytes)
)

// peHeader is the little of a PE header Authenticode needs.
type peHeader struct {
	subsystem      uint16
	checksumOff    int64 // file offset of OptionalHeader.CheckSum
	storedChecksum uint32
	secDirOff      int64 // file offset of the security data directory entry
	hasSecDir      bool
	certOff        int64 // security directory: file offset and size
	certSize       int64
	sectionsEnd    int64 // end of the furthest section's raw data
}

// isEFI reports an EFI image subsystem: firmware, not Windows, checks
// those signatures, and it does not look at extended key usage.
func (h *peHeader) isEFI() bool { return h.subsystem >= 10 && h.subsystem <= 13 }

// parsePEHeader reads the DOS, COFF and optional headers with every offset
// checked against the file size. It never allocates by a declared size.
func parsePEHeader(r io.ReaderAt, size int64) (*peHeader, error) {
	var dos [64]byte
	if err := readFull(r, dos[:], 0, size); err != nil {
		return nil, fmt.Errorf("reading DOS header: %w", err)
	}
	if dos[0] != 'M' || dos[1] != 'Z' {
		return nil, errors.New("no MZ signature")
	}
	lfanew := int64(binary.LittleEndian.Uint32(dos[0x3c:]))
	var coff [24]byte
	if err := readFull(r, coff[:], lfanew, size); err != nil {
		return nil, fmt.Errorf("reading PE header at 0x%x: %w", lfanew, err)
	}
	if string(coff[:4]) != "PE\x00\x00" {
		return nil, fmt.Errorf("no PE signature at 0x%x", lfanew)
	}
	optSize := int64(binary.LittleEndian.Uint16(coff[20:]))
	opt := lfanew + 24
	var oh [240]byte // PE32+ optional header with 16 data directories
	n := optSize
	if n > int64(len(oh)) {
		n = int64(len(oh))
	}
	if n < 72 {
		return nil, fmt.Errorf("optional header of %d bytes", optSize)
	}
	if err := readFull(r, oh[:n], opt, size); err != nil {
		return nil, fmt.Errorf("reading optional header: %w", err)
	}
	h := &peHeader{
		subsystem:      binary.LittleEndian.Uint16(oh[68:]),
		checksumOff:    opt + 64,
		storedChecksum: binary.LittleEndian.Uint32(oh[64:]),
	}
	var ddBase, nrvaOff int64
	switch magic := binary.LittleEndian.Uint16(oh[0:]); magic {
	case 0x10b: // PE32
		ddBase, nrvaOff = 96, 92
	case 0x20b: // PE32+
		ddBase, nrvaOff = 112, 108
	default:
		return nil, fmt.Errorf("optional header magic 0x%x", magic)
	}
	// The security directory is the fifth; without room for it the image
	// cannot carry an embedded signature.
	if nrvaOff+4 > n || ddBase+5*8 > n {
		return h, nil
	}
	if binary.LittleEndian.Uint32(oh[nrvaOff:]) < 5 {
		return h, nil
	}
	// The furthest section data, to tell whether the table is last. The
	// loader reads at most 96 section headers.
	nsec := int64(binary.LittleEndian.Uint16(coff[6:]))
	if nsec > 96 {
		nsec = 96
	}
	st := make([]byte, 40*nsec)
	if readFull(r, st, opt+optSize, size) == nil {
		for i := int64(0); i < nsec; i++ {
			raw := int64(binary.LittleEndian.Uint32(st[40*i+16:]))
			ptr := int64(binary.LittleEndian.Uint32(st[40*i+20:]))
			if raw > 0 && ptr+raw > h.sectionsEnd {
				h.sectionsEnd = ptr + raw
			}
		}
	}
	h.hasSecDir = true
	h.secDirOff = opt + ddBase + 4*8
	h.certOff = int64(binary.LittleEndian.Uint32(oh[ddBase+32:]))
	h.certSize = int64(binary.LittleEndian.Uint32(oh[ddBase+36:]))
	return h, nil
}

// readFull reads len(b) bytes at off, failing cleanly past the end.
func readFull(r io.ReaderAt, b []byte, off, size int64) error {
	if off < 0 || off > size || int64(len(b)) > size-off {
		return io.ErrUnexpectedEOF
	}
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

func align8(v int64) int64 { return (v + 7) &^ 7 }

// certBlob is one PKCS#7 blob found in the table.
type certBlob struct {
	entry int
	der   []byte // nil when too large or unmeasurable
	err   error
}

// walkCertTable walks every WIN_CERTIFICATE in the table and works out,
// byte by byte, what the entries account for: headers, PKCS#7 DER and up
// to 7 bytes of alignment padding after each blob. Everything else in the
// table is hidden: bytes inside an entry's dwLength after its DER (the 3CX
// shape), entries that are not PKCS#7, and bytes after the last entry that
// the directory size claims.
func walkCertTable(ctx context.Context, r io.ReaderAt, size int64, h *peHeader) (*model.CertTable, []certBlob, []span, error) {
	ct := &model.CertTable{Offset: h.certOff, Size: h.certSize, Entries: []model.CertEntry{}}
	start, end := h.certOff, h.certOff+h.certSize
	var blobs []certBlob
	var hidden []span
	addHidden := func(a, b int64) {
		if b <= a {
			return
		}
		ct.HiddenBytes += b - a
		if n := len(hidden); n > 0 && hidden[n-1].end == a {
			hidden[n-1].end = b
			return
		}
		hidden = append(hidden, span{a, b})
	}
	p := start
	for p < end {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		if len(ct.Entries) >= maxEntries {
			break
		}
		var hdr [8]byte
		if end-p < 8 || readFull(r, hdr[:], p, size) != nil {
			break
		}
		dwLength := int64(binary.LittleEndian.Uint32(hdr[0:]))
		rev := binary.LittleEndian.Uint16(hdr[4:])
		typ := binary.LittleEndian.Uint16(hdr[6:])
		if dwLength < 8 || dwLength > end-p || !knownRevision(rev) || !knownType(typ) {
			break // not an entry: what is left is unaccounted for
		}
		e := model.CertEntry{Offset: p, Length: dwLength, Revision: rev, Type: typ}
		// Entries are quadword aligned relative to the table, as Windows
		// steps through them.
		next := p + align8(dwLength)
		if next > end {
			next = end // the last entry may end unaligned with the table
		}
		accounted := p + 8 // header
		if typ == winCertTypePKCS7 {
			blob := certBlob{entry: len(ct.Entries)}
			derLen, der, err := measureDER(r, size, p+8, dwLength-8)
			if err != nil {
				blob.err = fmt.Errorf("entry %d: measuring PKCS#7 DER: %w", len(ct.Entries), err)
			} else {
				e.DERSize = derLen
				accounted = p + 8 + derLen
				blob.der = der
				if der == nil {
					blob.err = fmt.Errorf("entry %d: PKCS#7 blob of %d bytes, more than the %d vouch parses", len(ct.Entries), derLen, maxSigSize)
				}
			}
			blobs = append(blobs, blob)
		}
		// Up to 7 bytes after the blob are alignment padding: they must be
		// zero (Windows' EnableCertPaddingCheck), and are not hidden.
		padEnd := p + align8(accounted-p)
		if padEnd > next {
			padEnd = next
		}
		if accounted < padEnd {
			if nz, err := anyNonZero(r, size, accounted, padEnd); err != nil {
				return nil, nil, nil, err
			} else if nz {
				ct.NonZeroPadding = true
			}
		}
		before := ct.HiddenBytes
		addHidden(padEnd, next)
		e.HiddenBytes = ct.HiddenBytes - before
		ct.Entries = append(ct.Entries, e)
		p = next
	}
	if p < end {
		// The directory claims bytes no entry describes.
		ct.SizeMismatch = true
		last := end
		if last > size {
			last = size
		}
		addHidden(p, last)
	}
	return ct, blobs, hidden, nil
}

func knownRevision(r uint16) bool { return r == winCertRevision1 || r == winCertRevision2 }

func knownType(t uint16) bool {
	switch t {
	case winCertTypeX509, winCertTypePKCS7, winCertTypeReserved, winCertTypeTSStack, winCertTypeEFIPKCS15, winCertTypeEFIGUID:
		return true
	}
	return false
}

// measureDER measures the BER/DER element at off within n bytes and
// returns its length and, when not larger than maxSigSize, its bytes.
func measureDER(r io.ReaderAt, size, off, n int64) (int64, []byte, error) {
	if n < 2 {
		return 0, nil, errTruncated
	}
	// A definite length is known from the first few bytes.
	head := make([]byte, min(n, 16))
	if err := readFull(r, head, off, size); err != nil {
		return 0, nil, err
	}
	if head[0] != 0x30 {
		return 0, nil, fmt.Errorf("starts with 0x%02x, not a SEQUENCE", head[0])
	}
	if total, ok := definiteTotal(head); ok {
		if total > n {
			return 0, nil, fmt.Errorf("DER length %d runs past the entry's %d bytes", total, n)
		}
		if total > maxSigSize {
			return total, nil, nil
		}
		b := make([]byte, total)
		if err := readFull(r, b, off, size); err != nil {
			return 0, nil, err
		}
		return total, b, nil
	}
	// Indefinite length (BER): read what may be parsed and walk it.
	m := min(n, maxSigSize)
	b := make([]byte, m)
	if err := readFull(r, b, off, size); err != nil {
		return 0, nil, err
	}
	l, err := tlvLength(b)
	if err != nil {
		return 0, nil, err
	}
	return int64(l), b[:l], nil
}

// definiteTotal decodes a definite-length header and returns the element's
// total length.
func definiteTotal(h []byte) (int64, bool) {
	if len(h) < 2 || h[0]&0x1f == 0x1f {
		return 0, false
	}
	l := h[1]
	switch {
	case l < 0x80:
		return 2 + int64(l), true
	case l == 0x80 || l == 0xff:
		return 0, false
	}
	k := int(l & 0x7f)
	if k > 4 || 2+k > len(h) {
		return 0, false
	}
	var v int64
	for _, c := range h[2 : 2+k] {
		v = v<<8 | int64(c)
	}
	return 2 + int64(k) + v, true
}

func anyNonZero(r io.ReaderAt, size, a, b int64) (bool, error) {
	if b > size {
		b = size
	}
	if a >= b {
		return false, nil
	}
	buf := make([]byte, b-a) // at most 7 bytes
	if err := readFull(r, buf, a, size); err != nil {
		return false, err
	}
	for _, c := range buf {
		if c != 0 {
			return true, nil
		}
	}
	return false, nil
}

// peDigests is the result of one pass over a signed PE.
type peDigests struct {
	full     map[crypto.Hash][]byte // Authenticode image hash
	noTrail  map[crypto.Hash][]byte // the same, leaving out bytes after the table
	checksum uint32                 // recomputed optional-header CheckSum
}

// digestPE computes, in one sequential pass, the Authenticode image hash
// for every algorithm asked for, and the PE checksum.
//
// The image hash covers the file linearly minus the CheckSum field, the
// security directory entry and the certificate table itself. For a
// well-formed image (sections contiguous after the headers) this equals the
// specification's header + sections-sorted-by-offset + extra-data order;
// where they differ the file is malformed, and the linear form covers more
// bytes, which is the safer reading. Bytes after the table are hashed, as
// the specification's "extra data" rule and sbverify do: appending data
// after signing invalidates the signature.
func digestPE(ctx context.Context, r io.ReaderAt, size int64, h *peHeader, algs []crypto.Hash) (*peDigests, error) {
	tStart, tEnd := h.certOff, h.certOff+h.certSize
	hashed := []span{
		{0, h.checksumOff},
		{h.checksumOff + 4, h.secDirOff},
		{h.secDirOff + 8, tStart},
		{tEnd, size},
	}
	if !(h.checksumOff+4 <= h.secDirOff && h.secDirOff+8 <= tStart && tEnd <= size) {
		return nil, fmt.Errorf("certificate table at 0x%x+0x%x overlaps the headers or runs past the end of the file", tStart, h.certSize)
	}
	hs := make(map[crypto.Hash]hash.Hash, len(algs))
	for _, a := range algs {
		if a.Available() {
			hs[a] = a.New()
		}
	}
	out := &peDigests{full: map[crypto.Hash][]byte{}, noTrail: map[crypto.Hash][]byte{}}
	snapshot := func() {
		for a, d := range hs {
			out.noTrail[a] = d.Sum(nil)
		}
	}
	snapped := false
	cs := pecoff.Checksum{FieldOff: h.checksumOff}
	buf := make([]byte, 64<<10) // even: checksum words never straddle chunks
	for off := int64(0); off < size; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := int64(len(buf))
		if n > size-off {
			n = size - off
		}
		b := buf[:n]
		if err := readFull(r, b, off, size); err != nil {
			return nil, fmt.Errorf("reading at 0x%x: %w", off, err)
		}
		for i, s := range hashed {
			a, e := max(s.off, off), min(s.end, off+n)
			if i == 3 && !snapped && a < e {
				snapshot()
				snapped = true
			}
			if a < e {
				for _, d := range hs {
					d.Write(b[a-off : e-off])
				}
			}
		}
		cs.Write(off, b)
		off += n
	}
	if !snapped {
		snapshot()
	}
	for a, d := range hs {
		out.full[a] = d.Sum(nil)
	}
	out.checksum = cs.Sum(size)
	return out, nil
}
