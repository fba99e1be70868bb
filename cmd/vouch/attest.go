package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/vouch-sec/vouch/internal/attest"
	"github.com/vouch-sec/vouch/internal/rules"
)

// attestOptions are the flags of `vouch attest`: the inspection flags that
// shape a verdict, and the signing key.
type attestOptions struct {
	inspect inspectOptions
	key     string
	diff    bool
}

// attestInspectFlags are the flags of `vouch inspect` that attest shares.
// Output-format flags stay with inspect: attest writes an envelope.
var attestInspectFlags = []string{
	"output", "fail-on", "progress", "workers", "trust-root", "no-system-roots", "rules", "ioc",
	"baseline", "reference",
	"max-depth", "max-total-bytes", "max-file-bytes", "max-ratio", "max-members", "max-total-members",
	"file-timeout", "memory",
}

func newAttestCmd() *cobra.Command {
	o := &attestOptions{}
	cmd := &cobra.Command{
		Use:   "attest TARGET --key KEY | attest --diff OLD NEW --key KEY",
		Short: "Inspect (or diff) a release and sign the verdict (in-toto statement in a DSSE envelope)",
		Long: `attest inspects TARGET like 'vouch inspect' (or compares OLD and NEW like 'vouch diff')
and writes a signed attestation of the verdict: an in-toto Statement v1 whose subject is
the release's sha256 (each file's, for a directory; NEW's, for a diff) and whose predicate
(` + attest.PredicateType + `) holds the verdict, the --fail-on gate,
counts of findings by severity, the most severe findings, the tool and rule-set versions
and, for a diff, OLD's digest. It is a DSSE envelope signed with an ed25519 key from
'vouch keygen'; 'vouch verify-attestation' checks it. The exit code follows the verdict
as for inspect and diff; the attestation of a failing release is written too.`,
		Example: `  vouch keygen --out vouch.key
  vouch attest TinyApp-1.0.1.msi --key vouch.key -o TinyApp-1.0.1.msi.intoto.json
  vouch attest --diff TinyApp-1.0.0.msi TinyApp-1.0.1.msi --key vouch.key -o TinyApp-1.0.1.msi.intoto.json
  vouch attest ./dist/ --key vouch.key --fail-on medium -o dist.intoto.json`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args) },
	}
	shared := &cobra.Command{}
	o.inspect.addFlags(shared)
	for _, name := range attestInspectFlags {
		cmd.Flags().AddFlag(shared.Flags().Lookup(name))
	}
	cmd.Flags().Lookup("output").Usage = "write the attestation to this file instead of stdout"
	cmd.Flags().StringVar(&o.key, "key", "", "ed25519 private key (PKCS#8 PEM) from 'vouch keygen' (required)")
	cmd.Flags().BoolVar(&o.diff, "diff", false, "compare OLD and NEW like 'vouch diff' and attest NEW")
	cmd.MarkFlagRequired("key")
	return cmd
}

func (o *attestOptions) run(ctx context.Context, args []string) error {
	switch {
	case o.diff && len(args) != 2:
		return fmt.Errorf("attest --diff takes OLD and NEW, got %d argument(s)", len(args))
	case !o.diff && len(args) != 1:
		return fmt.Errorf("attest takes one TARGET (or --diff OLD NEW), got %d arguments", len(args))
	case len(o.inspect.outputs) > 1:
		return fmt.Errorf("attest writes one attestation: give --output once")
	}
	failOn, err := parseFailOn(o.inspect.failOn)
	if err != nil {
		return err
	}
	key, err := loadPrivateKey(o.key)
	if err != nil {
		return err
	}

	doc, err := o.inspect.analyse(ctx, args...)
	if err != nil {
		return err
	}
	rs, err := ruleSet(&o.inspect)
	if err != nil {
		return err
	}
	opts := attest.Options{FailOn: failOn, Rules: rs}
	var st *attest.Statement
	if doc.Diff != nil {
		st, err = attest.ForDiff(doc.Diff, opts)
	} else {
		st, err = attest.ForReport(doc.Inspect, opts)
	}
	if err != nil {
		return err
	}
	return writeAttestation(orBackground(ctx), st, key, o.inspect.output())
}

// writeAttestation signs st and writes the envelope, then turns a failed
// gate into exit code 1. The output file is only created once there is
// something to write.
func writeAttestation(ctx context.Context, st *attest.Statement, key ed25519.PrivateKey, output string) error {
	env, err := attest.Sign(ctx, st, key)
	if err != nil {
		return fmt.Errorf("signing: %w", err)
	}
	out, closeOut, err := openOutput(output)
	if err != nil {
		return err
	}
	_, err = out.Write(env)
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing attestation: %w", err)
	}
	p := st.Predicate
	if output != "" && output != "-" {
		gate := "passed"
		if !p.Passed {
			gate = "fails"
		}
		fmt.Fprintf(os.Stderr, "vouch: attested %s: verdict %s (%s --fail-on %s), key %s, written to %s\n",
			p.Target.Path, p.Verdict, gate, p.FailOn, attest.KeyID(key.Public().(ed25519.PublicKey)), output)
	}
	if !p.Passed {
		return exitError{exitFindings}
	}
	return nil
}

// ruleSet names the rules a verdict was reached with: the embedded ones,
// and by digest each file of --rules, --ioc, --baseline and --reference.
func ruleSet(o *inspectOptions) (attest.RuleSet, error) {
	v, err := rules.Version()
	if err != nil {
		return attest.RuleSet{}, err
	}
	rs := attest.RuleSet{Digest: v.Digest, Files: v.Files, Engine: rules.DefaultEngine().Name()}
	if len(o.rules) > 0 {
		srcs, err := rules.ReadUserRules(o.rules)
		if err != nil {
			return rs, fmt.Errorf("--rules: %w", err)
		}
		for _, s := range srcs {
			rs.Extra = append(rs.Extra, attest.ExtraRules{Kind: "rules", Path: s.Name, SHA256: sha256Hex(s.Text)})
		}
	}
	byKind := map[string][]string{"ioc": o.iocs, "reference": o.refs}
	if o.baseline != "" {
		byKind["baseline"] = []string{o.baseline}
	}
	for _, kind := range []string{"ioc", "baseline", "reference"} {
		for _, p := range byKind[kind] {
			b, err := os.ReadFile(p)
			if err != nil {
				return rs, fmt.Errorf("--%s: %w", kind, err)
			}
			rs.Extra = append(rs.Extra, attest.ExtraRules{Kind: kind, Path: p, SHA256: sha256Hex(b)})
		}
	}
	return rs, nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// maxKeyFile bounds a key file read: PEM keys are a few hundred bytes.
const maxKeyFile = 1 << 20

// readKeyFile reads a small PEM file named by flag.
func readKeyFile(flag, path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flag, err)
	}
	if !st.Mode().IsRegular() || st.Size() > maxKeyFile {
		return nil, fmt.Errorf("--%s %s: not a key file", flag, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flag, err)
	}
	return b, nil
}

// loadPrivateKey reads the signing key and warns when others may read it.
func loadPrivateKey(path string) (ed25519.PrivateKey, error) {
	b, err := readKeyFile("key", path)
	if err != nil {
		return nil, err
	}
	k, err := attest.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("--key %s: %w", path, err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(os.Stderr, "vouch: warning: private key %s is readable by others (mode %v); chmod 600 it\n", path, st.Mode().Perm())
	}
	return k, nil
}
