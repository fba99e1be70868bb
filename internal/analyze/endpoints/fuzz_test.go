package endpoints_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vouch-sec/vouch/internal/analyze/endpoints"
)

// FuzzExtract checks, for any input, that extraction does not panic and
// that every endpoint is really in the input at its offset, in the
// encoding it claims.
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.bin")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, uint8(0))
		}
	}
	for _, s := range []string{
		"see https://a.example.invalid:8443/x?y#z). and 10.1.2.3:80 and 'cdn.example.com'",
		"\x00https://github.com/evanw/esbuildFailed\x00aborthttps://go.dev/x]y\x00",
		"aHR0cHM6Ly9iNjQuZXhhbXBsZS5pbnZhbGlkL2dhdGU=",
		"\x86\x23http://crl.example.invalid/root.crl0\x82",
		"http://[::1]:99999/ http://[zz]/ http://a.b:0/ https://x.com:/",
	} {
		f.Add([]byte(s), uint8(1))
	}
	f.Add(append([]byte{0x32, 0x2e, 0x2e, 0x2a, 0x29, 0x60, 0x75, 0x75}, "\"5(t?"...), uint8(2))
	kinds := []string{"pe", "text", "script/js", "data"}
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		eps := endpoints.Extract(data, kinds[int(k)%len(kinds)])
		if len(eps) > endpoints.MaxEndpoints {
			t.Fatalf("%d endpoints", len(eps))
		}
		for i, e := range eps {
			if i > 0 && eps[i-1].Value > e.Value {
				t.Fatalf("not sorted: %q > %q", eps[i-1].Value, e.Value)
			}
			if e.Value == "" || e.Offset < 0 || e.Offset >= int64(len(data)) {
				t.Fatalf("bad endpoint %+v", e)
			}
			if e.Type != "url" && e.Type != "domain" && e.Type != "ip" {
				t.Fatalf("bad type %+v", e)
			}
			for j := 0; j < len(e.Value); j++ {
				if e.Value[j] < 0x21 || e.Value[j] > 0x7e {
					t.Fatalf("unprintable value %q", e.Value)
				}
			}
			at := data[e.Offset:]
			switch {
			case e.Encoding == "":
				if !bytes.HasPrefix(at, []byte(e.Value)) {
					t.Fatalf("%q not at offset %d", e.Value, e.Offset)
				}
			case e.Encoding == "utf16":
				if !bytes.HasPrefix(at, utf16le(e.Value)) {
					t.Fatalf("utf16 %q not at offset %d", e.Value, e.Offset)
				}
			case strings.HasPrefix(e.Encoding, "xor:0x"):
				var k byte
				for _, c := range e.Encoding[len("xor:0x"):] {
					k = k<<4 | byte(strings.IndexRune("0123456789abcdef", c))
				}
				if !bytes.HasPrefix(at, xor(e.Value, k)) {
					t.Fatalf("xor %q not at offset %d", e.Value, e.Offset)
				}
			case e.Encoding == "base64":
			default:
				t.Fatalf("bad encoding %+v", e)
			}
		}
	})
}
