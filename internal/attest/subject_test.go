package attest_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/attest"
)

func sum(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

func subj(name, content string) attest.Subject {
	return attest.Subject{Name: name, Digest: map[string]string{"sha256": sum(content)}}
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHashTarget(t *testing.T) {
	dir := writeTree(t, map[string]string{"b/x.deb": "deb", "a.zip": "zip"})
	if err := os.Symlink("a.zip", filepath.Join(dir, "latest")); err != nil {
		t.Fatal(err)
	}
	l, err := attest.HashTarget(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := &attest.Local{Kind: "directory", Files: []attest.Subject{subj("a.zip", "zip"), subj("b/x.deb", "deb")}}
	if d := cmp.Diff(want, l); d != "" {
		t.Errorf("directory (-want +got):\n%s", d)
	}
	l, err = attest.HashTarget(filepath.Join(dir, "a.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(&attest.Local{Kind: "file", Files: []attest.Subject{subj("a.zip", "zip")}}, l); d != "" {
		t.Errorf("file (-want +got):\n%s", d)
	}
	if _, err := attest.HashTarget(filepath.Join(dir, "nope")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing target: err = %v", err)
	}
}

func TestMatch(t *testing.T) {
	st := &attest.Statement{Subject: []attest.Subject{subj("a.zip", "zip"), subj("b/x.deb", "deb")}}
	file := func(name, content string) *attest.Local {
		return &attest.Local{Kind: "file", Files: []attest.Subject{subj(name, content)}}
	}
	dir := func(s ...attest.Subject) *attest.Local { return &attest.Local{Kind: "directory", Files: s} }
	tests := []struct {
		name  string
		local *attest.Local
		want  []attest.Subject
		err   string
	}{
		{"file", file("a.zip", "zip"), []attest.Subject{subj("a.zip", "zip")}, ""},
		{"renamed file matches by digest", file("a (1).zip", "deb"), []attest.Subject{subj("b/x.deb", "deb")}, ""},
		{"other file", file("a.zip", "zip!"), nil, "sha256 " + sum("zip!") + " is not a subject of this attestation"},
		{"directory", dir(subj("a.zip", "zip"), subj("b/x.deb", "deb")), st.Subject, ""},
		{"directory, file changed", dir(subj("a.zip", "zap"), subj("b/x.deb", "deb")), nil,
			"1 file(s) are not subjects of this attestation: a.zip (sha256 " + sum("zap") + "); 1 subject(s) are missing: a.zip (sha256 " + sum("zip") + ")"},
		{"directory, file added", dir(subj("a.zip", "zip"), subj("b/x.deb", "deb"), subj("c.sh", "sh")), nil,
			"1 file(s) are not subjects of this attestation: c.sh"},
		{"directory, file removed", dir(subj("a.zip", "zip")), nil, "1 subject(s) are missing: b/x.deb"},
		{"empty directory", dir(), nil, "2 subject(s) are missing: a.zip"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.Match(tc.local)
			if tc.err != "" {
				var se *attest.SubjectError
				if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err = %v, want a SubjectError containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("matched (-want +got):\n%s", d)
			}
		})
	}
	// Many mismatches are listed briefly.
	var many []attest.Subject
	for _, n := range strings.Split("c d e f g h i", " ") {
		many = append(many, subj(n, n))
	}
	_, err := st.Match(dir(append(many, st.Subject...)...))
	if err == nil || !strings.Contains(err.Error(), "7 file(s)") || !strings.Contains(err.Error(), "and 2 more") {
		t.Errorf("err = %v", err)
	}
}
