package sigdiff_test

import (
	"testing"
	"time"

	"github.com/vouch-sec/vouch/internal/detect/sigdiff"
	"github.com/vouch-sec/vouch/internal/model"
)

const (
	vendor     = "CN=Boardworks Computer TEST-ONLY Code Signing 2018,O=Boardworks Computer TEST-ONLY"
	vendorOld  = "CN=Boardworks Computer TEST-ONLY Code Signing 2015,O=Boardworks Computer TEST-ONLY"
	ca         = "CN=Example TEST-ONLY Code Signing CA"
	caNew      = "CN=Example TEST-ONLY Code Signing CA R2"
	digestA    = "9f1e6c1f3a0f2b6d4e2d7c1a5b8e9f00112233445566778899aabbccddeeff00"
	digestB    = "0b7a1c22334455667788990011223344556677889900aabbccddeeff00112233"
	d3d        = "ProgramFilesFolder/App/d3dcompiler_47.dll"
	updater    = "LiveUpdateSetup.exe"
	dayHours   = 24 * time.Hour
	certOffset = 5120
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

// sig is a verified Authenticode signature.
type sig struct {
	subject, issuer, serial, digest string
	signed                          time.Time // timestamp time; zero: none
	built                           time.Time // COFF time stamp; zero: 0
	hidden                          int64     // bytes hidden in the certificate table
	markers                         []string
}

func (s sig) facts() *model.Facts {
	g := model.Signature{DigestAlgorithm: "sha256", Digest: s.digest, DigestValid: true, SignatureValid: true, ChainValid: true,
		Signer: &model.Certificate{Subject: s.subject, Issuer: s.issuer, Serial: s.serial,
			NotBefore: day(2015, 1, 1), NotAfter: day(2030, 1, 1), SHA256: digestB}}
	if !s.signed.IsZero() {
		g.Timestamp = &model.Timestamp{Kind: "rfc3161", Time: s.signed, Valid: true, SignatureValid: true, ChainValid: true}
	}
	pe := &model.PEFacts{Machine: "i386", Format: "pe32", Type: "exe"}
	if !s.built.IsZero() {
		pe.Timestamp = s.built.Unix()
	}
	ct := &model.CertTable{Offset: certOffset, Size: 2048 + s.hidden, HiddenBytes: s.hidden, Markers: s.markers, ChecksumMatches: true,
		Entries: []model.CertEntry{{Offset: certOffset, Length: 2048 + s.hidden, Revision: 0x200, Type: 2, DERSize: 2040, HiddenBytes: s.hidden}}}
	return &model.Facts{PE: pe, Signature: &model.SignatureFacts{Signed: true, Format: "pe", Signatures: []model.Signature{g}, CertTable: ct}}
}

func unsigned() *model.Facts {
	return &model.Facts{PE: &model.PEFacts{Machine: "i386", Type: "exe"}, Signature: &model.SignatureFacts{Signed: false, Format: "pe"}}
}

func macho(cs *model.MachOCodeSign) *model.Facts {
	return &model.Facts{MachO: &model.MachOFacts{Slices: []model.MachOSlice{{CPU: "arm64", Type: "execute", CodeSign: cs}}}}
}

func TestSignatureRemoved(t *testing.T) {
	good := sig{subject: vendor, issuer: ca, serial: "01", digest: digestA}
	tests := []struct {
		name     string
		old, new []f
		want     []want
	}{
		{"signed program ships unsigned",
			[]f{{Path: updater, Kind: "pe", Ver: "1", Facts: good.facts()}},
			[]f{{Path: updater, Kind: "pe", Ver: "2", Facts: unsigned()}},
			[]want{{sigdiff.IDSignatureRemoved, model.SeverityHigh, updater, []string{"LiveUpdateSetup.exe is no longer signed (it was: valid)"}}}},
		{"ad-hoc signed Mach-O ships unsigned",
			[]f{{Path: "bin/esbuild", Kind: "macho", Ver: "1", Facts: macho(&model.MachOCodeSign{AdHoc: true, Flags: []string{"adhoc", "linker-signed"}})}},
			[]f{{Path: "bin/esbuild", Kind: "macho", Ver: "2", Facts: macho(nil)}},
			[]want{{sigdiff.IDSignatureRemoved, model.SeverityLow, "esbuild", []string{"(it was: ad-hoc)"}}}},
		{"unsigned stays unsigned",
			[]f{{Path: updater, Kind: "pe", Ver: "1", Facts: unsigned()}},
			[]f{{Path: updater, Kind: "pe", Ver: "2", Facts: unsigned()}},
			nil},
		{"unsigned becomes signed",
			[]f{{Path: updater, Kind: "pe", Ver: "1", Facts: unsigned()}},
			[]f{{Path: updater, Kind: "pe", Ver: "2", Facts: good.facts()}},
			nil},
		{"file without signature facts",
			[]f{{Path: "lib/index.js", Kind: "script/js", Ver: "1", Facts: &model.Facts{}}},
			[]f{{Path: "lib/index.js", Kind: "script/js", Ver: "2", Facts: &model.Facts{}}},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, compare(tt.old, tt.new), tt.want) })
	}
}

