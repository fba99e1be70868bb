// Package authenticode verifies the Authenticode signatures of PE, MSI and
// CAB files and checks the PE certificate table strictly, the way Windows
// does only with EnableCertPaddingCheck=1.
//
// The defining case is the 3CX compromise of 2023: a genuine,
// Microsoft-signed d3dcompiler_47.dll carried an encrypted payload inside
// its certificate table (CVE-2013-3900). The table is not covered by the
// signature, so growing the last WIN_CERTIFICATE's dwLength and the
// security directory size to make room keeps the file "validly signed" for
// Windows' default settings, osslsigncode and sbverify. vouch walks every
// entry, measures each PKCS#7 blob's real DER length, and calls everything
// else in the table hidden (facts in [model.CertTable]).
//
// What is computed, and by whom:
//
//   - PE headers, the certificate table walk, the strict check, the
//     Authenticode image hash and the PE checksum: own code, bounded reads
//     only. relic's DigestPE refuses data after the table and sections with
//     gaps, and its table walk accepts zero padding of any size; the strict
//     check is the point of this package.
//   - PKCS#7 structures: github.com/sassoftware/relic/v8/lib/pkcs7 types
//     and encoding/asn1 (relic models Authenticode's SpcIndirectDataContent
//     and keeps the raw SignerInfo needed to re-hash the authenticated
//     attributes; smallstep/pkcs7 was not needed). SignerInfo verification,
//     RFC 3161 and legacy timestamps and nested signatures
//     (1.3.6.1.4.1.311.2.4.1) are own code on top, because relic's verifier
//     does not tell "invalid" from "could not check" and its TSTInfo
//     unpacking indexes an empty slice on a token without content. relic's
//     lib/authenticode is not imported: it pulls keyrings, D-Bus and
//     OpenPGP into the binary.
//   - MSI: an own bounded reader for the compound file (relic's comdoc
//     follows sector chains without cycle checks) and the MSI digest over
//     the streams sorted by raw UTF-16 name, with the MsiDigitalSignatureEx
//     metadata pre-hash when present. The DigitalSignature stream gets the
//     same strict check as a PE entry (bytes after the DER are hidden).
//   - CAB: own parsing of the CFHEADER reserve area and the CAB digest;
//     the signature area is checked like a PE entry, and bytes after it are
//     trailing.
//   - Chains: crypto/x509 against the system roots plus --trust-root.
//
// What an invalid result means: [model.Signature.Problem] is set only by a
// check that ran and failed (digest mismatch, signature that does not
// verify); anything that stopped a check (malformed DER, unsupported
// algorithm, missing signer certificate) goes to Error instead.
//
// # Digest
//
// The PE image hash covers the file linearly except the CheckSum field, the
// security directory entry and the certificate table. For well-formed files
// that is the specification's order; bytes after the table are hashed (as
// sbverify does), so data appended after signing makes the digest invalid;
// DigestValidIgnoringTrailing then says whether the signed part is intact.
//
// # Chains
//
// A chain is checked at the time of a valid timestamp (whose own chain must
// validate for time stamping at that time), else at the time of analysis:
// the signing-time attribute is the signer's claim and is not trusted.
// Windows code needs the code-signing extended key usage (a certificate
// without the extension is valid for any use, as in Windows); EFI images
// (subsystems 10-13) are checked for any usage because firmware does not
// look at it. No CRL, OCSP or AIA fetches: vouch works offline, so a
// revoked certificate is not noticed. Go's verifier refuses SHA-1 and MD5
// certificate signatures; such chains report "weak-algorithm".
//
// # Limits
//
// Page hashes (SpcPeImagePageHashes) are not checked; the image hash covers
// the same bytes. In an MSI only the streams are signed: free sectors and
// bytes after the compound file's last sector (CVE-2020-1464, "GlueBall")
// are not examined here. Catalog (.cat) signatures are not looked up.
//
// # Security
//
// Every offset and length read from the file is checked against its size
// before use; nothing is allocated by a declared size beyond the file.
// PKCS#7 blobs over 16 MiB and tables of more than 256 entries are not
// parsed. Nested signatures are followed 4 levels and 32 signatures deep.
// A panic in a parser becomes an error for the file.
package authenticode

import (
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/x509"
	"fmt"
	"runtime/debug"
	"sort"
	"time"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the analyzer.
const Name = "authenticode"

type analyzer struct {
	trust *trust
}

// New returns the Authenticode analyzer, checking chains against the roots
// of cfg.
func New(cfg analyze.Config) analyze.Analyzer { return &analyzer{trust: newTrust(cfg)} }

func (a *analyzer) Name() string { return Name }

func (a *analyzer) Match(kind string) bool {
	return kind == identify.PE || kind == identify.MSI || kind == identify.CAB
}

func (a *analyzer) Analyze(ctx context.Context, in *analyze.Input, f *model.File) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("authenticode: panic: %v\n%s", r, debug.Stack())
		}
	}()
	var sf *model.SignatureFacts
	switch in.Kind {
	case identify.PE:
		sf, err = a.analyzePE(ctx, in)
	case identify.MSI:
		sf, err = a.analyzeMSI(ctx, in)
	case identify.CAB:
		sf, err = a.analyzeCAB(ctx, in)
	default:
		return nil
	}
	if sf != nil {
		f.Facts.Signature = sf
	}
	return err
}

