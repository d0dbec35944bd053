package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/stampede-load/stampede/internal/archive"
	"github.com/stampede-load/stampede/internal/config"
	"github.com/stampede-load/stampede/internal/errs"
	"github.com/stampede-load/stampede/internal/js"
	"github.com/stampede-load/stampede/internal/metrics/threshold"
	"github.com/stampede-load/stampede/internal/run"
	"github.com/stampede-load/stampede/internal/scenario"
	"github.com/stampede-load/stampede/internal/summary"
	"github.com/stampede-load/stampede/metrics"
)

func (a *app) runCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run [flags] <script.js | archive.tar | ->",
		Short: "run a k6 test script",
		Long: "Runs a k6 v0.32 test script: a file path, an archive made by `stampede archive`,\n" +
			"or - to read the script from standard input. Options come, in rising precedence, from defaults, the config\n" +
			"file, the script's exported options, K6_* (or STAMPEDE_*) environment\n" +
			"variables and flags.",
		Args: exactlyOneArg("a script or archive path, or - for standard input"),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, flagOpts, flagRT, err := a.scriptAndFlags(cmd, args[0])
			if err != nil {
				return err
			}
			return a.profiled(func() error { return a.runTest(cmd.Context(), src, flagOpts, flagRT, nil) })
		},
	}
	config.RegisterRunFlags(cmd.Flags())
	// Developer flags for performance work: a CPU profile of the whole
	// command and a heap profile taken when it ends.
	cmd.Flags().StringVar(&a.prof.cpu, "cpuprofile", "", "write a CPU profile to this file")
	cmd.Flags().StringVar(&a.prof.mem, "memprofile", "", "write a heap profile to this file")
	_ = cmd.Flags().MarkHidden("cpuprofile")
	_ = cmd.Flags().MarkHidden("memprofile")
	return cmd
}

// profileFlags are the hidden --cpuprofile and --memprofile paths.
type profileFlags struct{ cpu, mem string }

// profiled runs f under the profilers the hidden flags ask for. Profiles
// are buffered and written through the environment's file system, so
// nothing here touches the OS directly.
func (a *app) profiled(f func() error) error {
	var cpu bytes.Buffer
	if a.prof.cpu != "" {
		if err := pprof.StartCPUProfile(&cpu); err != nil {
			return fmt.Errorf("starting the CPU profile: %w", err)
		}
	}
	runErr := f()
	if a.prof.cpu != "" {
		pprof.StopCPUProfile()
		if err := a.env.FS.WriteFile(a.absPath(a.prof.cpu), cpu.Bytes()); err != nil {
			return fmt.Errorf("writing the CPU profile: %w", err)
		}
	}
	if a.prof.mem != "" {
		var mem bytes.Buffer
		runtime.GC() // up-to-date statistics, as pprof's own docs advise
		if err := pprof.WriteHeapProfile(&mem); err != nil {
			return fmt.Errorf("writing the heap profile: %w", err)
		}
		if err := a.env.FS.WriteFile(a.absPath(a.prof.mem), mem.Bytes()); err != nil {
			return fmt.Errorf("writing the heap profile: %w", err)
		}
	}
	return runErr
}

func (a *app) absPath(p string) string {
	if path.IsAbs(p) {
		return p
	}
	return path.Join(a.env.Cwd, p)
}

func exactlyOneArg(what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != 1 {
			return &usageError{fmt.Errorf("expected exactly one argument: %s (got %d)", what, len(args))}
		}
		return nil
	}
}

// scriptAndFlags reads the command's option flags and its script argument,
// the first steps of run, inspect and archive.
func (a *app) scriptAndFlags(cmd *cobra.Command, arg string) (script, config.Options, config.RuntimeOptions, error) {
	flagOpts, flagRT, err := config.FromFlags(cmd.Flags())
	if err != nil {
		return script{}, flagOpts, flagRT, &usageError{err}
	}
	src, err := a.readScript(arg)
	return src, flagOpts, flagRT, err
}