func TestSignerChanged(t *testing.T) {
	tests := []struct {
		name     string
		old, new sig
		want     []want
	}{
		{"another subject signs the release (ShadowHammer)",
			sig{subject: vendor, issuer: ca, serial: "02", digest: digestA},
			sig{subject: vendorOld, issuer: ca, serial: "01", digest: digestB},
			[]want{{sigdiff.IDSignerChanged, model.SeverityHigh, updater, []string{`is signed by "` + vendorOld + `"; the previous release was signed by "` + vendor + `"`}}}},
		{"same subject from a new CA (renewal)",
			sig{subject: vendor, issuer: ca, serial: "02", digest: digestA},
			sig{subject: vendor, issuer: caNew, serial: "03", digest: digestB},
			[]want{{sigdiff.IDSignerChanged, model.SeverityLow, updater, []string{`signing certificate now comes from "` + caNew + `" (was "` + ca + `")`}}}},
		{"renewed certificate, same subject and issuer",
			sig{subject: vendor, issuer: ca, serial: "02", digest: digestA},
			sig{subject: vendor, issuer: ca, serial: "04", digest: digestB},
			nil},
		{"old build signed months later (ShadowHammer)",
			sig{subject: vendor, issuer: ca, digest: digestA, built: day(2018, 1, 10), signed: day(2018, 1, 12)},
			sig{subject: vendor, issuer: ca, digest: digestB, built: day(2015, 3, 1), signed: day(2015, 3, 1).Add(264 * dayHours)},
			[]want{{sigdiff.IDSignerChanged, model.SeverityMedium, updater, []string{"was signed 264 days after it was built", "old build re-signed"}}}},
		{"signed a month after the build",
			sig{subject: vendor, issuer: ca, digest: digestA, built: day(2018, 1, 10), signed: day(2018, 1, 12)},
			sig{subject: vendor, issuer: ca, digest: digestB, built: day(2018, 5, 1), signed: day(2018, 6, 1)},
			nil},
		{"vendor always signs late",
			sig{subject: vendor, issuer: ca, digest: digestA, built: day(2017, 1, 10), signed: day(2017, 9, 12)},
			sig{subject: vendor, issuer: ca, digest: digestB, built: day(2018, 1, 10), signed: day(2018, 9, 12)},
			nil},
		{"reproducible build stores no time",
			sig{subject: vendor, issuer: ca, digest: digestA, signed: day(2018, 1, 12)},
			sig{subject: vendor, issuer: ca, digest: digestB, built: time.Unix(0x1234, 0), signed: day(2018, 6, 1)},
			nil},
		{"time stamp before the build time",
			sig{subject: vendor, issuer: ca, digest: digestA, built: day(2018, 1, 10), signed: day(2018, 1, 12)},
			sig{subject: vendor, issuer: ca, digest: digestB, built: day(2019, 1, 10), signed: day(2018, 6, 1)},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := compare([]f{{Path: updater, Kind: "pe", Ver: "1", Facts: tt.old.facts()}}, []f{{Path: updater, Kind: "pe", Ver: "2", Facts: tt.new.facts()}})
			check(t, d, tt.want)
		})
	}
}

