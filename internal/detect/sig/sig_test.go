package sig_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/detect/sig"
	"github.com/vouch-sec/vouch/internal/model"
)

type got struct {
	ID       string
	Severity model.Severity
	Title    string
}

func run(f *model.File) []got {
	var out []got
	for _, fd := range append(sig.New().DetectFile(f), sig.NewPE().DetectFile(f)...) {
		out = append(out, got{fd.ID, fd.Severity, fd.Title})
	}
	return out
}

func file(sf *model.SignatureFacts) *model.File {
	return &model.File{Path: "app.zip!/bin/tool.dll", Kind: "pe", Facts: &model.Facts{Signature: sf}}
}

var notAfter = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)

func signer() *model.Certificate {
	return &model.Certificate{Subject: "CN=Vendor", Issuer: "CN=Vendor CA", NotAfter: notAfter}
}

// good is a verified signature with the given chain outcome.
func good(chainValid bool, problem string) model.Signature {
	s := model.Signature{DigestAlgorithm: "sha256", DigestValid: true, SignatureValid: true, ChainValid: chainValid,
		ChainProblem: problem, Signer: signer(),
		Chain: []model.Certificate{*signer(), {Subject: "CN=Vendor CA", Issuer: "CN=Vendor Root"}}}
	if !chainValid {
		s.ChainError = "x509: something"
	}
	return s
}

func table(mod func(*model.CertTable)) *model.CertTable {
	ct := &model.CertTable{Offset: 4096, Size: 8192, Entries: []model.CertEntry{{Offset: 4096, Length: 8192, Type: 2}}, ChecksumMatches: true}
	if mod != nil {
		mod(ct)
	}
	return ct
}

