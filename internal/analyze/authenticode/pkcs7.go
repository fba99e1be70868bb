package authenticode

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/sassoftware/relic/v8/lib/pkcs7"
	"github.com/sassoftware/relic/v8/lib/pkcs9"
	"github.com/sassoftware/relic/v8/lib/x509tools"

	"github.com/vouch-sec/vouch/internal/model"
)

// Object identifiers of Authenticode (Microsoft's "Windows Authenticode
// Portable Executable Signature Format") and of CMS timestamps.
var (
	oidSpcIndirectData  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 4}
	oidNestedSignature  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 4, 1}
	oidSpcRFC3161       = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 3, 3, 1}
	oidTimeStampToken   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidCounterSignature = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 6}
	oidTSTInfo          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidRSAPSS           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
)

// Bounds on nested signatures.
const (
	maxNestDepth  = 4
	maxSignatures = 32 // per file, nested included
)

// SpcIndirectDataContent ::= SEQUENCE {
//
//	data          SpcAttributeTypeAndOptionalValue,
//	messageDigest DigestInfo }
type spcIndirectData struct {
	Data          spcAttributeValue
	MessageDigest digestInfo
}

type spcAttributeValue struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue `asn1:"optional"`
}

type digestInfo struct {
	Algorithm pkix.AlgorithmIdentifier
	Digest    []byte
}

// sig is one parsed signature with what later steps need.
type sig struct {
	model.Signature
	hash   crypto.Hash // algorithm of the signed file digest; 0 if unknown
	signed []byte      // the digest the signature covers
	signer *x509.Certificate
	certs  []*x509.Certificate // every certificate the SignedData carries
	ts     *timestamp
}

// addProblem records why a check that ran failed.
func (s *sig) addProblem(p string) {
	if s.Problem != "" {
		s.Problem += "; "
	}
	s.Problem += p
}

// timestamp is a verified-or-not countersignature.
type timestamp struct {
	model.Timestamp
	cert  *x509.Certificate
	certs []*x509.Certificate
}

// parseSignatures parses one PKCS#7 Authenticode blob and, depth first,
// the signatures nested in its unauthenticated attributes. The outer one
// comes first. budget counts signatures left for the whole file.
func parseSignatures(der []byte, entry, depth int, budget *int) []*sig {
	if *budget <= 0 {
		return nil
	}
	*budget--
	s := &sig{}
	s.Entry = entry
	s.Nested = depth > 0
	out := []*sig{s}
	psd, err := pkcs7.Unmarshal(der)
	if err != nil {
		s.Error = fmt.Sprintf("pkcs7.Unmarshal: %v", err)
		return out
	}
	if !psd.ContentType.Equal(pkcs7.OidSignedData) {
		s.Error = fmt.Sprintf("content type %s, not SignedData", psd.ContentType)
		return out
	}
	sd := &psd.Content
	if !sd.ContentInfo.ContentType.Equal(oidSpcIndirectData) {
		s.Error = fmt.Sprintf("signed content type %s, not SpcIndirectDataContent", sd.ContentInfo.ContentType)
		return out
	}
	var ind spcIndirectData
	if err := sd.ContentInfo.Unmarshal(&ind); err != nil {
		s.Error = fmt.Sprintf("parsing SpcIndirectDataContent: %v", err)
		return out
	}
	content, err := sd.ContentInfo.Bytes()
	if err != nil || len(content) == 0 {
		s.Error = "SpcIndirectDataContent has no content"
		return out
	}
	s.signed = ind.MessageDigest.Digest
	s.Digest = hex.EncodeToString(ind.MessageDigest.Digest)
	if h, ok := digestHash(ind.MessageDigest.Algorithm.Algorithm); ok {
		s.hash = h
		s.DigestAlgorithm = hashName(h)
		if len(s.signed) != h.Size() {
			s.Error = fmt.Sprintf("signed %s digest is %d bytes", hashName(h), len(s.signed))
			s.hash = 0
		}
	} else {
		s.DigestAlgorithm = ind.MessageDigest.Algorithm.Algorithm.String()
		s.Error = fmt.Sprintf("unsupported digest algorithm %s", ind.MessageDigest.Algorithm.Algorithm)
	}
	// A certificate that does not parse is left out; the signer may still
	// be found among the others.
	s.certs, _ = sd.Certificates.Parse()
	if len(sd.SignerInfos) == 0 {
		s.Error = "no SignerInfo"
		return out
	}
	si := &sd.SignerInfos[0] // Authenticode allows exactly one
	cert, valid, problem, err := verifySignerInfo(si, content, s.certs)
	if cert != nil {
		s.signer = cert
		s.Signer = certInfo(cert)
	}
	switch {
	case err != nil:
		if s.Error == "" {
			s.Error = err.Error()
		}
	case !valid:
		s.addProblem(problem)
	default:
		s.SignatureValid = true
	}
	if t, err := si.SigningTime(); err == nil {
		t = t.UTC()
		s.SigningTime = &t
	}
	s.ts = parseTimestamp(si, s.certs)
	if s.ts != nil {
		s.Timestamp = &s.ts.Timestamp
	}
	if depth >= maxNestDepth {
		return out
	}
	for _, a := range si.UnauthenticatedAttributes {
		if !a.Type.Equal(oidNestedSignature) {
			continue
		}
		for _, v := range setValues(a.Values) {
			out = append(out, parseSignatures(v, entry, depth+1, budget)...)
		}
	}
	return out
}

