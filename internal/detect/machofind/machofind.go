// Package machofind turns Mach-O facts into findings: code signatures that
// no longer match the code, data outside the signature, and universal
// binaries whose architectures disagree about what runs at load time or
// what the code can reach (the 3CX macOS libffmpeg.dylib gained a
// constructor in its x86_64 slice only).
//
// Its findings are "macho.*" plus "bin.arch-asymmetry", the cross-format id
// DETECTORS.md gives the architecture comparison.
//
// # Security
//
// Works on facts only; it reads no bytes.
package machofind

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the detector.
const Name = "macho"

// Finding ids.
const (
	IDCodesignBroken     = "macho.codesign-broken"
	IDDataAfterSignature = "macho.data-after-signature"
	IDArchAsymmetry      = "bin.arch-asymmetry"
)

type detector struct{}

// New returns the detector.
func New() detect.FileDetector { return detector{} }

func (detector) Name() string { return Name }

func (detector) DetectFile(f *model.File) []model.Finding {
	if f.Facts == nil || f.Facts.MachO == nil {
		return nil
	}
	m := f.Facts.MachO
	var out []model.Finding
	signed := false
	for _, s := range m.Slices {
		cs := s.CodeSign
		if cs == nil {
			continue
		}
		signed = true
		if fd, ok := broken(f.Path, s, m.Fat); ok {
			out = append(out, fd)
		}
		if fd, ok := outside(f.Path, s, m.Fat); ok {
			out = append(out, fd)
		}
	}
	if o := m.Overlay; o != nil && signed {
		out = append(out, model.Finding{
			ID:       IDDataAfterSignature,
			Severity: model.SeverityMedium,
			Path:     f.Path,
			Title:    fmt.Sprintf("Universal binary carries %d bytes after its last slice, outside every code signature", o.Size),
			Evidence: map[string]any{"where": "after last slice", "offset": o.Offset, "bytes": o.Size, "entropy": o.Entropy},
		})
	}
	if fd, ok := asymmetry(f.Path, m); ok {
		out = append(out, fd)
	}
	return out
}

func sliceName(s model.MachOSlice, fat bool) string {
	if fat {
		return s.CPU + " slice"
	}
	return s.CPU + " Mach-O"
}

// broken: the signature is present and something it covers changed.
func broken(p string, s model.MachOSlice, fat bool) (model.Finding, bool) {
	cs := s.CodeSign
	cmsBad := cs.CMSValid != nil && !*cs.CMSValid
	if cs.BadPages == 0 && cs.BadSpecialSlots == 0 && !cmsBad {
		return model.Finding{}, false
	}
	ev := map[string]any{
		"cpu": s.CPU, "hash_type": cs.HashType, "pages": cs.Pages, "bad_pages": cs.BadPages,
		"ad_hoc": cs.AdHoc,
	}
	if cs.BadSpecialSlots > 0 {
		ev["bad_special_slots"] = cs.BadSpecialSlots
	}
	if cs.Signer != "" {
		ev["signer"] = cs.Signer
	}
	if cs.TeamID != "" {
		ev["team_id"] = cs.TeamID
	}
	if cmsBad {
		ev["cms_valid"] = false
	}
	if cs.Error != "" {
		ev["error"] = cs.Error
	}
	var what string
	switch {
	case cs.BadPages > 0:
		what = fmt.Sprintf("%d of %d code pages no longer match their signed hashes", cs.BadPages, cs.Pages)
	case cs.BadSpecialSlots > 0:
		what = fmt.Sprintf("%d signed blobs (requirements/entitlements) no longer match their hashes", cs.BadSpecialSlots)
	default:
		what = "its code directory is not the one the certificate signature covers"
	}
	return model.Finding{
		ID:       IDCodesignBroken,
		Severity: model.SeverityHigh,
		Path:     p,
		Title:    fmt.Sprintf("%s was changed after code signing: %s", sliceName(s, fat), what),
		Evidence: ev,
	}, true
}

// outside: bytes of the slice that the signature does not cover.
func outside(p string, s model.MachOSlice, fat bool) (model.Finding, bool) {
	cs := s.CodeSign
	if cs.TrailingBytes == 0 && cs.UnhashedBytes == 0 {
		return model.Finding{}, false
	}
	ev := map[string]any{"cpu": s.CPU, "signature_end": cs.Offset + cs.Size}
	var title string
	if cs.TrailingBytes > 0 {
		ev["trailing_bytes"], ev["trailing_entropy"] = cs.TrailingBytes, cs.TrailingEntropy
		title = fmt.Sprintf("%s carries %d bytes after its code signature, which no signature covers", sliceName(s, fat), cs.TrailingBytes)
	}
	if cs.UnhashedBytes > 0 {
		ev["unhashed_bytes"], ev["code_limit"] = cs.UnhashedBytes, cs.CodeLimit
		if title == "" {
			title = fmt.Sprintf("%s has %d bytes between its signed code and its signature that no hash covers", sliceName(s, fat), cs.UnhashedBytes)
		}
	}
	return model.Finding{ID: IDDataAfterSignature, Severity: model.SeverityMedium, Path: p, Title: title, Evidence: ev}, true
}

