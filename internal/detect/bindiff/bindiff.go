// Package bindiff judges what changed inside a component between two
// releases: capabilities it gained (weighted by what the component is),
// libraries it now loads, new start-up code, one architecture changing
// without the others, and growth out of proportion.
package bindiff

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/detect/role"
	"github.com/vouch-sec/vouch/internal/diff"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the detector; its findings are "bin.*".
const Name = "bin/diff"

// Finding ids.
const (
	IDCapabilityGain = "bin.capability-gain"
	IDNewLibrary     = "bin.new-library"
	IDNewInitEntry   = "bin.new-init-entry"
	IDArchAsymmetry  = "bin.arch-asymmetry"
	IDEntropyJump    = "bin.entropy-jump"
	IDSizeJump       = "bin.size-jump"
	IDOverlayGrowth  = "bin.overlay-growth"
)

type detector struct{}

// New returns the detector.
func New() detect.DiffDetector { return detector{} }

func (detector) Name() string { return Name }

func (detector) DetectDiff(d *model.DiffReport) []model.Finding {
	var out []model.Finding
	for _, f := range d.Files {
		if f.Old == nil || f.New == nil {
			continue
		}
		// A file can grow out of proportion without any fact changing.
		out = append(out, sizeJump(f)...)
		if f.Delta == nil {
			continue
		}
		out = append(out, capabilityGain(f)...)
		out = append(out, newLibraries(f)...)
		out = append(out, initEntries(f)...)
		out = append(out, sliceAsymmetry(f)...)
		out = append(out, growth(f)...)
	}
	out = append(out, buildAsymmetry(d)...)
	out = append(out, releaseGain(d)...)
	return out
}

// releaseGain: a new script brings the release a risky ability no file of
// the previous release had (event-stream's new dependency, a worm's new
// bundle.js). Native files added alone are judged by their own findings.
func releaseGain(d *model.DiffReport) []model.Finding {
	had := map[string]bool{}
	oldFiles := 0
	for _, f := range d.Files {
		if f.Old != nil {
			oldFiles++
			if f.Old.Facts != nil {
				for _, c := range f.Old.Facts.Capabilities {
					had[c.Namespace] = true
				}
			}
		}
	}
	// The summary is not counted yet while detectors run.
	if oldFiles == 0 {
		return nil
	}
	var out []model.Finding
	for _, f := range d.Files {
		if f.Old != nil || f.New == nil || f.New.Facts == nil || !strings.HasPrefix(f.New.Kind, "script/") {
			continue
		}
		byNS := map[string][]model.Capability{}
		top := model.SeverityNone
		for _, c := range f.New.Facts.Capabilities {
			if role.Risky[c.Namespace] && !had[c.Namespace] && c.Namespace != "install-hook" {
				byNS[c.Namespace] = append(byNS[c.Namespace], c)
				top = max(top, c.Risk)
			}
		}
		if len(byNS) == 0 {
			continue
		}
		var parts []string
		nss := slices.Sorted(maps.Keys(byNS))
		for _, ns := range nss {
			parts = append(parts, role.Words(ns)+evidence(byNS[ns]))
		}
		out = append(out, model.Finding{ID: IDCapabilityGain, Severity: max(top, model.SeverityLow), Path: f.Path,
			Title:    fmt.Sprintf("the release gained %s through the new file %s; no file of the previous release had it", andList(parts), model.BaseName(f.Path)),
			Evidence: map[string]any{"namespaces": nss, "added_file": true}})
	}
	return out
}

// narrow roles have no business gaining risky capabilities.
var narrow = map[string]bool{"media": true, "graphics": true, "compression": true, "crypto": true}

