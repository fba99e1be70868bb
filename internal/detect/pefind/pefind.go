// Package pefind turns PE structure facts (analyze/pe) into findings.
//
// Two detectors live here: [New] judges one PE at a time (pe.*), and
// [NewSideload] looks at a whole release for unsigned DLLs that a signed
// program beside them loads (sig.unsigned-module-in-signed-package). Their
// names differ from the finding prefixes because detect/sig already owns
// "pe" and "sig" (certificate-table and signature findings).
//
// # Severity
//
// All three are low: each is a fact a release engineer should see, common
// enough in benign software that it cannot carry a verdict alone. Diff
// detectors weigh them when they are new.
//
//   - pe.checksum-mismatch: the optional-header checksum is set but does
//     not match the file, so bytes changed after the linker (or the signing
//     tool) computed it. Linkers that do not compute it write 0, which is
//     never reported. Benign causes exist: resource editors that stamp
//     version info after linking without recomputing it, and old
//     patch-in-place build steps. Windows checks the value only for
//     drivers and a few boot-time images, so only those (drivers, EFI
//     images) and signed files are reported: a user-mode DLL's checksum is
//     never read (676 of the 693 PE DLLs in Debian's libwine 8.0 carry a
//     stale one), while a signed file's checksum lies outside the signed
//     digest, so a stale one there means bytes moved after signing.
//     Appending data after signing (the CVE-2013-3900 shape) leaves it
//     stale too; detect/sig reports that case in its own right.
//   - pe.rwx-section: a section both writable and executable. Compilers do
//     not emit one; packers (UPX and its kin) and hand-built loaders do.
//   - sig.unsigned-module-in-signed-package: an unsigned DLL in the same
//     directory as a signed EXE that imports it (normally or delay-loaded):
//     replacing or trojanizing the DLL runs code inside the signed program,
//     as 3CX's ffmpeg.dll did. Electron and many other apps ship unsigned
//     DLLs beside a signed EXE, hence low. A file whose signature state is
//     unknown (no Authenticode facts) raises nothing.
package pefind

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/identify"
	"github.com/vouch-sec/vouch/internal/model"
)

// Names of the detectors.
const (
	Name         = "pe/structure"
	SideloadName = "sig/sideload"
)

// Finding ids.
const (
	IDChecksum = "pe.checksum-mismatch"
	IDRWX      = "pe.rwx-section"
	IDSideload = "sig.unsigned-module-in-signed-package"
)

type structure struct{}

// New returns the per-file detector (pe.checksum-mismatch,
// pe.rwx-section).
func New() detect.FileDetector { return structure{} }

func (structure) Name() string { return Name }

func (structure) DetectFile(f *model.File) []model.Finding {
	if f.Facts == nil || f.Facts.PE == nil {
		return nil
	}
	p := f.Facts.PE
	var out []model.Finding
	if c := p.Checksum; c != nil && c.Stored != 0 && c.Stored != c.Computed && checksumMatters(f) {
		out = append(out, model.Finding{
			ID:       IDChecksum,
			Severity: model.SeverityLow,
			Path:     f.Path,
			Title: fmt.Sprintf("PE checksum 0x%08x does not match the file (0x%08x): bytes changed after it was computed",
				c.Stored, c.Computed),
			Evidence: map[string]any{
				"stored":   fmt.Sprintf("0x%08x", c.Stored),
				"computed": fmt.Sprintf("0x%08x", c.Computed),
				"type":     p.Type,
			},
		})
	}
	var rwx []string
	for _, s := range p.Sections {
		if strings.Contains(s.Flags, "w") && strings.Contains(s.Flags, "x") {
			rwx = append(rwx, s.Name)
		}
	}
	if len(rwx) > 0 {
		word := "section"
		if len(rwx) > 1 {
			word = "sections"
		}
		out = append(out, model.Finding{
			ID:       IDRWX,
			Severity: model.SeverityLow,
			Path:     f.Path,
			Title:    fmt.Sprintf("PE %s %s writable and executable, as packers and injected loaders make them", word, quoteList(rwx)),
			Evidence: map[string]any{"sections": rwx},
		})
	}
	return out
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0] + " is"
	}
	return strings.Join(q, ", ") + " are"
}

type sideload struct{}

// NewSideload returns the release detector for unsigned DLLs loaded by a
// signed EXE beside them.
func NewSideload() detect.ReleaseDetector { return sideload{} }

func (sideload) Name() string { return SideloadName }

// split returns a virtual path's directory (container path included) and
// its base name.
func split(p string) (dir, base string) {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i], p[i+1:]
	}
	return "", p
}

// signed says whether f carries an Authenticode signature, and whether
// that is known at all.
func signed(f *model.File) (yes, known bool) {
	if f.Facts == nil || f.Facts.Signature == nil {
		return false, false
	}
	return f.Facts.Signature.Signed, true
}

type importer struct {
	path    string
	delayed bool
}

func (sideload) DetectRelease(files []*model.File) []model.Finding {
	type key struct{ dir, name string }
	pes := map[key]*model.File{}
	for _, f := range files {
		if f.Kind != identify.PE || (f.Type != "" && f.Type != "file") {
			continue
		}
		dir, base := split(f.Path)
		pes[key{dir, strings.ToLower(base)}] = f
	}
	loaded := map[*model.File][]importer{}
	for _, exe := range files {
		if exe.Kind != identify.PE || exe.Facts == nil || exe.Facts.PE == nil || exe.Facts.PE.Type != "exe" {
			continue
		}
		if yes, _ := signed(exe); !yes {
			continue
		}
		dir, _ := split(exe.Path)
		for _, im := range exe.Facts.PE.Imports {
			dll := pes[key{dir, im.DLL}]
			if dll == nil || dll == exe {
				continue
			}
			if yes, known := signed(dll); !known || yes {
				continue
			}
			loaded[dll] = append(loaded[dll], importer{exe.Path, im.Delayed})
		}
	}
	var out []model.Finding
	for dll, by := range loaded {
		sort.Slice(by, func(i, j int) bool { return by[i].path < by[j].path })
		var paths []string
		delayed := true
		for _, im := range by {
			paths = append(paths, im.path)
			delayed = delayed && im.delayed
		}
		paths = compact(paths)
		_, dllBase := split(dll.Path)
		_, exeBase := split(paths[0])
		more := ""
		if len(paths) > 1 {
			more = fmt.Sprintf(" (and %d more)", len(paths)-1)
		}
		out = append(out, model.Finding{
			ID:       IDSideload,
			Severity: model.SeverityLow,
			Path:     dll.Path,
			Title: fmt.Sprintf("unsigned %s is loaded by the signed %s%s beside it: whoever replaces it runs code inside a signed program",
				dllBase, exeBase, more),
			Evidence: map[string]any{"importers": paths, "delay_loaded": delayed},
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// checksumMatters reports whether anything reads f's PE checksum: the kernel
// for drivers, firmware for EFI images; for signed files it records whether
// bytes outside the digest changed after signing.
func checksumMatters(f *model.File) bool {
	switch f.Facts.PE.Type {
	case "driver", "efi":
		return true
	}
	return f.Facts.Signature != nil && f.Facts.Signature.Signed
}