// consoleLogger sends console.* output to the --console-output file
// (K6_CONSOLE_OUTPUT), created or truncated, or to the run's log when unset.
func (a *app) consoleLogger(layers ...config.Options) (logrus.FieldLogger, error) {
	var p string
	for _, o := range layers {
		if o.ConsoleOutput.Valid {
			p = o.ConsoleOutput.V
		}
	}
	if p == "" {
		return a.logger, nil
	}
	f, err := a.env.FS.Create(a.absPath(p))
	if err != nil {
		return nil, fmt.Errorf("--console-output: %w", err)
	}
	a.closers = append(a.closers, f)
	l := logrus.New()
	l.SetOutput(f)
	l.SetLevel(a.logger.GetLevel())
	l.SetFormatter(&logrus.TextFormatter{DisableColors: true})
	return l, nil
}

// script is the entry script of a run.
type script struct {
	// Path is the absolute slash path the script is known by; relative
	// imports and open() resolve against its directory.
	Path string
	// Display is how the header names it ("script.js", "-").
	Display string
	Data    []byte
	// fs serves the modules and open()ed files: the real file system
	// when nil, or an archive's content (see resolveArchive).
	fs js.FS
	// arc is the archive the script came from, if any.
	arc *archive.Archive
}

func (a *app) readScript(arg string) (script, error) {
	if arg == "-" {
		data, err := io.ReadAll(a.env.Stdin)
		if err != nil {
			return script{}, fmt.Errorf("reading the script from standard input: %w", err)
		}
		return script{Path: path.Join(a.env.Cwd, "-"), Display: "-", Data: data}, nil
	}
	p := arg
	if !path.IsAbs(p) {
		p = path.Join(a.env.Cwd, p)
	}
	data, err := a.env.FS.ReadFile(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return script{}, fmt.Errorf("the script %q does not exist", arg)
		}
		return script{}, fmt.Errorf("reading the script %q: %w", arg, err)
	}
	return script{Path: path.Clean(p), Display: arg, Data: data}, nil
}

// loaded is a script with its consolidated configuration, ready to run.
type loaded struct {
	bundle     *js.Bundle
	registry   *metrics.Registry
	builtin    *metrics.Builtin
	opts       config.Options
	rt         config.RuntimeOptions
	scenarios  map[string]scenario.Config
	thresholds map[string][]threshold.Threshold
	systemTags metrics.SystemTagSet
	// src is the script as run: an archive's entry script when the
	// argument was an archive.
	src script
}