func capabilityGain(f *model.DiffFile) []model.Finding {
	gained := f.Delta.CapabilitiesAdded
	if len(gained) == 0 {
		return nil
	}
	r := role.Of(f.New, f.Old)
	oldNS := map[string]bool{}
	if f.Old.Facts != nil {
		for _, c := range f.Old.Facts.Capabilities {
			oldNS[c.Namespace] = true
		}
	}
	type nsGain struct {
		sev      model.Severity
		caps     []model.Capability
		expected bool
	}
	byNS := map[string]*nsGain{}
	for _, c := range gained {
		g := byNS[c.Namespace]
		if g == nil {
			g = &nsGain{}
			byNS[c.Namespace] = g
		}
		g.caps = append(g.caps, c)
		sev := c.Risk
		switch {
		case oldNS[c.Namespace] || r.Expected[c.Namespace]:
			// More of what it already did, or what such a component does.
			sev = min(sev, model.SeverityLow)
			g.expected = true
		case role.Risky[c.Namespace] && narrow[r.Name]:
			sev = max(sev+1, model.SeverityMedium)
		}
		g.sev = max(g.sev, sev)
	}
	top := model.SeverityNone
	var unexpected, parts []string
	for _, ns := range slices.Sorted(maps.Keys(byNS)) {
		g := byNS[ns]
		top = max(top, g.sev)
		if !g.expected && role.Risky[ns] {
			unexpected = append(unexpected, ns)
		}
		parts = append(parts, role.Words(ns)+evidence(g.caps))
	}
	// Two unrelated risky abilities appearing in a component with a narrow
	// job is the 3CX loader shape.
	if len(unexpected) >= 2 && narrow[r.Name] {
		top = max(top, model.SeverityHigh)
	}
	if top == model.SeverityNone && len(unexpected) == 0 {
		return nil
	}
	top = max(top, model.SeverityLow)
	title := fmt.Sprintf("%s gained %s", model.BaseName(f.Path), andList(parts))
	if urls := newURLs(f.Delta); len(urls) > 0 {
		title += " and the endpoint " + urls[0]
	}
	if len(unexpected) > 0 && r.Name != "program" && r.Name != "library" && r.Name != "script" && r.Name != "document" {
		title += fmt.Sprintf("; %s has no reason to need %s", r.Describe, andList(words(unexpected)))
	}
	ids := make([]string, 0, len(gained))
	for _, c := range gained {
		ids = append(ids, c.ID)
	}
	ev := map[string]any{"gained": ids, "role": r.Name, "unexpected": unexpected, "old_path": f.OldPath}
	if r.Why != "" {
		ev["role_from"] = r.Why
	}
	return []model.Finding{{ID: IDCapabilityGain, Severity: top, Path: f.Path, Title: title, Evidence: ev}}
}

func words(nss []string) []string {
	out := make([]string, len(nss))
	for i, ns := range nss {
		out[i] = role.Words(ns)
	}
	return out
}

var hexBytes = regexp.MustCompile(`^[0-9a-f]{2}( [0-9a-f]{2})+$`)

// evidence quotes up to three matched strings of caps: " (WinHttpOpen, …)".
func evidence(caps []model.Capability) string {
	var ev []string
	for _, c := range caps {
		for _, e := range c.Evidence {
			if hexBytes.MatchString(e) {
				continue // a byte pattern says nothing to a reader
			}
			if !slices.Contains(ev, e) {
				ev = append(ev, e)
			}
		}
	}
	if len(ev) == 0 {
		return ""
	}
	sort.Strings(ev)
	if len(ev) > 3 {
		ev = append(ev[:3], "…")
	}
	return " (" + strings.Join(ev, ", ") + ")"
}

func newURLs(d *model.FileDelta) []string {
	var out []string
	for _, e := range d.EndpointsAdded {
		if e.Type == "url" && !slices.Contains(e.Classes, "schema") {
			out = append(out, e.Value)
		}
	}
	return out
}

// networkLibs are libraries whose arrival means the component can now
// talk to the network or start programs, by lower-cased file name (ELF
// DT_NEEDED is one already; PE DLLs and Mach-O install names are reduced
// to theirs).
var networkLibs = map[string]string{
	"winhttp.dll": "net", "wininet.dll": "net", "ws2_32.dll": "net", "wsock32.dll": "net", "urlmon.dll": "net",
	"dnsapi.dll": "net", "iphlpapi.dll": "net", "libcurl.so.4": "net", "libcurl-gnutls.so.4": "net",
	"libcurl.4.dylib": "net", "libcurl.dylib": "net", "cfnetwork": "net",
	"dbghelp.dll": "anti-analysis", "psapi.dll": "collect", "crypt32.dll": "crypto", "bcrypt.dll": "crypto",
}

