// Package sig turns Authenticode facts (analyze/authenticode) into
// findings: signatures that do not match their file, chains that do not
// validate, and data hidden in or after a PE signature.
//
// Two detectors live here because their finding families differ: [New]
// ("sig.*") judges the signature itself for PE, MSI and CAB, and [NewPE]
// ("pe.*") judges what surrounds a PE signature.
//
// # Severity
//
//   - pe.cert-table-payload: high; critical when the hidden bytes are at
//     least 1 KiB with entropy above 7 bits per byte, or carry a marker
//     (FE ED FA CE, an MZ/PE or ELF header). This is the 3CX
//     d3dcompiler_47.dll shape (CVE-2013-3900).
//   - pe.overlay-after-signature: medium; high when the appended bytes
//     carry an executable header or are at least 1 KiB of high-entropy data.
//   - sig.invalid: high. The file digest or the signer's signature does
//     not verify: the file was changed after signing.
//   - sig.untrusted: the digest and signature are fine but the chain is
//     not. Medium when something is wrong with the chain itself: it names a
//     trusted root that did not sign it (a look-alike), a certificate may
//     not sign code, or a signature in it is bad. Low when vouch merely
//     cannot vouch for it: the root is not in the pool (Microsoft's and the
//     UEFI CAs are not in Debian's bundle; pass them with --trust-root), the
//     chain uses SHA-1 or MD5, or the certificate expired and there is no
//     timestamp (common for old releases, and Windows would say "expired",
//     not "tampered").
//   - sig.signature-payload: the MSI/CAB form of pe.cert-table-payload:
//     bytes in the DigitalSignature stream or the CAB signature area after
//     the DER blob (beyond 7 bytes of zero padding), or after a CAB's
//     signature. High; critical on the same payload signs as for PE.
//   - sig.unchecked: low. The signature could not be checked (malformed
//     DER, unsupported algorithm); not the same as invalid.
//
// An unsigned file raises nothing here.
package sig

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/model"
)

// Names of the detectors; findings are "sig.*" and "pe.*".
const (
	Name   = "sig"
	PEName = "pe"
)

// Thresholds for "payload-like" bytes.
const (
	bulkBytes   = 1024
	highEntropy = 7.0
)

type sigDetector struct{}
type peDetector struct{}

// New returns the signature detector (sig.invalid, sig.untrusted,
// sig.unchecked).
func New() detect.FileDetector { return sigDetector{} }

// NewPE returns the PE certificate-table detector (pe.cert-table-payload,
// pe.overlay-after-signature).
func NewPE() detect.FileDetector { return peDetector{} }

func (sigDetector) Name() string { return Name }
func (peDetector) Name() string  { return PEName }

// base is the file name of a virtual path.
func base(p string) string {
	if i := strings.LastIndex(p, "!/"); i >= 0 {
		p = p[i+2:]
	}
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	}
	return p
}

func facts(f *model.File) *model.SignatureFacts {
	if f.Facts == nil || f.Facts.Signature == nil || !f.Facts.Signature.Signed {
		return nil
	}
	return f.Facts.Signature
}

func (sigDetector) DetectFile(f *model.File) []model.Finding {
	sf := facts(f)
	if sf == nil {
		return nil
	}
	name := base(f.Path)
	// A checked signature that does not verify outranks everything else.
	for i, s := range sf.Signatures {
		// Problem is set only by a check that ran and failed; a digest or
		// signature that could not be checked is sig.unchecked.
		if s.Problem == "" {
			continue
		}
		ev := sigEvidence(sf, i)
		title := fmt.Sprintf("signature of %s does not match the file: modified after signing", name)
		switch {
		case s.DigestValidIgnoringTrailing && sf.CertTable != nil:
			title = fmt.Sprintf("signature of %s does not cover %d bytes appended after it: modified after signing", name, sf.CertTable.TrailingBytes)
		case s.DigestValid || s.DigestAlgorithm == "" || s.Error != "":
			title = fmt.Sprintf("signature of %s does not verify with its signer's key: the signed data was altered", name)
		}
		return []model.Finding{{ID: Name + ".invalid", Severity: model.SeverityHigh, Path: f.Path, Title: title, Evidence: ev}}
	}
	var out []model.Finding
	if fd, ok := slotPayload(f, sf, name); ok {
		out = append(out, fd)
	}
	if fd, ok := untrusted(f, sf, name); ok {
		out = append(out, fd)
	}
	if msg := uncheckable(sf); msg != "" {
		out = append(out, model.Finding{
			ID: Name + ".unchecked", Severity: model.SeverityLow, Path: f.Path,
			Title:    fmt.Sprintf("signature of %s could not be checked: %s", name, msg),
			Evidence: map[string]any{"error": msg, "format": sf.Format},
		})
	}
	return out
}

