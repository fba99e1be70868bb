package authenticode_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

// realSig is what a real signed file must show.
type realSig struct {
	Entry   int
	Digest  bool
	Sig     bool
	Chain   bool
	Problem string
	Signer  string
}

// TestRealSigned inspects real signed releases through the whole engine:
// digests verify, chains validate where the root is available, and nothing
// at medium or above is raised.
func TestRealSigned(t *testing.T) {
	const (
		kde       = "CN=K Desktop Environment e.V.,O=K Desktop Environment e.V.,L=Berlin,C=DE"
		microsoft = "CN=Microsoft Corporation,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US"
		grub      = "CN=Debian Secure Boot Signer 2022 - grub2"
	)
	grubOK := []realSig{{Digest: true, Sig: true, Chain: true, Signer: grub}}
	grubDeb := "grub-efi-amd64-signed_1+2.06+13+deb12u2_amd64.deb!/data.tar.xz!/usr/lib/grub/x86_64-efi-signed/"
	shimDeb := "shim-signed_1.51~1+deb12u1+16.1-2~deb12u1_amd64.deb!/data.tar.xz!/usr/lib/shim/"
	tests := []struct {
		file     string
		roots    []string
		want     map[string][]realSig // virtual path → signatures; nil = unsigned
		findings map[string]string    // virtual path → "severity id" (only sig.*/pe.* findings)
	}{
		{file: "node-notifier-10.0.1.tgz", want: map[string][]realSig{
			"node-notifier-10.0.1.tgz!/package/vendor/snoreToast/snoretoast-x64.exe": {{Digest: true, Sig: true, Chain: true, Signer: kde}},
			"node-notifier-10.0.1.tgz!/package/vendor/snoreToast/snoretoast-x86.exe": {{Digest: true, Sig: true, Chain: true, Signer: kde}},
			"node-notifier-10.0.1.tgz!/package/vendor/notifu/notifu.exe":             nil,
		}},
		// Microsoft's roots are not in Debian's bundle: digest valid, chain
		// "not configured", which is low.
		{file: "vscode-vsce-sign-win32-x64-2.0.6.tgz", want: map[string][]realSig{
			"vscode-vsce-sign-win32-x64-2.0.6.tgz!/package/bin/vsce-sign.exe": {{Digest: true, Sig: true, Problem: model.ChainUnknownAuthority, Signer: microsoft}},
		}, findings: map[string]string{
			"vscode-vsce-sign-win32-x64-2.0.6.tgz!/package/bin/vsce-sign.exe": "low sig.untrusted",
		}},
		{file: "grub-efi-amd64-signed_1+2.06+13+deb12u2_amd64.deb", roots: []string{"testdata/debian-uefi-ca.pem"}, want: map[string][]realSig{
			grubDeb + "grubx64.efi.signed":              grubOK,
			grubDeb + "gcdx64.efi.signed":               grubOK,
			grubDeb + "grubnetx64.efi.signed":           grubOK,
			grubDeb + "grubnetx64-installer.efi.signed": grubOK,
		}},
		// Two WIN_CERTIFICATE entries, both Microsoft UEFI CA signatures
		// (2011 and 2023 chains); the root is Microsoft's.
		{file: "shim-signed_1.51~1+deb12u1+16.1-2~deb12u1_amd64.deb", roots: []string{"testdata/debian-uefi-ca.pem"}, want: map[string][]realSig{
			shimDeb + "shimx64.efi.signed": {
				{Entry: 0, Digest: true, Sig: true, Problem: model.ChainUnknownAuthority, Signer: "CN=Microsoft Windows UEFI Driver Publisher,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US"},
				{Entry: 1, Digest: true, Sig: true, Problem: model.ChainUnknownAuthority, Signer: "CN=Microsoft UEFI CA 2023 signer,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US"},
			},
		}, findings: map[string]string{shimDeb + "shimx64.efi.signed": "low sig.untrusted"}},
		{file: "esbuild-win32-x64-0.28.2.tgz", want: map[string][]realSig{
			"esbuild-win32-x64-0.28.2.tgz!/package/esbuild.exe": nil,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p := realdata.Path(t, tc.file)
			rep, err := vouch.Inspect(context.Background(), p, vouch.Options{TrustRoots: tc.roots})
			if err != nil {
				t.Fatal(err)
			}
			files := map[string]*model.File{}
			for _, f := range rep.Files {
				files[f.Path] = f
			}
			for path, want := range tc.want {
				f := files[path]
				if f == nil || f.Facts == nil || f.Facts.Signature == nil {
					t.Errorf("%s: no signature facts", path)
					continue
				}
				sf := f.Facts.Signature
				if sf.Signed != (want != nil) || sf.Error != "" {
					t.Errorf("%s: signed=%v error=%q", path, sf.Signed, sf.Error)
				}
				var got []realSig
				for _, s := range sf.Signatures {
					g := realSig{Entry: s.Entry, Digest: s.DigestValid, Sig: s.SignatureValid, Chain: s.ChainValid, Problem: s.ChainProblem}
					if s.Signer != nil {
						g.Signer = s.Signer.Subject
					}
					got = append(got, g)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", path, diff)
				}
				if ct := sf.CertTable; want != nil && (ct == nil || ct.HiddenBytes != 0 || ct.NonZeroPadding || ct.SizeMismatch || ct.TrailingBytes != 0 || !ct.ChecksumMatches) {
					t.Errorf("%s: certificate table not clean: %+v", path, ct)
				}
			}
			got := map[string]string{}
			for _, fd := range rep.Findings {
				if fd.Severity >= model.SeverityMedium {
					t.Errorf("finding on a real benign release: %s %s %s", fd.Severity, fd.ID, fd.Title)
				}
				if strings.HasPrefix(fd.ID, "sig.") || strings.HasPrefix(fd.ID, "pe.") {
					got[fd.Path] = fd.Severity.String() + " " + fd.ID
				}
			}
			want := tc.findings
			if want == nil {
				want = map[string]string{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("signature findings (-want +got):\n%s", diff)
			}
		})
	}
}
