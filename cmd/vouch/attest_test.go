package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleMSI = "../../examples/TinyApp-1.0.1.msi"

// keygen makes a key pair in a fresh directory and returns the paths of
// the private and public keys.
func keygen(t *testing.T) (key, pub string) {
	t.Helper()
	key = filepath.Join(t.TempDir(), "vouch.key")
	r := runVouch(t, "keygen", "--out", key)
	if r.code != 0 {
		t.Fatalf("keygen: exit %d: %s", r.code, r.stderr)
	}
	return key, strings.TrimSuffix(key, ".key") + ".pub"
}

// attestFile runs vouch attest and returns the attestation path.
func attestFile(t *testing.T, target, key string, extra ...string) (string, result) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "att.json")
	r := runVouch(t, append([]string{"attest", target, "--key", key, "-o", out, "--progress", "never"}, extra...)...)
	return out, r
}

func TestAttestRoundTrip(t *testing.T) {
	key, pub := keygen(t)
	att, r := attestFile(t, sampleMSI, key)
	if r.code != 0 {
		t.Fatalf("attest: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "verdict low (passed --fail-on high)") {
		t.Errorf("attest stderr: %q", r.stderr)
	}
	// The same run to stdout gives the same bytes: ed25519 is deterministic.
	file, _ := os.ReadFile(att)
	r2 := runVouch(t, "attest", sampleMSI, "--key", key)
	if r2.code != 0 || r2.stdout != string(file) {
		t.Errorf("attest to stdout: exit %d, output differs from -o file:\n%s\n%s", r2.code, r2.stdout, file)
	}

	v := runVouch(t, "verify-attestation", att, "--pub", pub, sampleMSI)
	if v.code != 0 {
		t.Fatalf("verify: exit %d\nstdout: %s\nstderr: %s", v.code, v.stdout, v.stderr)
	}
	for _, want := range []string{
		"attestation OK: signed by " + pub,
		"subject:  TinyApp-1.0.1.msi sha256:388e5f1812b3e16fb543d60040cae330aa6cfc94cbef540b76102e879a3a3a06",
		"verdict:  low (passed --fail-on high)",
		"sig.unsigned-module-in-signed-package  TinyApp-1.0.1.msi!/ProgramFilesFolder/TinyApp/ffmpeg.dll",
		"tool:     vouch ",
	} {
		if !strings.Contains(v.stdout, want) {
			t.Errorf("verify output lacks %q:\n%s", want, v.stdout)
		}
	}
	// A renamed copy is the same release.
	renamed := write(t, "TinyApp (1).msi", mustRead(t, sampleMSI))
	if v := runVouch(t, "verify-attestation", att, "--pub", pub, renamed); v.code != 0 {
		t.Errorf("renamed copy: exit %d: %s", v.code, v.stderr)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// editEnvelope rewrites the payload of an attestation with f, keeping its
// signature, and returns the path of the forged file.
func editEnvelope(t *testing.T, att string, f func(payload []byte) []byte) string {
	t.Helper()
	var env map[string]any
	if err := json.Unmarshal(mustRead(t, att), &env); err != nil {
		t.Fatal(err)
	}
	p, err := base64.StdEncoding.DecodeString(env["payload"].(string))
	if err != nil {
		t.Fatal(err)
	}
	env["payload"] = base64.StdEncoding.EncodeToString(f(p))
	b, _ := json.Marshal(env)
	return write(t, "forged.json", b)
}

func TestVerifyAttestationRejects(t *testing.T) {
	key, pub := keygen(t)
	_, otherPub := keygen(t)
	att, r := attestFile(t, sampleMSI, key)
	if r.code != 0 {
		t.Fatalf("attest: exit %d: %s", r.code, r.stderr)
	}
	flipped := editEnvelope(t, att, func(p []byte) []byte {
		i := bytes.Index(p, []byte(`"verdict":"low"`))
		p[i+len(`"verdict":"`)] ^= 0x01 // "low" → "mow"
		return p
	})
	edited := editEnvelope(t, att, func(p []byte) []byte {
		var st map[string]any
		if err := json.Unmarshal(p, &st); err != nil {
			t.Fatal(err)
		}
		pred := st["predicate"].(map[string]any)
		pred["verdict"], pred["findings_total"], pred["findings"] = "none", 0, []any{}
		out, _ := json.Marshal(st)
		return out
	})
	otherTarget := "../../examples/TinyApp-1.0.0.msi"
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"payload byte flipped", []string{flipped, "--pub", pub, sampleMSI}, 1, "signature does not verify with " + pub},
		{"verdict edited without re-signing", []string{edited, "--pub", pub, sampleMSI}, 1, "signature does not verify with " + pub},
		{"wrong key", []string{att, "--pub", otherPub, sampleMSI}, 1, "signature does not verify with " + otherPub},
		{"wrong target", []string{att, "--pub", pub, otherTarget}, 1,
			otherTarget + "'s sha256 018f57ffeebdbe24097409616e07babccc52441b7dc8939fd590be286a6558f3 is not a subject of this attestation"},
		{"not an attestation", []string{write(t, "x.json", []byte(`{"hello":1}`)), "--pub", pub, sampleMSI}, 1, "not a DSSE envelope"},
		{"gate on the attested verdict", []string{att, "--pub", pub, sampleMSI, "--fail-on", "low"}, 1, "attested verdict low is at or above --fail-on low"},
		{"gate passed", []string{att, "--pub", pub, sampleMSI, "--fail-on", "medium"}, 0, ""},
		{"unreadable target", []string{att, "--pub", pub, filepath.Join(t.TempDir(), "gone.msi")}, 3, "vouch: error: cannot read target"},
		{"missing attestation", []string{filepath.Join(t.TempDir(), "none.json"), "--pub", pub, sampleMSI}, 2, "vouch: error: attestation:"},
		{"private key as --pub", []string{att, "--pub", key, sampleMSI}, 2, "this is a private key"},
		{"no --pub", []string{att, sampleMSI}, 2, `required flag(s) "pub" not set`},
		{"no target", []string{att, "--pub", pub}, 2, "vouch: error:"},
		{"bad --fail-on", []string{att, "--pub", pub, sampleMSI, "--fail-on", "often"}, 2, "--fail-on"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runVouch(t, append([]string{"verify-attestation"}, tc.args...)...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, want %d; stderr %q, want it to contain %q", r.code, tc.code, r.stderr, tc.stderr)
			}
			// Only a valid attestation is described; a gate on its verdict
			// still shows what it says.
			valid := tc.code == 0 || strings.HasPrefix(tc.name, "gate")
			if strings.Contains(r.stdout, "attestation OK") != valid {
				t.Errorf("valid %v, stdout:\n%s", valid, r.stdout)
			}
		})
	}
}

