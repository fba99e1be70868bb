package model

import "time"

// SignatureFacts describe the Authenticode signatures of a PE, MSI or CAB
// (analyze/authenticode).
type SignatureFacts struct {
	Signed     bool        `json:"signed"`
	Signatures []Signature `json:"signatures,omitempty"` // outer first, then nested
	// CertTable is the PE certificate table as found (PE only).
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
}

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
	Valid     bool         `json:"valid"`
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
}

// CertEntry is one WIN_CERTIFICATE.
type CertEntry struct {
	Offset   int64  `json:"offset"`
	Length   int64  `json:"length"` // dwLength
	Revision uint16 `json:"revision"`
	Type     uint16 `json:"type"`
	DERSize  int64  `json:"der_size"` // length of the PKCS#7 DER inside
}
