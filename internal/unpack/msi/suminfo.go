package msi

import (
	"encoding/binary"
	"strconv"
	"time"
)

// Summary-information property ids used by Windows Installer, and the meta
// key each is stored under.
var summaryKeys = map[uint32]string{
	2:  "msi.title",
	3:  "msi.subject",
	4:  "msi.author",
	5:  "msi.keywords",
	6:  "msi.comments",
	7:  "msi.template",     // platform;languages
	9:  "msi.package_code", // "revision number"
	12: "msi.created",
	14: "msi.schema", // "page count": minimum installer version
	18: "msi.creating_app",
}

// Property value types (VT_*) found in summary information.
const (
	vtI2       = 2
	vtI4       = 3
	vtLPSTR    = 30
	vtFILETIME = 64
)

// maxMetaValue caps each value copied to meta.
const maxMetaValue = 1024

// parseSummary reads the first property set of a "\x05SummaryInformation"
// stream (MS-OLEPS) into meta. Anything malformed is skipped: these are
// facts for the report, not needed to unpack.
func parseSummary(b []byte, meta map[string]string) {
	if len(b) < 48 || binary.LittleEndian.Uint16(b) != 0xFFFE || le32(b[24:]) < 1 {
		return
	}
	set := int64(le32(b[44:]))
	if set > int64(len(b))-8 {
		return
	}
	ps := b[set:]
	size, n := int64(le32(ps)), int64(le32(ps[4:]))
	if size > int64(len(ps)) {
		size = int64(len(ps))
	}
	ps = ps[:size]
	if n > (size-8)/8 || n < 0 {
		return
	}
	codepage := 0
	vals := map[uint32][]byte{}
	for i := int64(0); i < n; i++ {
		id, off := le32(ps[8+8*i:]), int64(le32(ps[12+8*i:]))
		if off < 8 || off > size-4 {
			continue
		}
		vals[id] = ps[off:]
	}
	if v, ok := vals[1]; ok && le16(v) == vtI2 && len(v) >= 6 {
		codepage = int(int16(le16(v[4:])))
	}
	for id, key := range summaryKeys {
		v, ok := vals[id]
		if !ok {
			continue
		}
		if s := propString(v, codepage); s != "" {
			meta[key] = s
		}
	}
}

// propString formats one typed property value; "" when it cannot.
func propString(v []byte, codepage int) string {
	if len(v) < 8 {
		return ""
	}
	switch le16(v) {
	case vtI2:
		return strconv.Itoa(int(int16(le16(v[4:]))))
	case vtI4:
		return strconv.Itoa(int(int32(le32(v[4:]))))
	case vtLPSTR:
		n := int64(le32(v[4:]))
		if n > int64(len(v))-8 {
			return ""
		}
		s := v[8 : 8+n]
		for len(s) > 0 && s[len(s)-1] == 0 {
			s = s[:len(s)-1]
		}
		if len(s) > maxMetaValue {
			s = s[:maxMetaValue]
		}
		return decodeString(s, codepage)
	case vtFILETIME:
		if len(v) < 12 {
			return ""
		}
		ft := int64(binary.LittleEndian.Uint64(v[4:]))
		if ft <= 0 {
			return ""
		}
		// 100 ns ticks since 1601-01-01.
		const epochDiff = 11644473600
		sec := ft/1e7 - epochDiff
		return time.Unix(sec, ft%1e7*100).UTC().Format(time.RFC3339)
	}
	return ""
}
