package macho

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/smallstep/pkcs7"

	"github.com/vouch-sec/vouch/internal/model"
)

const (
	maxSignature = 64 << 20
	maxCDs       = 8
	maxCMS       = 4 << 20
)

// Blob magics and SuperBlob slot types (Apple's cs_blobs.h).
const (
	magicSuperBlob     = 0xfade0cc0
	magicCodeDirectory = 0xfade0c02
	magicBlobWrapper   = 0xfade0b01

	slotCodeDirectory = 0
	slotAlternateCD   = 0x1000 // up to 0x1004
	slotCMS           = 0x10000
)

// CodeDirectory flags worth naming.
var cdFlags = []struct {
	bit  uint32
	name string
}{
	{0x2, "adhoc"}, {0x4, "get-task-allow"}, {0x100, "hard"}, {0x200, "kill"},
	{0x400, "check-expiration"}, {0x800, "restrict"}, {0x1000, "enforcement"},
	{0x2000, "library-validation"}, {0x10000, "runtime"}, {0x20000, "linker-signed"},
}

const csAdhoc = 0x2

type hashKind struct {
	name string
	size int
	new  func() hash.Hash
}

var hashTypes = map[uint8]hashKind{
	1: {"sha1", 20, sha1.New},
	2: {"sha256", 32, sha256.New},
	3: {"sha256-truncated", 20, sha256.New},
	4: {"sha384", 48, sha512.New384},
}

// codeDirectory is the part of a CodeDirectory blob we check.
type codeDirectory struct {
	raw                []byte
	flags              uint32
	hashOffset         int64
	nSpecial, nCode    int64
	codeLimit          int64
	hashSize           int
	hashType           uint8
	pageShift          uint8
	identifier, teamID string
	hasScatter         bool
}

// codeSign reads and verifies the signature at off (size bytes) of the slice.
// Problems go to the result's Error: an unreadable signature is a fact
// about the file, not a failure to analyse it.
func (p *parser) codeSign(off, size int64) *model.MachOCodeSign {
	cs := &model.MachOCodeSign{Offset: off, Size: size}
	var errs []string
	note := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	defer func() { cs.Error = strings.Join(errs, "; ") }()

	if off > p.size || size > p.size-off {
		note("signature (%d bytes at %d) extends past the end of the slice (%d bytes)", size, off, p.size)
		return cs
	}
	if end := off + size; end < p.size {
		cs.TrailingBytes = p.size - end
		if p.take(cs.TrailingBytes) {
			e, err := entropyAt(p.ctx, p.r, end, cs.TrailingBytes, p.size)
			if err != nil {
				note("trailing bytes: %v", err)
			}
			cs.TrailingEntropy = e
		}
	}
	if size > maxSignature {
		note("signature takes %d bytes; not read", size)
		return cs
	}
	sig := make([]byte, size)
	if err := readFull(p.r, sig, off, p.size); err != nil {
		note("reading signature: %v", err)
		return cs
	}
	blobs, err := superBlob(sig)
	if err != nil {
		note("%v", err)
	}
	var cds []*codeDirectory
	var cms []byte
	hasCMS := false
	for _, b := range blobs {
		switch {
		case b.typ == slotCodeDirectory || (b.typ >= slotAlternateCD && b.typ < slotAlternateCD+5):
			if len(cds) >= maxCDs {
				note("more than %d code directories", maxCDs)
				continue
			}
			cd, err := parseCodeDirectory(b.data)
			if err != nil {
				note("code directory in slot %#x: %v", b.typ, err)
			}
			if cd != nil {
				cds = append(cds, cd)
			}
		case b.typ == slotCMS:
			if m := binary.BigEndian.Uint32(b.data); m != magicBlobWrapper {
				note("CMS slot: bad magic %#x", m)
				continue
			}
			hasCMS, cms = true, b.data[8:]
		}
	}
	cs.CodeDirectories = len(cds)
	if len(cds) == 0 {
		note("no code directory")
		return cs
	}
	primary := cds[0] // slot 0 sorts first: it is the one the CMS signature covers
	cs.Identifier, cs.TeamID = primary.identifier, primary.teamID
	cs.HashType = hashName(primary.hashType)
	cs.CodeLimit = primary.codeLimit
	if primary.pageShift > 0 {
		cs.PageSize = 1 << primary.pageShift
	}
	for _, f := range cdFlags {
		if primary.flags&f.bit != 0 {
			cs.Flags = append(cs.Flags, f.name)
		}
	}
	if rest := primary.flags &^ knownFlags(); rest != 0 {
		cs.Flags = append(cs.Flags, fmt.Sprintf("%#x", rest))
	}
	if primary.codeLimit < off {
		cs.UnhashedBytes = off - primary.codeLimit
	}
	for i, cd := range cds {
		pages, bad, err := p.verifyPages(cd)
		if err != nil {
			note("code directory %d (%s): %v", i, hashName(cd.hashType), err)
		}
		if i == 0 {
			cs.Pages = pages
		}
		cs.BadPages = max(cs.BadPages, bad)
		cs.BadSpecialSlots = max(cs.BadSpecialSlots, badSpecialSlots(cd, blobs))
	}
	cs.AdHoc = primary.flags&csAdhoc != 0 || len(cms) == 0
	if hasCMS && len(cms) > 0 {
		if len(cms) > maxCMS {
			note("CMS blob takes %d bytes; not read", len(cms))
			return cs
		}
		signer, valid, err := verifyCMS(cms, primary.raw)
		cs.Signer, cs.CMSValid = signer, valid
		if err != nil {
			note("CMS signature: %v", err)
		}
	}
	return cs
}

