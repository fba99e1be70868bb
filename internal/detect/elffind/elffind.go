// Package elffind turns ELF structure facts (analyze/elf) into findings.
//
// Structure alone is weak evidence, so everything here is low severity:
// it tells a release engineer what is unusual about a binary, and the diff
// weighs it when it is new. Findings:
//
//   - elf.rwx-segment: a LOAD segment both writable and executable.
//     Linkers do not produce one unless asked (binutils warns); packers,
//     self-modifying loaders and hand-made droppers do.
//   - elf.exec-stack: PT_GNU_STACK asks for an executable stack, which
//     turns off non-executable stacks for the whole process.
//   - elf.ifunc: a library outside the C and compiler runtimes exports
//     functions chosen by IFUNC resolvers. Resolvers run inside the dynamic
//     loader before main and before RELRO is applied: the xz-utils backdoor
//     (liblzma 5.6.0/5.6.1) hooked in through the IFUNC resolvers of
//     lzma_crc32/lzma_crc64. Many libraries use IFUNC legitimately for CPU
//     dispatch, hence low; a new IFUNC in an update is the stronger signal.
package elffind

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the detector; findings are "elf.*".
const Name = "elf"

// runtimes are soname prefixes of the C and compiler runtime libraries,
// which use IFUNC for CPU-specific string, math and atomic routines.
var runtimes = []string{
	"libc.so.", "libm.so.", "libmvec.so.", "ld-linux", "ld64.so.", "libpthread.so.", "librt.so.",
	"libdl.so.", "libgcc_s.so.", "libatomic.so.", "libquadmath.so.", "libgfortran.so.", "libstdc++.so.",
}

// maxListed bounds the names quoted in a title or evidence.
const maxListed = 20

type detector struct{}

// New returns the detector.
func New() detect.FileDetector { return detector{} }

func (detector) Name() string { return Name }

func (detector) DetectFile(f *model.File) []model.Finding {
	if f.Facts == nil || f.Facts.ELF == nil {
		return nil
	}
	e := f.Facts.ELF
	var out []model.Finding
	if fd, ok := rwxSegments(f.Path, e); ok {
		out = append(out, fd)
	}
	for _, s := range e.Segments {
		if s.Name == "GNU_STACK" && strings.Contains(s.Flags, "x") {
			out = append(out, model.Finding{
				ID:       Name + ".exec-stack",
				Severity: model.SeverityLow,
				Path:     f.Path,
				Title:    "ELF asks for an executable stack (PT_GNU_STACK is " + s.Flags + "), turning off stack execution protection for the whole process",
				Evidence: map[string]any{"flags": s.Flags, "type": e.Type},
			})
			break
		}
	}
	if fd, ok := ifuncs(f.Path, e); ok {
		out = append(out, fd)
	}
	return out
}

func rwxSegments(path string, e *model.ELFFacts) (model.Finding, bool) {
	var segs []map[string]any
	for _, s := range e.Segments {
		if s.Name == "LOAD" && strings.Contains(s.Flags, "w") && strings.Contains(s.Flags, "x") {
			segs = append(segs, map[string]any{"offset": s.Offset, "size": s.Size, "virtual_size": s.VirtualSize, "flags": s.Flags})
		}
	}
	if len(segs) == 0 {
		return model.Finding{}, false
	}
	first := segs[0]
	title := fmt.Sprintf("ELF has a LOAD segment that is writable and executable at once (%s at offset %#x): code there can be rewritten while it runs",
		bytesN(first["virtual_size"].(int64)), first["offset"])
	if len(segs) > 1 {
		title = fmt.Sprintf("ELF has %d LOAD segments that are writable and executable at once: code there can be rewritten while it runs", len(segs))
	}
	if len(segs) > maxListed {
		segs = segs[:maxListed]
	}
	return model.Finding{
		ID:       Name + ".rwx-segment",
		Severity: model.SeverityLow,
		Path:     path,
		Title:    title,
		Evidence: map[string]any{"segments": segs},
	}, true
}

func ifuncs(path string, e *model.ELFFacts) (model.Finding, bool) {
	if len(e.IFuncs) == 0 || len(e.Exports) == 0 {
		return model.Finding{}, false
	}
	for _, r := range runtimes {
		if strings.HasPrefix(e.Soname, r) {
			return model.Finding{}, false
		}
	}
	var exported []string
	for _, n := range e.IFuncs {
		if i := sort.SearchStrings(e.Exports, n); i < len(e.Exports) && e.Exports[i] == n {
			exported = append(exported, n)
		}
	}
	if len(exported) == 0 {
		return model.Finding{}, false
	}
	what := "ELF"
	if e.Soname != "" {
		what = "library " + e.Soname
	}
	names := exported
	if len(names) > 5 {
		names = append(names[:5:5], "…")
	}
	ev := map[string]any{
		"exported_ifuncs": capList(exported),
		"ifuncs":          len(e.IFuncs),
		"exports":         len(e.Exports),
	}
	if e.Soname != "" {
		ev["soname"] = e.Soname
	}
	return model.Finding{
		ID:       Name + ".ifunc",
		Severity: model.SeverityLow,
		Path:     path,
		Title: fmt.Sprintf("%s exports %d function(s) picked by IFUNC resolvers that run inside the loader before main (%s); the xz-utils backdoor hooked in this way",
			what, len(exported), strings.Join(names, ", ")),
		Evidence: ev,
	}, true
}

func bytesN(n int64) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

func capList(s []string) []string {
	if len(s) > maxListed {
		return s[:maxListed]
	}
	return s
}