// setValues splits an attribute's SET OF into the DER of each value.
func setValues(set asn1.RawValue) [][]byte {
	var out [][]byte
	rest := set.Bytes
	for len(rest) > 0 {
		var v asn1.RawValue
		var err error
		rest, err = asn1.Unmarshal(rest, &v)
		if err != nil {
			break
		}
		out = append(out, v.FullBytes)
	}
	return out
}

// verifySignerInfo checks a SignerInfo over content. err means it could
// not be checked (missing certificate, unsupported algorithm); otherwise
// valid says whether it verifies, and problem why not.
func verifySignerInfo(si *pkcs7.SignerInfo, content []byte, certs []*x509.Certificate) (cert *x509.Certificate, valid bool, problem string, err error) {
	cands := findCerts(si, certs)
	if len(cands) == 0 {
		return nil, false, "", errors.New("signer certificate is not in the signature")
	}
	cert = cands[0]
	h, ok := digestHash(si.DigestAlgorithm.Algorithm)
	if !ok {
		return cert, false, "", fmt.Errorf("unsupported SignerInfo digest algorithm %s", si.DigestAlgorithm.Algorithm)
	}
	d := h.New()
	d.Write(content)
	digest := d.Sum(nil)
	if len(si.AuthenticatedAttributes) > 0 {
		var md []byte
		if err := si.AuthenticatedAttributes.GetOne(pkcs7.OidAttributeMessageDigest, &md); err != nil {
			return cert, false, "", fmt.Errorf("messageDigest attribute: %v", err)
		}
		if !hmac.Equal(md, digest) {
			return cert, false, "the messageDigest attribute does not match the signed content", nil
		}
		attrs, err := si.AuthenticatedAttributesBytes()
		if err != nil {
			return cert, false, "", fmt.Errorf("re-encoding authenticated attributes: %v", err)
		}
		d = h.New()
		d.Write(attrs)
		digest = d.Sum(nil)
	}
	// Issuer and serial should name one certificate; when several carry
	// them, the one whose key verifies is the signer.
	var firstErr error
	for _, c := range cands {
		ok, err := verifyRaw(c.PublicKey, h, si.DigestEncryptionAlgorithm, digest, si.EncryptedDigest)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if ok {
			return c, true, "", nil
		}
	}
	if firstErr != nil && len(cands) == 1 {
		return cert, false, "", firstErr
	}
	return cert, false, "the signature does not verify with the signer's public key", nil
}

// findCerts returns the certificates matching the SignerInfo's issuer and
// serial number.
func findCerts(si *pkcs7.SignerInfo, certs []*x509.Certificate) []*x509.Certificate {
	is := si.IssuerAndSerialNumber
	if is.SerialNumber == nil {
		return nil
	}
	var out []*x509.Certificate
	for _, c := range certs {
		if bytes.Equal(c.RawIssuer, is.IssuerName.FullBytes) && c.SerialNumber.Cmp(is.SerialNumber) == 0 {
			out = append(out, c)
		}
	}
	return out
}

// verifyRaw checks a signature over a digest. An error means the key or
// algorithm is one vouch cannot check.
func verifyRaw(pub any, h crypto.Hash, alg pkix.AlgorithmIdentifier, digest, signature []byte) (bool, error) {
	switch key := pub.(type) {
	case *rsa.PublicKey:
		if key.N == nil {
			return false, errors.New("RSA key without modulus")
		}
		if bits := key.N.BitLen(); bits < 1024 {
			return false, fmt.Errorf("RSA key of %d bits is too small to verify", bits)
		}
		if alg.Algorithm.Equal(oidRSAPSS) {
			opts, err := x509tools.UnmarshalRSAPSSParameters(h, alg.Parameters)
			if err != nil {
				return false, fmt.Errorf("RSA-PSS parameters: %v", err)
			}
			return rsa.VerifyPSS(key, h, digest, signature, opts) == nil, nil
		}
		if rsa.VerifyPKCS1v15(key, h, digest, signature) == nil {
			return true, nil
		}
		// Some legacy timestamp signers sign the bare digest, without a
		// DigestInfo around it.
		return rsa.VerifyPKCS1v15(key, 0, digest, signature) == nil, nil
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(key, digest, signature), nil
	default:
		return false, fmt.Errorf("unsupported public key type %T", pub)
	}
}

// digestHash maps a digest algorithm OID to a hash vouch can compute.
func digestHash(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	h, ok := x509tools.PkixDigestToHash(pkix.AlgorithmIdentifier{Algorithm: oid})
	if !ok || !h.Available() {
		return 0, false
	}
	return h, true
}

func hashName(h crypto.Hash) string {
	switch h {
	case crypto.MD5:
		return "md5"
	case crypto.SHA1:
		return "sha1"
	case crypto.SHA224:
		return "sha224"
	case crypto.SHA256:
		return "sha256"
	case crypto.SHA384:
		return "sha384"
	case crypto.SHA512:
		return "sha512"
	}
	return h.String()
}

