package main

import (
	"context"

	"github.com/spf13/cobra"
)

func newDiffCmd() *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Compare a release with its predecessor and judge what changed",
		Long: `diff inspects two releases at once and reports what changed that should not have:
capabilities a component gained, new endpoints, signer changes, bytes changed outside a
signature, install hooks, dependencies and files where code is not expected.
Only what is new counts toward the verdict; what the old release already had is context.
OLD and NEW may be any target inspect accepts, also of different formats.`,
		Example: `  vouch diff TinyApp-1.0.0.msi TinyApp-1.0.1.msi
  vouch diff old/ new/ --format json
  vouch diff pkg-2.4.0.tgz pkg-2.4.1.tgz --fail-on medium
  vouch diff a.deb b.deb --baseline vouch-baseline.yaml -o diff.sarif -o diff.html`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiff(cmd.Context(), o, args[0], args[1])
		},
	}
	o.addFlags(cmd)
	return cmd
}

func runDiff(ctx context.Context, o *inspectOptions, old, new string) error {
	failOn, outs, err := o.prepare()
	if err != nil {
		return err
	}
	doc, err := o.analyse(ctx, old, new)
	if err != nil {
		return err
	}
	return o.finish(outs, doc, failOn)
}
