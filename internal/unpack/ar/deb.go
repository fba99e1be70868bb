package ar

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/vouch-sec/vouch/internal/unpack"
	"github.com/vouch-sec/vouch/internal/unpack/compress"
)

const (
	// maxControlTar bounds the expanded control.tar read for Meta; real
	// ones are a few KiB, and the engine still unpacks the whole member.
	maxControlTar = 64 << 20
	// maxControlEntries bounds the entries walked in control.tar.
	maxControlEntries = 10_000
	// maxControlFile bounds the control file itself.
	maxControlFile = 1 << 20
	// maxValue bounds one Meta value taken from the control file.
	maxValue = 4096
	// maxRelations bounds a relation field (Depends), which meta-packages
	// make long.
	maxRelations = 64 << 10
)

// maintainerScripts are the control members dpkg runs (config by debconf),
// in the order Meta lists them.
var maintainerScripts = []string{"preinst", "postinst", "prerm", "postrm", "config", "triggers"}

// controlFields maps control fields to container Meta keys.
var controlFields = map[string]string{
	"package":      "deb.package",
	"version":      "deb.version",
	"architecture": "deb.architecture",
	"maintainer":   "deb.maintainer",
	"depends":      "deb.depends",
	"pre-depends":  "deb.pre_depends",
}

// relationFields are the control Meta keys that may be folded over lines.
var relationFields = map[string]bool{"deb.depends": true, "deb.pre_depends": true}

// debState gathers the package facts while the members go by.
type debState struct {
	meta        map[string]string
	sawControl  bool
	scriptsRead bool
	scripts     map[string]bool
}

// member tags m with its part and, for the version and control members,
// reads the facts they hold. Failures leave the Meta out: the engine unpacks
// the same member and reports its damage.
func (d *debState) member(ctx context.Context, idx int, m *unpack.Member, sr *io.SectionReader) {
	switch name := m.Name; {
	case idx == 0 && name == "debian-binary":
		m.Meta = map[string]string{"deb.part": "version"}
		b, err := unpack.ReadAll(io.NewSectionReader(sr, 0, sr.Size()), 1<<10)
		if err == nil {
			line, _, _ := strings.Cut(string(b), "\n")
			d.meta["deb.format"] = strings.TrimSpace(line)
		}
	case name == "control.tar" || strings.HasPrefix(name, "control.tar."):
		m.Meta = map[string]string{"deb.part": "control"}
		if !d.sawControl {
			d.sawControl = true
			d.readControl(ctx, io.NewSectionReader(sr, 0, sr.Size()))
		}
	case name == "data.tar" || strings.HasPrefix(name, "data.tar."):
		m.Meta = map[string]string{"deb.part": "data"}
	}
}

// readControl walks control.tar for the control file and the maintainer
// scripts.
func (d *debState) readControl(ctx context.Context, sr *io.SectionReader) {
	r, err := decompress(sr)
	if err != nil {
		return
	}
	defer r.Close()
	d.scripts = map[string]bool{}
	tr := tar.NewReader(io.LimitReader(r, maxControlTar))
	gotControl := false
	for i := 0; i < maxControlEntries; i++ {
		if ctx.Err() != nil {
			return
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			d.scriptsRead = true
			return
		}
		if err != nil {
			return
		}
		name := path.Clean(h.Name)
		// A link or directory named like a script still tells what the
		// package meant to run.
		for _, s := range maintainerScripts {
			if name == s {
				d.scripts[s] = true
			}
		}
		if name == "control" && !gotControl && (h.Typeflag == tar.TypeReg || h.Typeflag == tar.TypeRegA) {
			gotControl = true
			b, err := unpack.ReadAll(tr, maxControlFile)
			if err != nil {
				continue
			}
			for k, v := range parseControl(b) {
				d.meta[k] = v
			}
		}
	}
}

// finish records the maintainer scripts once the archive is read.
func (d *debState) finish() {
	if d.scripts == nil || (!d.scriptsRead && len(d.scripts) == 0) {
		return
	}
	var found []string
	for _, s := range maintainerScripts {
		if d.scripts[s] {
			found = append(found, s)
		}
	}
	d.meta["deb.maintainer_scripts"] = strings.Join(found, ",")
}

// parseControl reads the first paragraph of a deb822 control file and
// returns the Meta for the fields in controlFields.
func parseControl(b []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), maxControlFile+1)
	started := false
	last := "" // the relation field a continuation line extends
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			if started {
				break
			}
			continue
		}
		started = true
		if line[0] == ' ' || line[0] == '\t' {
			if v := out[last]; last != "" && len(v)+len(line) <= maxRelations {
				out[last] = v + " " + strings.TrimSpace(line)
			}
			continue // continuation of a multi-line field
		}
		if line[0] == '#' {
			continue // a comment; a folded field goes on after it
		}
		last = ""
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, ok := controlFields[strings.ToLower(strings.TrimSpace(k))]
		if !ok {
			continue
		}
		if _, dup := out[key]; dup {
			continue // dpkg refuses duplicates; keep the first
		}
		v = strings.TrimSpace(v)
		limit := maxValue
		if relationFields[key] {
			limit, last = maxRelations, key
		}
		if len(v) > limit {
			v = v[:limit]
		}
		out[key] = v
	}
	return out
}

// decompress picks the decompressor from the member's magic bytes, which is
// what counts, not its name.
func decompress(sr *io.SectionReader) (io.ReadCloser, error) {
	var h [6]byte
	n, _ := sr.ReadAt(h[:], 0)
	b := h[:n]
	r := io.NewSectionReader(sr, 0, sr.Size())
	format := ""
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		format = "gzip"
	case bytes.HasPrefix(b, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		format = "xz"
	case bytes.HasPrefix(b, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		format = "zstd"
	case bytes.HasPrefix(b, []byte("BZh")):
		format = "bzip2"
	default:
		return io.NopCloser(r), nil
	}
	d, err := compress.Decoder(format, r)
	if err != nil {
		return nil, fmt.Errorf("%s decoder: %v: %w", format, err, unpack.ErrCorrupt)
	}
	return d, nil
}