// load compiles the script and consolidates its configuration. baseEnv
// seeds __ENV below the system environment and -e (the demo's TARGET).
// An archive (k6-spec §1.2: sniffed, or -t archive) runs from its own
// files, its options take the place of the script's and its -e variables
// sit under the system environment's and today's -e.
//
// flagRT's IncludeSystemEnvVars, as FromFlags sets it, is the command's
// default for it when neither the flag nor the env var is set (true for
// run, false for archive).
func (a *app) load(ctx context.Context, src script, flagOpts config.Options, flagRT config.RuntimeOptions,
	baseEnv map[string]string) (*loaded, error) {
	envOpts, err := config.FromEnv(a.env.Getenv, a.env.Environ)
	if err != nil {
		return nil, errs.WithCode(err, errs.InvalidConfig)
	}
	envRT, err := config.RuntimeFromEnv(a.env.Getenv, a.env.Environ)
	if err != nil {
		return nil, errs.WithCode(err, errs.InvalidConfig)
	}
	if v := a.env.Getenv(dnsServerEnv); v != "" {
		if _, err := netip.ParseAddrPort(v); err != nil {
			return nil, errs.WithCode(fmt.Errorf("%s: %q is not an ip:port, e.g. 127.0.0.1:53", dnsServerEnv, v), errs.InvalidConfig)
		}
	}
	defaults := config.DefaultRuntimeOptions()
	defaults.IncludeSystemEnvVars = flagRT.IncludeSystemEnvVars
	rt := defaults.Apply(envRT).Apply(flagRT)
	src, err = a.resolveArchive(src, rt.Type)
	if err != nil {
		return nil, err
	}
	fileOpts, err := a.configFile()
	if err != nil {
		return nil, err
	}

	jsEnv := map[string]string{}
	for k, v := range baseEnv {
		jsEnv[k] = v
	}
	if rt.IncludeSystemEnvVars {
		for _, kv := range a.env.Environ {
			if k, v, ok := strings.Cut(kv, "="); ok {
				jsEnv[k] = v
			}
		}
	}
	if src.arc != nil {
		for k, v := range src.arc.Env {
			jsEnv[k] = v
		}
	}
	for k, v := range rt.Env {
		jsEnv[k] = v
	}

	reg := metrics.NewRegistry()
	bm := metrics.RegisterBuiltin(reg)
	var fsys js.FS = a.env.FS
	if src.fs != nil {
		fsys = src.fs
	}
	consoleLogger, err := a.consoleLogger(envOpts, flagOpts)
	if err != nil {
		return nil, err
	}
	bundle, err := js.NewBundle(ctx, js.Config{
		FS: fsys, Filename: src.Path, Source: src.Data, Env: jsEnv,
		Logger: a.logger, ConsoleLogger: consoleLogger, Registry: reg, Builtin: bm,
	})
	if err != nil {
		return nil, err
	}
	rawOpts, what, where := bundle.Options, "exported by the script", "exported in the script"
	if src.arc != nil {
		rawOpts, what, where = src.arc.Options, "in the archive", "in the archive"
		if len(rawOpts) == 0 {
			rawOpts = []byte("{}")
		}
	}
	scriptOpts, unknown, err := config.FromScript(rawOpts)
	if err != nil {
		return nil, errs.WithCode(fmt.Errorf("the options %s are invalid: %w", what, err), errs.InvalidConfig)
	}
	if len(unknown) > 0 {
		a.logger.Warnf("There were unknown fields in the options %s: %s", where, strings.Join(unknown, ", "))
	}
	opts := config.Merge(fileOpts, scriptOpts, envOpts, flagOpts)

	var problems []error
	scs, warnings, err := opts.DeriveScenarios()
	for _, w := range warnings {
		a.logger.Warn(w)
	}
	if err != nil {
		problems = append(problems, err)
	}
	problems = append(problems, opts.Validate()...)
	for _, name := range sortedNames(scs) {
		exec := scs[name].Base().Exec
		if exec == "" {
			exec = scenario.DefaultExec
		}
		if !bundle.HasExport(exec) {
			problems = append(problems, fmt.Errorf("executor %s: function '%s' not found in exports", name, exec))
		}
	}
	ths := map[string][]threshold.Threshold{}
	for key, raw := range opts.Thresholds {
		list, err := threshold.ParseList(raw)
		if err != nil {
			problems = append(problems, fmt.Errorf("thresholds[%q]%s", key, prefixColon(err)))
			continue
		}
		ths[key] = list
	}
	// opts.Validate has already reported unknown system tags.
	sys, _ := metrics.ParseSystemTags(opts.SystemTags.V)
	if len(problems) > 0 {
		var b strings.Builder
		b.WriteString("There were problems with the specified script configuration:")
		for _, p := range problems {
			for _, line := range strings.Split(p.Error(), "\n") {
				b.WriteString("\n\t- " + line)
			}
		}
		return nil, errs.WithCode(errors.New(b.String()), errs.InvalidConfig)
	}
	return &loaded{bundle: bundle, registry: reg, builtin: bm, opts: opts, rt: rt,
		scenarios: scs, thresholds: ths, systemTags: sys, src: src}, nil
}

// prefixColon renders a ParseList error after the key: "[1].x: …" stays
// attached, anything else gets ": ".
func prefixColon(err error) string {
	s := err.Error()
	if strings.HasPrefix(s, "[") {
		return s
	}
	return ": " + s
}

func sortedNames(m map[string]scenario.Config) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// configFile reads the JSON config file: --config, K6_CONFIG or the
// default path (silently skipped when missing).
func (a *app) configFile() (config.Options, error) {
	p, explicit := a.flags.config, a.flags.config != ""
	if !explicit {
		for _, name := range []string{"STAMPEDE_CONFIG", "K6_CONFIG"} {
			if v := a.env.Getenv(name); v != "" {
				p, explicit = v, true
				break
			}
		}
	}
	if !explicit {
		home := a.env.Getenv("HOME")
		if xdg := a.env.Getenv("XDG_CONFIG_HOME"); xdg != "" {
			p = path.Join(xdg, "loadimpact", "k6", "config.json")
		} else if home != "" {
			p = path.Join(home, ".config", "loadimpact", "k6", "config.json")
		} else {
			return config.Options{}, nil
		}
	} else if !path.IsAbs(p) {
		p = path.Join(a.env.Cwd, p)
	}
	data, err := a.env.FS.ReadFile(p)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return config.Options{}, nil
		}
		return config.Options{}, fmt.Errorf("reading the config file %q: %w", p, err)
	}
	o, err := config.FromConfigFile(data)
	if err != nil {
		return config.Options{}, errs.WithCode(fmt.Errorf("config file %q: %w", p, err), errs.InvalidConfig)
	}
	return o, nil
}

