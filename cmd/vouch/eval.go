package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/eval"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/realdata"
)

type evalOptions struct {
	corpus, pairs, data, format, output string
	noPairs                             bool
	minRecall                           float64
	only                                []string
}

func newEvalCmd() *cobra.Command {
	o := &evalOptions{}
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure recall on the attack-shape corpus and noise on real benign release pairs",
		Long: `eval diffs every case of the attack-shape corpus (clean → compromised must be caught,
clean → benign next must stay below high) and every real benign release pair that has been
fetched (scripts/fetch-real-data.sh), and prints a detection matrix, the findings at medium or
above on benign pairs, and throughput. It exits 1 when recall is below 100% or a benign
version or pair gets a high finding. Run it from the repository.`,
		Example: `  vouch eval
  vouch eval --no-pairs --format json -o eval.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context()) },
	}
	f := cmd.Flags()
	f.StringVar(&o.corpus, "corpus", "testdata/corpus", "directory of the attack-shape corpus (with cases.json)")
	f.StringVar(&o.pairs, "pairs", "", "JSON list of real benign release pairs (default: the list scripts/fetch-real-data.sh fetches)")
	f.StringVar(&o.data, "data", realdata.Dir(), "directory of fetched real releases ($VOUCH_TESTDATA or ~/.cache/vouch-testdata)")
	f.BoolVar(&o.noPairs, "no-pairs", false, "skip the real benign pairs")
	f.Float64Var(&o.minRecall, "min-recall", 1, "fail when recall on the corpus is below this fraction (1 = every expectation)")
	f.StringArrayVar(&o.only, "case", nil, "run only this corpus case or pair id (repeatable)")
	f.StringVarP(&o.format, "format", "f", "markdown", "output format: markdown, json")
	f.StringVarP(&o.output, "output", "o", "", "write the result here instead of stdout")
	return cmd
}

func (o *evalOptions) selected(id string) bool {
	if len(o.only) == 0 {
		return true
	}
	for _, s := range o.only {
		if s == id {
			return true
		}
	}
	return false
}

func (o *evalOptions) run(ctx context.Context) error {
	if o.format != "markdown" && o.format != "json" {
		return fmt.Errorf("--format %q: want markdown or json", o.format)
	}
	cases, err := eval.LoadCases(o.corpus)
	if err != nil {
		return fmt.Errorf("--corpus: %w", err)
	}
	ctx, stop := signal.NotifyContext(orBackground(ctx), os.Interrupt)
	defer stop()
	run := func(ctx context.Context, old, new string, roots []string) (*model.DiffReport, error) {
		return vouch.Diff(ctx, old, new, vouch.Options{TrustRoots: roots})
	}
	var res eval.Result
	for _, c := range cases {
		if !o.selected(c.ID) {
			continue
		}
		fmt.Fprintf(os.Stderr, "vouch eval: case %s\n", c.ID)
		res.Cases = append(res.Cases, eval.RunCase(ctx, c, run))
	}
	if !o.noPairs {
		pairs, err := o.loadPairs()
		if err != nil {
			return fmt.Errorf("--pairs: %w", err)
		}
		for _, p := range pairs {
			if !o.selected(p.ID) {
				continue
			}
			fmt.Fprintf(os.Stderr, "vouch eval: pair %s\n", p.ID)
			res.Pairs = append(res.Pairs, eval.RunPair(ctx, p, run))
		}
	}
	res.Summarise()
	w, closeOut, err := openOutput(o.output)
	if err != nil {
		return err
	}
	if o.format == "json" {
		err = res.WriteJSON(w)
	} else {
		err = res.WriteMarkdown(w, o.minRecall)
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if why := res.Failed(o.minRecall); why != "" {
		fmt.Fprintf(os.Stderr, "vouch eval: FAILED: %s\n", why)
		return exitError{exitFindings}
	}
	return nil
}

func (o *evalOptions) loadPairs() ([]eval.Pair, error) {
	list, err := realdata.Pairs()
	if o.pairs != "" {
		var b []byte
		if b, err = os.ReadFile(o.pairs); err == nil {
			list = nil
			err = json.Unmarshal(b, &list)
		}
	}
	if err != nil {
		return nil, err
	}
	var out []eval.Pair
	for _, r := range list {
		out = append(out, eval.Pair{ID: r.ID, Old: filepath.Join(o.data, r.Old), New: filepath.Join(o.data, r.New)})
	}
	return out, nil
}
