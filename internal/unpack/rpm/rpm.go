// Package rpm reads RPM packages: the lead, the signature header, the main
// header and the cpio payload (newc, compressed with gzip, bzip2, xz, lzma
// or zstd as PAYLOADCOMPRESSOR says).
//
// Members are the payload entries under their cpio names ("./usr/bin/x"),
// with directories, symlinks and hard links, preceded by the package's
// scriptlets as synthetic members ".rpm-scriptlets/<name>" (prein, postin,
// preun, postun, pretrans, posttrans, preuntrans, postuntrans, verifyscript,
// and "<kind>-<n>" for triggers): code rpm runs as root at install, which
// detectors need to see. Their Meta gives "rpm.scriptlet" and
// "rpm.interpreter". The container Meta has the package's name, version,
// release, arch, vendor, payload compressor, the scriptlet member names
// ("rpm.scriptlets"), Requires without rpmlib() features ("rpm.requires",
// "name op version" joined by ", ") and whether the signature header
// carries an OpenPGP/RSA/DSA signature ("rpm.signed"; presence only, nothing
// is verified).
//
// # Security
//
// Header index counts and data sizes are checked against the input (and
// rpm's own limits: 64 Ki tags, 256 MiB of data) before anything is
// allocated; only the index is held in memory and tag data is read on demand
// with caps (64 KiB for a name, 16 MiB for a scriptlet). The payload is
// streamed, never read whole: cpio names are capped at 4 KiB, symlink
// targets at 4 KiB, held-back hard links at 64 Ki, and an uncompressed
// payload's sizes are checked against the input. Decoders are bounded: xz
// and lzma dictionaries and the zstd window at 128 MiB.
package rpm

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vouch-sec/vouch/internal/limits"
	"github.com/vouch-sec/vouch/internal/unpack"
)

// Name is the format name.
const Name = "rpm"

const (
	leadSize = 96
	// maxScript bounds one scriptlet held in memory.
	maxScript = 16 << 20
	// maxTriggers bounds the trigger scripts and conditions read.
	maxTriggers = 1 << 16
	// maxMetaValue bounds a Meta value built from a list.
	maxMetaValue = 64 << 10
	// ScriptletDir is the directory of the synthetic scriptlet members.
	ScriptletDir = ".rpm-scriptlets/"
)

var leadMagic = []byte{0xed, 0xab, 0xee, 0xdb}

// Tags (rpmtag.h).
const (
	tagName              = 1000
	tagVersion           = 1001
	tagRelease           = 1002
	tagVendor            = 1011
	tagArch              = 1022
	tagPayloadFormat     = 1124
	tagPayloadCompressor = 1125
	tagRequireFlags      = 1048
	tagRequireName       = 1049
	tagRequireVersion    = 1050
)

// signatureTags are signature-header tags holding an OpenPGP signature:
// DSA and RSA header signatures, the legacy PGP/GPG/PGP5 header+payload
// ones, and rpm 6's OPENPGP.
var signatureTags = []uint32{267, 268, 278, 1002, 1005, 1006}

// scriptlets pairs each script tag with its interpreter tag.
var scriptlets = []struct {
	name       string
	body, prog uint32
}{
	{"pretrans", 1151, 1153},
	{"prein", 1023, 1085},
	{"postin", 1024, 1086},
	{"preun", 1025, 1087},
	{"postun", 1026, 1088},
	{"posttrans", 1152, 1154},
	{"preuntrans", 5103, 5105},
	{"postuntrans", 5104, 5106},
	{"verifyscript", 1079, 1091},
}

// triggerSets are the three kinds of trigger: scripts, their interpreters,
// and the conditions (name, flags, index of the script they run).
var triggerSets = []struct {
	kind                                string
	scripts, progs, names, flags, index uint32
}{
	{"trigger", 1065, 1092, 1066, 1068, 1069},
	{"filetrigger", 5066, 5067, 5069, 5072, 5070},
	{"transfiletrigger", 5076, 5077, 5079, 5082, 5080},
}

type unpacker struct{}

// New returns the rpm unpacker.
func New() unpack.Unpacker { return unpacker{} }

func (unpacker) Name() string { return Name }