// slotPayload flags bytes in or after the signature area of an MSI or a
// CAB that the signature does not cover: the MSI and CAB forms of the PE
// certificate-table trick (PE files are judged by the "pe" detector).
func slotPayload(f *model.File, sf *model.SignatureFacts, name string) (model.Finding, bool) {
	ct := sf.CertTable
	if sf.Format == "pe" || ct == nil || (ct.HiddenBytes == 0 && !ct.NonZeroPadding && ct.TrailingBytes == 0) {
		return model.Finding{}, false
	}
	sev := model.SeverityHigh
	if (ct.HiddenBytes >= bulkBytes && ct.HiddenEntropy > highEntropy) || len(ct.Markers) > 0 ||
		(ct.TrailingBytes >= bulkBytes && ct.TrailingEntropy > highEntropy) || len(ct.TrailingMarkers) > 0 {
		sev = model.SeverityCritical
	}
	n := ct.HiddenBytes + ct.TrailingBytes
	where := "inside its signature"
	switch {
	case ct.HiddenBytes == 0 && ct.TrailingBytes > 0:
		where = "after its signature"
	case ct.HiddenBytes > 0 && ct.TrailingBytes > 0:
		where = "inside and after its signature"
	}
	title := fmt.Sprintf("%s carries %d bytes %s that the signature does not cover", name, n, where)
	if n == 0 {
		title = fmt.Sprintf("%s carries non-zero padding inside its signature", name)
	}
	ev := map[string]any{
		"format":          sf.Format,
		"hidden_bytes":    ct.HiddenBytes,
		"hidden_entropy":  ct.HiddenEntropy,
		"nonzero_padding": ct.NonZeroPadding,
		"trailing_bytes":  ct.TrailingBytes,
		"digest_valid":    primaryValid(sf),
	}
	if ct.TrailingBytes > 0 {
		ev["trailing_entropy"] = ct.TrailingEntropy
	}
	if ms := append(append([]string(nil), ct.Markers...), ct.TrailingMarkers...); len(ms) > 0 {
		sort.Strings(ms)
		ev["markers"] = ms
	}
	return model.Finding{ID: Name + ".signature-payload", Severity: sev, Path: f.Path, Title: title, Evidence: ev}, true
}

// untrusted judges the worst chain among signatures whose digest and
// signature verified.
func untrusted(f *model.File, sf *model.SignatureFacts, name string) (model.Finding, bool) {
	best := -1
	var sev model.Severity
	for i, s := range sf.Signatures {
		if s.Error != "" || !s.DigestValid || !s.SignatureValid || s.ChainValid || s.Signer == nil {
			continue
		}
		if v := chainSeverity(s); best < 0 || v > sev {
			best, sev = i, v
		}
	}
	if best < 0 {
		return model.Finding{}, false
	}
	s := sf.Signatures[best]
	top := s.Signer.Issuer
	if n := len(s.Chain); n > 0 {
		top = s.Chain[n-1].Issuer
	}
	var title string
	switch s.ChainProblem {
	case model.ChainUnknownAuthority:
		title = fmt.Sprintf("could not validate the signer of %s: its root %q is not configured (add it with --trust-root)", name, top)
	case model.ChainExpired:
		title = fmt.Sprintf("signer certificate of %s (%s) expired on %s and the signature has no valid timestamp", name, s.Signer.Subject, s.Signer.NotAfter.Format("2006-01-02"))
	case model.ChainWeakAlgorithm:
		title = fmt.Sprintf("could not validate the signer of %s: its chain uses SHA-1 or MD5 signatures", name)
	case model.ChainLookalikeRoot:
		title = fmt.Sprintf("signer of %s chains to a certificate named like the trusted root %q that the real root did not sign", name, s.LookalikeRoot)
	case model.ChainKeyUsage:
		title = fmt.Sprintf("signer certificate of %s (%s) is not allowed to sign code", name, s.Signer.Subject)
	default:
		title = fmt.Sprintf("signer chain of %s does not validate: %s", name, s.ChainError)
	}
	ev := sigEvidence(sf, best)
	return model.Finding{ID: Name + ".untrusted", Severity: sev, Path: f.Path, Title: title, Evidence: ev}, true
}

func chainSeverity(s model.Signature) model.Severity {
	switch s.ChainProblem {
	case model.ChainUnknownAuthority, model.ChainExpired, model.ChainWeakAlgorithm:
		return model.SeverityLow
	}
	return model.SeverityMedium
}

// uncheckable summarises why a signed file's signatures could not be
// checked, or "" when every one was.
func uncheckable(sf *model.SignatureFacts) string {
	if sf.Error != "" {
		return sf.Error
	}
	for _, s := range sf.Signatures {
		if s.Error != "" {
			return s.Error
		}
	}
	return ""
}

