// Package sigdiff judges how a component's code signature changed between
// releases: a signature that disappeared, a different signer, a build
// signed long after it was made (ShadowHammer), and bytes that changed
// where no signature looks (3CX d3dcompiler_47.dll: same Authenticode
// digest, new payload in the certificate table).
package sigdiff

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/diff"
	"github.com/vouch-sec/vouch/internal/model"
)

// Name of the detector; its findings are "sig.*" and "pe.*".
const Name = "sig/diff"

// Finding ids.
const (
	IDSignatureRemoved = "sig.signature-removed"
	IDSignerChanged    = "sig.signer-changed"
	IDSameDigest       = "pe.same-digest-new-bytes"
	IDCertTableGrowth  = "pe.cert-table-growth"
)

// lateSigning is how long after its build time a signature may be made
// before a re-signed old build is suspected.
const lateSigning = 90 * 24 * time.Hour

type detector struct{}

// New returns the detector.
func New() detect.DiffDetector { return detector{} }

func (detector) Name() string { return Name }

func (detector) DetectDiff(d *model.DiffReport) []model.Finding {
	out := sideloadChanged(d)
	for _, f := range d.Files {
		if f.Old == nil || f.New == nil || f.Old.Facts == nil || f.New.Facts == nil || f.Status == model.StatusUnchanged {
			continue
		}
		of, nf := f.Old.Facts, f.New.Facts
		name := model.BaseName(f.Path)
		os, ns := diff.SignatureState(of), diff.SignatureState(nf)
		if os != "" && os != "unsigned" && ns == "unsigned" {
			sev := model.SeverityHigh
			if os == "ad-hoc" {
				sev = model.SeverityLow
			}
			out = append(out, model.Finding{ID: IDSignatureRemoved, Severity: sev, Path: f.Path,
				Title:    fmt.Sprintf("%s is no longer signed (it was: %s)", name, os),
				Evidence: map[string]any{"old_state": os, "new_state": ns, "old_path": f.OldPath}})
		}
		osub, oiss := diff.Signer(of)
		nsub, niss := diff.Signer(nf)
		switch {
		case osub != "" && nsub != "" && osub != nsub:
			out = append(out, model.Finding{ID: IDSignerChanged, Severity: model.SeverityHigh, Path: f.Path,
				Title:    fmt.Sprintf("%s is signed by %q; the previous release was signed by %q", name, nsub, osub),
				Evidence: map[string]any{"old_signer": osub, "new_signer": nsub, "old_issuer": oiss, "new_issuer": niss, "old_path": f.OldPath}})
		case osub != "" && osub == nsub && oiss != niss:
			// The same subject under a new CA: certificate renewals do this.
			out = append(out, model.Finding{ID: IDSignerChanged, Severity: model.SeverityLow, Path: f.Path,
				Title:    fmt.Sprintf("%s's signing certificate now comes from %q (was %q)", name, niss, oiss),
				Evidence: map[string]any{"signer": nsub, "old_issuer": oiss, "new_issuer": niss, "old_path": f.OldPath}})
		}
		if late, ok := resigned(nf); ok && !isLate(of) {
			out = append(out, model.Finding{ID: IDSignerChanged, Severity: model.SeverityMedium, Path: f.Path,
				Title:    fmt.Sprintf("%s was signed %d days after it was built; the previous release was not: an old build re-signed?", name, int(late.Hours()/24)),
				Evidence: map[string]any{"days": int(late.Hours() / 24), "old_path": f.OldPath}})
		}
		out = append(out, sameDigest(f, name)...)
		out = append(out, certTable(f, name)...)
	}
	return out
}

// resigned reports how long after its COFF build time a PE was signed,
// when that is more than lateSigning.
func resigned(f *model.Facts) (time.Duration, bool) {
	if f.PE == nil || f.Signature == nil || len(f.Signature.Signatures) == 0 {
		return 0, false
	}
	built := time.Unix(f.PE.Timestamp, 0)
	// Reproducible builds store a hash or zero here, not a time.
	if f.PE.Timestamp <= 0 || built.Year() < 2000 {
		return 0, false
	}
	g := f.Signature.Signatures[0]
	var signed time.Time
	switch {
	case g.Timestamp != nil && g.Timestamp.Valid:
		signed = g.Timestamp.Time
	case g.SigningTime != nil:
		signed = *g.SigningTime
	default:
		return 0, false
	}
	if signed.Before(built) {
		return 0, false
	}
	late := signed.Sub(built)
	return late, late > lateSigning
}

