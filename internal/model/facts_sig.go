package model

import "time"

// SignatureFacts describe the Authenticode signatures of a PE, MSI or CAB
// (analyze/authenticode).
type SignatureFacts struct {
	Signed bool `json:"signed"`
	// Format is where the signature lives: "pe", "msi" or "cab".
	Format     string      `json:"format,omitempty"`
	Signatures []Signature `json:"signatures,omitempty"` // per entry: outer first, then its nested ones
	// CertTable is the PE certificate table as found. For a CAB it
	// describes the signature slot after the cabinet, and for an MSI the
	// DigitalSignature stream, with the same strict checks.
	CertTable *CertTable `json:"cert_table,omitempty"`
	Error     string     `json:"error,omitempty"` // could not check (not the same as invalid)
}

// Signature is one Authenticode signature.
type Signature struct {
	DigestAlgorithm string        `json:"digest_algorithm"`
	Digest          string        `json:"digest"`       // hex of the digest the signature covers
	DigestValid     bool          `json:"digest_valid"` // file digest matches the signed digest
	SignatureValid  bool          `json:"signature_valid"`
	ChainValid      bool          `json:"chain_valid"`
	ChainError      string        `json:"chain_error,omitempty"`
	Signer          *Certificate  `json:"signer,omitempty"`
	Chain           []Certificate `json:"chain,omitempty"` // signer first
	SigningTime     *time.Time    `json:"signing_time,omitempty"`
	Timestamp       *Timestamp    `json:"timestamp,omitempty"`
	Nested          bool          `json:"nested,omitempty"`
	Error           string        `json:"error,omitempty"`
	// Problem says why a checked digest or signature is not valid.
	Problem string `json:"problem,omitempty"`
	// Entry is the index of the WIN_CERTIFICATE holding the signature (PE).
	Entry int `json:"entry"`
	// DigestValidIgnoringTrailing is set when the digest matches only if
	// the bytes after the certificate table are left out: the signed image
	// is intact and something was appended after signing.
	DigestValidIgnoringTrailing bool `json:"digest_valid_ignoring_trailing,omitempty"`
	// ChainProblem classifies a chain that did not validate: see the
	// ChainProblem* constants.
	ChainProblem string `json:"chain_problem,omitempty"`
	// LookalikeRoot is the name of a trusted root the chain claims to come
	// from without being signed by it (ChainProblem "lookalike-root").
	LookalikeRoot string `json:"lookalike_root,omitempty"`
	// VerifiedAt is the time the chain was checked at when that is a valid
	// timestamp's; nil means the time of analysis (left out so reports stay
	// reproducible).
	VerifiedAt *time.Time `json:"verified_at,omitempty"`
}

// Chain problems, from the one that says least about the file to the most.
const (
	// ChainUnknownAuthority: no path to a configured root. Typical for a
	// vendor root (Microsoft's, a UEFI CA) the user has not supplied.
	ChainUnknownAuthority = "unknown-authority"
	// ChainExpired: the chain is sound but a certificate was outside its
	// validity at the time checked and there is no valid timestamp.
	ChainExpired = "expired"
	// ChainWeakAlgorithm: a certificate in the chain is signed with SHA-1
	// or MD5, which vouch's verifier refuses.
	ChainWeakAlgorithm = "weak-algorithm"
	// ChainKeyUsage: a certificate is not allowed to sign code.
	ChainKeyUsage = "key-usage"
	// ChainLookalikeRoot: the chain names a trusted root as its issuer but
	// that root did not sign it.
	ChainLookalikeRoot = "lookalike-root"
	// ChainInvalid: any other reason (bad signature, constraints).
	ChainInvalid = "invalid"
)

// Certificate is the part of an X.509 certificate a reader cares about.
type Certificate struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	SHA256    string    `json:"sha256"` // of the DER
}

// Timestamp is a countersignature (RFC 3161 or legacy Authenticode).
type Timestamp struct {
	Kind      string       `json:"kind"` // "rfc3161" or "authenticode"
	Time      time.Time    `json:"time"`
	Authority *Certificate `json:"authority,omitempty"`
	// Valid: the countersignature covers this signature, verifies, and
	// the authority's chain validates for time stamping at Time.
	Valid          bool   `json:"valid"`
	SignatureValid bool   `json:"signature_valid"`
	ChainValid     bool   `json:"chain_valid"`
	ChainError     string `json:"chain_error,omitempty"`
	Error          string `json:"error,omitempty"`
}

// CertTable is the PE security directory and what lies in and around it.
type CertTable struct {
	Offset  int64       `json:"offset"`
	Size    int64       `json:"size"` // as the data directory says
	Entries []CertEntry `json:"entries"`
	// Bytes inside the table that no entry's PKCS#7 blob accounts for
	// beyond 8-byte alignment padding, and whether any padding is non-zero.
	HiddenBytes     int64    `json:"hidden_bytes"`
	HiddenEntropy   float64  `json:"hidden_entropy,omitempty"`
	NonZeroPadding  bool     `json:"nonzero_padding,omitempty"`
	Markers         []string `json:"markers,omitempty"`       // e.g. "FEEDFACE" found in hidden bytes
	SizeMismatch    bool     `json:"size_mismatch,omitempty"` // directory size disagrees with the entries
	TrailingBytes   int64    `json:"trailing_bytes"`          // bytes after the table at end of file
	ChecksumMatches bool     `json:"checksum_matches"`
	// Hidden lists the hidden byte ranges (file offsets) with their entropy.
	Hidden []Region `json:"hidden,omitempty"`
	// MarkersAt gives where each marker was first found (file offsets).
	MarkersAt        []Marker `json:"markers_at,omitempty"`
	TrailingEntropy  float64  `json:"trailing_entropy,omitempty"`
	TrailingMarkers  []string `json:"trailing_markers,omitempty"`
	ChecksumStored   uint32   `json:"checksum_stored,omitempty"`
	ChecksumComputed uint32   `json:"checksum_computed,omitempty"`
}

// Marker is a recognisable byte pattern found in hidden bytes: "FEEDFACE"
// and "CEFAEDFE" (the 3CX payload marker), "MZ" with a PE header, "ELF".
type Marker struct {
	Name   string `json:"name"`
	Offset int64  `json:"offset"`
}

// CertEntry is one WIN_CERTIFICATE.
type CertEntry struct {
	Offset   int64  `json:"offset"`
	Length   int64  `json:"length"` // dwLength
	Revision uint16 `json:"revision"`
	Type     uint16 `json:"type"`
	DERSize  int64  `json:"der_size"` // length of the PKCS#7 DER inside
	// HiddenBytes inside this entry's dwLength after the DER and its
	// alignment padding.
	HiddenBytes int64 `json:"hidden_bytes,omitempty"`
}

// GetCertTable returns s.CertTable, or nil when s is nil.
func (s *SignatureFacts) GetCertTable() *CertTable {
	if s == nil {
		return nil
	}
	return s.CertTable
}
