package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/vouch-sec/vouch"
	"github.com/vouch-sec/vouch/internal/model"
	"github.com/vouch-sec/vouch/internal/report"
)

// inspectOptions are the flags of `vouch inspect`.
type inspectOptions struct {
	format   string
	output   string
	failOn   string
	verbose  bool
	color    string
	progress string
	workers  int
	limits   limitFlags
	trust    []string
	noSystem bool
	rules    []string
	iocs     []string
}

type limitFlags struct {
	maxDepth        int
	maxTotalBytes   int64
	maxFileBytes    int64
	maxRatio        float64
	maxMembers      int
	maxTotalMembers int
	fileTimeout     time.Duration
	memory          int64
}

func (o *inspectOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", "", "output format: terminal, json (default: terminal on a TTY, else json)")
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of stdout")
	f.StringVar(&o.failOn, "fail-on", "high", "exit 1 when a finding is at or above this severity: low, medium, high, critical, none (never)")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "list every file and finding in terminal output")
	f.StringVar(&o.color, "color", "auto", "colour terminal output: auto, always, never")
	f.StringVar(&o.progress, "progress", "auto", "progress bar on stderr: auto (only on a terminal), always, never")
	f.IntVarP(&o.workers, "workers", "j", 0, "analysis workers (default: one per CPU)")
	f.StringArrayVar(&o.trust, "trust-root", nil, "PEM file of extra root certificates for signature chains (repeatable)")
	f.BoolVar(&o.noSystem, "no-system-roots", false, "trust only --trust-root certificates, not the system's")
	f.StringArrayVar(&o.rules, "rules", nil, "YARA rule file, or directory of *.yar/*.yara files, to scan every file with; matches are findings (repeatable)")
	f.StringArrayVar(&o.iocs, "ioc", nil, "file listing sha256/sha1/md5 hashes, domains, URLs and IPs, one per line, # comments; hits are findings (repeatable)")
	d := vouch.DefaultLimits()
	l := &o.limits
	f.IntVar(&l.maxDepth, "max-depth", d.MaxDepth, "limit: containers nested deeper than this are not unpacked")
	f.Int64Var(&l.maxTotalBytes, "max-total-bytes", d.MaxTotalBytes, "limit: bytes expanded from all containers together")
	f.Int64Var(&l.maxFileBytes, "max-file-bytes", d.MaxFileBytes, "limit: expanded bytes of one member")
	f.Float64Var(&l.maxRatio, "max-ratio", d.MaxRatio, "limit: expanded/compressed ratio of one container (checked past 64 MiB of output)")
	f.IntVar(&l.maxMembers, "max-members", d.MaxMembers, "limit: members listed from one container")
	f.IntVar(&l.maxTotalMembers, "max-total-members", d.MaxTotalMembers, "limit: files listed in the whole release")
	f.DurationVar(&l.fileTimeout, "file-timeout", d.FileTimeout, "limit: analysis time of one file")
	f.Int64Var(&l.memory, "memory", d.MemoryBytes, "expanded bytes held in memory before spilling to a private temp dir")
}

func (l limitFlags) toLimits() vouch.Limits {
	d := vouch.DefaultLimits()
	d.MaxDepth, d.MaxTotalBytes, d.MaxFileBytes, d.MaxRatio = l.maxDepth, l.maxTotalBytes, l.maxFileBytes, l.maxRatio
	d.MaxMembers, d.MaxTotalMembers, d.FileTimeout, d.MemoryBytes = l.maxMembers, l.maxTotalMembers, l.fileTimeout, l.memory
	return d
}

func newInspectCmd() *cobra.Command {
	o := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect TARGET",
		Short: "Unpack a release and judge every file in it",
		Example: `  vouch inspect TinyApp-1.0.1.msi
  vouch inspect TinyApp-1.0.1.msi --format json
  vouch inspect ./unpacked-release-dir/
  vouch inspect chalk-5.6.1.tgz --fail-on medium`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args[0]) },
	}
	o.addFlags(cmd)
	return cmd
}

func (o *inspectOptions) run(ctx context.Context, target string) error {
	failOn, err := parseFailOn(o.failOn)
	if err != nil {
		return err
	}
	out, closeOut, err := openOutput(o.output)
	if err != nil {
		return err
	}
	defer closeOut()
	format := o.format
	if format == "" {
		format = "json"
		if o.output == "" && isTerminal(os.Stdout) {
			format = "terminal"
		}
	}
	r, err := report.ByID(format)
	if err != nil {
		return err
	}
	lim := o.limits.toLimits()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()

	prog := &vouch.Progress{}
	stopBar := startProgress(o.progress, prog)
	rep, err := vouch.Inspect(ctx, target, vouch.Options{
		Limits: lim, Workers: o.workers, Progress: prog, TrustRoots: o.trust, NoSystemRoots: o.noSystem,
		Rules: o.rules, IOCs: o.iocs,
	})
	stopBar()
	if err != nil {
		return err
	}
	ropts := report.Options{Color: wantColor(o.color, out), Verbose: o.verbose, FailOn: failOn}
	if err := r.Render(out, report.Document{Inspect: rep}, ropts); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	if rep.Verdict >= failOn && rep.Verdict > model.SeverityNone {
		return exitError{exitFindings}
	}
	return nil
}

// parseFailOn reads --fail-on; "none" means never fail.
func parseFailOn(s string) (model.Severity, error) {
	if s == "none" || s == "never" {
		return model.SeverityCritical + 1, nil
	}
	sev, err := model.ParseSeverity(s)
	if err != nil {
		return 0, fmt.Errorf("--fail-on: %w", err)
	}
	if sev == model.SeverityNone {
		return model.SeverityCritical + 1, nil
	}
	return sev, nil
}

func openOutput(p string) (io.Writer, func(), error) {
	if p == "" || p == "-" {
		return os.Stdout, func() {}, nil
	}
	f, err := os.Create(p)
	if err != nil {
		return nil, nil, fmt.Errorf("--output: %w", err)
	}
	return f, func() { f.Close() }, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func wantColor(mode string, w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	return isTerminal(w) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// startProgress shows a bar on stderr while the engine runs, only on a
// terminal unless asked. It returns a function that clears it.
func startProgress(mode string, p *vouch.Progress) func() {
	if mode == "never" || (mode != "always" && !isTerminal(os.Stderr)) {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var bar *progressbar.ProgressBar
		tick := time.NewTicker(150 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				if bar != nil {
					bar.Clear()
				}
				return
			case <-tick.C:
				if bar == nil {
					total := p.Total.Load()
					if total <= 0 {
						total = -1
					}
					bar = progressbar.NewOptions64(total,
						progressbar.OptionSetWriter(os.Stderr),
						progressbar.OptionShowBytes(true),
						progressbar.OptionSetDescription("inspecting"),
						progressbar.OptionShowElapsedTimeOnFinish(),
						progressbar.OptionSetPredictTime(true),
						progressbar.OptionSetWidth(30),
						progressbar.OptionThrottle(100*time.Millisecond),
						progressbar.OptionClearOnFinish(),
					)
				}
				bar.Describe(fmt.Sprintf("inspecting: %d files", p.Files.Load()))
				bar.Set64(p.Bytes.Load())
			}
		}
	}()
	return func() { close(done); <-finished }
}
