package authenticode

import (
	"bytes"
	"context"
	"io"
	"sort"

	"github.com/vouch-sec/vouch/internal/entropy"
	"github.com/vouch-sec/vouch/internal/model"
)

// span is a half-open byte range [off, end) of the file.
type span struct{ off, end int64 }

func (s span) size() int64 { return s.end - s.off }

// scanResult is what scanSpans measured over a set of spans.
type scanResult struct {
	counts  [256]int64
	total   int64
	regions []model.Region
	markers []model.Marker // first occurrence of each, sorted by name
}

func (r *scanResult) entropy() float64 { return entropy.FromCounts(&r.counts, r.total) }

func (r *scanResult) markerNames() []string {
	var out []string
	for _, m := range r.markers {
		out = append(out, m.Name)
	}
	return out
}

// Markers worth naming in bytes nobody should have put there: the 3CX
// payload began with FE ED FA CE; whole executables are the other usual
// cargo.
var fixedMarkers = []struct {
	name string
	b    []byte
}{
	{"FEEDFACE", []byte{0xfe, 0xed, 0xfa, 0xce}},
	{"CEFAEDFE", []byte{0xce, 0xfa, 0xed, 0xfe}},
	{"ELF", []byte("\x7fELF")},
}

// maxMZChecks bounds the extra reads spent confirming "MZ" candidates.
const maxMZChecks = 4096

// scanSpans reads the spans of r in bounded chunks and measures byte
// counts (for entropy, per span and overall) and markers. Markers are not
// matched across span boundaries.
func scanSpans(ctx context.Context, r io.ReaderAt, size int64, spans []span) (*scanResult, error) {
	res := &scanResult{}
	found := map[string]int64{}
	mzChecks := 0
	buf := make([]byte, 64<<10)
	for _, s := range spans {
		if s.end > size {
			s.end = size
		}
		if s.off >= s.end {
			continue
		}
		var counts [256]int64
		var carry []byte // last bytes of the previous chunk, for markers across chunks
		for off := s.off; off < s.end; {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			n := int64(len(buf))
			if n > s.end-off {
				n = s.end - off
			}
			b := buf[:n]
			if _, err := r.ReadAt(b, off); err != nil && !(err == io.EOF && len(b) > 0) {
				return nil, err
			}
			for _, c := range b {
				counts[c]++
			}
			// search carry+b for markers; carry is at most 3 bytes
			win := append(append([]byte(nil), carry...), b...)
			base := off - int64(len(carry))
			for _, m := range fixedMarkers {
				if _, ok := found[m.name]; ok {
					continue
				}
				if i := bytes.Index(win, m.b); i >= 0 {
					found[m.name] = base + int64(i)
				}
			}
			if _, ok := found["MZ"]; !ok {
				for i := 0; i+1 < len(win) && mzChecks < maxMZChecks; {
					j := bytes.Index(win[i:], []byte("MZ"))
					if j < 0 {
						break
					}
					at := base + int64(i+j)
					mzChecks++
					if isPEAt(r, size, at) {
						found["MZ"] = at
						break
					}
					i += j + 1
				}
			}
			if len(b) >= 3 {
				carry = append(carry[:0], b[len(b)-3:]...)
			} else {
				carry = append(carry, b...)
				if len(carry) > 3 {
					carry = carry[len(carry)-3:]
				}
			}
			off += n
		}
		var total int64
		for i, c := range counts {
			res.counts[i] += c
			total += c
		}
		res.total += total
		res.regions = append(res.regions, model.Region{Offset: s.off, Size: total, Entropy: entropy.FromCounts(&counts, total)})
	}
	for name, at := range found {
		res.markers = append(res.markers, model.Marker{Name: name, Offset: at})
	}
	sort.Slice(res.markers, func(i, j int) bool { return res.markers[i].Name < res.markers[j].Name })
	return res, nil
}

// isPEAt reports whether an MZ header at off leads to a "PE\0\0" header,
// so two random bytes spelling "MZ" are not called an executable.
func isPEAt(r io.ReaderAt, size, off int64) bool {
	var b [4]byte
	if off+0x40 > size {
		return false
	}
	if _, err := r.ReadAt(b[:], off+0x3c); err != nil {
		return false
	}
	lfanew := int64(b[0]) | int64(b[1])<<8 | int64(b[2])<<16 | int64(b[3])<<24
	if lfanew < 0x40 || lfanew > 0x10000 || off+lfanew+4 > size {
		return false
	}
	if _, err := r.ReadAt(b[:], off+lfanew); err != nil {
		return false
	}
	return string(b[:]) == "PE\x00\x00"
}
