package attest_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/attest"
	"github.com/vouch-sec/vouch/internal/model"
)

// testKey is a fixed key, so that envelopes are reproducible in tests.
func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func pubOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

type envelope struct {
	PayloadType string `json:"payloadType"`
	Payload     string `json:"payload"`
	Signatures  []struct {
		KeyID string `json:"keyid"`
		Sig   string `json:"sig"`
	} `json:"signatures"`
}

func signed(t *testing.T, key ed25519.PrivateKey) (*attest.Statement, []byte) {
	t.Helper()
	st, err := attest.ForReport(fileReport(), attest.Options{FailOn: model.SeverityHigh, Rules: testRules})
	if err != nil {
		t.Fatal(err)
	}
	env, err := attest.Sign(context.Background(), st, key)
	if err != nil {
		t.Fatal(err)
	}
	return st, env
}

func TestSignVerify(t *testing.T) {
	key := testKey(1)
	st, env := signed(t, key)

	got, err := attest.Verify(context.Background(), env, pubOf(key))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if d := cmp.Diff(st, got); d != "" {
		t.Errorf("verified statement (-signed +got):\n%s", d)
	}

	// The envelope is one JSON line: DSSE fields, our key id.
	if bytes.Count(env, []byte("\n")) != 1 || !bytes.HasSuffix(env, []byte("\n")) {
		t.Errorf("envelope is not one line: %q", env)
	}
	var e envelope
	if err := json.Unmarshal(env, &e); err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(pubOf(key))
	wantID := sha256.Sum256(der)
	if e.PayloadType != "application/vnd.in-toto+json" || len(e.Signatures) != 1 || e.Signatures[0].KeyID != hex.EncodeToString(wantID[:]) {
		t.Errorf("envelope payloadType %q, signatures %+v", e.PayloadType, e.Signatures)
	}
	if e.Signatures[0].KeyID != attest.KeyID(pubOf(key)) {
		t.Errorf("KeyID() disagrees with the signature's keyid")
	}

	// The payload is an in-toto Statement v1 as the specification spells
	// it, read without vouch's types.
	payload, _ := base64.StdEncoding.DecodeString(e.Payload)
	var raw map[string]any
	if err := json.Unmarshal(payload, &raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if d := cmp.Diff([]string{"_type", "predicate", "predicateType", "subject"}, keys); d != "" {
		t.Errorf("statement keys (-want +got):\n%s", d)
	}
	subj := raw["subject"].([]any)[0].(map[string]any)
	if raw["_type"] != "https://in-toto.io/Statement/v1" || subj["name"] != "App-1.0.msi" ||
		subj["digest"].(map[string]any)["sha256"] != sumA || raw["predicateType"] != "https://vouch.dev/attestation/verdict/v1" {
		t.Errorf("statement: %s", payload)
	}
	pred := raw["predicate"].(map[string]any)
	if pred["verdict"] != "high" || pred["fail_on"] != "high" || pred["passed"] != false {
		t.Errorf("predicate: %v", pred)
	}

	// Reproducible: same statement and key, same bytes.
	if _, again := signed(t, key); !bytes.Equal(env, again) {
		t.Errorf("signing twice gave different envelopes")
	}
}

// resign builds an envelope for any payload and payload type, signed
// correctly with key: statements that pass the signature check and must
// fail a later one.
func resign(t *testing.T, key ed25519.PrivateKey, payloadType string, payload []byte) []byte {
	t.Helper()
	pae := []byte("DSSEv1 " + strconv.Itoa(len(payloadType)) + " " + payloadType + " " + strconv.Itoa(len(payload)) + " ")
	pae = append(pae, payload...)
	b, err := json.Marshal(map[string]any{
		"payloadType": payloadType,
		"payload":     base64.StdEncoding.EncodeToString(payload),
		"signatures":  []map[string]string{{"keyid": attest.KeyID(pubOf(key)), "sig": base64.StdEncoding.EncodeToString(ed25519.Sign(key, pae))}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit decodes env, changes it with f and encodes it again, keeping the
// signatures as they were.
func edit(t *testing.T, env []byte, f func(e *envelope, payload []byte) []byte) []byte {
	t.Helper()
	var e envelope
	if err := json.Unmarshal(env, &e); err != nil {
		t.Fatal(err)
	}
	p, _ := base64.StdEncoding.DecodeString(e.Payload)
	p = f(&e, p)
	e.Payload = base64.StdEncoding.EncodeToString(p)
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyRejects(t *testing.T) {
	key, other := testKey(1), testKey(2)
	st, env := signed(t, key)
	payload, _ := json.Marshal(st)
	sigErr := func(err error) bool { var se *attest.SignatureError; return errors.As(err, &se) }

	tests := []struct {
		name    string
		env     []byte
		pub     ed25519.PublicKey
		check   func(error) bool
		message string
	}{
		{"payload byte flipped", edit(t, env, func(_ *envelope, p []byte) []byte {
			p[len(p)/2] ^= 0x01
			return p
		}), pubOf(key), sigErr, "signature does not verify"},
		{"verdict edited, not re-signed", edit(t, env, func(_ *envelope, p []byte) []byte {
			var s attest.Statement
			json.Unmarshal(p, &s)
			s.Predicate.Verdict, s.Predicate.Passed = "none", true
			out, _ := json.Marshal(s)
			return out
		}), pubOf(key), sigErr, "signature does not verify"},
		{"payload type edited", edit(t, env, func(e *envelope, p []byte) []byte {
			e.PayloadType = "application/json"
			return p
		}), pubOf(key), sigErr, "signature does not verify"},
		{"wrong key", env, pubOf(other), sigErr,
			"signature does not verify with key " + attest.KeyID(pubOf(other)) + " (the envelope is signed by key " + attest.KeyID(pubOf(key)) + ")"},
		{"right signature, other key id", edit(t, env, func(e *envelope, p []byte) []byte {
			e.Signatures[0].KeyID = attest.KeyID(pubOf(other))
			return p
		}), pubOf(key), sigErr, "signature does not verify"},
		{"signature removed", edit(t, env, func(e *envelope, p []byte) []byte {
			e.Signatures = nil
			return p
		}), pubOf(key), is(attest.ErrMalformed), "no payload or no signatures"},
		{"not JSON", []byte("hello"), pubOf(key), is(attest.ErrMalformed), "not a DSSE envelope"},
		{"two envelopes", append(slices.Clone(env), env...), pubOf(key), is(attest.ErrMalformed), "more than one JSON value"},
		{"payload not base64", []byte(`{"payloadType":"x","payload":"%%%","signatures":[{"keyid":"","sig":"AA=="}]}`), pubOf(key), is(attest.ErrMalformed), "base64"},
		{"signed, wrong payload type", resign(t, key, "application/json", payload), pubOf(key), is(attest.ErrPayloadType), `wrong payload type "application/json"`},
		{"signed, wrong statement type", resign(t, key, attest.PayloadType,
			bytes.Replace(payload, []byte("in-toto.io/Statement/v1"), []byte("in-toto.io/Statement/v0.1"), 1)),
			pubOf(key), is(attest.ErrStatement), `_type is "https://in-toto.io/Statement/v0.1"`},
		{"signed, wrong predicate type", resign(t, key, attest.PayloadType,
			bytes.Replace(payload, []byte("verdict/v1"), []byte("verdict/v9"), 1)),
			pubOf(key), is(attest.ErrPredicateType), "verdict/v9"},
		{"signed, no subject", resign(t, key, attest.PayloadType,
			[]byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"https://vouch.dev/attestation/verdict/v1","predicate":{}}`)),
			pubOf(key), is(attest.ErrStatement), "no subject"},
		{"signed, no predicate", resign(t, key, attest.PayloadType,
			[]byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"00"}}],"predicateType":"https://vouch.dev/attestation/verdict/v1"}`)),
			pubOf(key), is(attest.ErrStatement), "no predicate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := attest.Verify(context.Background(), tc.env, tc.pub)
			if err == nil {
				t.Fatalf("accepted: %+v", got.Predicate)
			}
			if !tc.check(err) || !strings.Contains(err.Error(), tc.message) {
				t.Errorf("err = %v, want one containing %q", err, tc.message)
			}
		})
	}
}

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

// TestVerifyWithoutKeyID: DSSE makes the key id optional; a signature
// without one counts when it verifies.
func TestVerifyWithoutKeyID(t *testing.T) {
	key := testKey(1)
	_, env := signed(t, key)
	env = edit(t, env, func(e *envelope, p []byte) []byte { e.Signatures[0].KeyID = ""; return p })
	if _, err := attest.Verify(context.Background(), env, pubOf(key)); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if _, err := attest.Verify(context.Background(), env, pubOf(testKey(2))); err == nil {
		t.Errorf("a signature without key id verified with the wrong key")
	}
}

func TestKeys(t *testing.T) {
	privPEM, pubPEM, err := attest.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(privPEM, []byte("-----BEGIN PRIVATE KEY-----\n")) || !bytes.HasPrefix(pubPEM, []byte("-----BEGIN PUBLIC KEY-----\n")) {
		t.Errorf("PEM headers: %q / %q", privPEM[:30], pubPEM[:30])
	}
	priv, err := attest.ParsePrivateKey(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := attest.ParsePublicKey(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(priv.Public()) {
		t.Errorf("public key does not belong to the private key")
	}

	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecPriv, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPub, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	pemOf := func(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }
	tests := []struct {
		name string
		data []byte
		priv bool
		want string
	}{
		{"public as private", pubPEM, true, "this is a public key"},
		{"private as public", privPEM, false, "this is a private key"},
		{"encrypted", pemOf("ENCRYPTED PRIVATE KEY", []byte{1}), true, "encrypted"},
		{"ecdsa private", pemOf("PRIVATE KEY", ecPriv), true, "not ed25519"},
		{"ecdsa public", pemOf("PUBLIC KEY", ecPub), false, "not ed25519"},
		{"certificate", pemOf("CERTIFICATE", []byte{1}), false, `"CERTIFICATE" is not a public key`},
		{"garbage", []byte("not a key"), true, "no PEM block"},
		{"bad DER", pemOf("PUBLIC KEY", []byte{1, 2, 3}), false, "parsing public key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.priv {
				_, err = attest.ParsePrivateKey(tc.data)
			} else {
				_, err = attest.ParsePublicKey(tc.data)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