func newLibraries(f *model.DiffFile) []model.Finding {
	added := f.Delta.LibrariesAdded
	if len(added) == 0 {
		return nil
	}
	r := role.Of(f.New, f.Old)
	sev := model.SeverityLow
	var notable []string
	for _, l := range added {
		ns, ok := networkLibs[strings.ToLower(path.Base(l))]
		if ok && !r.Expected[ns] && role.Risky[ns] {
			notable = append(notable, l)
		}
	}
	if len(notable) > 0 && narrow[r.Name] {
		sev = model.SeverityMedium
	}
	title := fmt.Sprintf("%s now loads %s", model.BaseName(f.Path), andList(quoteCap(added, 4)))
	return []model.Finding{{ID: IDNewLibrary, Severity: sev, Path: f.Path, Title: title,
		Evidence: map[string]any{"libraries_added": added, "notable": notable, "role": r.Name, "old_path": f.OldPath}}}
}

func quoteCap(l []string, n int) []string {
	if len(l) <= n {
		return l
	}
	return append(slices.Clone(l[:n]), fmt.Sprintf("%d more", len(l)-n))
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// initEntries notices code that now runs before the program's own entry:
// PE TLS callbacks, ELF init_array entries and IFUNC resolvers, Mach-O
// initialisers.
func initEntries(f *model.DiffFile) []model.Finding {
	var out []model.Finding
	add := func(sev model.Severity, what, title string, c *model.FactChange) {
		out = append(out, model.Finding{ID: IDNewInitEntry, Severity: sev, Path: f.Path, Title: title,
			Evidence: map[string]any{"what": what, "old": c.Old, "new": c.New, "old_path": f.OldPath}})
	}
	name := model.BaseName(f.Path)
	for _, c := range f.Delta.Changes {
		switch {
		case c.What == "tls_callbacks" && atoi(c.New) > atoi(c.Old):
			sev := model.SeverityMedium
			if atoi(c.Old) > 0 {
				sev = model.SeverityLow
			}
			add(sev, c.What, fmt.Sprintf("%s gained TLS callbacks (%s → %s): code that runs before its entry point", name, c.Old, c.New), &c)
		case c.What == "init_array" && atoi(c.New) > atoi(c.Old):
			add(model.SeverityLow, c.What, fmt.Sprintf("%s has more start-up constructors (%s → %s)", name, c.Old, c.New), &c)
		case c.What == "ifuncs":
			added, _ := diff.SetDiff(f.Old.Facts.ELF.IFuncs, f.New.Facts.ELF.IFuncs)
			// glibc and friends add resolvers routinely; a library that
			// had none and gains one is the xz shape.
			sev := model.SeverityMedium
			if c.Old != "" {
				sev = model.SeverityLow
			}
			if len(added) > 0 {
				add(sev, c.What, fmt.Sprintf("%s gained IFUNC resolvers %s: code the loader runs while binding symbols (the xz backdoor's hook)", name, strings.Join(quoteCap(added, 3), ", ")), &c)
			}
		case strings.HasSuffix(c.What, ".init_funcs") && atoi(c.New) > atoi(c.Old):
			sev := model.SeverityMedium
			if atoi(c.Old) > 0 {
				sev = model.SeverityLow
			}
			cpu := strings.TrimSuffix(c.What, ".init_funcs")
			add(sev, c.What, fmt.Sprintf("%s gained initialisers in its %s slice (%s → %s): code that runs when the library loads", name, cpu, c.Old, c.New), &c)
		}
	}
	return out
}

// sliceAsymmetry: in a universal Mach-O, one architecture changed its
// start-up code or libraries while the others did not (3CX macOS: the
// x86_64 slice only).
func sliceAsymmetry(f *model.DiffFile) []model.Finding {
	if f.Old.Facts == nil || f.New.Facts == nil {
		return nil
	}
	o, n := f.Old.Facts.MachO, f.New.Facts.MachO
	if o == nil || n == nil || len(n.Slices) < 2 {
		return nil
	}
	old := map[string]model.MachOSlice{}
	for _, s := range o.Slices {
		old[s.CPU] = s
	}
	type gain struct{ init, dylibs, imports int }
	ds := map[string]gain{}
	for _, s := range n.Slices {
		os, ok := old[s.CPU]
		if !ok {
			continue
		}
		a, _ := diff.SetDiff(os.Imports, s.Imports)
		l, _ := diff.SetDiff(os.Dylibs, s.Dylibs)
		ds[s.CPU] = gain{s.InitFuncs - os.InitFuncs, len(l), len(a)}
	}
	if len(ds) < 2 {
		return nil
	}
	var changed, quiet []string
	for _, cpu := range slices.Sorted(maps.Keys(ds)) {
		x := ds[cpu]
		if x.init > 0 || x.dylibs > 0 {
			changed = append(changed, cpu)
		} else {
			quiet = append(quiet, cpu)
		}
	}
	if len(changed) == 0 || len(quiet) == 0 {
		return nil
	}
	return []model.Finding{{ID: IDArchAsymmetry, Severity: model.SeverityMedium, Path: f.Path,
		Title: fmt.Sprintf("%s changed start-up code or libraries only in its %s slice, not in %s: one build of a universal binary was altered",
			model.BaseName(f.Path), strings.Join(changed, ", "), strings.Join(quiet, ", ")),
		Evidence: map[string]any{"changed": changed, "unchanged": quiet, "old_path": f.OldPath}}}
}

// buildAsymmetry: several builds of one component (x86 and x64 of the same
// file name) and only some of them gained a capability (CCleaner: the
// 32-bit build only).
func buildAsymmetry(d *model.DiffReport) []model.Finding {
	groups := map[string][]*model.DiffFile{}
	for _, f := range d.Files {
		if f.Old == nil || f.New == nil || f.New.Facts == nil || f.Old.Facts == nil {
			continue
		}
		if f.New.Facts.PE == nil && f.New.Facts.ELF == nil {
			continue
		}
		k := buildKey(model.BaseName(f.Path))
		groups[k] = append(groups[k], f)
	}
	var out []model.Finding
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		gainedBy := map[string][]*model.DiffFile{}
		machines := map[string]bool{}
		for _, f := range g {
			machines[machine(f.New.Facts)] = true
			if f.Delta == nil {
				continue
			}
			seen := map[string]bool{}
			for _, c := range f.Delta.CapabilitiesAdded {
				if role.Risky[c.Namespace] && !seen[c.Namespace] {
					seen[c.Namespace] = true
					gainedBy[c.Namespace] = append(gainedBy[c.Namespace], f)
				}
			}
		}
		if len(machines) < 2 {
			continue
		}
		// One finding per build, naming every ability only it gained.
		only := map[*model.DiffFile][]string{}
		for _, ns := range slices.Sorted(maps.Keys(gainedBy)) {
			if fs := gainedBy[ns]; len(fs) < len(g) {
				for _, f := range fs {
					only[f] = append(only[f], ns)
				}
			}
		}
		for _, f := range g {
			nss := only[f]
			if len(nss) == 0 {
				continue
			}
			out = append(out, model.Finding{ID: IDArchAsymmetry, Severity: model.SeverityMedium, Path: f.Path,
				Title:    fmt.Sprintf("the %s build of %s gained %s; its other builds did not", machine(f.New.Facts), model.BaseName(f.Path), andList(words(nss))),
				Evidence: map[string]any{"namespaces": nss, "builds": len(g), "old_path": f.OldPath}})
		}
	}
	return out
}