func isLate(f *model.Facts) bool { _, ok := resigned(f); return ok }

// sameDigest: the signed digest did not change but the file did, so only
// bytes the signature does not cover changed.
func sameDigest(f *model.DiffFile, name string) []model.Finding {
	os, ns := f.Old.Facts.Signature, f.New.Facts.Signature
	if os == nil || ns == nil || len(os.Signatures) == 0 || len(ns.Signatures) == 0 || f.Old.SHA256 == f.New.SHA256 {
		return nil
	}
	og, ng := os.Signatures[0], ns.Signatures[0]
	if og.Digest == "" || og.Digest != ng.Digest || og.DigestAlgorithm != ng.DigestAlgorithm {
		return nil
	}
	return []model.Finding{{ID: IDSameDigest, Severity: model.SeverityHigh, Path: f.Path,
		Title: fmt.Sprintf("%s changed (%d → %d bytes) but its signed digest did not: only regions the signature does not cover were altered (certificate table, overlay)",
			name, f.Old.Size, f.New.Size),
		Evidence: map[string]any{"digest": ng.Digest, "digest_algorithm": ng.DigestAlgorithm, "old_sha256": f.Old.SHA256, "new_sha256": f.New.SHA256, "old_path": f.OldPath}}}
}

// certTable: the certificate table gained bytes no signature accounts for.
func certTable(f *model.DiffFile, name string) []model.Finding {
	if f.Delta == nil {
		return nil
	}
	c := f.Delta.Change("cert_table_hidden_bytes")
	if c == nil {
		return nil
	}
	o, _ := strconv.ParseInt(c.Old, 10, 64)
	n, _ := strconv.ParseInt(c.New, 10, 64)
	if n <= o {
		return nil
	}
	ev := map[string]any{"old_hidden_bytes": o, "new_hidden_bytes": n, "old_path": f.OldPath}
	if ct := f.New.Facts.Signature.GetCertTable(); ct != nil && len(ct.Markers) > 0 {
		ev["markers"] = ct.Markers
	}
	return []model.Finding{{ID: IDCertTableGrowth, Severity: model.SeverityHigh, Path: f.Path,
		Title:    fmt.Sprintf("%s's certificate table now hides %d bytes outside the signature (was %d)%s", name, n, o, markers(ev)),
		Evidence: ev}}
}

func markers(ev map[string]any) string {
	m, ok := ev["markers"].([]string)
	if !ok || len(m) == 0 {
		return ""
	}
	return ", with the marker " + strings.Join(m, ", ")
}

// IDUnsignedModule is the single-file finding about an unsigned module a
// signed program beside it loads.
const IDUnsignedModule = "sig.unsigned-module-in-signed-package"

// sideloadChanged: an unsigned module that a signed program loads is a
// side-loading surface (low on its own, and context when it was always
// there); when the module itself changed in this release, that surface is
// in use and the finding is raised (3CX ffmpeg.dll).
func sideloadChanged(d *model.DiffReport) []model.Finding {
	if d.NewReport == nil {
		return nil
	}
	changed := map[string]*model.DiffFile{}
	for _, f := range d.Files {
		if f.Old != nil && f.New != nil && f.Old.SHA256 != f.New.SHA256 {
			changed[f.Path] = f
		}
	}
	var out []model.Finding
	for _, fd := range d.NewReport.Findings {
		f, ok := changed[fd.Path]
		if fd.ID != IDUnsignedModule || !ok {
			continue
		}
		ev := map[string]any{"old_path": f.OldPath, "old_sha256": f.Old.SHA256, "new_sha256": f.New.SHA256}
		for k, v := range fd.Evidence {
			ev[k] = v
		}
		out = append(out, model.Finding{ID: IDUnsignedModule, Severity: model.SeverityMedium, Path: fd.Path,
			Title:    fmt.Sprintf("%s is unsigned, loaded by a signed program, and changed in this release: whoever built it controls code the signed program runs", model.BaseName(fd.Path)),
			Evidence: ev})
	}
	return out
}