func TestSignerChangedMachO(t *testing.T) {
	cs := func(team, signer string) *model.MachOCodeSign {
		ok := true
		return &model.MachOCodeSign{TeamID: team, Signer: signer, Identifier: "io.sentry.cli", CMSValid: &ok, Flags: []string{"runtime"}}
	}
	tests := []struct {
		name     string
		old, new *model.MachOCodeSign
		want     []want
	}{
		{"another Developer ID",
			cs("ABCDE12345", "Developer ID Application: Functional Software, Inc. (ABCDE12345)"),
			cs("ZZZZZ99999", "Developer ID Application: Fnctional Software (ZZZZZ99999)"),
			[]want{{sigdiff.IDSignerChanged, model.SeverityHigh, "sentry-cli", []string{"Fnctional Software"}}}},
		{"same Developer ID",
			cs("ABCDE12345", "Developer ID Application: Functional Software, Inc. (ABCDE12345)"),
			cs("ABCDE12345", "Developer ID Application: Functional Software, Inc. (ABCDE12345)"),
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := compare([]f{{Path: "bin/sentry-cli", Kind: "macho", Ver: "1", Facts: macho(tt.old)}}, []f{{Path: "bin/sentry-cli", Kind: "macho", Ver: "2", Facts: macho(tt.new)}})
			check(t, d, tt.want)
		})
	}
}

func TestSameDigestAndCertTable(t *testing.T) {
	ms := sig{subject: "CN=Microsoft Corporation,O=Microsoft Corporation", issuer: "CN=Microsoft Code Signing PCA 2011", serial: "33", digest: digestA}
	payload := ms
	payload.hidden, payload.markers = 4104, []string{"FEEDFACE"}
	rebuilt := ms
	rebuilt.digest = digestB
	padded := ms
	padded.hidden = 8
	tests := []struct {
		name     string
		old, new f
		want     []want
	}{
		{"payload in the certificate table of a genuine DLL (3CX)",
			f{Path: d3d, Kind: "pe", Ver: "1", Size: 5728, Facts: ms.facts()},
			f{Path: d3d, Kind: "pe", Ver: "2", Size: 9832, Facts: payload.facts()},
			[]want{
				{sigdiff.IDSameDigest, model.SeverityHigh, "d3dcompiler_47.dll", []string{"d3dcompiler_47.dll changed (5728 → 9832 bytes) but its signed digest did not"}},
				{sigdiff.IDCertTableGrowth, model.SeverityHigh, "d3dcompiler_47.dll", []string{"certificate table now hides 4104 bytes outside the signature (was 0), with the marker FEEDFACE"}},
			}},
		{"hidden bytes without a marker",
			f{Path: d3d, Kind: "pe", Ver: "1", Size: 5728, Facts: padded.facts()},
			f{Path: d3d, Kind: "pe", Ver: "2", Size: 5728, Facts: func() *model.Facts { s := rebuilt; s.hidden = 64; return s.facts() }()},
			[]want{{sigdiff.IDCertTableGrowth, model.SeverityHigh, "d3dcompiler_47.dll", []string{"now hides 64 bytes outside the signature (was 8)"}}}},
		{"new build, new digest",
			f{Path: d3d, Kind: "pe", Ver: "1", Size: 5728, Facts: ms.facts()},
			f{Path: d3d, Kind: "pe", Ver: "2", Size: 5800, Facts: rebuilt.facts()},
			nil},
		{"hidden bytes shrink",
			f{Path: d3d, Kind: "pe", Ver: "1", Size: 9832, Facts: payload.facts()},
			f{Path: d3d, Kind: "pe", Ver: "2", Size: 5800, Facts: rebuilt.facts()},
			nil},
		{"same file",
			f{Path: d3d, Kind: "pe", Ver: "1", Size: 9832, Facts: payload.facts()},
			f{Path: d3d, Kind: "pe", Ver: "1", Size: 9832, Facts: payload.facts()},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, compare([]f{tt.old}, []f{tt.new}), tt.want) })
	}
}

// TestMovedFile: a signed file that moved and changed is judged like one
// that stayed.
func TestMovedFile(t *testing.T) {
	good := sig{subject: vendor, issuer: ca, serial: "01", digest: digestA}
	d := compare(
		[]f{{Path: "x86/bin/updater.exe", Kind: "pe", Ver: "1", Facts: good.facts()}},
		[]f{{Path: "bin/updater.exe", Kind: "pe", Ver: "2", Facts: unsigned()}})
	check(t, d, []want{{sigdiff.IDSignatureRemoved, model.SeverityHigh, "updater.exe", []string{"no longer signed"}}})
}