// Capability classes whose presence in one architecture only is worth a
// look. Names are compared without the leading underscore and without a
// "$VARIANT" suffix (x86_64's $INODE64/$NOCANCEL/$UNIX2003 variants).
var capabilities = map[string]string{
	"socket": "network", "connect": "network", "getaddrinfo": "network", "gethostbyname": "network",
	"gethostbyname2": "network", "sendto": "network", "recvfrom": "network",
	"curl_easy_init": "network", "curl_easy_perform": "network",
	"CFSocketCreate": "network", "CFStreamCreatePairWithSocketToHost": "network",
	"CFReadStreamCreateForHTTPRequest": "network", "CFHTTPMessageCreateRequest": "network",
	"nw_connection_create": "network", "OBJC_CLASS_$_NSURLSession": "network",
	"OBJC_CLASS_$_NSURLConnection": "network",
	"dlopen":                       "dynamic-loading", "dlsym": "dynamic-loading", "NSCreateObjectFileImageFromMemory": "dynamic-loading",
	"NSLinkModule": "dynamic-loading", "NSAddImage": "dynamic-loading",
	"execve": "process-execution", "execv": "process-execution", "execvp": "process-execution",
	"execl": "process-execution", "execlp": "process-execution", "posix_spawn": "process-execution",
	"posix_spawnp": "process-execution", "system": "process-execution", "popen": "process-execution",
	"fork": "process-execution", "vfork": "process-execution", "OBJC_CLASS_$_NSTask": "process-execution",
	"mprotect": "memory-protection", "vm_protect": "memory-protection", "mach_vm_protect": "memory-protection",
	"task_for_pid": "process-memory", "mach_vm_write": "process-memory", "vm_write": "process-memory",
	"ptrace":              "process-memory",
	"SecItemCopyMatching": "keychain", "SecKeychainFindGenericPassword": "keychain",
	"SecKeychainFindInternetPassword": "keychain", "SecKeychainItemCopyContent": "keychain",
}

// Dylibs that bring a capability by themselves (base name).
var dylibCapabilities = map[string]string{
	"libcurl.4.dylib": "network", "CFNetwork": "network", "Network": "network",
}

func capsOf(s model.MachOSlice) map[string][]string {
	caps := map[string][]string{}
	for _, imp := range s.Imports {
		n := strings.TrimPrefix(imp, "_")
		if i := strings.LastIndexByte(n, '$'); i > 0 && !strings.HasPrefix(n, "OBJC_") {
			n = n[:i]
		}
		if c, ok := capabilities[n]; ok {
			caps[c] = append(caps[c], imp)
		}
	}
	for _, d := range s.Dylibs {
		if c, ok := dylibCapabilities[path.Base(d)]; ok {
			caps[c] = append(caps[c], d)
		}
	}
	return caps
}

// asymmetry compares the slices of a universal binary. Builds of one
// source for several architectures run the same initializers and reach the
// same capabilities; linked libraries and symbol variants legitimately
// differ (arch-only features, $INODE64 variants, Swift on arm64 only), so a
// differing dylib set alone is low, and only init entries or capability
// classes present in some slices only are medium.
func asymmetry(p string, m *model.MachOFacts) (model.Finding, bool) {
	if !m.Fat || len(m.Slices) < 2 {
		return model.Finding{}, false
	}
	ev := map[string]any{}
	var reasons []string
	sev := model.SeverityNone

	inits := map[string]int{}
	minI, maxI := m.Slices[0].InitFuncs, m.Slices[0].InitFuncs
	for _, s := range m.Slices {
		inits[s.CPU] = s.InitFuncs
		minI, maxI = min(minI, s.InitFuncs), max(maxI, s.InitFuncs)
	}
	if minI != maxI {
		ev["init_funcs"] = inits
		sev = model.SeverityMedium
		reasons = append(reasons, "initializers "+perSlice(m.Slices, func(s model.MachOSlice) string { return fmt.Sprint(s.InitFuncs) }))
	}

	capSets := make([]map[string][]string, len(m.Slices))
	all := map[string]bool{}
	for i, s := range m.Slices {
		capSets[i] = capsOf(s)
		for c := range capSets[i] {
			all[c] = true
		}
	}
	only := map[string]any{}
	for _, c := range sortedKeys(all) {
		var have []string
		var via []string
		for i, s := range m.Slices {
			if v, ok := capSets[i][c]; ok {
				have = append(have, s.CPU)
				via = append(via, v...)
			}
		}
		if len(have) == len(m.Slices) {
			continue
		}
		slices.Sort(via)
		only[c] = map[string]any{"slices": have, "via": slices.Compact(via)}
		reasons = append(reasons, fmt.Sprintf("%s only in %s", c, strings.Join(have, ", ")))
		sev = model.SeverityMedium
	}
	if len(only) > 0 {
		ev["capabilities_in_some_slices"] = only
	}

	dy := map[string][]string{}
	for _, s := range m.Slices {
		for _, d := range uniqueBase(s.Dylibs) {
			dy[d] = append(dy[d], s.CPU)
		}
	}
	diff := map[string][]string{}
	for d, cpus := range dy {
		if len(cpus) != len(m.Slices) {
			diff[d] = cpus
		}
	}
	if len(diff) > 0 {
		ev["dylibs_in_some_slices"] = diff
		sev = max(sev, model.SeverityLow)
		reasons = append(reasons, fmt.Sprintf("%d linked libraries differ", len(diff)))
	}
	if sev == model.SeverityNone {
		return model.Finding{}, false
	}
	var cpus []string
	for _, s := range m.Slices {
		cpus = append(cpus, s.CPU)
	}
	ev["slices"] = cpus
	return model.Finding{
		ID:       IDArchAsymmetry,
		Severity: sev,
		Path:     p,
		Title:    "Universal binary's architectures disagree: " + strings.Join(reasons, "; "),
		Evidence: ev,
	}, true
}

func perSlice(ss []model.MachOSlice, f func(model.MachOSlice) string) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, s.CPU+" "+f(s))
	}
	return strings.Join(parts, ", ")
}

func uniqueBase(ds []string) []string {
	var out []string
	for _, d := range ds {
		out = append(out, path.Base(d))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
