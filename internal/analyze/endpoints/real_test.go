package endpoints_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

// TestRealReleases runs vouch on real releases: their endpoints are their
// vendors' documentation and project URLs, none suspicious, and the
// numbers stay small (Go-binary strings stored back to back included).
func TestRealReleases(t *testing.T) {
	tests := []struct {
		release, path string
		want          []string // values that must be present
		min, max      int
	}{
		{"esbuild-win32-x64-0.28.2.tgz", "esbuild-win32-x64-0.28.2.tgz!/package/esbuild.exe",
			[]string{"https://github.com/evanw/esbuild", "https://go.dev/issue/66821", "golang.org"}, 5, 15},
		{"esbuild-linux-x64-0.28.2.tgz", "esbuild-linux-x64-0.28.2.tgz!/package/bin/esbuild",
			[]string{"https://github.com/evanw/esbuild", "https://www.typescriptlang.org/tsconfig#esModuleInterop"}, 5, 15},
		{"esbuild-0.28.2.tgz", "esbuild-0.28.2.tgz!/package/install.js",
			[]string{"https://registry.npmjs.org/", "https://nodejs.org/dist/"}, 2, 6},
		{"curl_7.88.1-10+deb12u15_amd64.deb", "curl_7.88.1-10+deb12u15_amd64.deb!/data.tar.xz!/usr/bin/curl",
			[]string{"https://curl.se/docs/sslcerts.html", "https://curl.se/libcurl/c/curl_easy_setopt.html"}, 2, 2},
	}
	suspicious := []string{"webhook-host", "paste-host", "cheap-tld", "raw-content-host", "dynamic-dns", "onion"}
	for _, tc := range tests {
		t.Run(tc.release, func(t *testing.T) {
			rep, err := vouch.Inspect(context.Background(), realdata.Path(t, tc.release), vouch.Options{})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(rep.Files, func(f *model.File) bool { return f.Path == tc.path })
			if i < 0 {
				t.Fatalf("%s not in the report", tc.path)
			}
			var eps []model.Endpoint
			if fs := rep.Files[i].Facts; fs != nil {
				eps = fs.Endpoints
			}
			t.Logf("%s: %d endpoints", tc.path, len(eps))
			if len(eps) < tc.min || len(eps) > tc.max {
				t.Errorf("%d endpoints, want %d..%d: %+v", len(eps), tc.min, tc.max, eps)
			}
			for _, w := range tc.want {
				if !slices.ContainsFunc(eps, func(e model.Endpoint) bool { return e.Value == w }) {
					t.Errorf("missing %q", w)
				}
			}
			for _, e := range eps {
				for _, c := range e.Classes {
					if slices.Contains(suspicious, c) || strings.HasPrefix(c, "lookalike:") {
						t.Errorf("benign release endpoint classed %s: %+v", c, e)
					}
				}
			}
		})
	}
}
