package macho_test

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/vouch-sec/vouch/internal/identify"
)

// sigOnly is a minimal arm64 header whose one load command points at sig:
// a small seed that puts the fuzzer straight into the SuperBlob parser.
func sigOnly(sig []byte) []byte {
	h := hdr64(1, le32(0x1d, 16, 48, uint32(len(sig))))
	return append(h, sig...)
}

// fatOf wraps thin images in a 32-bit fat header, 16-byte aligned.
func fatOf(thins ...[]byte) []byte {
	off := 8 + 20*len(thins)
	var hdr, body []byte
	hdr = be32(0xcafebabe, uint32(len(thins)))
	for _, t := range thins {
		pad := (16 - (off+len(body))%16) % 16
		body = append(body, make([]byte, pad)...)
		hdr = append(hdr, be32(0x0100000c, 0, uint32(off+len(body)), uint32(len(t)), 4)...)
		body = append(body, t...)
	}
	return append(hdr, body...)
}

func FuzzAnalyze(f *testing.F) {
	thin, err := os.ReadFile(filepath.Join("testdata", "thin-arm64.dylib"))
	if err != nil {
		f.Fatal(err)
	}
	devid, err := os.ReadFile(filepath.Join("testdata", "devid-arm64.dylib"))
	if err != nil {
		f.Fatal(err)
	}
	// Small seeds: the header and load commands, each signature alone
	// (the devid SuperBlob without its zero padding), a fat of two.
	adhocSig := thin[49408:]
	devSig := devid[49408:]
	devSig = devSig[:binary.BigEndian.Uint32(devSig[4:])]
	f.Add(thin[:4096])
	f.Add(sigOnly(adhocSig))
	f.Add(sigOnly(devSig))
	f.Add(fatOf(sigOnly(adhocSig), thin[:2048]))
	// The fixtures themselves, skipping the largest to keep execs fast.
	names, _ := filepath.Glob(filepath.Join("testdata", "*.dylib"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil && len(b) <= 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, kind := range []string{identify.MachO, identify.MachOFat} {
			got, err := runAs(t, kind, "fuzz", data)
			if got == nil {
				t.Fatalf("%s: no facts (err %v)", kind, err)
			}
			for _, s := range got.Slices {
				if s.CodeSign != nil && (s.CodeSign.BadPages < 0 || s.CodeSign.TrailingBytes < 0) {
					t.Fatalf("negative counts: %+v", s.CodeSign)
				}
				if err == nil && s.Error != "" {
					t.Fatalf("slice error %q without an analyzer error", s.Error)
				}
			}
		}
	})
}
