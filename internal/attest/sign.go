package attest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
)

// MaxEnvelopeBytes bounds an envelope Verify reads: a directory release of
// a hundred thousand files still fits.
const MaxEnvelopeBytes = 64 << 20

// ed25519Key signs and verifies DSSE payloads. Its key id is [KeyID].
type ed25519Key struct {
	priv ed25519.PrivateKey // nil when verifying only
	pub  ed25519.PublicKey
	id   string
}

func (k ed25519Key) Sign(_ context.Context, data []byte) ([]byte, error) {
	return ed25519.Sign(k.priv, data), nil
}

func (k ed25519Key) Verify(_ context.Context, data, sig []byte) error {
	if !ed25519.Verify(k.pub, data, sig) {
		return errors.New("ed25519: invalid signature")
	}
	return nil
}

func (k ed25519Key) KeyID() (string, error)   { return k.id, nil }
func (k ed25519Key) Public() crypto.PublicKey { return k.pub }

// Sign wraps the statement in a DSSE envelope signed with priv and returns
// the envelope as one line of JSON (an in-toto JSON Lines bundle of one).
func Sign(ctx context.Context, st *Statement, priv ed25519.PrivateKey) ([]byte, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, errors.New("attest: not an ed25519 private key")
	}
	payload, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	pub := priv.Public().(ed25519.PublicKey)
	s, err := dsse.NewEnvelopeSigner(ed25519Key{priv: priv, pub: pub, id: KeyID(pub)})
	if err != nil {
		return nil, err
	}
	env, err := s.SignPayload(ctx, PayloadType, payload)
	if err != nil {
		return nil, err
	}
	out, err := json.Marshal(env)
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Errors of Verify, for errors.Is. Each is wrapped with detail.
var (
	// ErrMalformed: the file is not a DSSE envelope.
	ErrMalformed = errors.New("not a DSSE envelope")
	// ErrPayloadType: the envelope does not carry an in-toto statement.
	ErrPayloadType = errors.New("wrong payload type")
	// ErrStatement: the signed payload is not an in-toto Statement v1.
	ErrStatement = errors.New("not an in-toto Statement v1")
	// ErrPredicateType: the statement is not a vouch verdict.
	ErrPredicateType = errors.New("wrong predicate type")
)

// SignatureError says no signature of the envelope verifies with the key.
type SignatureError struct {
	KeyID    string   // of the key given
	SignedBy []string // key ids the envelope's signatures name ("" when none)
}

func (e *SignatureError) Error() string {
	msg := "signature does not verify with key " + e.KeyID
	var other []string
	for _, id := range e.SignedBy {
		if id != "" && id != e.KeyID {
			other = append(other, id)
		}
	}
	if len(other) > 0 {
		msg += " (the envelope is signed by key " + strings.Join(other, ", ") + ")"
	}
	return msg
}

// Verify checks the envelope's signature with pub and returns the
// statement it carries. A signature counts when it verifies with pub and
// names pub's key id or none. Only the verified payload is decoded.
func Verify(ctx context.Context, envelope []byte, pub ed25519.PublicKey) (*Statement, error) {
	if len(pub) != ed25519.PublicKeySize {
		return nil, errors.New("attest: not an ed25519 public key")
	}
	if len(envelope) > MaxEnvelopeBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrMalformed, MaxEnvelopeBytes)
	}
	var env dsse.Envelope
	dec := json.NewDecoder(bytes.NewReader(envelope))
	if err := dec.Decode(&env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: more than one JSON value", ErrMalformed)
	}
	if env.Payload == "" || len(env.Signatures) == 0 {
		return nil, fmt.Errorf("%w: no payload or no signatures", ErrMalformed)
	}
	if _, err := env.DecodeB64Payload(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	key := ed25519Key{pub: pub, id: KeyID(pub)}
	v, err := dsse.NewEnvelopeVerifier(key)
	if err != nil {
		return nil, err
	}
	_, payload, err := v.VerifyAndDecode(ctx, &env)
	if err != nil {
		se := &SignatureError{KeyID: key.id}
		for _, s := range env.Signatures {
			se.SignedBy = append(se.SignedBy, s.KeyID)
		}
		return nil, se
	}
	// The payload type is covered by the signature; it must still be ours.
	if env.PayloadType != PayloadType {
		return nil, fmt.Errorf("%w %q, want %q", ErrPayloadType, env.PayloadType, PayloadType)
	}
	return DecodeStatement(payload)
}

// DecodeStatement reads a statement and checks that it is an in-toto
// Statement v1 with vouch's verdict predicate and usable subjects.
func DecodeStatement(payload []byte) (*Statement, error) {
	var raw struct {
		Type          string          `json:"_type"`
		Subject       []Subject       `json:"subject"`
		PredicateType string          `json:"predicateType"`
		Predicate     json.RawMessage `json:"predicate"`
	}
	if err := json.Unmarshal(payload, &raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStatement, err)
	}
	if raw.Type != StatementType {
		return nil, fmt.Errorf("%w: _type is %q", ErrStatement, raw.Type)
	}
	if len(raw.Subject) == 0 {
		return nil, fmt.Errorf("%w: no subject", ErrStatement)
	}
	for i, s := range raw.Subject {
		if len(s.Digest) == 0 {
			return nil, fmt.Errorf("%w: subject %d has no digest", ErrStatement, i)
		}
	}
	if raw.PredicateType != PredicateType {
		return nil, fmt.Errorf("%w %q, want %q", ErrPredicateType, raw.PredicateType, PredicateType)
	}
	st := &Statement{Type: raw.Type, Subject: raw.Subject, PredicateType: raw.PredicateType}
	if len(raw.Predicate) == 0 || string(raw.Predicate) == "null" {
		return nil, fmt.Errorf("%w: no predicate", ErrStatement)
	}
	if err := json.Unmarshal(raw.Predicate, &st.Predicate); err != nil {
		return nil, fmt.Errorf("%w: predicate: %v", ErrStatement, err)
	}
	return st, nil
}