// TestAttestGate: a failing verdict exits 1 and is still attested, and
// the attestation says it failed.
func TestAttestGate(t *testing.T) {
	key, pub := keygen(t)
	slip := write(t, "slip.zip", zipOf(t, map[string]string{"../../x.sh": "echo"})) // high
	att, r := attestFile(t, slip, key)
	if r.code != 1 {
		t.Fatalf("attest of a high verdict: exit %d, want 1: %s", r.code, r.stderr)
	}
	v := runVouch(t, "verify-attestation", att, "--pub", pub, slip)
	if v.code != 0 || !strings.Contains(v.stdout, "verdict:  high (fails --fail-on high)") || !strings.Contains(v.stdout, "unpack.path-traversal") {
		t.Errorf("verify: exit %d\n%s%s", v.code, v.stdout, v.stderr)
	}
	if _, r := attestFile(t, slip, key, "--fail-on", "none"); r.code != 0 {
		t.Errorf("--fail-on none: exit %d", r.code)
	}
}

func TestAttestDirectory(t *testing.T) {
	key, pub := keygen(t)
	dir := t.TempDir()
	for name, body := range map[string]string{"a.txt": "a", "sub/b.txt": "b"} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(body), 0o644)
	}
	att, r := attestFile(t, dir, key)
	if r.code != 0 {
		t.Fatalf("attest: exit %d: %s", r.code, r.stderr)
	}
	if v := runVouch(t, "verify-attestation", att, "--pub", pub, dir); v.code != 0 || !strings.Contains(v.stdout, "2 files of") {
		t.Errorf("verify: exit %d\n%s%s", v.code, v.stdout, v.stderr)
	}
	os.WriteFile(filepath.Join(dir, "sub", "c.sh"), []byte("curl x | sh"), 0o644)
	v := runVouch(t, "verify-attestation", att, "--pub", pub, dir)
	if v.code != 1 || !strings.Contains(v.stderr, "are not subjects of this attestation: sub/c.sh") {
		t.Errorf("added file: exit %d: %s", v.code, v.stderr)
	}
}

