package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/stampede-load/stampede/internal/errs"
	"github.com/stampede-load/stampede/internal/procenv"
)

// Version is stampede's version.
const Version = "0.1.0"

// globalFlags are the persistent flags of every command.
type globalFlags struct {
	verbose   bool
	quiet     bool
	noColor   bool
	logOutput string
	logFormat string
	address   string
	// addressSet is whether --address was given: only then is a busy
	// address an error (exit 106) rather than a warning.
	addressSet bool
	config     string
}

// app is one invocation of the CLI.
type app struct {
	env    *procenv.Env
	flags  globalFlags
	prof   profileFlags
	logger *logrus.Logger
	start  time.Time
	net    runNet // built by the first vuTransport (vu.go)
	// closers are files the command opened (--console-output), closed
	// when it ends.
	closers []io.Closer
}

// Main runs the CLI and returns the process exit code.
func Main(env *procenv.Env) int {
	a := &app{env: env, start: time.Now()}
	root := a.rootCmd()
	root.SetArgs(env.Args[1:])
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(context.Background())
	for _, c := range a.closers {
		_ = c.Close()
	}
	if err == nil {
		return 0
	}
	if a.logger == nil {
		a.setupLogger()
	}
	fields := logrus.Fields{}
	if hint := errs.Hint(err); hint != "" {
		fields["hint"] = hint
	}
	var usage *usageError
	if errors.As(err, &usage) {
		fmt.Fprintf(env.Stderr, "Error: %s\n", err)
	} else {
		a.logger.WithFields(fields).Error(err.Error())
	}
	return int(errs.ExitCode(err))
}

// usageError marks command-line mistakes, printed as one plain line.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "stampede",
		Short:         "a k6-compatible load-testing tool",
		Long:          "stampede runs k6 v0.32 test scripts: stampede run script.js",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			a.flags.addressSet = cmd.Flags().Changed("address")
			return a.setupLogger()
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	pf := root.PersistentFlags()
	pf.BoolVarP(&a.flags.verbose, "verbose", "v", false, "enable debug logging")
	pf.BoolVarP(&a.flags.quiet, "quiet", "q", false, "disable progress updates")
	pf.BoolVar(&a.flags.noColor, "no-color", false, "disable colored output")
	pf.StringVar(&a.flags.logOutput, "log-output", "stderr", "change the output for logs: stderr, stdout or none")
	pf.StringVar(&a.flags.logFormat, "log-format", "", "log output format: text (default), raw or json")
	pf.StringVar(&a.flags.logFormat, "logformat", "", "alias of --log-format (k6 v0.32's name)")
	_ = pf.MarkHidden("logformat")
	pf.StringVarP(&a.flags.address, "address", "a", "localhost:6565", "address of the REST API (\"\" disables it)")
	pf.StringVarP(&a.flags.config, "config", "c", "", "JSON config file (default: "+defaultConfigHint+")")
	root.AddCommand(a.runCmd(), a.versionCmd(), a.inspectCmd(), a.archiveCmd(), a.targetCmd(), a.demoCmd(), a.convertCmd())
	root.AddCommand(a.controlCmds()...)
	return root
}

const defaultConfigHint = "~/.config/loadimpact/k6/config.json"

func (a *app) setupLogger() error {
	l := logrus.New()
	a.logger = l
	l.SetLevel(logrus.InfoLevel)
	if a.flags.verbose {
		l.SetLevel(logrus.DebugLevel)
	}
	var out io.Writer
	tty := false
	switch a.flags.logOutput {
	case "", "stderr":
		out, tty = a.env.Stderr, a.env.StderrTTY
	case "stdout":
		out, tty = a.env.Stdout, a.env.StdoutTTY
	case "none":
		out = io.Discard
	default:
		l.SetOutput(a.env.Stderr)
		return &usageError{fmt.Errorf("invalid --log-output %q: use stderr, stdout or none", a.flags.logOutput)}
	}
	l.SetOutput(out)
	switch a.flags.logFormat {
	case "", "text":
		l.SetFormatter(&logrus.TextFormatter{
			ForceColors:   tty && !a.flags.noColor,
			DisableColors: !tty || a.flags.noColor,
			FullTimestamp: false,
		})
	case "raw":
		l.SetFormatter(rawFormatter{})
	case "json":
		l.SetFormatter(&logrus.JSONFormatter{})
	default:
		return &usageError{fmt.Errorf("invalid --log-format %q: use text, raw or json", a.flags.logFormat)}
	}
	return nil
}

// rawFormatter prints bare messages, as k6's --logformat=raw.
type rawFormatter struct{}

func (rawFormatter) Format(e *logrus.Entry) ([]byte, error) { return []byte(e.Message + "\n"), nil }

func versionString() string {
	build := "dev build"
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "-dirty"
				}
			}
		}
		if len(rev) > 8 {
			build = "commit/" + rev[:8] + dirty
		}
	}
	return fmt.Sprintf("%s (%s, %s, %s/%s)", Version, build, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "show the version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(a.env.Stdout, "stampede v"+versionString())
		},
	}
}

// banner is printed before a run, in place of k6's logo.
func banner() string {
	return strings.Join([]string{
		"",
		"  stampede v" + Version + " · k6-compatible load testing",
		"",
	}, "\n") + "\n"
}
