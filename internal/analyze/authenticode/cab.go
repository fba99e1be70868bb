package authenticode

import (
	"context"
	"crypto/hmac"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/model"
)

// CAB header flags.
const (
	cabPrevCabinet    = 0x0001
	cabNextCabinet    = 0x0002
	cabReservePresent = 0x0004
)

// cabSig is the signature area a signed cabinet declares in the 20-byte
// CFHEADER reserve (abReserve): after a constant 0x00100000 come the
// signature's file offset and size, then 8 bytes of which the last 4 are
// covered by the digest.
type cabSig struct {
	off, size int64
	header    [60]byte
	folders   int
	coffFiles int64
	flags     uint16
}

func (a *analyzer) analyzeCAB(ctx context.Context, in *analyze.Input) (*model.SignatureFacts, error) {
	sf := &model.SignatureFacts{Format: "cab"}
	cs, err := parseCABHeader(in.R, in.Size)
	if err != nil {
		sf.Signed = cs != nil
		sf.Error = fmt.Sprintf("parseCABHeader: %v", err)
		return sf, nil
	}
	if cs == nil {
		return sf, nil
	}
	sf.Signed = true
	if cs.off < 60 || cs.off > in.Size || cs.size > in.Size-cs.off {
		sf.Error = fmt.Sprintf("signature at 0x%x+0x%x lies outside the %d-byte file", cs.off, cs.size, in.Size)
		return sf, nil
	}
	if cs.size > maxSigSize {
		sf.Error = fmt.Sprintf("signature of %d bytes, more than the %d vouch parses", cs.size, maxSigSize)
		return sf, nil
	}
	blob := make([]byte, cs.size)
	if err := readFull(in.R, blob, cs.off, in.Size); err != nil {
		return sf, err
	}
	ct, der := slotTable(blob, cs.off)
	ct.TrailingBytes = in.Size - cs.off - cs.size
	if ct.TrailingBytes > 0 {
		res, err := scanSpans(ctx, in.R, in.Size, []span{{cs.off + cs.size, in.Size}})
		if err != nil {
			return sf, err
		}
		ct.TrailingEntropy = res.entropy()
		ct.TrailingMarkers = res.markerNames()
	}
	sf.CertTable = ct
	if der == nil {
		sf.Error = "the signature area does not hold a DER blob"
		return sf, nil
	}
	budget := maxSignatures
	sigs := parseSignatures(der, 0, 0, &budget)
	for _, s := range sigs {
		if s.hash == 0 || s.signed == nil {
			continue
		}
		d := s.hash.New()
		if err := digestCAB(ctx, in.R, in.Size, cs, d); err != nil {
			if ctx.Err() != nil {
				return sf, err
			}
			s.Error = fmt.Sprintf("computing the CAB digest: %v", err)
			continue
		}
		s.DigestValid = hmac.Equal(d.Sum(nil), s.signed)
		if !s.DigestValid {
			s.addProblem("the cabinet digest does not match the signed digest: the cabinet was modified after signing")
		}
	}
	sf.Signatures = a.finish(sigs, x509.ExtKeyUsageCodeSigning)
	return sf, nil
}

// parseCABHeader returns the signature area of a signed cabinet, or nil
// when it has none.
func parseCABHeader(r io.ReaderAt, size int64) (*cabSig, error) {
	cs := &cabSig{}
	if err := readFull(r, cs.header[:36], 0, size); err != nil {
		return nil, fmt.Errorf("reading CFHEADER: %w", err)
	}
	h := cs.header[:]
	if string(h[:4]) != "MSCF" {
		return nil, errors.New("no MSCF signature")
	}
	cs.flags = binary.LittleEndian.Uint16(h[30:])
	if cs.flags&cabReservePresent == 0 {
		return nil, nil
	}
	if err := readFull(r, cs.header[36:40], 36, size); err != nil {
		return nil, fmt.Errorf("reading reserve sizes: %w", err)
	}
	if binary.LittleEndian.Uint16(h[36:]) != 20 {
		return nil, nil // reserve of another size: not an Authenticode area
	}
	if err := readFull(r, cs.header[40:60], 40, size); err != nil {
		return nil, fmt.Errorf("reading abReserve: %w", err)
	}
	cs.off = int64(binary.LittleEndian.Uint32(h[44:]))
	cs.size = int64(binary.LittleEndian.Uint32(h[48:]))
	if cs.off == 0 || cs.size == 0 {
		return nil, nil // space reserved, never signed
	}
	cs.folders = int(binary.LittleEndian.Uint16(h[26:]))
	cs.coffFiles = int64(binary.LittleEndian.Uint32(h[16:]))
	if h[38] != 0 {
		return cs, fmt.Errorf("per-folder reserve of %d bytes is not supported", h[38])
	}
	return cs, nil
}

// digestCAB hashes a signed cabinet as Authenticode does: the header
// without reserved1, iCabinet, the reserve sizes and the first 16 bytes
// of abReserve; the optional set names; the CFFOLDER entries; then
// everything from coffFiles up to the signature.
func digestCAB(ctx context.Context, r io.ReaderAt, size int64, cs *cabSig, d hash.Hash) error {
	h := cs.header[:]
	d.Write(h[0:4])
	d.Write(h[8:34])
	d.Write(h[56:60])
	idx := int64(60)
	names := 0
	if cs.flags&cabPrevCabinet != 0 {
		names += 2
	}
	if cs.flags&cabNextCabinet != 0 {
		names += 2
	}
	for i := 0; i < names; i++ {
		var b [256]byte
		n := min(int64(len(b)), cs.off-idx)
		if n <= 0 {
			return errors.New("set names run into the signature")
		}
		if err := readFull(r, b[:n], idx, size); err != nil {
			return err
		}
		end := -1
		for k, c := range b[:n] {
			if c == 0 {
				end = k
				break
			}
		}
		if end < 0 {
			return errors.New("unterminated set name")
		}
		d.Write(b[:end+1])
		idx += int64(end + 1)
	}
	fend := idx + 8*int64(cs.folders)
	if fend != cs.coffFiles {
		return fmt.Errorf("CFFOLDER entries end at 0x%x, not at coffFiles 0x%x", fend, cs.coffFiles)
	}
	if cs.coffFiles > cs.off {
		return errors.New("coffFiles lies after the signature")
	}
	return hashRange(ctx, r, size, idx, cs.off, d)
}

// hashRange writes bytes [a, b) of r to d in bounded chunks.
func hashRange(ctx context.Context, r io.ReaderAt, size, a, b int64, d io.Writer) error {
	buf := make([]byte, 64<<10)
	for off := a; off < b; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(int64(len(buf)), b-off)
		if err := readFull(r, buf[:n], off, size); err != nil {
			return err
		}
		d.Write(buf[:n])
		off += n
	}
	return nil
}