func TestAttestUsage(t *testing.T) {
	key, pub := keygen(t)
	out := filepath.Join(t.TempDir(), "att.json")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no key", []string{"attest", sampleMSI}, 2, `required flag(s) "key" not set`},
		{"public key as --key", []string{"attest", sampleMSI, "--key", pub}, 2, "this is a public key"},
		{"missing key", []string{"attest", sampleMSI, "--key", filepath.Join(t.TempDir(), "k")}, 2, "--key"},
		{"format is not an attest flag", []string{"attest", sampleMSI, "--key", key, "--format", "json"}, 2, "unknown flag: --format"},
		{"missing target", []string{"attest", filepath.Join(t.TempDir(), "gone.msi"), "--key", key, "-o", out}, 3, "cannot read target"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runVouch(t, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, want %d; stderr %q, want it to contain %q", r.code, tc.code, r.stderr, tc.stderr)
			}
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed attest left %s behind (err %v)", out, err)
	}
}

func TestKeygen(t *testing.T) {
	key, pub := keygen(t)
	for _, c := range []struct {
		path   string
		mode   os.FileMode
		header string
	}{
		{key, 0o600, "-----BEGIN PRIVATE KEY-----\n"},
		{pub, 0o644, "-----BEGIN PUBLIC KEY-----\n"},
	} {
		st, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		// The umask may only take permissions away; the private key must
		// never be readable by others.
		if perm := st.Mode().Perm(); perm&^c.mode != 0 || (c.mode == 0o600 && perm != 0o600) {
			t.Errorf("%s: mode %v, want %v", c.path, perm, c.mode)
		}
		if b := mustRead(t, c.path); !bytes.HasPrefix(b, []byte(c.header)) {
			t.Errorf("%s starts %q", c.path, b[:min(len(b), 30)])
		}
	}

	old := mustRead(t, key)
	if r := runVouch(t, "keygen", "--out", key); r.code != 2 || !strings.Contains(r.stderr, "exists") {
		t.Errorf("overwrite without --force: exit %d: %s", r.code, r.stderr)
	}
	if !bytes.Equal(old, mustRead(t, key)) {
		t.Errorf("the refused keygen changed the key")
	}
	// --force replaces a key whose file had become world-readable with a
	// new private file.
	os.Chmod(key, 0o644)
	r := runVouch(t, "keygen", "--out", key, "--force")
	if r.code != 0 || !strings.Contains(r.stdout, "key id:") {
		t.Fatalf("--force: exit %d: %s", r.code, r.stderr)
	}
	if st, _ := os.Stat(key); st.Mode().Perm() != 0o600 || bytes.Equal(old, mustRead(t, key)) {
		t.Errorf("after --force: mode %v, key changed %v", st.Mode().Perm(), !bytes.Equal(old, mustRead(t, key)))
	}
	// Signing with a world-readable key works, with a warning.
	os.Chmod(key, 0o644)
	if _, r := attestFile(t, sampleMSI, key); r.code != 0 || !strings.Contains(r.stderr, "readable by others") {
		t.Errorf("readable key: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestAttestDiff attests the 3CX-shaped diff: the new release is the
// subject, the old one is named in the predicate, and the critical verdict
// fails the gate but is attested.
func TestAttestDiff(t *testing.T) {
	const corpus = "../../testdata/corpus/3cx-windows/"
	oldMSI, newMSI := corpus+"clean/TinyApp-1.0.0.msi", corpus+"bad/TinyApp-1.0.1.msi"
	key, pub := keygen(t)
	att, r := attestFile(t, "--diff", key, oldMSI, newMSI)
	if r.code != 1 {
		t.Fatalf("attest --diff: exit %d, want 1 (critical): %s", r.code, r.stderr)
	}
	v := runVouch(t, "verify-attestation", att, "--pub", pub, newMSI)
	if v.code != 0 {
		t.Fatalf("verify: exit %d: %s", v.code, v.stderr)
	}
	oldSum := sha256Hex(mustRead(t, oldMSI))
	for _, want := range []string{"verdict:  critical (fails --fail-on high)", "previous: " + oldMSI + " sha256:" + oldSum, "existing"} {
		if !strings.Contains(v.stdout, want) {
			t.Errorf("verify output lacks %q:\n%s", want, v.stdout)
		}
	}
	if v := runVouch(t, "verify-attestation", att, "--pub", pub, oldMSI); v.code != 1 || !strings.Contains(v.stderr, "is not a subject") {
		t.Errorf("the old release verified as the subject: exit %d: %s", v.code, v.stderr)
	}
}

func TestAttestArgs(t *testing.T) {
	key, _ := keygen(t)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"--diff with one release", []string{"attest", "--diff", sampleMSI, "--key", key}, "attest --diff takes OLD and NEW"},
		{"two releases without --diff", []string{"attest", sampleMSI, sampleMSI, "--key", key}, "attest takes one TARGET"},
		{"two outputs", []string{"attest", sampleMSI, "--key", key, "-o", "a.json", "-o", "b.json"}, "give --output once"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runVouch(t, tc.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tc.stderr)
			}
		})
	}
}