func knownFlags() uint32 {
	var all uint32
	for _, f := range cdFlags {
		all |= f.bit
	}
	return all
}

func hashName(t uint8) string {
	if h, ok := hashTypes[t]; ok {
		return h.name
	}
	return fmt.Sprintf("hash-%d", t)
}

type blob struct {
	typ  uint32
	data []byte // the whole blob, header included
}

// superBlob splits an embedded signature into its blobs, sorted by slot
// type. Blobs that do not fit are skipped and reported.
func superBlob(sig []byte) ([]blob, error) {
	if len(sig) < 12 {
		return nil, fmt.Errorf("signature: %d bytes, too short for a SuperBlob", len(sig))
	}
	be := binary.BigEndian
	if m := be.Uint32(sig); m != magicSuperBlob {
		return nil, fmt.Errorf("signature: bad SuperBlob magic %#x", m)
	}
	length, count := int64(be.Uint32(sig[4:])), int64(be.Uint32(sig[8:]))
	var errs []error
	if length > int64(len(sig)) || length < 12 {
		errs = append(errs, fmt.Errorf("SuperBlob length %d does not fit the signature (%d bytes)", length, len(sig)))
		length = int64(len(sig))
	}
	if count > (length-12)/8 {
		errs = append(errs, fmt.Errorf("SuperBlob lists %d blobs, room for %d", count, (length-12)/8))
		count = (length - 12) / 8
	}
	var out []blob
	seen := map[uint32]bool{}
	for i := range count {
		e := sig[12+i*8:]
		typ, off := be.Uint32(e), int64(be.Uint32(e[4:]))
		if off < 12 || off > length-8 {
			errs = append(errs, fmt.Errorf("blob %d (slot %#x) at %d is outside the SuperBlob", i, typ, off))
			continue
		}
		bl := int64(be.Uint32(sig[off+4:]))
		if bl < 8 || bl > length-off {
			errs = append(errs, fmt.Errorf("blob %d (slot %#x): length %d does not fit", i, typ, bl))
			continue
		}
		if seen[typ] {
			errs = append(errs, fmt.Errorf("slot %#x appears twice; using the first", typ))
			continue
		}
		seen[typ] = true
		out = append(out, blob{typ, sig[off : off+bl]})
	}
	// Stable order: code directory first, then by slot.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].typ < out[j-1].typ; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, errors.Join(errs...)
}

func parseCodeDirectory(b []byte) (*codeDirectory, error) {
	be := binary.BigEndian
	if len(b) < 44 {
		return nil, fmt.Errorf("%d bytes: too short", len(b))
	}
	if m := be.Uint32(b); m != magicCodeDirectory {
		return nil, fmt.Errorf("bad magic %#x", m)
	}
	version := be.Uint32(b[8:])
	cd := &codeDirectory{
		raw:        b,
		flags:      be.Uint32(b[12:]),
		hashOffset: int64(be.Uint32(b[16:])),
		nSpecial:   int64(be.Uint32(b[24:])),
		nCode:      int64(be.Uint32(b[28:])),
		codeLimit:  int64(be.Uint32(b[32:])),
		hashSize:   int(b[36]),
		hashType:   b[37],
		pageShift:  b[39],
	}
	if version >= 0x20100 && len(b) >= 48 {
		cd.hasScatter = be.Uint32(b[44:]) != 0
	}
	if version >= 0x20300 && len(b) >= 64 {
		if l := be.Uint64(b[56:]); l != 0 {
			cd.codeLimit = clampInt(l)
		}
	}
	if o := int64(be.Uint32(b[20:])); o > 0 && o < int64(len(b)) {
		cd.identifier = cstring(b[o:min(int64(len(b)), o+maxName)])
	}
	if version >= 0x20200 && len(b) >= 52 {
		if o := int64(be.Uint32(b[48:])); o > 0 && o < int64(len(b)) {
			cd.teamID = cstring(b[o:min(int64(len(b)), o+maxName)])
		}
	}
	hk, ok := hashTypes[cd.hashType]
	if !ok {
		return cd, fmt.Errorf("unknown hash type %d", cd.hashType)
	}
	if cd.hashSize == 0 || cd.hashSize > hk.size {
		return nil, fmt.Errorf("hash size %d for %s", cd.hashSize, hk.name)
	}
	hs := int64(cd.hashSize)
	if cd.hashOffset > int64(len(b)) || cd.nCode > (int64(len(b))-cd.hashOffset)/hs {
		return nil, fmt.Errorf("%d code slots at %d do not fit in %d bytes", cd.nCode, cd.hashOffset, len(b))
	}
	if cd.nSpecial > cd.hashOffset/hs {
		return nil, fmt.Errorf("%d special slots before %d do not fit", cd.nSpecial, cd.hashOffset)
	}
	return cd, nil
}

