package report

import (
	"io"

	"github.com/vouch-sec/vouch/internal/report/sbom"
)

// CycloneDX renders the release as a CycloneDX 1.6 JSON SBOM with vouch's
// findings as vulnerabilities (see [sbom.WriteCycloneDX]).
type CycloneDX struct{}

// ID is the --format name.
func (CycloneDX) ID() string { return "cyclonedx" }

// Render writes the SBOM of the inspected release, or of a diff's new
// release with the diff's new findings.
func (CycloneDX) Render(w io.Writer, d Document, _ Options) error {
	in, err := sbomInput(d)
	if err != nil {
		return err
	}
	return sbom.WriteCycloneDX(w, in)
}

// SPDX renders the release as an SPDX 2.3 JSON SBOM with vouch's findings
// as review annotations (see [sbom.WriteSPDX]). Its creation time is
// SOURCE_DATE_EPOCH when set, else the time of rendering.
type SPDX struct{}

// ID is the --format name.
func (SPDX) ID() string { return "spdx" }

// Render writes the SBOM of the inspected release, or of a diff's new
// release with the diff's new findings.
func (SPDX) Render(w io.Writer, d Document, _ Options) error {
	in, err := sbomInput(d)
	if err != nil {
		return err
	}
	return sbom.WriteSPDX(w, in)
}

func sbomInput(d Document) (sbom.Input, error) {
	if d.Diff != nil {
		return sbom.FromDiff(d.Diff), nil
	}
	return sbom.FromInspect(d.Inspect), nil
}