func TestDetectors(t *testing.T) {
	lookalike := good(false, model.ChainLookalikeRoot)
	lookalike.LookalikeRoot = "CN=Big Trusted Root"
	trailing := good(true, "")
	trailing.DigestValid = false
	trailing.DigestValidIgnoringTrailing = true
	trailing.Problem = "the file digest matches only without the trailing bytes"
	badSig := good(true, "")
	badSig.SignatureValid = false
	badSig.Problem = "the signature does not verify with the signer's public key"
	tests := []struct {
		name string
		sf   *model.SignatureFacts
		want []got
	}{
		{"unsigned", &model.SignatureFacts{Format: "pe"}, nil},
		{"clean", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{good(true, "")}, CertTable: table(nil)}, nil},
		{"unknown root is low", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{good(false, model.ChainUnknownAuthority)}, CertTable: table(nil)},
			[]got{{"sig.untrusted", model.SeverityLow, `could not validate the signer of tool.dll: its root "CN=Vendor Root" is not configured (add it with --trust-root)`}}},
		{"expired without timestamp is low", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{good(false, model.ChainExpired)}, CertTable: table(nil)},
			[]got{{"sig.untrusted", model.SeverityLow, "signer certificate of tool.dll (CN=Vendor) expired on 2021-01-01 and the signature has no valid timestamp"}}},
		{"weak chain is low", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{good(false, model.ChainWeakAlgorithm)}, CertTable: table(nil)},
			[]got{{"sig.untrusted", model.SeverityLow, "could not validate the signer of tool.dll: its chain uses SHA-1 or MD5 signatures"}}},
		{"look-alike root is medium", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{lookalike}, CertTable: table(nil)},
			[]got{{"sig.untrusted", model.SeverityMedium, `signer of tool.dll chains to a certificate named like the trusted root "CN=Big Trusted Root" that the real root did not sign`}}},
		{"key usage is medium", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{good(false, model.ChainKeyUsage)}, CertTable: table(nil)},
			[]got{{"sig.untrusted", model.SeverityMedium, "signer certificate of tool.dll (CN=Vendor) is not allowed to sign code"}}},
		{"worst chain wins", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{good(false, model.ChainUnknownAuthority), good(false, model.ChainInvalid)}, CertTable: table(nil)},
			[]got{{"sig.untrusted", model.SeverityMedium, "signer chain of tool.dll does not validate: x509: something"}}},
		{"bad signer signature", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{badSig}, CertTable: table(nil)},
			[]got{{"sig.invalid", model.SeverityHigh, "signature of tool.dll does not verify with its signer's key: the signed data was altered"}}},
		{"unchecked", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{{Error: "unsupported digest algorithm 1.2.3"}}, CertTable: table(nil)},
			[]got{{"sig.unchecked", model.SeverityLow, "signature of tool.dll could not be checked: unsupported digest algorithm 1.2.3"}}},
		{"zero hidden bytes but non-zero padding", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{good(true, "")},
			CertTable: table(func(ct *model.CertTable) { ct.NonZeroPadding = true })},
			[]got{{"pe.cert-table-payload", model.SeverityHigh, "tool.dll verifies with default Windows settings but carries non-zero padding inside its signature (would fail with EnableCertPaddingCheck=1)"}}},
		{"small low-entropy payload is high", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{good(true, "")},
			CertTable: table(func(ct *model.CertTable) { ct.HiddenBytes, ct.HiddenEntropy = 2048, 3.5 })},
			[]got{{"pe.cert-table-payload", model.SeverityHigh, "tool.dll verifies with default Windows settings but carries 2048 bytes of hidden data inside its signature (would fail with EnableCertPaddingCheck=1)"}}},
		{"large high-entropy payload is critical", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{good(true, "")},
			CertTable: table(func(ct *model.CertTable) { ct.HiddenBytes, ct.HiddenEntropy = 300000, 7.99 })},
			[]got{{"pe.cert-table-payload", model.SeverityCritical, "tool.dll verifies with default Windows settings but carries 300000 bytes of hidden data inside its signature (would fail with EnableCertPaddingCheck=1)"}}},
		{"a marker is critical even when small", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{good(true, "")},
			CertTable: table(func(ct *model.CertTable) { ct.HiddenBytes, ct.Markers = 16, []string{"FEEDFACE"} })},
			[]got{{"pe.cert-table-payload", model.SeverityCritical, "tool.dll verifies with default Windows settings but carries 16 bytes of hidden data inside its signature (would fail with EnableCertPaddingCheck=1)"}}},
		{"bytes past the last entry", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{good(true, "")},
			CertTable: table(func(ct *model.CertTable) { ct.HiddenBytes, ct.SizeMismatch = 64, true })},
			[]got{{"pe.cert-table-payload", model.SeverityHigh, "tool.dll has a valid signature digest but carries 64 bytes of hidden data inside its signature, past its last entry (would fail with EnableCertPaddingCheck=1)"}}},
		{"text after the signature", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{trailing},
			CertTable: table(func(ct *model.CertTable) { ct.TrailingBytes, ct.TrailingEntropy = 40, 4 })},
			[]got{
				{"sig.invalid", model.SeverityHigh, "signature of tool.dll does not cover 40 bytes appended after it: modified after signing"},
				{"pe.overlay-after-signature", model.SeverityMedium, "tool.dll has 40 bytes after its signature at the end of the file, outside the signed image"},
			}},
		{"an executable after the signature", &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{trailing},
			CertTable: table(func(ct *model.CertTable) { ct.TrailingBytes, ct.TrailingMarkers = 9000, []string{"MZ"} })},
			[]got{
				{"sig.invalid", model.SeverityHigh, "signature of tool.dll does not cover 9000 bytes appended after it: modified after signing"},
				{"pe.overlay-after-signature", model.SeverityHigh, "tool.dll has 9000 bytes after its signature at the end of the file, outside the signed image"},
			}},
		{"cab signature area payload", &model.SignatureFacts{Signed: true, Format: "cab", Signatures: []model.Signature{good(true, "")},
			CertTable: table(func(ct *model.CertTable) { ct.HiddenBytes = 100 })},
			[]got{{"sig.signature-payload", model.SeverityHigh, "tool.dll carries 100 bytes inside its signature that the signature does not cover"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, run(file(tc.sf))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestNoFacts: files other analyzers handled, or that carry no
// signature facts, raise nothing.
func TestNoFacts(t *testing.T) {
	for _, f := range []*model.File{
		{Path: "a", Kind: "elf"},
		{Path: "b", Kind: "pe", Facts: &model.Facts{}},
	} {
		if got := run(f); got != nil {
			t.Errorf("%s: %+v", f.Path, got)
		}
	}
}