// verifyPages hashes the slice page by page up to the code limit and counts
// the pages whose hash differs from the CodeDirectory's. Pages the file
// cannot supply (cut short after signing) count as bad.
func (p *parser) verifyPages(cd *codeDirectory) (pages, bad int, err error) {
	hk, ok := hashTypes[cd.hashType]
	if !ok {
		return 0, 0, fmt.Errorf("unknown hash type %d", cd.hashType)
	}
	if cd.hasScatter {
		return 0, 0, errors.New("scatter vectors are not supported; pages not checked")
	}
	if cd.pageShift > 30 || (cd.pageShift > 0 && cd.pageShift < 9) {
		// The kernel takes 4 KiB and 16 KiB pages; tiny ones would only
		// multiply the work.
		return 0, 0, fmt.Errorf("page size 2^%d; pages not checked", cd.pageShift)
	}
	page := cd.codeLimit
	if cd.pageShift > 0 {
		page = 1 << cd.pageShift
	}
	var want int64
	if cd.codeLimit > 0 {
		want = (cd.codeLimit + page - 1) / page
	}
	n := min(want, cd.nCode)
	var errs []error
	if want != cd.nCode {
		errs = append(errs, fmt.Errorf("code limit %d needs %d page hashes, the directory has %d", cd.codeLimit, want, cd.nCode))
		bad += int(max(want, cd.nCode) - n)
	}
	if cd.codeLimit > p.size {
		errs = append(errs, fmt.Errorf("code limit %d is past the end of the slice (%d bytes)", cd.codeLimit, p.size))
	}
	if !p.take(min(cd.codeLimit, p.size)) {
		return int(max(want, cd.nCode)), bad, errors.Join(append(errs, errors.New("work budget spent; pages not checked"))...)
	}
	h := hk.new()
	buf := make([]byte, min(page, 64<<10))
	hs := cd.hashSize
	for i := range n {
		if i%256 == 0 {
			if err := p.ctx.Err(); err != nil {
				return int(want), bad, err
			}
		}
		start := i * page
		l := min(page, cd.codeLimit-start)
		if start+l > p.size {
			bad++
			continue
		}
		h.Reset()
		if _, err := io.CopyBuffer(h, io.NewSectionReader(p.r, start, l), buf); err != nil {
			return int(want), bad, fmt.Errorf("reading page %d: %w", i, err)
		}
		slot := cd.raw[cd.hashOffset+i*int64(hs):][:hs]
		if !bytes.Equal(h.Sum(nil)[:hs], slot) {
			bad++
		}
	}
	return int(max(want, cd.nCode)), bad, errors.Join(errs...)
}

// badSpecialSlots counts the blobs of the SuperBlob (requirements,
// entitlements, …) whose hash disagrees with the CodeDirectory's special
// slot for them. A slot left zero is not bound and is not counted.
func badSpecialSlots(cd *codeDirectory, blobs []blob) int {
	hk, ok := hashTypes[cd.hashType]
	if !ok {
		return 0
	}
	bad := 0
	hs := int64(cd.hashSize)
	for _, b := range blobs {
		t := int64(b.typ)
		if t < 1 || t > cd.nSpecial || b.typ >= slotAlternateCD {
			continue
		}
		slot := cd.raw[cd.hashOffset-t*hs:][:hs]
		if allZero(slot) {
			continue
		}
		h := hk.new()
		h.Write(b.data)
		if !bytes.Equal(h.Sum(nil)[:hs], slot) {
			bad++
		}
	}
	return bad
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// verifyCMS checks the detached CMS signature over the CodeDirectory and
// returns the signer's common name (or whole subject). valid is false when
// the signature or its message digest does not match the CodeDirectory,
// nil when it could not be checked (unparseable, unsupported algorithm, no
// signer certificate). The chain is not checked: Apple's roots are not
// available offline.
func verifyCMS(der, cd []byte) (signer string, valid *bool, err error) {
	defer func() {
		// pkcs7's BER handling is not promised to be panic-free.
		if r := recover(); r != nil {
			signer, valid, err = "", nil, fmt.Errorf("pkcs7: panic: %v", r)
		}
	}()
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return "", nil, fmt.Errorf("pkcs7.Parse: %w", err)
	}
	if c := p7.GetOnlySigner(); c != nil {
		signer = c.Subject.CommonName
		if signer == "" {
			signer = c.Subject.String()
		}
	}
	p7.Content = cd
	ok := true
	if err := p7.Verify(); err != nil {
		var mismatch *pkcs7.MessageDigestMismatchError
		if errors.As(err, &mismatch) || errors.Is(err, rsa.ErrVerification) || strings.Contains(err.Error(), "ECDSA verification failure") {
			ok = false
			return signer, &ok, fmt.Errorf("pkcs7.Verify: %w", err)
		}
		return signer, nil, fmt.Errorf("pkcs7.Verify: %w", err)
	}
	return signer, &ok, nil
}
