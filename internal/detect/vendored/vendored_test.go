package vendored_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/detect/vendored"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/reference"
)

const (
	knownSHA  = "3c2a9e8f0d4b6a1c7e5f3d2b1a0c9e8f7d6c5b4a3928171605f4e3d2c1b0a998"
	knownAuth = "9f1e6c1f3a0f2b6d4e2d7c1a5b8e9f00112233445566778899aabbccddeeff00"
	otherSHA  = "0000000000000000000000000000000000000000000000000000000000000001"
	otherAuth = "1111111111111111111111111111111111111111111111111111111111111111"
)

const table = `version: 1
components:
  - name: d3dcompiler_47.dll
    vendor: Microsoft Corporation
    version: 10.0.22621.1
    sha256: [` + knownSHA + `]
    authenticode: [` + knownAuth + `]
    note: Windows SDK 10.0.22621
  - name: D3DCompiler_47.dll
    vendor: Microsoft Corporation
    version: 10.0.19041.685
    sha256: [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]
`

func file(sha, vendor, version, digest string) *model.File {
	f := &model.File{Path: "TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/d3dcompiler_47.dll", Kind: "pe", SHA256: sha, Size: 9832,
		Facts: &model.Facts{PE: &model.PEFacts{Machine: "amd64", Type: "dll", VersionInfo: map[string]string{}}}}
	if vendor != "" {
		f.Facts.PE.VersionInfo["CompanyName"] = vendor
	}
	if version != "" {
		f.Facts.PE.VersionInfo["FileVersion"] = version
	}
	if digest != "" {
		f.Facts.Signature = &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{{DigestAlgorithm: "sha256", Digest: digest, DigestValid: true, SignatureValid: true}}}
	}
	return f
}

func TestDetectFile(t *testing.T) {
	tab, err := reference.Parse([]byte(table))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		f     *model.File
		sev   model.Severity // SeverityNone: no finding
		words []string
	}{
		{"signed digest of a known build, other bytes (3CX)", file(otherSHA, "Microsoft Corporation", "10.0.22621.1", knownAuth), model.SeverityHigh,
			[]string{"d3dcompiler_47.dll has the signed digest of a known d3dcompiler_47.dll 10.0.22621.1 from Microsoft Corporation build but different bytes"}},
		{"claims a known version, other bytes", file(otherSHA, "Microsoft Corporation", "10.0.22621.1 (WinBuild.160101.0800)", otherAuth), model.SeverityHigh,
			[]string{"claims to be d3dcompiler_47.dll 10.0.22621.1 from Microsoft Corporation but matches none of its known builds"}},
		{"unknown version from the same vendor", file(otherSHA, "Microsoft Corporation", "10.0.99999.1", ""), model.SeverityMedium,
			[]string{"d3dcompiler_47.dll (version 10.0.99999.1) matches none of the 2 known builds of d3dcompiler_47.dll"}},
		{"no version information at all", file(otherSHA, "", "", ""), model.SeverityMedium, []string{"(version unknown)"}},
		// Benign twins.
		{"a known build", file(knownSHA, "Microsoft Corporation", "10.0.22621.1", knownAuth), model.SeverityNone, nil},
		{"a known build, hash in capitals", file(strings.ToUpper(knownSHA), "Microsoft Corporation", "10.0.22621.1", ""), model.SeverityNone, nil},
		{"another vendor's file of the same name", file(otherSHA, "Wine", "10.0.99999.1", ""), model.SeverityNone, nil},
		{"no content hash", file("", "Microsoft Corporation", "10.0.22621.1", ""), model.SeverityNone, nil},
	}
	det := vendored.New(tab)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := det.DetectFile(tt.f)
			if tt.sev == model.SeverityNone {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %v", fs)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("want one finding, got %v", fs)
			}
			g := fs[0]
			if g.ID != vendored.ID || g.Severity != tt.sev || g.Path != tt.f.Path {
				t.Errorf("got %s %s on %s, want %s %s on %s", g.Severity, g.ID, g.Path, tt.sev, vendored.ID, tt.f.Path)
			}
			for _, w := range tt.words {
				if !strings.Contains(g.Title, w) {
					t.Errorf("title %q lacks %q", g.Title, w)
				}
			}
			if g.Evidence["sha256"] != tt.f.SHA256 || g.Evidence["known_builds"] != 2 {
				t.Errorf("evidence %v", g.Evidence)
			}
		})
	}
}

func TestQuietWithoutTable(t *testing.T) {
	f := file(otherSHA, "Microsoft Corporation", "10.0.22621.1", knownAuth)
	if fs := vendored.New(nil).DetectFile(f); len(fs) != 0 {
		t.Errorf("nil table: %v", fs)
	}
	tab, err := reference.Parse([]byte(table))
	if err != nil {
		t.Fatal(err)
	}
	f.Path = "app/ffmpeg.dll"
	if fs := vendored.New(tab).DetectFile(f); len(fs) != 0 {
		t.Errorf("name not in the table: %v", fs)
	}
}

// TestSameDigestWinsOverVersion: a file that matches both a known digest
// and a known version is described by the stronger evidence.
func TestSameDigestWinsOverVersion(t *testing.T) {
	tab, err := reference.Parse([]byte(table))
	if err != nil {
		t.Fatal(err)
	}
	fs := vendored.New(tab).DetectFile(file(otherSHA, "Microsoft Corporation", "10.0.19041.685", knownAuth))
	var titles []string
	for _, g := range fs {
		titles = append(titles, g.Title)
	}
	want := []string{"d3dcompiler_47.dll has the signed digest of a known d3dcompiler_47.dll 10.0.22621.1 from Microsoft Corporation build but different bytes: data was added where the signature does not look"}
	if d := cmp.Diff(want, titles); d != "" {
		t.Error(d)
	}
}
