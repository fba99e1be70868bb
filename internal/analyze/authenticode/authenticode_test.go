package authenticode_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/authenticode"
	"github.com/vouch-sec/vouch/internal/detect/sig"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// sigSum is the part of a signature the fixtures pin down: what stays
// the same when gen.sh makes new keys.
type sigSum struct {
	Entry            int
	Nested           bool
	Alg              string
	Digest, Sig      bool
	Chain            bool
	Problem          string
	Lookalike        string
	Signer           string
	TS               string // kind@time valid
	IgnoringTrailing bool
	Error            string
}

type tableSum struct {
	Entries          int
	Hidden           int64
	HighEntropy      bool
	NonZeroPad       bool
	Mismatch         bool
	Markers          []string
	Trailing         int64
	TrailingMarkers  []string
	ChecksumMatches  bool
	HiddenInEntryOne int64
}

type summary struct {
	Signed   bool
	Format   string
	Error    string
	Sigs     []sigSum
	Table    *tableSum
	Findings []string // "severity id"
}

func loadRoots(t *testing.T, names ...string) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		blk, _ := pem.Decode(b)
		if blk == nil {
			t.Fatalf("%s: no PEM block", n)
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// analyzeFile runs the analyzer and both signature detectors on one file.
func analyzeFile(t *testing.T, a analyze.Analyzer, name string, data []byte) *model.File {
	t.Helper()
	r := bytesReader(data)
	head := data[:min(len(data), identify.HeadSize)]
	kind := identify.Identify(head, int64(len(data)), name)
	f := &model.File{Path: name, Kind: kind, Size: int64(len(data)), Facts: &model.Facts{}}
	if !a.Match(kind) {
		t.Fatalf("%s: analyzer does not match kind %q", name, kind)
	}
	in := &analyze.Input{Path: name, Kind: kind, R: r, Size: int64(len(data)), Head: head}
	if err := a.Analyze(context.Background(), in, f); err != nil {
		t.Fatalf("%s: Analyze: %v", name, err)
	}
	return f
}

// summarize reduces the facts and findings to what a fixture pins down;
// with anyTime a timestamp's time is left out (made at generation time).
func summarize(f *model.File, anyTime bool) summary {
	sf := f.Facts.Signature
	s := summary{Signed: sf.Signed, Format: sf.Format, Error: sf.Error}
	for _, g := range sf.Signatures {
		ss := sigSum{
			Entry: g.Entry, Nested: g.Nested, Alg: g.DigestAlgorithm,
			Digest: g.DigestValid, Sig: g.SignatureValid, Chain: g.ChainValid,
			Problem: g.ChainProblem, Lookalike: g.LookalikeRoot,
			IgnoringTrailing: g.DigestValidIgnoringTrailing, Error: g.Error,
		}
		if g.Signer != nil {
			ss.Signer = g.Signer.Subject
		}
		if ts := g.Timestamp; ts != nil {
			ss.TS = ts.Kind + "@" + ts.Time.Format(time.RFC3339)
			if anyTime {
				ss.TS = ts.Kind
			}
			if ts.Valid {
				ss.TS += " valid"
			}
		}
		s.Sigs = append(s.Sigs, ss)
	}
	if ct := sf.CertTable; ct != nil {
		ts := &tableSum{
			Entries: len(ct.Entries), Hidden: ct.HiddenBytes, HighEntropy: ct.HiddenEntropy > 7,
			NonZeroPad: ct.NonZeroPadding, Mismatch: ct.SizeMismatch, Markers: ct.Markers,
			Trailing: ct.TrailingBytes, TrailingMarkers: ct.TrailingMarkers, ChecksumMatches: ct.ChecksumMatches,
		}
		if len(ct.Entries) > 0 {
			ts.HiddenInEntryOne = ct.Entries[0].HiddenBytes
		}
		s.Table = ts
	}
	for _, d := range []interface {
		DetectFile(*model.File) []model.Finding
	}{sig.New(), sig.NewPE()} {
		for _, fd := range d.DetectFile(f) {
			s.Findings = append(s.Findings, fd.Severity.String()+" "+fd.ID)
		}
	}
	sort.Strings(s.Findings)
	return s
}

const (
	publisher = "CN=vouch TEST-ONLY Publisher,O=vouch test fixtures"
	expiredCN = "CN=vouch TEST-ONLY Expired Publisher,O=vouch test fixtures"
	digicert  = "CN=DigiCert Trusted Root G4,OU=www.digicert.com,O=DigiCert Inc,C=US"
	tsValid   = "rfc3161@2025-01-01T01:00:00Z valid"
)

// TestFixtures runs every generated fixture through the analyzer and the
// detectors with the TEST-ONLY root and the real DigiCert root the
// look-alike imitates, and without the system pool.
func TestFixtures(t *testing.T) {
	a := authenticode.New(analyze.Config{
		TrustRoots:    loadRoots(t, "TEST-ONLY-root.pem", "digicert-trusted-root-g4.pem"),
		NoSystemRoots: true,
	})
	ok := func(alg string) sigSum {
		return sigSum{Alg: alg, Digest: true, Sig: true, Chain: true, Signer: publisher}
	}
	clean := func(entries int) *tableSum { return &tableSum{Entries: entries, ChecksumMatches: true} }
	nested := ok("sha256")
	nested.Nested = true
	second := ok("sha1")
	second.Entry = 1
	tsSig := ok("sha256")
	tsSig.TS = tsValid
	tests := []struct {
		file string
		want summary
	}{
		{"unsigned.exe", summary{Format: "pe"}},
		{"signed.exe", summary{Signed: true, Format: "pe", Sigs: []sigSum{tsSig}, Table: clean(1)}},
		{"signed.dll", summary{Signed: true, Format: "pe", Sigs: []sigSum{ok("sha256")}, Table: clean(1)}},
		{"legacy-timestamped.exe", summary{Signed: true, Format: "pe",
			Sigs: []sigSum{{Alg: "sha256", Digest: true, Sig: true, Chain: true, Signer: publisher, TS: "authenticode valid"}}, Table: clean(1)}},
		{"nested.dll", summary{Signed: true, Format: "pe", Sigs: []sigSum{ok("sha1"), nested}, Table: clean(1)}},
		{"twoentries.dll", summary{Signed: true, Format: "pe", Sigs: []sigSum{ok("sha256"), second}, Table: clean(2)}},
		{"payload-stale.dll", summary{Signed: true, Format: "pe", Sigs: []sigSum{ok("sha256")},
			Table:    &tableSum{Entries: 1, Hidden: 4096, HighEntropy: true, Markers: []string{"FEEDFACE"}, HiddenInEntryOne: 4096},
			Findings: []string{"critical pe.cert-table-payload"}}},
		{"payload-fixed.dll", summary{Signed: true, Format: "pe", Sigs: []sigSum{ok("sha256")},
			Table:    &tableSum{Entries: 1, Hidden: 4096, HighEntropy: true, Markers: []string{"FEEDFACE"}, ChecksumMatches: true, HiddenInEntryOne: 4096},
			Findings: []string{"critical pe.cert-table-payload"}}},
		{"dironly.dll", summary{Signed: true, Format: "pe", Sigs: []sigSum{ok("sha256")},
			Table:    &tableSum{Entries: 1, Hidden: 512, Mismatch: true, ChecksumMatches: true},
			Findings: []string{"high pe.cert-table-payload"}}},
		{"overlay.dll", summary{Signed: true, Format: "pe",
			Sigs:     []sigSum{{Alg: "sha256", Sig: true, Chain: true, Signer: publisher, IgnoringTrailing: true}},
			Table:    &tableSum{Entries: 1, Trailing: 53},
			Findings: []string{"high sig.invalid", "medium pe.overlay-after-signature"}}},
		{"modified.exe", summary{Signed: true, Format: "pe",
			Sigs:     []sigSum{{Alg: "sha256", Sig: true, Chain: true, Signer: publisher, TS: tsValid}},
			Table:    &tableSum{Entries: 1},
			Findings: []string{"high sig.invalid"}}},
		{"lookalike.exe", summary{Signed: true, Format: "pe",
			Sigs:     []sigSum{{Alg: "sha256", Digest: true, Sig: true, Problem: "lookalike-root", Lookalike: digicert, Signer: "CN=Contoso Software Ltd,O=Contoso Software Ltd"}},
			Table:    clean(1),
			Findings: []string{"medium sig.untrusted"}}},
		{"expired.exe", summary{Signed: true, Format: "pe",
			Sigs:     []sigSum{{Alg: "sha256", Digest: true, Sig: true, Problem: "expired", Signer: expiredCN}},
			Table:    clean(1),
			Findings: []string{"low sig.untrusted"}}},
		{"expired-timestamped.exe", summary{Signed: true, Format: "pe",
			Sigs:  []sigSum{{Alg: "sha256", Digest: true, Sig: true, Chain: true, Signer: expiredCN, TS: "rfc3161@2020-06-01T01:00:00Z valid"}},
			Table: clean(1)}},
		{"nosigner.dll", summary{Signed: true, Format: "pe",
			Sigs:     []sigSum{{Alg: "sha256", Digest: true, Error: "signer certificate is not in the signature"}},
			Table:    &tableSum{Entries: 1}, // the serial byte changed the file checksum
			Findings: []string{"low sig.unchecked"}}},
		{"signed.msi", summary{Signed: true, Format: "msi", Sigs: []sigSum{ok("sha256")}, Table: clean(1)}},
		{"signed-ex.msi", summary{Signed: true, Format: "msi", Sigs: []sigSum{ok("sha256")}, Table: clean(1)}},
		{"tampered.msi", summary{Signed: true, Format: "msi",
			Sigs:     []sigSum{{Alg: "sha256", Sig: true, Chain: true, Signer: publisher}},
			Table:    clean(1),
			Findings: []string{"high sig.invalid"}}},
		{"signed.cab", summary{Signed: true, Format: "cab", Sigs: []sigSum{ok("sha256")}, Table: clean(1)}},
		{"tampered.cab", summary{Signed: true, Format: "cab",
			Sigs:     []sigSum{{Alg: "sha256", Sig: true, Chain: true, Signer: publisher}},
			Table:    clean(1),
			Findings: []string{"high sig.invalid"}}},
		{"payload.cab", summary{Signed: true, Format: "cab", Sigs: []sigSum{ok("sha256")},
			Table:    &tableSum{Entries: 1, Hidden: 2048, HighEntropy: true, Markers: []string{"FEEDFACE"}, ChecksumMatches: true, HiddenInEntryOne: 2048},
			Findings: []string{"critical sig.signature-payload"}}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got := summarize(analyzeFile(t, a, tc.file, data), tc.file == "legacy-timestamped.exe")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}

// TestNoRoots: without any root every chain is "not configured", which is
// low; the signatures themselves still verify.
func TestNoRoots(t *testing.T) {
	a := authenticode.New(analyze.Config{NoSystemRoots: true})
	data, err := os.ReadFile("testdata/signed.dll")
	if err != nil {
		t.Fatal(err)
	}
	f := analyzeFile(t, a, "signed.dll", data)
	s := f.Facts.Signature.Signatures[0]
	if !s.DigestValid || !s.SignatureValid || s.ChainValid || s.ChainProblem != model.ChainUnknownAuthority {
		t.Errorf("got digest=%v signature=%v chain=%v problem=%q", s.DigestValid, s.SignatureValid, s.ChainValid, s.ChainProblem)
	}
	got := sig.New().DetectFile(f)
	if len(got) != 1 || got[0].ID != "sig.untrusted" || got[0].Severity != model.SeverityLow {
		t.Fatalf("findings = %+v", got)
	}
	want := `could not validate the signer of signed.dll: its root "CN=vouch TEST-ONLY Root CA,O=vouch test fixtures" is not configured (add it with --trust-root)`
	if got[0].Title != want {
		t.Errorf("title = %q, want %q", got[0].Title, want)
	}
}

// TestPayloadTitle pins the one-line title and the evidence of the 3CX
// shape.
func TestPayloadTitle(t *testing.T) {
	a := authenticode.New(analyze.Config{TrustRoots: loadRoots(t, "TEST-ONLY-root.pem"), NoSystemRoots: true})
	data, err := os.ReadFile("testdata/payload-stale.dll")
	if err != nil {
		t.Fatal(err)
	}
	f := analyzeFile(t, a, "app/payload-stale.dll", data)
	got := sig.NewPE().DetectFile(f)
	if len(got) != 1 {
		t.Fatalf("findings = %+v", got)
	}
	want := "payload-stale.dll verifies with default Windows settings but carries 4096 bytes of hidden data inside its signature (would fail with EnableCertPaddingCheck=1)"
	if got[0].Title != want {
		t.Errorf("title = %q\nwant    %q", got[0].Title, want)
	}
	ev := got[0].Evidence
	for k, v := range map[string]any{"hidden_bytes": int64(4096), "digest_valid": true, "checksum_matches": false, "size_mismatch": false} {
		if !cmp.Equal(ev[k], v) {
			t.Errorf("evidence %s = %v, want %v", k, ev[k], v)
		}
	}
	if ms, _ := ev["markers"].([]string); len(ms) != 1 || ms[0][:9] != "FEEDFACE@" {
		t.Errorf("evidence markers = %v", ev["markers"])
	}
}
