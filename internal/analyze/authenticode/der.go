package authenticode

import (
	"errors"
	"fmt"
)

// maxBERDepth bounds the recursion of indefinite-length encodings.
const maxBERDepth = 64

var errTruncated = errors.New("truncated")

// tlvLength returns the length of the BER/DER element at the start of b:
// identifier, length octets and contents. Indefinite lengths are walked to
// their end-of-contents octets so BER blobs are measured too (Go's
// encoding/asn1 parses only DER; the measure is what the strict check
// needs).
func tlvLength(b []byte) (int, error) {
	return tlvLen(b, 0)
}

func tlvLen(b []byte, depth int) (int, error) {
	if depth > maxBERDepth {
		return 0, fmt.Errorf("nested deeper than %d", maxBERDepth)
	}
	if len(b) < 2 {
		return 0, errTruncated
	}
	p := 1
	constructed := b[0]&0x20 != 0
	if b[0]&0x1f == 0x1f { // high tag number form
		for {
			if p >= len(b) {
				return 0, errTruncated
			}
			c := b[p]
			p++
			if c&0x80 == 0 {
				break
			}
			if p > 6 {
				return 0, errors.New("tag number too long")
			}
		}
	}
	if p >= len(b) {
		return 0, errTruncated
	}
	l := b[p]
	p++
	switch {
	case l < 0x80:
		n := p + int(l)
		if n > len(b) {
			return 0, errTruncated
		}
		return n, nil
	case l == 0x80:
		if !constructed {
			return 0, errors.New("indefinite length on a primitive element")
		}
		for {
			if p+2 <= len(b) && b[p] == 0 && b[p+1] == 0 {
				return p + 2, nil
			}
			n, err := tlvLen(b[p:], depth+1)
			if err != nil {
				return 0, err
			}
			p += n
		}
	case l == 0xff:
		return 0, errors.New("reserved length octet")
	default:
		k := int(l & 0x7f)
		if k > 4 {
			return 0, fmt.Errorf("%d-byte length", k)
		}
		if p+k > len(b) {
			return 0, errTruncated
		}
		v := 0
		for _, c := range b[p : p+k] {
			v = v<<8 | int(c)
		}
		p += k
		if v > len(b)-p {
			return 0, errTruncated
		}
		return p + v, nil
	}
}
