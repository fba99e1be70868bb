// Command certpad hides inert bytes inside the Authenticode certificate table
// of a signed PE file, the way the trojanized d3dcompiler_47.dll of the 3CX
// installer (and SigFlip-style loaders) did: the WIN_CERTIFICATE length and
// the security directory size are extended so that the PKCS#7 blob is
// followed, after its 8-byte alignment padding, by a marker and a tail of
// pseudo-random bytes, and the PE checksum is recomputed. The Authenticode
// digest does not cover the certificate table, so the signature still
// verifies. The tail is a seeded pseudo-random stream standing in for
// ciphertext: it decodes to nothing.
//
// Usage: go run ./testdata/corpus/tools/certpad -in signed.dll -out patched.dll [-marker feedface] [-size 4096] [-seed text]
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

func main() {
	in := flag.String("in", "", "signed PE file to read")
	out := flag.String("out", "", "patched PE file to write")
	marker := flag.String("marker", "feedface", "hex bytes written before the tail")
	size := flag.Int("size", 4096, "length of the pseudo-random tail in bytes")
	seed := flag.String("seed", "certpad", "seed of the pseudo-random tail")
	flag.Parse()
	if *in == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	m, err := hex.DecodeString(*marker)
	if err != nil {
		fail(fmt.Errorf("marker: %w", err))
	}
	b, err := os.ReadFile(*in)
	if err != nil {
		fail(err)
	}
	patched, err := pad(b, append(m, noise(*seed, *size)...))
	if err != nil {
		fail(fmt.Errorf("%s: %w", *in, err))
	}
	if err := os.WriteFile(*out, patched, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "certpad:", err)
	os.Exit(1)
}

// noise returns n bytes of a ChaCha8 stream keyed by the seed, so reruns
// produce the same file.
func noise(seed string, n int) []byte {
	r := rand.NewChaCha8(sha256.Sum256([]byte(seed)))
	b := make([]byte, n)
	_, _ = r.Read(b)
	return b
}

// pad rewrites the single WIN_CERTIFICATE entry of b so that it carries
// extra after its DER blob and alignment padding.
func pad(b, extra []byte) ([]byte, error) {
	if len(b) < 0x40 || b[0] != 'M' || b[1] != 'Z' {
		return nil, errors.New("not a PE file")
	}
	pe := int(binary.LittleEndian.Uint32(b[0x3c:]))
	if pe+24 > len(b) || !bytes.Equal(b[pe:pe+4], []byte("PE\x00\x00")) {
		return nil, errors.New("no PE signature")
	}
	opt := pe + 24
	var dirs int
	switch binary.LittleEndian.Uint16(b[opt:]) {
	case 0x10b:
		dirs = opt + 96
	case 0x20b:
		dirs = opt + 112
	default:
		return nil, errors.New("unknown optional header magic")
	}
	sec := dirs + 4*8 // IMAGE_DIRECTORY_ENTRY_SECURITY
	if sec+8 > len(b) {
		return nil, errors.New("truncated data directories")
	}
	off := int(binary.LittleEndian.Uint32(b[sec:]))
	size := int(binary.LittleEndian.Uint32(b[sec+4:]))
	if off == 0 || off+size != len(b) {
		return nil, errors.New("certificate table missing or not at the end of the file")
	}
	entry := int(binary.LittleEndian.Uint32(b[off:]))
	if entry != size {
		return nil, fmt.Errorf("want one WIN_CERTIFICATE entry, have length %d in a table of %d", entry, size)
	}
	der, err := derLen(b[off+8:])
	if err != nil {
		return nil, err
	}
	// Keep the DER blob, zero-pad it to 8 bytes as signers do, then append
	// the hidden bytes and pad the whole entry to 8 bytes again.
	body := append([]byte(nil), b[off+8:off+8+der]...)
	body = append(body, make([]byte, align8(len(body))-len(body))...)
	body = append(body, extra...)
	body = append(body, make([]byte, align8(len(body))-len(body))...)
	table := make([]byte, 8, 8+len(body))
	binary.LittleEndian.PutUint32(table, uint32(8+len(body)))
	copy(table[4:], b[off+4:off+8]) // revision and certificate type
	table = append(table, body...)

	o := append(append([]byte(nil), b[:off]...), table...)
	binary.LittleEndian.PutUint32(o[sec+4:], uint32(len(table)))
	binary.LittleEndian.PutUint32(o[opt+64:], checksum(o, opt+64))
	return o, nil
}

func align8(n int) int { return (n + 7) &^ 7 }

// derLen returns the length of the DER element at the start of b.
func derLen(b []byte) (int, error) {
	if len(b) < 2 || b[0] != 0x30 {
		return 0, errors.New("certificate is not a DER SEQUENCE")
	}
	n := int(b[1])
	if n < 0x80 {
		return 2 + n, nil
	}
	k := n & 0x7f
	if k == 0 || k > 4 || len(b) < 2+k {
		return 0, errors.New("bad DER length")
	}
	n = 0
	for _, c := range b[2 : 2+k] {
		n = n<<8 | int(c)
	}
	if 2+k+n > len(b) {
		return 0, errors.New("DER blob overruns the certificate table")
	}
	return 2 + k + n, nil
}

// checksum is the PE image checksum: a 16-bit folded sum of the file's
// little-endian words, skipping the checksum field at at, plus the length.
func checksum(b []byte, at int) uint32 {
	var sum uint64
	for i := 0; i+1 < len(b); i += 2 {
		if i == at || i == at+2 {
			continue
		}
		sum += uint64(binary.LittleEndian.Uint16(b[i:]))
		sum = (sum & 0xffff) + (sum >> 16)
	}
	if len(b)%2 == 1 {
		sum += uint64(b[len(b)-1])
		sum = (sum & 0xffff) + (sum >> 16)
	}
	sum = (sum & 0xffff) + (sum >> 16)
	return uint32(sum) + uint32(len(b))
}
