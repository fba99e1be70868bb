package diff

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vouch-sec/vouch/internal/model"
)

// maxListed bounds each added/removed list of a delta; the full count is
// then recorded as a change ("imports_added": "1234").
const maxListed = 200

// Delta computes what changed between the facts of old and new, two
// versions of one file. It never returns nil.
func Delta(old, new *model.File) *model.FileDelta {
	d := &model.FileDelta{}
	of, nf := facts(old), facts(new)
	cl := &changeList{}

	// Capabilities, by id; the added ones keep their rule evidence.
	oldCaps := map[string]bool{}
	for _, c := range of.Capabilities {
		oldCaps[c.ID] = true
	}
	newCaps := map[string]bool{}
	for _, c := range nf.Capabilities {
		newCaps[c.ID] = true
		if !oldCaps[c.ID] {
			d.CapabilitiesAdded = append(d.CapabilitiesAdded, c)
		}
	}
	for _, c := range of.Capabilities {
		if !newCaps[c.ID] {
			d.CapabilitiesRemoved = append(d.CapabilitiesRemoved, c.ID)
		}
	}

	set := func(what string, o, n []string, added, removed *[]string) {
		a, r := SetDiff(o, n)
		*added, *removed = capList(cl, what+"_added", a), capList(cl, what+"_removed", r)
	}
	set("libraries", libraries(of), libraries(nf), &d.LibrariesAdded, &d.LibrariesRemoved)
	set("imports", imports(of), imports(nf), &d.ImportsAdded, &d.ImportsRemoved)
	set("exports", exports(of), exports(nf), &d.ExportsAdded, &d.ExportsRemoved)
	set("dependencies", deps(of), deps(nf), &d.DependenciesAdded, &d.DependenciesRemoved)

	// Endpoints, by value and encoding.
	ek := func(e model.Endpoint) string { return e.Value + "\x00" + e.Encoding }
	oldEP := map[string]bool{}
	for _, e := range of.Endpoints {
		oldEP[ek(e)] = true
	}
	newEP := map[string]bool{}
	added := 0
	for _, e := range nf.Endpoints {
		newEP[ek(e)] = true
		if !oldEP[ek(e)] {
			added++
			if added <= maxListed {
				d.EndpointsAdded = append(d.EndpointsAdded, e)
			}
		}
	}
	if added > maxListed {
		cl.add("endpoints_added", "", strconv.Itoa(added))
	}
	for _, e := range of.Endpoints {
		if !newEP[ek(e)] && !slices.Contains(d.EndpointsRemoved, e.Value) {
			d.EndpointsRemoved = append(d.EndpointsRemoved, e.Value)
		}
	}
	d.EndpointsRemoved = capList(cl, "endpoints_removed", d.EndpointsRemoved)

	signatureChanges(cl, of, nf)
	binaryChanges(cl, of, nf)
	packageChanges(cl, of, nf)
	imageChanges(cl, of, nf)
	if math.Abs(old.Entropy-new.Entropy) >= 0.25 {
		cl.add("entropy", fmt.Sprintf("%.2f", old.Entropy), fmt.Sprintf("%.2f", new.Entropy))
	}
	sort.SliceStable(cl.c, func(i, j int) bool { return cl.c[i].What < cl.c[j].What })
	d.Changes = cl.c
	return d
}

type changeList struct{ c []model.FactChange }

// add records a change when the values differ.
func (l *changeList) add(what, old, new string) {
	if old != new {
		l.c = append(l.c, model.FactChange{What: what, Old: old, New: new})
	}
}

func facts(f *model.File) *model.Facts {
	if f.Facts == nil {
		return &model.Facts{}
	}
	return f.Facts
}