// errInterrupted is the cancel cause of a first Ctrl-C.
var errInterrupted = errors.New("test run was stopped by a signal")

func (a *app) runTest(ctx context.Context, src script, flagOpts config.Options, flagRT config.RuntimeOptions,
	baseEnv map[string]string) error {
	l, err := a.load(ctx, src, flagOpts, flagRT, baseEnv)
	if err != nil {
		return err
	}
	o := l.opts
	et, segmented, err := segmentScenarios(o, l.scenarios)
	if err != nil {
		return err
	}
	stdout := &lockedWriter{w: a.env.Stdout}
	outputs, err := a.buildOutputs(l, stdout)
	if err != nil {
		return err
	}
	if err := outputs.Start(); err != nil {
		return err
	}
	// Stop is a no-op once called below; this covers the early returns.
	defer func() { _ = outputs.Stop(context.Background(), nil) }()
	ctl := run.NewController()
	if o.Paused.V {
		_ = ctl.SetPaused(true) // the API reports it before the VUs are ready
	}
	srv, err := a.serveAPI(ctl)
	if err != nil {
		return err
	}
	if srv != nil {
		defer srv.Close()
	}
	fmt.Fprint(stdout, banner())
	scs := scenario.Sorted(segmented)
	maxVUs, maxDur := config.PlanSummary(segmented)
	fmt.Fprint(stdout, executionHeader(src.Display, outputs.Description(), o.ExecutionSegment.V, scs, maxVUs, maxDur))

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sigs, stopSignals := a.env.Signals()
	defer stopSignals()
	// runDone ends the signal watcher once the run is over, so that
	// --linger reads the next signal itself.
	runDone := make(chan struct{})
	watcherDone := make(chan struct{})
	go func() {
		defer close(watcherDone)
		select {
		case <-sigs:
		case <-runDone:
			return
		}
		a.logger.Warn("Stopping the test run gracefully (press Ctrl-C again to stop at once)...")
		cancel(errInterrupted)
		select {
		case <-sigs:
		case <-runDone:
			// A second signal that came as the run ended still aborts:
			// select alone would pick between the two at random.
			select {
			case <-sigs:
			default:
				return
			}
		}
		a.logger.Error("Aborted by a second signal")
		a.env.Exit(int(errs.ExternalAbort))
	}()

	var prog *progress
	if !a.flags.quiet {
		prog = newProgress(stdout, a.env.StdoutTTY, scs)
	}
	restoreGC := func() {}
	res, runErr := run.Run(runCtx, run.Config{
		Bundle: l.bundle, Registry: l.registry, Builtin: l.builtin, Logger: a.logger,
		Scenarios: scs, MaxVUs: maxVUs, InitVUs: config.InitialVUs(segmented), Segment: et,
		Paused: o.Paused.V, Controller: ctl,
		Thresholds: l.thresholds, NoThresholds: l.rt.NoThresholds,
		RunTags: o.Tags.V, JSOptions: vuOptions(o, l.systemTags),
		NoSetup: o.NoSetup.V, NoTeardown: o.NoTeardown.V,
		SetupTimeout: o.SetupTimeout.V.D(), TeardownTimeout: o.TeardownTimeout.V.D(),
		NoCookiesReset: o.NoCookiesReset.V, NoVUConnectionReuse: o.NoVUConnectionReuse.V,
		MinIterationDuration: o.MinIterationDuration.V.D(),
		NewTransport:         func() (http.RoundTripper, func() (int64, int64)) { return a.vuTransport(o) },
		NewCookieJar:         newCookieJar,
		Ready:                func() { restoreGC = a.tuneGC() },
		Progress: func(s run.Status) {
			if prog != nil {
				prog.update(s)
			}
		},
		Samples: outputs,
	})
	restoreGC()
	// Every ending of the run gets here with every sample handed over:
	// the outputs write out what they hold before the summary.
	outErr := outputs.Stop(context.Background(), runErr)
	close(runDone)
	<-watcherDone
	if res == nil {
		a.logOutputError(outErr)
		return runErr
	}
	if err := a.report(res, l); err != nil {
		a.logOutputError(outErr)
		return err
	}
	// --linger keeps the process, and the REST API, up until a signal,
	// unless a signal already stopped the test (as in k6).
	if (o.Linger.V || l.rt.Linger) && !errors.Is(context.Cause(runCtx), errInterrupted) {
		fmt.Fprintln(stdout, "Linger set; waiting for Ctrl+C...")
		<-sigs
	}
	if runErr != nil {
		a.logOutputError(outErr)
		return runErr
	}
	if len(res.FailedThresholds) > 0 {
		a.logOutputError(outErr)
		return errs.WithCode(errs.ErrThresholdsFailed, errs.ThresholdsFailed)
	}
	return outErr
}