func sigEvidence(sf *model.SignatureFacts, i int) map[string]any {
	s := sf.Signatures[i]
	ev := map[string]any{
		"format":           sf.Format,
		"signature":        i,
		"digest_algorithm": s.DigestAlgorithm,
		"digest_valid":     s.DigestValid,
		"signature_valid":  s.SignatureValid,
		"chain_valid":      s.ChainValid,
		"nested":           s.Nested,
	}
	if sf.Format == "pe" {
		ev["entry"] = s.Entry
	}
	if s.Problem != "" {
		ev["problem"] = s.Problem
	}
	if s.ChainError != "" {
		ev["chain_error"] = s.ChainError
	}
	if s.ChainProblem != "" {
		ev["chain_problem"] = s.ChainProblem
	}
	if s.LookalikeRoot != "" {
		ev["lookalike_root"] = s.LookalikeRoot
	}
	if s.Signer != nil {
		ev["signer"] = s.Signer.Subject
		ev["issuer"] = s.Signer.Issuer
		ev["serial"] = s.Signer.Serial
		ev["not_after"] = s.Signer.NotAfter
	}
	if s.DigestValidIgnoringTrailing {
		ev["digest_valid_ignoring_trailing"] = true
	}
	if ts := s.Timestamp; ts != nil {
		ev["timestamp"] = ts.Time
		ev["timestamp_valid"] = ts.Valid
	}
	return ev
}

func (peDetector) DetectFile(f *model.File) []model.Finding {
	sf := facts(f)
	if sf == nil || sf.Format != "pe" || sf.CertTable == nil {
		return nil
	}
	ct := sf.CertTable
	name := base(f.Path)
	var out []model.Finding
	if ct.HiddenBytes > 0 || ct.NonZeroPadding || ct.SizeMismatch {
		sev := model.SeverityHigh
		if (ct.HiddenBytes >= bulkBytes && ct.HiddenEntropy > highEntropy) || len(ct.Markers) > 0 {
			sev = model.SeverityCritical
		}
		valid := primaryValid(sf)
		what := fmt.Sprintf("carries %d bytes of hidden data inside its signature", ct.HiddenBytes)
		if ct.HiddenBytes == 0 {
			what = "carries non-zero padding inside its signature"
		}
		title := fmt.Sprintf("%s %s (would fail with EnableCertPaddingCheck=1)", name, what)
		switch {
		case valid && !ct.SizeMismatch:
			title = fmt.Sprintf("%s verifies with default Windows settings but %s (would fail with EnableCertPaddingCheck=1)", name, what)
		case valid:
			// Bytes past the last entry: Windows' default check may or may
			// not walk that far, so claim only what vouch verified.
			title = fmt.Sprintf("%s has a valid signature digest but %s, past its last entry (would fail with EnableCertPaddingCheck=1)", name, what)
		}
		ev := map[string]any{
			"hidden_bytes":     ct.HiddenBytes,
			"hidden_entropy":   ct.HiddenEntropy,
			"nonzero_padding":  ct.NonZeroPadding,
			"size_mismatch":    ct.SizeMismatch,
			"table_offset":     ct.Offset,
			"table_size":       ct.Size,
			"entries":          len(ct.Entries),
			"digest_valid":     valid,
			"checksum_matches": ct.ChecksumMatches,
		}
		if len(ct.Hidden) > 0 {
			var regions []string
			for _, r := range ct.Hidden {
				regions = append(regions, fmt.Sprintf("0x%x+%d", r.Offset, r.Size))
			}
			ev["hidden_regions"] = regions
		}
		if len(ct.MarkersAt) > 0 {
			var ms []string
			for _, m := range ct.MarkersAt {
				ms = append(ms, fmt.Sprintf("%s@0x%x", m.Name, m.Offset))
			}
			sort.Strings(ms)
			ev["markers"] = ms
		}
		out = append(out, model.Finding{ID: PEName + ".cert-table-payload", Severity: sev, Path: f.Path, Title: title, Evidence: ev})
	}
	if ct.TrailingBytes > 0 {
		sev := model.SeverityMedium
		if len(ct.TrailingMarkers) > 0 || (ct.TrailingBytes >= bulkBytes && ct.TrailingEntropy > highEntropy) {
			sev = model.SeverityHigh
		}
		ev := map[string]any{
			"trailing_bytes":   ct.TrailingBytes,
			"trailing_entropy": ct.TrailingEntropy,
			"offset":           ct.Offset + ct.Size,
		}
		if len(ct.TrailingMarkers) > 0 {
			ev["markers"] = ct.TrailingMarkers
		}
		if len(sf.Signatures) > 0 {
			ev["digest_valid"] = sf.Signatures[0].DigestValid
			ev["digest_valid_ignoring_trailing"] = sf.Signatures[0].DigestValidIgnoringTrailing
		}
		out = append(out, model.Finding{
			ID: PEName + ".overlay-after-signature", Severity: sev, Path: f.Path,
			Title:    fmt.Sprintf("%s has %d bytes after its signature at the end of the file, outside the signed image", name, ct.TrailingBytes),
			Evidence: ev,
		})
	}
	return out
}

// primaryValid: the first signature's digest and signature verify, which is
// what Windows' default check looks at.
func primaryValid(sf *model.SignatureFacts) bool {
	return len(sf.Signatures) > 0 && sf.Signatures[0].DigestValid && sf.Signatures[0].SignatureValid
}
