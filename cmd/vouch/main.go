// Command vouch inspects software releases for signs of tampering.
//
// Exit codes (contract v1): 0 nothing at or above --fail-on; 1 findings at
// or above it; 2 usage error; 3 the target could not be read.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/vouch-sec/vouch"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitTarget   = 3
)

func main() {
	// A soft heap limit makes the collector work harder before the process
	// grows, so hostile inputs stay within a few hundred megabytes.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(256 << 20)
	}
	os.Exit(run(os.Args[1:]))
}

// exitError carries an exit code out of a cobra command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func run(args []string) int {
	root := &cobra.Command{
		Use:           "vouch",
		Short:         "Catch trojanized software releases before anyone trusts them",
		Long:          "vouch unpacks a release (installer, package, archive or directory), judges every file inside\nand reports what it found, with an exit code a CI gate can use.",
		Version:       vouch.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newInspectCmd(), newDiffCmd(), newBaselineCmd(), newEvalCmd())
	root.AddCommand(newAttestCmd(), newKeygenCmd(), newVerifyAttestationCmd())
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	var te *vouch.TargetError
	var re *targetErr
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &te), errors.As(err, &re):
		fmt.Fprintf(os.Stderr, "vouch: error: %v\n", err)
		return exitTarget
	default:
		fmt.Fprintf(os.Stderr, "vouch: error: %v\n", err)
		fmt.Fprintln(os.Stderr, "vouch: hint: run 'vouch --help' for usage")
		return exitUsage
	}
}
