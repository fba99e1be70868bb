package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/attest"
	"github.com/vouch-sec/vouch/internal/model"
)

// verifyAttOptions are the flags of `vouch verify-attestation`.
type verifyAttOptions struct {
	pub    string
	failOn string
}

func newVerifyAttestationCmd() *cobra.Command {
	o := &verifyAttOptions{}
	cmd := &cobra.Command{
		Use:   "verify-attestation ATTESTATION --pub KEY TARGET",
		Short: "Check a signed verdict against a public key and a release",
		Long: `verify-attestation checks that ATTESTATION (from 'vouch attest') is signed by the public
key, that it is an in-toto Statement v1 carrying a vouch verdict, and that TARGET is its
subject: a file by its sha256, a directory by the name and sha256 of every file in it.
It then prints the attested verdict.

Exit codes: 0 valid; 1 the signature, statement or subject check failed (or, with
--fail-on, the attested verdict is at or above it); 2 usage error; 3 TARGET unreadable.`,
		Example: `  vouch verify-attestation TinyApp-1.0.1.msi.intoto.json --pub vouch.pub TinyApp-1.0.1.msi
  vouch verify-attestation dist.intoto.json --pub vouch.pub ./dist/ --fail-on high`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), cmd.OutOrStdout(), args[0], args[1])
		},
	}
	cmd.Flags().StringVar(&o.pub, "pub", "", "ed25519 public key (PKIX PEM) the attestation must be signed with (required)")
	cmd.Flags().StringVar(&o.failOn, "fail-on", "", "also fail (exit 1) when the attested verdict is at or above this severity")
	cmd.MarkFlagRequired("pub")
	return cmd
}

func (o *verifyAttOptions) run(ctx context.Context, w io.Writer, attPath, target string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	gate := model.SeverityCritical + 1
	if o.failOn != "" {
		var err error
		if gate, err = parseFailOn(o.failOn); err != nil {
			return err
		}
	}
	pubPEM, err := readKeyFile("pub", o.pub)
	if err != nil {
		return err
	}
	pub, err := attest.ParsePublicKey(pubPEM)
	if err != nil {
		return fmt.Errorf("--pub %s: %w", o.pub, err)
	}
	env, err := readAttestation(attPath)
	if err != nil {
		return err
	}

	st, err := attest.Verify(ctx, env, pub)
	if err != nil {
		var se *attest.SignatureError
		if errors.As(err, &se) {
			msg := fmt.Sprintf("signature does not verify with %s (key %s)", o.pub, se.KeyID)
			if other := otherKeys(se); other != "" {
				msg += "; the attestation is signed by key " + other
			}
			return verifyFailed(msg)
		}
		return verifyFailed(fmt.Sprintf("%s: %v", attPath, err))
	}
	local, err := attest.HashTarget(target)
	if err != nil {
		return &vouch.TargetError{Path: target, Err: err}
	}
	matched, err := st.Match(local)
	if err != nil {
		var se *attest.SubjectError
		if errors.As(err, &se) && se.Kind == "file" {
			return verifyFailed(fmt.Sprintf("%s's sha256 %s is not a subject of this attestation (it attests %s)",
				target, se.SHA256, describeSubjects(st.Subject)))
		}
		return verifyFailed(fmt.Sprintf("%s does not match this attestation: %v", target, err))
	}

	p := st.Predicate
	fmt.Fprintf(w, "attestation OK: signed by %s (key %s)\n", o.pub, attest.KeyID(pub))
	if local.Kind == "file" {
		fmt.Fprintf(w, "subject:  %s sha256:%s\n", printable(matched[0].Name), printable(matched[0].SHA256()))
	} else {
		fmt.Fprintf(w, "subject:  %d files of %s, all attested\n", len(matched), target)
	}
	verdict := p.Verdict
	if p.Passed {
		verdict += " (passed --fail-on " + p.FailOn + ")"
	} else {
		verdict += " (fails --fail-on " + p.FailOn + ")"
	}
	fmt.Fprintf(w, "verdict:  %s\n", printable(verdict))
	fmt.Fprintf(w, "findings: %d (critical %d, high %d, medium %d, low %d)",
		p.FindingsTotal, p.Counts["critical"], p.Counts["high"], p.Counts["medium"], p.Counts["low"])
	if p.Existing+p.Suppressed > 0 {
		fmt.Fprintf(w, ", %d existing, %d suppressed", p.Existing, p.Suppressed)
	}
	fmt.Fprintln(w)
	for _, f := range p.Findings {
		fmt.Fprintf(w, "  %-8s %s  %s: %s\n", printable(f.Severity), printable(f.ID), printable(f.Path), printable(f.Title))
	}
	if prev := p.Previous; prev != nil {
		fmt.Fprintf(w, "previous: %s sha256:%s\n", printable(prev.Path), printable(prev.SHA256))
	}
	fmt.Fprintf(w, "tool:     %s %s, rules %s (%d files)\n", printable(p.Tool.Name), printable(p.Tool.Version), printable(p.Rules.Digest), p.Rules.Files)

	if o.failOn == "" {
		return nil
	}
	sev, err := model.ParseSeverity(p.Verdict)
	if err != nil {
		return verifyFailed(fmt.Sprintf("the attested verdict %q is not a severity", p.Verdict))
	}
	if sev >= gate && sev > model.SeverityNone {
		fmt.Fprintf(os.Stderr, "vouch: the attested verdict %s is at or above --fail-on %s\n", p.Verdict, o.failOn)
		return exitError{exitFindings}
	}
	return nil
}

// verifyFailed reports a failed check on stderr and exits 1.
func verifyFailed(msg string) error {
	fmt.Fprintf(os.Stderr, "vouch: attestation REJECTED: %s\n", printable(msg))
	return exitError{exitFindings}
}

// readAttestation reads an attestation file, bounded.
func readAttestation(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("attestation: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, attest.MaxEnvelopeBytes+1))
	if err != nil {
		return nil, fmt.Errorf("attestation: %w", err)
	}
	return b, nil
}

func otherKeys(se *attest.SignatureError) string {
	var ids []string
	for _, id := range se.SignedBy {
		if id != "" && id != se.KeyID {
			ids = append(ids, id)
		}
	}
	return strings.Join(ids, ", ")
}

// describeSubjects names the first subjects of a statement.
func describeSubjects(s []attest.Subject) string {
	const show = 3
	var parts []string
	for i, x := range s {
		if i == show {
			parts = append(parts, fmt.Sprintf("and %d more", len(s)-show))
			break
		}
		parts = append(parts, fmt.Sprintf("%s sha256:%s", printable(x.Name), printable(x.SHA256())))
	}
	return strings.Join(parts, ", ")
}

// printable replaces control characters: names and titles in a statement
// come from the artifacts and must not drive the terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return '?'
		}
		return r
	}, s)
}
