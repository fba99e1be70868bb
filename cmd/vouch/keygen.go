package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vouch-sec/vouch/internal/attest"
)

// keygenOptions are the flags of `vouch keygen`.
type keygenOptions struct {
	out   string
	force bool
}

func newKeygenCmd() *cobra.Command {
	o := &keygenOptions{}
	cmd := &cobra.Command{
		Use:   "keygen [--out vouch.key]",
		Short: "Make an ed25519 key pair for signing attestations",
		Long: `keygen writes an ed25519 private key (PKCS#8 PEM, mode 0600) to --out and its public key
(PKIX PEM) beside it, with .pub in place of .key. Keep the private key secret (a CI
secret); hand the public key to whoever verifies attestations. The key id recorded in
signatures is the sha256 of the public key's DER encoding.`,
		Example: `  vouch keygen --out vouch.key   # writes vouch.key and vouch.pub`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, args []string) error { return o.run() },
	}
	cmd.Flags().StringVarP(&o.out, "out", "o", "vouch.key", "private key file; the public key goes to the same name with .pub")
	cmd.Flags().BoolVar(&o.force, "force", false, "replace existing key files")
	return cmd
}

// pubPath is where keygen puts the public key of private key file p.
func pubPath(p string) string { return strings.TrimSuffix(p, ".key") + ".pub" }

func (o *keygenOptions) run() error {
	pub := pubPath(o.out)
	if !o.force {
		for _, p := range []string{o.out, pub} {
			if _, err := os.Lstat(p); err == nil {
				return fmt.Errorf("%s exists; a new key would orphan every attestation made with it (use --force to replace it)", p)
			}
		}
	}
	privPEM, pubPEM, err := attest.GenerateKey(nil)
	if err != nil {
		return err
	}
	if err := writeNew(o.out, privPEM, 0o600, o.force); err != nil {
		return err
	}
	if err := writeNew(pub, pubPEM, 0o644, o.force); err != nil {
		os.Remove(o.out) // no private key without its public half
		return err
	}
	k, err := attest.ParsePublicKey(pubPEM)
	if err != nil {
		return err
	}
	fmt.Printf("private key: %s (keep it secret)\npublic key:  %s\nkey id:      %s\n", o.out, pub, attest.KeyID(k))
	return nil
}

// writeNew creates p with mode perm, replacing an existing file only when
// replace is set. The file is made anew, so an old file's looser mode does
// not carry over to a private key.
func writeNew(p string, data []byte, perm fs.FileMode, replace bool) error {
	if replace {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