// logOutputError logs an output's failure when a more important error
// decides the exit code.
func (a *app) logOutputError(err error) {
	if err != nil {
		a.logger.WithError(err).Error("an output could not write all results")
	}
}

// segmentScenarios builds the execution tuple of the executionSegment and
// executionSegmentSequence options (load has validated them) and scales
// every scenario to it (k6-spec §3.5). The tuple is nil for the whole test.
func segmentScenarios(o config.Options, scs map[string]scenario.Config) (*scenario.ExecutionTuple, map[string]scenario.Config, error) {
	invalid := func(format string, args ...any) error {
		return errs.WithCode(fmt.Errorf("There were problems with the specified script configuration:\n\t- "+format, args...), errs.InvalidConfig)
	}
	seg, err := scenario.ParseSegment(o.ExecutionSegment.V)
	if err != nil {
		return nil, nil, invalid("executionSegment: %v", err)
	}
	seq, err := scenario.ParseSegmentSequence(o.ExecutionSegmentSequence.V)
	if err != nil {
		return nil, nil, invalid("executionSegmentSequence: %v", err)
	}
	et, err := scenario.NewExecutionTuple(seg, seq)
	if err != nil {
		return nil, nil, invalid("executionSegment: %v", err)
	}
	if et.IsFull() {
		return nil, scs, nil
	}
	out := make(map[string]scenario.Config, len(scs))
	for name, sc := range scs {
		s, err := scenario.Segmented(sc, et)
		if err != nil {
			return nil, nil, invalid("scenarios.%s: %v", name, err)
		}
		out[name] = s
	}
	return et, out, nil
}

// report prints the end-of-test summary (or runs the script's
// handleSummary) and writes --summary-export, which k6 writes even when
// handleSummary is defined.
func (a *app) report(res *run.Result, l *loaded) error {
	data := res.SummaryData(l.opts.SummaryTrendStats.V, l.opts.SummaryTimeUnit.V)
	if !l.rt.NoSummary {
		a.handleSummary(context.Background(), data, l)
	}
	if p := l.rt.SummaryExport; p != "" {
		out, err := summary.LegacyJSON(data)
		if err != nil {
			return fmt.Errorf("rendering the summary export: %w", err)
		}
		if !path.IsAbs(p) {
			p = path.Join(a.env.Cwd, p)
		}
		if err := a.env.FS.WriteFile(p, out); err != nil {
			return fmt.Errorf("writing the summary export: %w", err)
		}
	}
	return nil
}

// executionHeader renders k6's execution description block.
// outputs is the outputs' description ("-" for none).
func executionHeader(scriptName, outputs, segment string, scs []scenario.Config, maxVUs int64, maxDur time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  execution: local\n")
	fmt.Fprintf(&b, "     script: %s\n", scriptName)
	fmt.Fprintf(&b, "     output: %s\n\n", outputs)
	plural := "s"
	if len(scs) == 1 {
		plural = ""
	}
	pct := 100.0
	if seg, err := scenario.ParseSegment(segment); err == nil && segment != "" {
		f, _ := seg.Length().Float64()
		pct = f * 100
	}
	fmt.Fprintf(&b, "  scenarios: (%.2f%%) %d scenario%s, %d max VUs, %s max duration (incl. graceful stop):\n",
		pct, len(scs), plural, maxVUs, maxDur)
	for _, sc := range scs {
		fmt.Fprintf(&b, "           * %s: %s\n", sc.Base().Name, sc.Description())
	}
	b.WriteString("\n")
	return b.String()
}