// parseTimestamp finds and verifies the countersignature of si, if any:
// an RFC 3161 token (Microsoft's attribute or the CMS one) or a legacy
// Authenticode countersignature. Chains are checked later.
func parseTimestamp(si *pkcs7.SignerInfo, parentCerts []*x509.Certificate) *timestamp {
	for _, a := range si.UnauthenticatedAttributes {
		switch {
		case a.Type.Equal(oidSpcRFC3161), a.Type.Equal(oidTimeStampToken):
			vals := setValues(a.Values)
			if len(vals) == 0 {
				continue
			}
			return rfc3161(vals[0], si.EncryptedDigest, parentCerts)
		case a.Type.Equal(oidCounterSignature):
			vals := setValues(a.Values)
			if len(vals) == 0 {
				continue
			}
			return legacyCounterSignature(vals[0], si.EncryptedDigest, parentCerts)
		}
	}
	return nil
}

func rfc3161(der, signature []byte, parentCerts []*x509.Certificate) *timestamp {
	ts := &timestamp{}
	ts.Kind = "rfc3161"
	tst, err := pkcs7.Unmarshal(der)
	if err != nil {
		ts.Error = fmt.Sprintf("pkcs7.Unmarshal: %v", err)
		return ts
	}
	if !tst.Content.ContentInfo.ContentType.Equal(oidTSTInfo) {
		ts.Error = fmt.Sprintf("token content type %s, not TSTInfo", tst.Content.ContentInfo.ContentType)
		return ts
	}
	info, err := tst.Content.ContentInfo.Bytes()
	if err != nil || len(info) == 0 {
		ts.Error = "token has no TSTInfo"
		return ts
	}
	if info[0] == 0x04 { // TSTInfo wrapped in one more OCTET STRING
		var inner []byte
		if _, err := asn1.Unmarshal(info, &inner); err == nil {
			info = inner
		}
	}
	var ti pkcs9.TSTInfo
	if _, err := asn1.Unmarshal(info, &ti); err != nil {
		ts.Error = fmt.Sprintf("parsing TSTInfo: %v", err)
		return ts
	}
	t, err := pkcs7.ParseTime(ti.GenTime)
	if err != nil {
		ts.Error = fmt.Sprintf("TSTInfo genTime: %v", err)
		return ts
	}
	ts.Time = t.UTC()
	tcerts, _ := tst.Content.Certificates.Parse()
	ts.certs = append(append([]*x509.Certificate(nil), tcerts...), parentCerts...)
	if len(tst.Content.SignerInfos) == 0 {
		ts.Error = "token has no SignerInfo"
		return ts
	}
	ih, ok := digestHash(ti.MessageImprint.HashAlgorithm.Algorithm)
	if !ok {
		ts.Error = fmt.Sprintf("unsupported imprint algorithm %s", ti.MessageImprint.HashAlgorithm.Algorithm)
		return ts
	}
	d := ih.New()
	d.Write(signature)
	imprintOK := hmac.Equal(d.Sum(nil), ti.MessageImprint.HashedMessage)
	cert, valid, _, err := verifySignerInfo(&tst.Content.SignerInfos[0], info, ts.certs)
	ts.cert = cert
	if cert != nil {
		ts.Authority = certInfo(cert)
	}
	if err != nil {
		ts.Error = err.Error()
		return ts
	}
	ts.SignatureValid = valid && imprintOK
	return ts
}

func legacyCounterSignature(der, signature []byte, parentCerts []*x509.Certificate) *timestamp {
	ts := &timestamp{}
	ts.Kind = "authenticode"
	var cs pkcs7.SignerInfo
	if _, err := asn1.Unmarshal(der, &cs); err != nil {
		ts.Error = fmt.Sprintf("parsing countersignature: %v", err)
		return ts
	}
	t, err := cs.SigningTime()
	if err != nil {
		ts.Error = fmt.Sprintf("countersignature signing time: %v", err)
		return ts
	}
	ts.Time = t.UTC()
	ts.certs = parentCerts
	cert, valid, _, err := verifySignerInfo(&cs, signature, parentCerts)
	ts.cert = cert
	if cert != nil {
		ts.Authority = certInfo(cert)
	}
	if err != nil {
		ts.Error = err.Error()
		return ts
	}
	ts.SignatureValid = valid
	return ts
}

// certInfo is the reader-facing summary of a certificate.
func certInfo(c *x509.Certificate) *model.Certificate {
	sum := sha256.Sum256(c.Raw)
	serial := ""
	if c.SerialNumber != nil {
		serial = hex.EncodeToString(c.SerialNumber.Bytes())
		if c.SerialNumber.Sign() < 0 {
			serial = "-" + serial
		}
	}
	return &model.Certificate{
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		Serial:    serial,
		NotBefore: c.NotBefore.UTC(),
		NotAfter:  c.NotAfter.UTC(),
		SHA256:    hex.EncodeToString(sum[:]),
	}
}

// timeOrZero returns *t or the zero time.
func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
