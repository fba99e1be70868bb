package msi

import "strings"

// MSI compresses stream names to fit the compound file's 31-character limit:
// each character of the 64-symbol alphabet below becomes 6 bits, and two of
// them share one UTF-16 unit in 0x3800–0x47FF (first character in the low
// bits); a lone one is 0x4800+index. Table streams start with 0x4840.
const (
	namePair   = 0x3800
	nameSingle = 0x4800
	nameTable  = 0x4840
	nameChars  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"
)

// decodeStreamName expands a stored stream name. Characters outside the
// compressed ranges (such as "\x05" of "\x05SummaryInformation") pass
// through unchanged.
func decodeStreamName(raw string) (name string, table bool) {
	var b strings.Builder
	for i, r := range raw {
		switch {
		case i == 0 && r == nameTable:
			table = true
		case r >= namePair && r < nameSingle:
			v := r - namePair
			b.WriteByte(nameChars[v&0x3F])
			b.WriteByte(nameChars[v>>6&0x3F])
		case r >= nameSingle && r < nameTable:
			b.WriteByte(nameChars[r-nameSingle])
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), table
}
