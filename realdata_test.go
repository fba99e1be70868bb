package vouch_test

import (
	"context"
	"strings"
	"testing"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

// TestRealReleases inspects real packages: they must unpack without errors,
// list the files we know are inside with the right kinds, and raise nothing
// at medium or above.
func TestRealReleases(t *testing.T) {
	tests := []struct {
		file     string
		rootKind string
		want     map[string]string // virtual path → kind
		meta     map[string]string // container meta
	}{
		{"esbuild-0.28.2.tgz", "npm", map[string]string{
			"esbuild-0.28.2.tgz!/package/install.js":   "script/js",
			"esbuild-0.28.2.tgz!/package/bin/esbuild":  "script/js",
			"esbuild-0.28.2.tgz!/package/package.json": "text/json",
		}, nil},
		{"esbuild-linux-x64-0.28.2.tgz", "npm", map[string]string{
			"esbuild-linux-x64-0.28.2.tgz!/package/bin/esbuild": "elf",
		}, nil},
		{"esbuild-win32-x64-0.28.2.tgz", "npm", map[string]string{
			"esbuild-win32-x64-0.28.2.tgz!/package/esbuild.exe": "pe",
		}, nil},
		{"esbuild-darwin-arm64-0.28.2.tgz", "npm", map[string]string{
			"esbuild-darwin-arm64-0.28.2.tgz!/package/bin/esbuild": "macho",
		}, nil},
		{"liblzma5_5.4.1-1+deb12u1_amd64.deb", "deb", map[string]string{
			"liblzma5_5.4.1-1+deb12u1_amd64.deb!/data.tar.xz!/lib/x86_64-linux-gnu/liblzma.so.5.4.1": "elf",
			"liblzma5_5.4.1-1+deb12u1_amd64.deb!/data.tar.xz!/lib/x86_64-linux-gnu/liblzma.so.5":     "link",
			"liblzma5_5.4.1-1+deb12u1_amd64.deb!/control.tar.xz!/control":                            "text",
		}, map[string]string{"deb.package": "liblzma5", "deb.version": "5.4.1-1+deb12u1"}},
		{"curl_7.88.1-10+deb12u15_amd64.deb", "deb", map[string]string{
			"curl_7.88.1-10+deb12u15_amd64.deb!/data.tar.xz!/usr/bin/curl": "elf",
		}, map[string]string{"deb.package": "curl"}},
		{"libssl3_3.0.22-1~deb12u2_amd64.deb", "deb", map[string]string{
			"libssl3_3.0.22-1~deb12u2_amd64.deb!/data.tar.xz!/usr/lib/x86_64-linux-gnu/libssl.so.3": "elf",
		}, map[string]string{"deb.package": "libssl3"}},
		// Hundreds of real PE DLLs (wine's Windows-side builds).
		{"libwine_8.0~repack-4_amd64.deb", "deb", map[string]string{
			"libwine_8.0~repack-4_amd64.deb!/data.tar.xz!/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/kernel32.dll": "pe",
		}, map[string]string{"deb.package": "libwine"}},
		{"openssl_3.0.22-1~deb12u2_amd64.deb", "deb", map[string]string{
			"openssl_3.0.22-1~deb12u2_amd64.deb!/data.tar.xz!/usr/bin/openssl": "elf",
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			p := realdata.Path(t, tc.file)
			rep, err := vouch.Inspect(context.Background(), p, vouch.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Errors) > 0 {
				t.Errorf("errors: %v", rep.Errors)
			}
			for _, f := range rep.Findings {
				if f.Severity >= vouch.SeverityMedium {
					t.Errorf("finding on a real benign release: %s %s %s", f.Severity, f.ID, f.Title)
				}
			}
			got := map[string]*vouch.File{}
			for _, f := range rep.Files {
				got[f.Path] = f
			}
			root := got[tc.file]
			if root == nil || root.Kind != tc.rootKind {
				t.Fatalf("root = %+v, want kind %s", root, tc.rootKind)
			}
			for k, v := range tc.meta {
				if root.Meta[k] != v {
					t.Errorf("meta %s = %q, want %q", k, root.Meta[k], v)
				}
			}
			for path, kind := range tc.want {
				f := got[path]
				if f == nil {
					t.Errorf("missing %s", path)
					continue
				}
				if f.Kind != kind {
					t.Errorf("%s kind %s, want %s", path, f.Kind, kind)
				}
				if f.Type == "file" && (len(f.SHA256) != 64 || f.Size == 0) {
					t.Errorf("%s not hashed: %+v", path, f)
				}
				if strings.Count(path, "!/") != len(f.Chain) {
					t.Errorf("%s chain %v", path, f.Chain)
				}
			}
		})
	}
}