// archSuffix is an architecture tag at the end of a file's stem:
// "SweepClean64", "tool_x64", "lib-arm64".
var archSuffix = regexp.MustCompile(`(?i)[-_.]?(x86_64|x86|x64|amd64|arm64|aarch64|i386|i686|win32|win64|32|64)$`)

// buildKey names a component across its architecture builds:
// "SweepClean.exe" and "SweepClean64.exe" are one.
func buildKey(base string) string {
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for {
		s := archSuffix.ReplaceAllString(stem, "")
		if s == stem || s == "" {
			break
		}
		stem = s
	}
	return strings.ToLower(stem + ext)
}

func machine(f *model.Facts) string {
	switch {
	case f.PE != nil:
		return f.PE.Machine
	case f.ELF != nil:
		return f.ELF.Machine
	}
	return ""
}

// growth: new high-entropy sections, an unsigned overlay that grew, and a
// file that turned dense.
func growth(f *model.DiffFile) []model.Finding {
	var out []model.Finding
	name := model.BaseName(f.Path)
	for _, sec := range newSections(f) {
		if sec.Entropy >= 7.2 && max(sec.Size, sec.VirtualSize) >= 4096 {
			out = append(out, model.Finding{ID: IDEntropyJump, Severity: model.SeverityMedium, Path: f.Path,
				Title: fmt.Sprintf("%s gained a high-entropy section %s (%d bytes, entropy %.2f): packed or encrypted data",
					name, sec.Name, max(sec.Size, sec.VirtualSize), sec.Entropy),
				Evidence: map[string]any{"section": sec.Name, "entropy": sec.Entropy, "size": max(sec.Size, sec.VirtualSize), "old_path": f.OldPath}})
		}
	}
	if c := f.Delta.Change("overlay_bytes"); c != nil && atoi(c.New)-atoi(c.Old) >= 1024 {
		out = append(out, model.Finding{ID: IDOverlayGrowth, Severity: model.SeverityMedium, Path: f.Path,
			Title:    fmt.Sprintf("%s carries %s bytes after its image where it carried %s: data no signature covers", name, c.New, c.Old),
			Evidence: map[string]any{"old_bytes": atoi(c.Old), "new_bytes": atoi(c.New), "old_path": f.OldPath}})
	}
	if o, n := f.Old.Entropy, f.New.Entropy; n-o >= 1.0 && n >= 7.0 && f.Size >= 4096 {
		out = append(out, model.Finding{ID: IDEntropyJump, Severity: model.SeverityMedium, Path: f.Path,
			Title:    fmt.Sprintf("%s became high-entropy (%.2f → %.2f bits per byte): compressed or encrypted content appeared", name, o, n),
			Evidence: map[string]any{"old_entropy": o, "new_entropy": n, "old_path": f.OldPath}})
	}
	return out
}

