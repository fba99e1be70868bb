package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/policy"
)

func newBaselineCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Manage baselines of accepted findings",
	}
	var out, reason, expires string
	var all bool
	write := &cobra.Command{
		Use:   "write REPORT.json",
		Short: "Write a baseline that accepts the findings of a JSON report (inspect or diff)",
		Example: `  vouch diff old.msi new.msi --format json -o report.json --fail-on none
  vouch baseline write report.json --reason "reviewed for 1.0.1 by release team" -o vouch-baseline.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if reason == "" {
				return errors.New("--reason is required: say why these findings are accepted")
			}
			if expires != "" {
				if _, err := time.Parse(time.DateOnly, expires); err != nil {
					return fmt.Errorf("--expires %q: want YYYY-MM-DD", expires)
				}
			}
			findings, err := readReportFindings(args[0], all)
			if err != nil {
				return &targetErr{err}
			}
			w, closeOut, err := openOutput(out)
			if err != nil {
				return err
			}
			bl := policy.FromFindings(findings, reason, expires)
			if err := bl.Write(w); err != nil {
				closeOut()
				return err
			}
			if err := closeOut(); err != nil {
				return err
			}
			if out != "" && out != "-" {
				fmt.Fprintf(os.Stderr, "vouch: wrote %d baseline entries to %s\n", len(bl.Suppress), out)
			}
			return nil
		},
	}
	f := write.Flags()
	f.StringVarP(&out, "output", "o", "", "write the baseline here instead of stdout")
	f.StringVar(&reason, "reason", "", "why these findings are accepted (required; recorded in every entry)")
	f.StringVar(&expires, "expires", "", "YYYY-MM-DD after which the entries stop applying")
	f.BoolVar(&all, "include-existing", false, "for a diff report, also accept findings the old release already had")
	cmd.AddCommand(write)
	return cmd
}

// targetErr makes an unreadable report exit with code 3.
type targetErr struct{ err error }

func (e *targetErr) Error() string { return e.err.Error() }

// readReportFindings reads the findings of an inspect or diff JSON report.
func readReportFindings(p string, existing bool) ([]model.Finding, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<30))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Schema   string          `json:"schema"`
		Findings []model.Finding `json:"findings"`
		Existing []model.Finding `json:"existing"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: not a vouch JSON report: %w", p, err)
	}
	if doc.Schema != model.SchemaInspect && doc.Schema != model.SchemaDiff {
		return nil, fmt.Errorf("%s: schema %q is not a vouch report", p, doc.Schema)
	}
	if existing {
		doc.Findings = append(doc.Findings, doc.Existing...)
	}
	return doc.Findings, nil
}
