package authenticode

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

func fixtures(f *testing.F) map[string][]byte {
	out := map[string][]byte{}
	paths, _ := filepath.Glob("testdata/*")
	for _, p := range paths {
		switch filepath.Ext(p) {
		case ".exe", ".dll", ".msi", ".cab":
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			out[p] = b
		}
	}
	return out
}

// FuzzCertTable feeds arbitrary bytes as a PE certificate table to the
// strict walk and every PKCS#7 blob it finds to the signature parser.
func FuzzCertTable(f *testing.F) {
	for _, b := range fixtures(f) {
		h, err := parsePEHeader(bytes.NewReader(b), int64(len(b)))
		if err != nil || !h.hasSecDir || h.certSize == 0 || h.certOff+h.certSize > int64(len(b)) {
			continue
		}
		f.Add(b[h.certOff : h.certOff+h.certSize])
	}
	f.Add([]byte{})
	f.Add(make([]byte, 64))
	f.Fuzz(func(t *testing.T, table []byte) {
		size := int64(len(table))
		h := &peHeader{hasSecDir: true, certOff: 0, certSize: size}
		ct, blobs, hidden, err := walkCertTable(context.Background(), bytes.NewReader(table), size, h)
		if err != nil {
			return
		}
		if ct.HiddenBytes < 0 || ct.HiddenBytes > size {
			t.Fatalf("hidden bytes %d in a %d-byte table", ct.HiddenBytes, size)
		}
		var inHidden int64
		for _, s := range hidden {
			if s.off < 0 || s.end > size || s.off >= s.end {
				t.Fatalf("bad hidden span %+v", s)
			}
			inHidden += s.size()
		}
		if inHidden != ct.HiddenBytes {
			t.Fatalf("hidden spans sum to %d, HiddenBytes %d", inHidden, ct.HiddenBytes)
		}
		var accounted int64
		for _, e := range ct.Entries {
			if e.DERSize < 0 || e.DERSize > e.Length-8 {
				t.Fatalf("entry %+v: DER size outside dwLength", e)
			}
			accounted += e.Length
		}
		if accounted > size {
			t.Fatalf("entries span %d bytes of a %d-byte table", accounted, size)
		}
		budget := maxSignatures
		for _, b := range blobs {
			if b.der != nil {
				parseSignatures(b.der, b.entry, 0, &budget)
			}
		}
		if _, err := scanSpans(context.Background(), bytes.NewReader(table), size, hidden); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzAnalyze runs the whole analyzer (PE digest and strict check, MSI,
// CAB, signatures and chains) on arbitrary files.
func FuzzAnalyze(f *testing.F) {
	for _, b := range fixtures(f) {
		f.Add(b)
	}
	var roots []*x509.Certificate
	if b, err := os.ReadFile("testdata/TEST-ONLY-root.pem"); err == nil {
		if blk, _ := pem.Decode(b); blk != nil {
			if c, err := x509.ParseCertificate(blk.Bytes); err == nil {
				roots = append(roots, c)
			}
		}
	}
	a := New(analyze.Config{TrustRoots: roots, NoSystemRoots: true})
	f.Fuzz(func(t *testing.T, data []byte) {
		head := data[:min(len(data), identify.HeadSize)]
		for _, kind := range []string{identify.PE, identify.MSI, identify.CAB} {
			if kind != identify.PE && identify.Identify(head, int64(len(data)), "") != kind {
				continue // MSI and CAB parsing is cheap to reach only with their magic
			}
			in := &analyze.Input{Path: "fuzz", Kind: kind, R: bytes.NewReader(data), Size: int64(len(data)), Head: head}
			mf := &model.File{Path: "fuzz", Kind: kind, Facts: &model.Facts{}}
			if err := a.Analyze(context.Background(), in, mf); err != nil && strings.Contains(err.Error(), "panic") {
				t.Fatal(err)
			}
			sf := mf.Facts.Signature
			if sf == nil {
				t.Fatal("no signature facts")
			}
			for _, s := range sf.Signatures {
				if s.DigestValid && s.Error != "" && s.Digest == "" {
					t.Fatalf("digest valid without a digest: %+v", s)
				}
			}
		}
	})
}