// newSections are the PE or ELF sections of the new file the old one did
// not have.
func newSections(f *model.DiffFile) []model.Section {
	of, nf := f.Old.Facts, f.New.Facts
	switch {
	case of == nil || nf == nil:
		return nil
	case of.PE != nil && nf.PE != nil:
		return diff.NewSections(of.PE.Sections, nf.PE.Sections)
	case of.ELF != nil && nf.ELF != nil:
		return diff.NewSections(of.ELF.Sections, nf.ELF.Sections)
	}
	return nil
}

// sizeJump: a file that grew far more than a release usually makes one
// grow (a worm's bundle, a payload appended to a library).
func sizeJump(f *model.DiffFile) []model.Finding {
	if f.OldSize < 1024 || f.Size <= 4*f.OldSize || f.Size-f.OldSize < 256<<10 {
		return nil
	}
	return []model.Finding{{ID: IDSizeJump, Severity: model.SeverityLow, Path: f.Path,
		Title:    fmt.Sprintf("%s grew %.1f× (%d → %d bytes)", model.BaseName(f.Path), float64(f.Size)/float64(f.OldSize), f.OldSize, f.Size),
		Evidence: map[string]any{"old_size": f.OldSize, "new_size": f.Size, "old_path": f.OldPath}}}
}

// andList joins "a", "a and b", "a, b and c".
func andList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
