// Package vendored checks files that claim to be well-known redistributable
// components against a reference table of their known-good builds
// (internal/reference). It is quiet without a table.
package vendored

import (
	"fmt"
	"strings"

	"github.com/vouch-sec/vouch/internal/detect"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/reference"
)

// Name of the detector; its finding is "bin.vendored-mismatch".
const Name = "bin/vendored"

// ID of the finding.
const ID = "bin.vendored-mismatch"

type detector struct{ t *reference.Table }

// New returns the detector for table t (nil: no findings).
func New(t *reference.Table) detect.FileDetector { return detector{t} }

func (detector) Name() string { return Name }

func (d detector) DetectFile(f *model.File) []model.Finding {
	name := model.BaseName(f.Path)
	known := d.t.Known(name)
	if len(known) == 0 || f.SHA256 == "" {
		return nil
	}
	var vendor, version, digest string
	if f.Facts != nil && f.Facts.PE != nil {
		vendor = f.Facts.PE.VersionInfo["CompanyName"]
		version = f.Facts.PE.VersionInfo["FileVersion"]
	}
	if f.Facts != nil && f.Facts.Signature != nil && len(f.Facts.Signature.Signatures) > 0 {
		digest = f.Facts.Signature.Signatures[0].Digest
	}
	var sameVersion, sameDigest *reference.Component
	vendorClaimed := false
	for i := range known {
		c := &known[i]
		for _, h := range c.SHA256 {
			if strings.EqualFold(h, f.SHA256) {
				return nil // a known build
			}
		}
		for _, h := range c.Authenticode {
			if digest != "" && strings.EqualFold(h, digest) {
				sameDigest = c
			}
		}
		if c.Version != "" && versionEqual(c.Version, version) {
			sameVersion = c
		}
		if c.Vendor != "" && strings.EqualFold(strings.TrimSpace(c.Vendor), strings.TrimSpace(vendor)) {
			vendorClaimed = true
		}
	}
	ev := map[string]any{"name": name, "sha256": f.SHA256, "known_builds": len(known)}
	if version != "" {
		ev["version"] = version
	}
	if vendor != "" {
		ev["vendor"] = vendor
	}
	switch {
	case sameDigest != nil:
		ev["authenticode"] = digest
		return []model.Finding{{ID: ID, Severity: model.SeverityHigh, Path: f.Path,
			Title:    fmt.Sprintf("%s has the signed digest of a known %s build but different bytes: data was added where the signature does not look", name, describe(sameDigest)),
			Evidence: ev}}
	case sameVersion != nil:
		return []model.Finding{{ID: ID, Severity: model.SeverityHigh, Path: f.Path,
			Title:    fmt.Sprintf("%s claims to be %s but matches none of its known builds", name, describe(sameVersion)),
			Evidence: ev}}
	case vendorClaimed || vendor == "":
		return []model.Finding{{ID: ID, Severity: model.SeverityMedium, Path: f.Path,
			Title:    fmt.Sprintf("%s (version %s) matches none of the %d known builds of %s in the reference table", name, orUnknown(version), len(known), name),
			Evidence: ev}}
	}
	return nil // another vendor's file of the same name
}

func describe(c *reference.Component) string {
	s := c.Name
	if c.Version != "" {
		s += " " + c.Version
	}
	if c.Vendor != "" {
		s += " from " + c.Vendor
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// versionEqual compares version strings ignoring a trailing
// " (WinBuild…)" comment Windows version resources often carry.
func versionEqual(a, b string) bool {
	cut := func(s string) string {
		if i := strings.IndexAny(s, " ("); i >= 0 {
			s = s[:i]
		}
		return strings.TrimSpace(s)
	}
	return a != "" && cut(a) == cut(b)
}