// Match wants the lead magic and a header structure right after the lead.
func (unpacker) Match(in *unpack.Input) bool {
	h := in.Head
	return len(h) >= leadSize+4 && bytes.HasPrefix(h, leadMagic) && bytes.Equal(h[leadSize:leadSize+4], headerMagic)
}

func (unpacker) Unpack(ctx context.Context, in *unpack.Input, emit unpack.Emit) error {
	var lead [leadSize]byte
	if _, err := in.R.ReadAt(lead[:], 0); err != nil || !bytes.HasPrefix(lead[:], leadMagic) {
		return fmt.Errorf("rpm lead of %q: %w", in.Path, unpack.ErrCorrupt)
	}
	sig, err := readHeader(in.R, leadSize, in.Size, "signature")
	if err != nil {
		return fmt.Errorf("%q: %w", in.Path, err)
	}
	signed := false
	for _, t := range signatureTags {
		signed = signed || sig.has(t)
	}
	in.Meta["rpm.signed"] = strconv.FormatBool(signed)
	// The signature header is padded to 8 bytes; the lead is 96.
	mainOff := sig.end + (8-sig.end%8)%8
	h, err := readHeader(in.R, mainOff, in.Size, "main")
	if err != nil {
		return fmt.Errorf("%q: %w", in.Path, err)
	}
	for tag, key := range map[uint32]string{tagName: "rpm.name", tagVersion: "rpm.version", tagRelease: "rpm.release",
		tagArch: "rpm.arch", tagVendor: "rpm.vendor", tagPayloadCompressor: "rpm.payload_compressor"} {
		if v := h.str(tag); v != "" {
			in.Meta[key] = v
		}
	}
	if r := requires(h); r != "" {
		in.Meta["rpm.requires"] = r
	}

	n := 0
	count := func(m *unpack.Member) error {
		if in.MaxMembers > 0 && n >= in.MaxMembers {
			return &limits.Exceeded{Limit: "max-members", Value: int64(in.MaxMembers), Seen: int64(n + 1)}
		}
		n++
		return emit(m)
	}
	var scripts []string
	err = emitScriptlets(h, func(m *unpack.Member) error {
		scripts = append(scripts, strings.TrimPrefix(m.Name, ScriptletDir))
		return count(m)
	})
	if len(scripts) > 0 {
		in.Meta["rpm.scriptlets"] = joinCapped(scripts, ",")
	}
	if err != nil {
		return err
	}

	if f := h.str(tagPayloadFormat); f != "" && f != "cpio" {
		return fmt.Errorf("%q: payload format %q: %w", in.Path, f, unpack.ErrUnsupported)
	}
	payload := io.NewSectionReader(in.R, h.end, in.Size-h.end)
	var head [6]byte
	k, _ := payload.ReadAt(head[:], 0)
	pr, raw, err := openPayload(h.str(tagPayloadCompressor), payload, head[:k])
	if err != nil {
		return fmt.Errorf("%q payload: %w", in.Path, err)
	}
	defer pr.Close()
	c := &cpioReader{r: pr, limit: -1}
	if raw {
		c.limit = payload.Size()
	}
	if err := walkCPIO(ctx, c, count); err != nil {
		return fmt.Errorf("%q payload: %w", in.Path, err)
	}
	return nil
}