// TestAttestRecordsInputs: the user's indicator and rule files that shaped
// the verdict are named by digest next to the first-party rule set.
func TestAttestRecordsInputs(t *testing.T) {
	key, _ := keygen(t)
	ioc := write(t, "iocs.txt", []byte("evil.invalid\n"))
	yar := write(t, "r.yar", []byte("rule R { strings: $a = \"zzzz-not-there\" condition: $a }\n"))
	att, r := attestFile(t, sampleMSI, key, "--ioc", ioc, "--rules", yar)
	if r.code != 0 {
		t.Fatalf("attest: exit %d: %s", r.code, r.stderr)
	}
	var env struct{ Payload string }
	json.Unmarshal(mustRead(t, att), &env)
	payload, _ := base64.StdEncoding.DecodeString(env.Payload)
	var st struct {
		Predicate struct {
			Rules struct {
				Digest string
				Extra  []struct{ Kind, Path, SHA256 string }
			}
		}
	}
	if err := json.Unmarshal(payload, &st); err != nil {
		t.Fatal(err)
	}
	got := st.Predicate.Rules
	want := []struct{ Kind, Path, SHA256 string }{
		{"rules", yar, sha256Hex(mustRead(t, yar))},
		{"ioc", ioc, sha256Hex(mustRead(t, ioc))},
	}
	if !strings.HasPrefix(got.Digest, "sha256:") || len(got.Extra) != 2 || got.Extra[0] != want[0] || got.Extra[1] != want[1] {
		t.Errorf("rules = %+v, want extra %+v", got, want)
	}
}
