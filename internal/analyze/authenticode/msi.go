package authenticode

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/x509"
	"fmt"
	"hash"
	"io"
	"sort"
	"unicode/utf16"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/model"
)

var (
	msiSigName   = utf16le("\x05DigitalSignature")
	msiSigExName = utf16le("\x05MsiDigitalSignatureEx")
)

func utf16le(s string) []byte {
	var b []byte
	for _, r := range utf16.Encode([]rune(s)) {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func (a *analyzer) analyzeMSI(ctx context.Context, in *analyze.Input) (*model.SignatureFacts, error) {
	sf := &model.SignatureFacts{Format: "msi"}
	c, err := openCFB(ctx, in.R, in.Size)
	if err != nil {
		if ctx.Err() != nil {
			return sf, err
		}
		sf.Error = fmt.Sprintf("openCFB: %v", err)
		return sf, nil
	}
	var sigE, exE *cfbEntry
	for _, e := range c.root.children {
		if e.typ != cfbTypeStream {
			continue
		}
		switch {
		case bytes.Equal(e.name, msiSigName):
			sigE = e
		case bytes.Equal(e.name, msiSigExName):
			exE = e
		}
	}
	if sigE == nil || sigE.size == 0 {
		return sf, nil
	}
	sf.Signed = true
	blob, err := c.readStream(ctx, sigE, maxSigSize)
	if err != nil {
		sf.Error = fmt.Sprintf("reading DigitalSignature stream: %v", err)
		return sf, nil
	}
	ct, der := slotTable(blob, 0)
	sf.CertTable = ct
	if der == nil {
		sf.Error = "DigitalSignature stream does not hold a DER blob"
		return sf, nil
	}
	budget := maxSignatures
	sigs := parseSignatures(der, 0, 0, &budget)
	var ex []byte
	if exE != nil {
		if ex, err = c.readStream(ctx, exE, 1<<10); err != nil {
			sf.Error = fmt.Sprintf("reading MsiDigitalSignatureEx stream: %v", err)
			return sf, nil
		}
	}
	for _, s := range sigs {
		if s.hash == 0 || s.signed == nil {
			continue
		}
		digest, exOK, err := digestMSI(ctx, c, s.hash, ex)
		if err != nil {
			if ctx.Err() != nil {
				return sf, err
			}
			s.Error = fmt.Sprintf("computing the MSI digest: %v", err)
			continue
		}
		s.DigestValid = exOK && hmac.Equal(digest, s.signed)
		switch {
		case !exOK:
			s.addProblem("MsiDigitalSignatureEx does not match the streams' names, sizes and times: the package was modified after signing")
		case !s.DigestValid:
			s.addProblem("the MSI digest does not match the signed digest: the package was modified after signing")
		}
	}
	sf.Signatures = a.finish(sigs, x509.ExtKeyUsageCodeSigning)
	return sf, nil
}

// slotTable describes a signature slot (an MSI stream, a CAB signature
// area) the way the PE strict check describes a certificate table: one
// entry whose DER must fill it up to 7 bytes of zero padding. off is the
// slot's file offset (0 for a stream).
func slotTable(blob []byte, off int64) (*model.CertTable, []byte) {
	ct := &model.CertTable{Offset: off, Size: int64(len(blob)), ChecksumMatches: true}
	e := model.CertEntry{Offset: off, Length: int64(len(blob))}
	n, err := tlvLength(blob)
	if err != nil || len(blob) == 0 || blob[0] != 0x30 {
		ct.Entries = []model.CertEntry{e}
		return ct, nil
	}
	e.DERSize = int64(n)
	pad := min(align8(int64(n)), int64(len(blob)))
	for _, b := range blob[n:pad] {
		if b != 0 {
			ct.NonZeroPadding = true
		}
	}
	if rest := blob[pad:]; len(rest) > 0 {
		e.HiddenBytes = int64(len(rest))
		ct.HiddenBytes = e.HiddenBytes
		res, _ := scanSpans(context.Background(), bytes.NewReader(blob), int64(len(blob)), []span{{pad, int64(len(blob))}})
		if res != nil {
			ct.HiddenEntropy = res.entropy()
			ct.Markers = res.markerNames()
			for _, m := range res.markers {
				ct.MarkersAt = append(ct.MarkersAt, model.Marker{Name: m.Name, Offset: off + m.Offset})
			}
			for _, r := range res.regions {
				r.Offset += off
				ct.Hidden = append(ct.Hidden, r)
			}
		}
	}
	ct.Entries = []model.CertEntry{e}
	return ct, blob[:n]
}

// digestMSI computes the MSI Authenticode digest with h: the contents of
// every stream, storages recursively, children in raw-name order, each
// storage followed by its class ID, leaving out the two signature streams
// of the root. With MsiDigitalSignatureEx (ex non-nil), a digest of the
// entries' names, sizes, class IDs, state bits and times comes first, and
// ex must equal it.
func digestMSI(ctx context.Context, c *cfbFile, h crypto.Hash, ex []byte) ([]byte, bool, error) {
	d := h.New()
	exOK := true
	if ex != nil {
		p := h.New()
		prehashMSI(c.root, p, true)
		pre := p.Sum(nil)
		exOK = hmac.Equal(pre, ex)
		d.Write(pre)
	}
	if err := hashMSIDir(ctx, c, c.root, d, true); err != nil {
		return nil, false, err
	}
	return d.Sum(nil), exOK, nil
}

// sortedChildren orders entries by their raw UTF-16LE names compared
// bytewise with the terminator; on a tie the longer name first.
func sortedChildren(st *cfbEntry) []*cfbEntry {
	out := append([]*cfbEntry(nil), st.children...)
	key := func(e *cfbEntry) []byte { return append(append([]byte(nil), e.name...), 0, 0) }
	sort.SliceStable(out, func(i, j int) bool {
		a, b := key(out[i]), key(out[j])
		n := min(len(a), len(b))
		if c := bytes.Compare(a[:n], b[:n]); c != 0 {
			return c < 0
		}
		return len(a) > len(b)
	})
	return out
}

func isSigStream(e *cfbEntry) bool {
	return bytes.Equal(e.name, msiSigName) || bytes.Equal(e.name, msiSigExName)
}

func hashMSIDir(ctx context.Context, c *cfbFile, st *cfbEntry, d hash.Hash, root bool) error {
	for _, e := range sortedChildren(st) {
		if root && isSigStream(e) {
			continue
		}
		switch e.typ {
		case cfbTypeStream:
			if e.size == 0 || e.size >= cfbMaxRegSect {
				continue
			}
			if err := c.copyStream(ctx, d, e); err != nil {
				return fmt.Errorf("stream %q: %w", decodeName(e.name), err)
			}
		case cfbTypeStorage:
			if err := hashMSIDir(ctx, c, e, d, false); err != nil {
				return err
			}
		}
	}
	d.Write(st.clsid())
	return nil
}

func prehashMSI(st *cfbEntry, w io.Writer, root bool) {
	metaMSI(st, w)
	for _, e := range sortedChildren(st) {
		if root && isSigStream(e) {
			continue
		}
		switch e.typ {
		case cfbTypeStream:
			metaMSI(e, w)
		case cfbTypeStorage:
			prehashMSI(e, w, false)
		}
	}
}

func metaMSI(e *cfbEntry, w io.Writer) {
	if e.typ != cfbTypeRoot {
		w.Write(e.name)
	}
	if e.typ != cfbTypeStream {
		w.Write(e.clsid())
	} else {
		w.Write(e.raw[120:124])
	}
	w.Write(e.stateBits())
	if e.typ != cfbTypeRoot {
		w.Write(e.times())
	}
}

func decodeName(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u))
}