// emitScriptlets emits each scriptlet and trigger script as a member.
func emitScriptlets(h *header, emit unpack.Emit) error {
	for _, s := range scriptlets {
		if !h.has(s.body) && !h.has(s.prog) {
			continue
		}
		body, err := h.strings(s.body, maxScript)
		prog, perr := h.strings(s.prog, 64<<10)
		if err == nil {
			err = perr
		}
		if err := emit(scriptMember(s.name, s.name, body, prog, err, nil)); err != nil {
			return err
		}
	}
	for _, t := range triggerSets {
		if !h.has(t.scripts) {
			continue
		}
		bodies, err := h.strings(t.scripts, maxScript)
		if err != nil || len(bodies) > maxTriggers {
			// The scripts cannot be split apart: one member carries the
			// error so the damage is visible.
			if err == nil {
				err = fmt.Errorf("%d trigger scripts (limit %d): %w", len(bodies), maxTriggers, unpack.ErrUnsupported)
			}
			if err := emit(scriptMember(t.kind, t.kind, nil, nil, err, nil)); err != nil {
				return err
			}
			continue
		}
		progs, _ := h.strings(t.progs, maxScript)
		names, _ := h.strings(t.names, maxScript)
		flags, _ := h.int32s(t.flags, maxTriggers)
		index, _ := h.int32s(t.index, maxTriggers)
		// Conditions by the script they run, in one pass: both lists can
		// hold 64 Ki entries.
		condsOf := map[int][]int{}
		for j, x := range index {
			if int64(x) < int64(len(bodies)) && j < len(names) {
				condsOf[int(x)] = append(condsOf[int(x)], j)
			}
		}
		for i, body := range bodies {
			kind, conds := t.kind, []string(nil)
			for _, j := range condsOf[i] {
				conds = append(conds, names[j])
				if j < len(flags) && kind == t.kind {
					kind += triggerWhen(flags[j])
				}
			}
			var prog []string
			if i < len(progs) {
				prog = []string{progs[i]}
			}
			meta := map[string]string{}
			if len(conds) > 0 {
				c := strings.Join(conds, ",")
				if len(c) > maxMetaValue {
					c = c[:maxMetaValue]
				}
				meta["rpm.trigger"] = c
			}
			name := kind + "-" + strconv.Itoa(i)
			if err := emit(scriptMember(name, kind, []string{body}, prog, nil, meta)); err != nil {
				return err
			}
		}
	}
	return nil
}

// requires lists the package's Requires as "name op version" joined by
// ", ", without rpmlib() features (RPMSENSE_RPMLIB) and duplicates; a
// damaged tag leaves it out.
func requires(h *header) string {
	names, err := h.strings(tagRequireName, maxMetaValue)
	if err != nil || len(names) > maxTriggers {
		return ""
	}
	flags, _ := h.int32s(tagRequireFlags, maxTriggers)
	vers, _ := h.strings(tagRequireVersion, maxMetaValue)
	seen := map[string]bool{}
	var out []string
	for i, n := range names {
		var f uint32
		if i < len(flags) {
			f = flags[i]
		}
		if f&(1<<24) != 0 || strings.HasPrefix(n, "rpmlib(") {
			continue
		}
		if i < len(vers) && vers[i] != "" {
			op := ""
			if f&2 != 0 {
				op += "<"
			}
			if f&4 != 0 {
				op += ">"
			}
			if f&8 != 0 {
				op += "="
			}
			n += " " + op + " " + vers[i]
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return joinCapped(out, ", ")
}

// joinCapped joins items, stopping with "…" before maxMetaValue.
func joinCapped(items []string, sep string) string {
	var sb strings.Builder
	for i, s := range items {
		if sb.Len()+len(sep)+len(s) > maxMetaValue {
			sb.WriteString(sep + "…")
			break
		}
		if i > 0 {
			sb.WriteString(sep)
		}
		sb.WriteString(s)
	}
	return sb.String()
}

// triggerWhen names the event of a trigger condition (RPMSENSE_TRIGGER*).
func triggerWhen(flags uint32) string {
	switch {
	case flags&(1<<25) != 0:
		return "prein"
	case flags&(1<<16) != 0:
		return "in"
	case flags&(1<<17) != 0:
		return "un"
	case flags&(1<<18) != 0:
		return "postun"
	}
	return ""
}

// scriptMember builds the synthetic member of one scriptlet. rpm runs a
// script without an interpreter tag with /bin/sh.
func scriptMember(name, kind string, body, prog []string, err error, meta map[string]string) *unpack.Member {
	text := strings.Join(body, "\n") // one string but in ancient packages
	interp := strings.Join(prog, " ")
	if interp == "" && err == nil {
		interp = "/bin/sh"
	}
	if meta == nil {
		meta = map[string]string{}
	}
	meta["rpm.scriptlet"] = kind
	if interp != "" {
		meta["rpm.interpreter"] = interp
	}
	m := &unpack.Member{
		Name: ScriptletDir + name,
		Type: unpack.TypeFile,
		Size: int64(len(text)),
		Mode: 0o755,
		Meta: meta,
		Open: func() (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader(text)), nil
		},
	}
	if err != nil {
		m.Size = -1
		m.Open = func() (io.ReadCloser, error) { return nil, fmt.Errorf("scriptlet %s: %w", name, err) }
	}
	return m
}