// SetDiff returns the sorted elements only in n (added) and only in o
// (removed), without duplicates.
func SetDiff(o, n []string) (added, removed []string) {
	os, ns := map[string]bool{}, map[string]bool{}
	for _, s := range o {
		os[s] = true
	}
	for _, s := range n {
		ns[s] = true
	}
	for s := range ns {
		if !os[s] {
			added = append(added, s)
		}
	}
	for s := range os {
		if !ns[s] {
			removed = append(removed, s)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	return added, removed
}

// capList keeps at most maxListed entries and records the full count when
// it cut.
func capList(cl *changeList, what string, l []string) []string {
	if len(l) <= maxListed {
		return l
	}
	cl.add(what, "", strconv.Itoa(len(l)))
	return l[:maxListed]
}

// libraries are the shared libraries a binary loads: PE DLLs (lowercased,
// as Windows compares them), ELF DT_NEEDED, Mach-O dylibs of every slice.
func libraries(f *model.Facts) []string {
	var out []string
	if f.PE != nil {
		for _, im := range f.PE.Imports {
			out = append(out, strings.ToLower(im.DLL))
		}
	}
	if f.ELF != nil {
		out = append(out, f.ELF.Needed...)
	}
	if f.MachO != nil {
		for _, s := range f.MachO.Slices {
			out = append(out, s.Dylibs...)
		}
	}
	return out
}

// imports are "dll!function" for PE and symbols for ELF and Mach-O.
func imports(f *model.Facts) []string {
	var out []string
	if f.PE != nil {
		for _, im := range f.PE.Imports {
			dll := strings.ToLower(im.DLL)
			for _, fn := range im.Functions {
				out = append(out, dll+"!"+fn)
			}
		}
	}
	if f.ELF != nil {
		out = append(out, f.ELF.Imports...)
	}
	if f.MachO != nil {
		for _, s := range f.MachO.Slices {
			out = append(out, s.Imports...)
		}
	}
	return out
}

func exports(f *model.Facts) []string {
	var out []string
	if f.PE != nil {
		out = append(out, f.PE.Exports...)
	}
	if f.ELF != nil {
		out = append(out, f.ELF.Exports...)
	}
	return out
}

// deps are a package's dependency names; a changed version range is a
// change of "dependency:<name>", not a new dependency.
func deps(f *model.Facts) []string {
	if f.Package == nil {
		return nil
	}
	return slices.Collect(maps.Keys(f.Package.Dependencies))
}

// SignatureState sums up a file's code signature in a word or two:
// "unsigned", "valid", "untrusted (unknown-authority)", "invalid (…)",
// "unchecked"; "" when the file kind carries no signature facts.
func SignatureState(f *model.Facts) string {
	if s := f.Signature; s != nil {
		if !s.Signed {
			return "unsigned"
		}
		if len(s.Signatures) == 0 {
			return "unchecked"
		}
		g := s.Signatures[0]
		switch {
		case !g.DigestValid || !g.SignatureValid:
			p := g.Problem
			if p == "" {
				p = "digest mismatch"
			}
			return "invalid (" + p + ")"
		case !g.ChainValid:
			p := g.ChainProblem
			if p == "" {
				p = "chain"
			}
			return "untrusted (" + p + ")"
		}
		return "valid"
	}
	if m := f.MachO; m != nil && len(m.Slices) > 0 {
		cs := m.Slices[0].CodeSign
		switch {
		case cs == nil:
			return "unsigned"
		case cs.BadPages > 0 || cs.BadSpecialSlots > 0 || (cs.CMSValid != nil && !*cs.CMSValid):
			return "invalid (page hashes)"
		case cs.AdHoc:
			return "ad-hoc"
		}
		return "signed"
	}
	return ""
}

// Signer returns the signer's subject and issuer, "" when unsigned.
func Signer(f *model.Facts) (subject, issuer string) {
	if s := f.Signature; s != nil && len(s.Signatures) > 0 && s.Signatures[0].Signer != nil {
		return s.Signatures[0].Signer.Subject, s.Signatures[0].Signer.Issuer
	}
	if m := f.MachO; m != nil && len(m.Slices) > 0 && m.Slices[0].CodeSign != nil {
		cs := m.Slices[0].CodeSign
		if cs.TeamID != "" {
			return cs.Signer, "team " + cs.TeamID
		}
		return cs.Signer, ""
	}
	return "", ""
}

func signatureChanges(cl *changeList, of, nf *model.Facts) {
	os, ns := SignatureState(of), SignatureState(nf)
	if os == "" && ns == "" {
		return
	}
	cl.add("signature", os, ns)
	osub, oiss := Signer(of)
	nsub, niss := Signer(nf)
	cl.add("signer", osub, nsub)
	cl.add("signer_issuer", oiss, niss)
	oct, nct := of.Signature.GetCertTable(), nf.Signature.GetCertTable()
	if oct != nil || nct != nil {
		hidden := func(c *model.CertTable) string {
			if c == nil {
				return "0"
			}
			return strconv.FormatInt(c.HiddenBytes+c.TrailingBytes, 10)
		}
		cl.add("cert_table_hidden_bytes", hidden(oct), hidden(nct))
	}
}

func binaryChanges(cl *changeList, of, nf *model.Facts) {
	if o, n := of.PE, nf.PE; o != nil && n != nil {
		cl.add("tls_callbacks", strconv.Itoa(len(o.TLSCallbacks)), strconv.Itoa(len(n.TLSCallbacks)))
		cl.add("overlay_bytes", regionSize(o.Overlay), regionSize(n.Overlay))
		cl.add("file_version", o.VersionInfo["FileVersion"], n.VersionInfo["FileVersion"])
		cl.add("machine", o.Machine, n.Machine)
		sectionChanges(cl, o.Sections, n.Sections)
	}
	if o, n := of.ELF, nf.ELF; o != nil && n != nil {
		cl.add("init_array", strconv.Itoa(o.InitArray), strconv.Itoa(n.InitArray))
		cl.add("ifuncs", strings.Join(o.IFuncs, " "), strings.Join(n.IFuncs, " "))
		cl.add("interpreter", o.Interpreter, n.Interpreter)
		cl.add("rpath", strings.Join(o.RPath, ":"), strings.Join(n.RPath, ":"))
		cl.add("machine", o.Machine, n.Machine)
		sectionChanges(cl, o.Sections, n.Sections)
	}
	if o, n := of.MachO, nf.MachO; o != nil && n != nil {
		oc, nc := map[string]model.MachOSlice{}, map[string]model.MachOSlice{}
		for _, s := range o.Slices {
			oc[s.CPU] = s
		}
		for _, s := range n.Slices {
			nc[s.CPU] = s
		}
		cpus := slices.Sorted(maps.Keys(nc))
		for _, cpu := range cpus {
			os, ok := oc[cpu]
			if !ok {
				cl.add("slice:"+cpu, "", "added")
				continue
			}
			ns := nc[cpu]
			cl.add(cpu+".init_funcs", strconv.Itoa(os.InitFuncs), strconv.Itoa(ns.InitFuncs))
			cl.add(cpu+".dylibs", strconv.Itoa(len(os.Dylibs)), strconv.Itoa(len(ns.Dylibs)))
		}
		for cpu := range oc {
			if _, ok := nc[cpu]; !ok {
				cl.add("slice:"+cpu, "present", "")
			}
		}
		cl.add("overlay_bytes", regionSize(o.Overlay), regionSize(n.Overlay))
	}
}

func regionSize(r *model.Region) string {
	if r == nil {
		return "0"
	}
	return strconv.FormatInt(r.Size, 10)
}

// NewSections returns the named sections of n whose name o does not have.
func NewSections(o, n []model.Section) []model.Section {
	had := map[string]bool{}
	for _, s := range o {
		had[s.Name] = true
	}
	var out []model.Section
	for _, s := range n {
		if s.Name != "" && !had[s.Name] {
			out = append(out, s)
		}
	}
	return out
}

// sectionChanges records sections that appear or disappear by name, with
// their size, entropy and flags.
func sectionChanges(cl *changeList, o, n []model.Section) {
	desc := func(s model.Section) string {
		return fmt.Sprintf("%d bytes, entropy %.2f, %s", max(s.Size, s.VirtualSize), s.Entropy, cmpOr(s.Flags, "-"))
	}
	for _, s := range NewSections(o, n) {
		cl.add("section:"+s.Name, "", desc(s))
	}
	for _, s := range NewSections(n, o) {
		cl.add("section:"+s.Name, desc(s), "")
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func packageChanges(cl *changeList, of, nf *model.Facts) {
	o, n := of.Package, nf.Package
	if o == nil && n == nil {
		return
	}
	if o == nil {
		o = &model.PackageFacts{}
	}
	if n == nil {
		n = &model.PackageFacts{}
	}
	cl.add("version", o.Version, n.Version)
	for _, h := range slices.Sorted(maps.Keys(n.InstallHooks)) {
		cl.add("hook:"+h, o.InstallHooks[h], n.InstallHooks[h])
	}
	for _, h := range slices.Sorted(maps.Keys(o.InstallHooks)) {
		if _, ok := n.InstallHooks[h]; !ok {
			cl.add("hook:"+h, o.InstallHooks[h], "")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(n.Dependencies)) {
		if ov, ok := o.Dependencies[name]; ok {
			cl.add("dependency:"+name, ov, n.Dependencies[name])
		}
	}
}

func imageChanges(cl *changeList, of, nf *model.Facts) {
	o, n := of.Image, nf.Image
	if o == nil || n == nil {
		return
	}
	size := func(t *model.Trailer) string {
		if t == nil {
			return "0"
		}
		return strconv.FormatInt(t.Size, 10)
	}
	cl.add("image_trailer_bytes", size(o.Trailer), size(n.Trailer))
}
