package attest_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vouch-sec/vouch/internal/attest"
)

// FuzzVerify feeds envelopes to Verify with a fixed public key. Whatever
// it accepts must be a statement of vouch's verdict predicate.
// Seeds: testdata/fuzz/FuzzVerify (a valid envelope signed with testKey(1),
// tampered ones, other JSON).
func FuzzVerify(f *testing.F) {
	pub := pubOf(testKey(1))
	f.Fuzz(func(t *testing.T, env []byte) {
		st, err := attest.Verify(context.Background(), env, pub)
		if err != nil {
			return
		}
		if st.Type != attest.StatementType || st.PredicateType != attest.PredicateType || len(st.Subject) == 0 {
			t.Fatalf("accepted a statement of the wrong shape: %+v", st)
		}
	})
}

// FuzzDecodeStatement feeds payloads to DecodeStatement: what it accepts
// must encode and decode to the same statement.
func FuzzDecodeStatement(f *testing.F) {
	f.Fuzz(func(t *testing.T, payload []byte) {
		st, err := attest.DecodeStatement(payload)
		if err != nil {
			return
		}
		b, err := json.Marshal(st)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		again, err := attest.DecodeStatement(b)
		if err != nil {
			t.Fatalf("decoding the re-encoded statement: %v\n%s", err, b)
		}
		if d := cmp.Diff(st, again); d != "" {
			t.Fatalf("round trip (-first +second):\n%s", d)
		}
	})
}