func (a *analyzer) analyzePE(ctx context.Context, in *analyze.Input) (*model.SignatureFacts, error) {
	sf := &model.SignatureFacts{Format: "pe"}
	h, err := parsePEHeader(in.R, in.Size)
	if err != nil {
		sf.Error = fmt.Sprintf("parsePEHeader: %v", err)
		return sf, nil
	}
	if !h.hasSecDir || h.certOff == 0 || h.certSize == 0 {
		return sf, nil
	}
	sf.Signed = true
	if h.certOff < h.secDirOff+8 || h.certOff+h.certSize > in.Size {
		sf.Error = fmt.Sprintf("certificate table at 0x%x+0x%x lies outside the %d-byte file's data", h.certOff, h.certSize, in.Size)
		return sf, nil
	}
	ct, blobs, hidden, err := walkCertTable(ctx, in.R, in.Size, h)
	if err != nil {
		return sf, err
	}
	sf.CertTable = ct
	tEnd := h.certOff + h.certSize
	trailing := span{tEnd, in.Size}
	if h.sectionsEnd > h.certOff {
		// Sections lie after the table: what follows it is image data,
		// not something appended.
		trailing = span{}
	}
	ct.TrailingBytes = trailing.size()
	if err := measureRegions(ctx, in, ct, hidden, trailing); err != nil {
		return sf, err
	}
	var sigs []*sig
	budget := maxSignatures
	for _, b := range blobs {
		if b.err != nil {
			s := &sig{}
			s.Entry = b.entry
			s.Error = b.err.Error()
			sigs = append(sigs, s)
			continue
		}
		sigs = append(sigs, parseSignatures(b.der, b.entry, 0, &budget)...)
	}
	if len(blobs) == 0 {
		sf.Error = "the certificate table holds no PKCS#7 signature"
	}
	d, err := digestPE(ctx, in.R, in.Size, h, hashesOf(sigs))
	if err != nil {
		if ctx.Err() != nil {
			return sf, err
		}
		sf.Error = err.Error()
	} else {
		ct.ChecksumStored = h.storedChecksum
		ct.ChecksumComputed = d.checksum
		ct.ChecksumMatches = h.storedChecksum == 0 || h.storedChecksum == d.checksum
		for _, s := range sigs {
			if s.hash == 0 || s.Error != "" && s.signed == nil {
				continue
			}
			s.DigestValid = hmac.Equal(d.full[s.hash], s.signed)
			if !s.DigestValid {
				if ct.TrailingBytes > 0 && hmac.Equal(d.noTrail[s.hash], s.signed) {
					s.DigestValidIgnoringTrailing = true
					s.addProblem(fmt.Sprintf("the file digest matches only without the %d bytes after the certificate table", ct.TrailingBytes))
				} else {
					s.addProblem("the file digest does not match the signed digest: the file was modified after signing")
				}
			}
		}
	}
	usage := x509.ExtKeyUsageCodeSigning
	if h.isEFI() {
		usage = x509.ExtKeyUsageAny
	}
	sf.Signatures = a.finish(sigs, usage)
	return sf, nil
}

// measureRegions fills the entropy and markers of the hidden bytes and of
// the bytes after the table.
func measureRegions(ctx context.Context, in *analyze.Input, ct *model.CertTable, hidden []span, trailing span) error {
	if len(hidden) > 0 {
		res, err := scanSpans(ctx, in.R, in.Size, hidden)
		if err != nil {
			return err
		}
		ct.Hidden = res.regions
		ct.HiddenEntropy = res.entropy()
		ct.Markers = res.markerNames()
		ct.MarkersAt = res.markers
	}
	if trailing.size() > 0 {
		res, err := scanSpans(ctx, in.R, in.Size, []span{trailing})
		if err != nil {
			return err
		}
		ct.TrailingEntropy = res.entropy()
		ct.TrailingMarkers = res.markerNames()
	}
	return nil
}

// hashesOf lists the image digest algorithms the signatures need.
func hashesOf(sigs []*sig) []crypto.Hash {
	seen := map[crypto.Hash]bool{}
	var out []crypto.Hash
	for _, s := range sigs {
		if s.hash != 0 && !seen[s.hash] {
			seen[s.hash] = true
			out = append(out, s.hash)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// finish checks timestamps and chains and returns the signatures in order.
func (a *analyzer) finish(sigs []*sig, usage x509.ExtKeyUsage) []model.Signature {
	out := make([]model.Signature, 0, len(sigs))
	for _, s := range sigs {
		at := a.trust.now().UTC()
		var atTS *time.Time
		if ts := s.ts; ts != nil && ts.SignatureValid && ts.cert != nil {
			r := a.trust.check(ts.cert, ts.certs, ts.Time, x509.ExtKeyUsageTimeStamping)
			ts.ChainValid = r.valid
			ts.ChainError = r.err
			ts.Valid = r.valid
			if ts.Valid {
				at = ts.Time
				atTS = &ts.Time
			}
		}
		if s.signer != nil {
			r := a.trust.check(s.signer, s.certs, at, usage)
			s.ChainValid = r.valid
			s.ChainError = r.err
			s.ChainProblem = r.problem
			s.LookalikeRoot = r.lookalike
			s.Chain = certInfos(r.chain)
			s.VerifiedAt = atTS // nil: checked at the time of analysis
		}
		if s.ts != nil {
			s.Timestamp = &s.ts.Timestamp
		}
		out = append(out, s.Signature)
	}
	return out
}
