package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/signal"

	"github.com/spf13/cobra"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/attest"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/rules"
)

// attestOptions are the flags of `vouch attest`: the inspection flags that
// shape a verdict, and the signing key.
type attestOptions struct {
	inspect inspectOptions
	key     string
}

// attestInspectFlags are the flags of `vouch inspect` that attest shares.
// Output-format flags stay with inspect: attest writes an envelope.
var attestInspectFlags = []string{
	"output", "fail-on", "progress", "workers", "trust-root", "no-system-roots", "rules", "ioc",
	"max-depth", "max-total-bytes", "max-file-bytes", "max-ratio", "max-members", "max-total-members",
	"file-timeout", "memory",
}

func newAttestCmd() *cobra.Command {
	o := &attestOptions{}
	cmd := &cobra.Command{
		Use:   "attest TARGET --key KEY",
		Short: "Inspect a release and sign the verdict (in-toto statement in a DSSE envelope)",
		Long: `attest inspects TARGET like 'vouch inspect' and writes a signed attestation of the
verdict: an in-toto Statement v1 whose subject is TARGET's sha256 (each file's, for a
directory) and whose predicate (` + attest.PredicateType + `) holds the
verdict, the --fail-on gate, counts of findings by severity, the most severe findings
and the tool and rule-set versions. It is a DSSE envelope signed with an ed25519 key from
'vouch keygen'; 'vouch verify-attestation' checks it. The exit code follows the verdict
as for inspect; the attestation of a failing release is written too.`,
		Example: `  vouch keygen --out vouch.key
  vouch attest TinyApp-1.0.1.msi --key vouch.key -o TinyApp-1.0.1.msi.intoto.json
  vouch attest ./dist/ --key vouch.key --fail-on medium -o dist.intoto.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args[0]) },
	}
	shared := &cobra.Command{}
	o.inspect.addFlags(shared)
	for _, name := range attestInspectFlags {
		cmd.Flags().AddFlag(shared.Flags().Lookup(name))
	}
	cmd.Flags().Lookup("output").Usage = "write the attestation to this file instead of stdout"
	cmd.Flags().StringVar(&o.key, "key", "", "ed25519 private key (PKCS#8 PEM) from 'vouch keygen' (required)")
	cmd.MarkFlagRequired("key")
	return cmd
}

func (o *attestOptions) run(ctx context.Context, target string) error {
	failOn, err := parseFailOn(o.inspect.failOn)
	if err != nil {
		return err
	}
	key, err := loadPrivateKey(o.key)
	if err != nil {
		return err
	}
	rep, err := inspectTarget(ctx, &o.inspect, target)
	if err != nil {
		return err
	}
	rs, err := ruleSet(o.inspect.rules, o.inspect.iocs)
	if err != nil {
		return err
	}
	st, err := attest.ForReport(rep, attest.Options{FailOn: failOn, Rules: rs})
	if err != nil {
		return err
	}
	return writeAttestation(ctx, st, key, o.inspect.output())
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
	defer closeOut()
	if _, err := out.Write(env); err != nil {
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

// inspectTarget runs an inspection with the inspect flags of o, with the
// progress bar and Ctrl-C handling of `vouch inspect`.
func inspectTarget(ctx context.Context, o *inspectOptions, target string) (*model.Report, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	prog := &vouch.Progress{}
	stopBar := startProgress(o.progress, prog, "inspecting")
	rep, err := vouch.Inspect(ctx, target, o.libOptions(prog))
	stopBar()
	return rep, err
}

// ruleSet names the rules a verdict was reached with: the embedded ones
// and each --rules and --ioc file by digest.
func ruleSet(rulePaths, iocPaths []string) (attest.RuleSet, error) {
	v, err := rules.Version()
	if err != nil {
		return attest.RuleSet{}, err
	}
	rs := attest.RuleSet{Digest: v.Digest, Files: v.Files, Engine: rules.DefaultEngine().Name()}
	if len(rulePaths) > 0 {
		srcs, err := rules.ReadUserRules(rulePaths)
		if err != nil {
			return rs, fmt.Errorf("--rules: %w", err)
		}
		for _, s := range srcs {
			rs.Extra = append(rs.Extra, attest.ExtraRules{Kind: "rules", Path: s.Name, SHA256: sha256Hex(s.Text)})
		}
	}
	for _, p := range iocPaths {
		b, err := os.ReadFile(p)
		if err != nil {
			return rs, fmt.Errorf("--ioc: %w", err)
		}
		rs.Extra = append(rs.Extra, attest.ExtraRules{Kind: "ioc", Path: p, SHA256: sha256Hex(b)})
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
