package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
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
	outputs  []string
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
	baseline string
	refs     []string
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
	f.StringVarP(&o.format, "format", "f", "", "format of the report on stdout: "+formatList()+" (default: terminal on a TTY, else json)")
	f.StringArrayVarP(&o.outputs, "output", "o", nil, "write the report to this file instead of stdout, in the format its name says (.json, .sarif, .md, .html, .cdx.json, .spdx.json, .txt) or --format; repeatable")
	f.StringVar(&o.failOn, "fail-on", "high", "exit 1 when a finding is at or above this severity: low, medium, high, critical, none (never)")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "list every file and finding in terminal output")
	f.StringVar(&o.color, "color", "auto", "colour terminal output: auto, always, never")
	f.StringVar(&o.progress, "progress", "auto", "progress bar on stderr: auto (only on a terminal), always, never")
	f.IntVarP(&o.workers, "workers", "j", 0, "analysis workers (default: one per CPU)")
	f.StringArrayVar(&o.trust, "trust-root", nil, "PEM file of extra root certificates for signature chains (repeatable)")
	f.BoolVar(&o.noSystem, "no-system-roots", false, "trust only --trust-root certificates, not the system's")
	f.StringArrayVar(&o.rules, "rules", nil, "YARA rule file, or directory of *.yar/*.yara files, to scan every file with; matches are findings (repeatable)")
	f.StringArrayVar(&o.iocs, "ioc", nil, "file listing sha256/sha1/md5 hashes, domains, URLs and IPs, one per line, # comments; hits are findings (repeatable)")
	f.StringVar(&o.baseline, "baseline", "", "YAML file of accepted findings (id, path, optional sha256, reason, optional expiry): suppressed but counted")
	f.StringArrayVar(&o.refs, "reference", nil, "YAML table of known-good builds of redistributable components; a file claiming to be one but matching none is a finding (repeatable)")
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
	failOn, outs, err := o.prepare()
	if err != nil {
		return err
	}
	doc, err := o.analyse(ctx, target)
	if err != nil {
		return err
	}
	return o.finish(outs, doc, failOn)
}

// analyse inspects one target or compares two (OLD, NEW), with Ctrl-C
// handling and the progress bar on stderr.
func (o *inspectOptions) analyse(ctx context.Context, targets ...string) (report.Document, error) {
	ctx, stop := signal.NotifyContext(orBackground(ctx), os.Interrupt)
	defer stop()
	prog := &vouch.Progress{}
	verb := "inspecting"
	if len(targets) == 2 {
		verb = "comparing"
	}
	stopBar := startProgress(o.progress, prog, verb)
	defer stopBar()
	if len(targets) == 2 {
		d, err := vouch.Diff(ctx, targets[0], targets[1], o.libOptions(prog))
		return report.Document{Diff: d}, err
	}
	r, err := vouch.Inspect(ctx, targets[0], o.libOptions(prog))
	return report.Document{Inspect: r}, err
}

// libOptions are the library options the flags ask for.
func (o *inspectOptions) libOptions(prog *vouch.Progress) vouch.Options {
	return vouch.Options{
		Limits: o.limits.toLimits(), Workers: o.workers, Progress: prog, TrustRoots: o.trust, NoSystemRoots: o.noSystem,
		Rules: o.rules, IOCs: o.iocs, Baseline: o.baseline, References: o.refs,
	}
}

// output is one destination of the report.
type output struct {
	path     string // "" for stdout
	renderer report.Renderer
}

// prepare checks the flags before any work: the gate and every output's
// format.
func (o *inspectOptions) prepare() (model.Severity, []output, error) {
	failOn, err := parseFailOn(o.failOn)
	if err != nil {
		return 0, nil, err
	}
	var outs []output
	if len(o.outputs) == 0 || (len(o.outputs) == 1 && o.outputs[0] == "-") {
		format := o.format
		if format == "" {
			format = "json"
			if isTerminal(os.Stdout) {
				format = "terminal"
			}
		}
		r, err := report.ByID(format)
		if err != nil {
			return 0, nil, err
		}
		return failOn, []output{{renderer: r}}, nil
	}
	for _, p := range o.outputs {
		id := formatOf(p)
		if id == "" || (o.format != "" && len(o.outputs) == 1) {
			id = o.format
		}
		if id == "" {
			return 0, nil, fmt.Errorf("--output %q: cannot tell the format from the name; use --format or a name ending in .json, .sarif, .md, .html, .cdx.json, .spdx.json or .txt", p)
		}
		r, err := report.ByID(id)
		if err != nil {
			return 0, nil, fmt.Errorf("--output %q: %w", p, err)
		}
		outs = append(outs, output{path: p, renderer: r})
	}
	return failOn, outs, nil
}

// formatOf guesses a report format from a file name.
func formatOf(p string) string {
	l := strings.ToLower(p)
	switch {
	case strings.HasSuffix(l, ".cdx.json"), strings.HasSuffix(l, ".cyclonedx.json"):
		return "cyclonedx"
	case strings.HasSuffix(l, ".spdx.json"):
		return "spdx"
	case strings.HasSuffix(l, ".sarif"), strings.HasSuffix(l, ".sarif.json"):
		return "sarif"
	case strings.HasSuffix(l, ".json"):
		return "json"
	case strings.HasSuffix(l, ".md"), strings.HasSuffix(l, ".markdown"):
		return "markdown"
	case strings.HasSuffix(l, ".html"), strings.HasSuffix(l, ".htm"):
		return "html"
	case strings.HasSuffix(l, ".txt"):
		return "terminal"
	}
	return ""
}

func formatList() string {
	var ids []string
	for _, r := range report.All() {
		ids = append(ids, r.ID())
	}
	sort.Strings(ids)
	return strings.Join(ids, ", ")
}

// finish renders every output and turns the verdict into the exit code.
func (o *inspectOptions) finish(outs []output, doc report.Document, failOn model.Severity) error {
	for _, out := range outs {
		w, closeOut, err := openOutput(out.path)
		if err != nil {
			return err
		}
		ropts := report.Options{Color: wantColor(o.color, w), Verbose: o.verbose, FailOn: failOn}
		err = out.renderer.Render(w, doc, ropts)
		if cerr := closeOut(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s report: %w", out.renderer.ID(), err)
		}
	}
	if v := doc.Verdict(); v >= failOn && v > model.SeverityNone {
		return exitError{exitFindings}
	}
	return nil
}

// output is the single --output file, "" for stdout (commands that write
// one document, such as attest).
func (o *inspectOptions) output() string {
	if len(o.outputs) == 0 {
		return ""
	}
	return o.outputs[len(o.outputs)-1]
}

func orBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
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

func openOutput(p string) (io.Writer, func() error, error) {
	if p == "" || p == "-" {
		return os.Stdout, func() error { return nil }, nil
	}
	f, err := os.Create(p)
	if err != nil {
		return nil, nil, fmt.Errorf("--output: %w", err)
	}
	return f, f.Close, nil
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
func startProgress(mode string, p *vouch.Progress, verb string) func() {
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
						progressbar.OptionSetDescription(verb),
						progressbar.OptionShowElapsedTimeOnFinish(),
						progressbar.OptionSetPredictTime(true),
						progressbar.OptionSetWidth(30),
						progressbar.OptionThrottle(100*time.Millisecond),
						progressbar.OptionClearOnFinish(),
					)
				}
				bar.Describe(fmt.Sprintf("%s: %d files", verb, p.Files.Load()))
				bar.Set64(p.Bytes.Load())
			}
		}
	}()
	return func() { close(done); <-finished }
}
