package cli

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	_ "github.com/stampede-load/stampede/internal/bundle" // built-in JS modules, as in cmd/stampede
	"github.com/stampede-load/stampede/internal/procenv"
	"github.com/stampede-load/stampede/internal/target"
)

// update rewrites golden files (and cmp'ed files in the .txtar scripts).
var update = flag.Bool("update", false, "rewrite golden files") //nolint:gochecknoglobals // test flag

// TestMain makes the test binary double as the stampede command, so the
// scripts in testdata/script run the real CLI in a subprocess.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"stampede": func() {
			env := procenv.OS()
			// The scripts run in parallel: on its default address the REST
			// API would be busy for all but one and warn. Scripts that test
			// it pass --address themselves.
			if !hasAddressFlag(env.Args[1:]) {
				env.Args = append([]string{env.Args[0], "--address="}, env.Args[1:]...)
			}
			os.Exit(Main(env))
		},
	})
}

// TestScripts runs testdata/script/*.txtar. Each script gets its own
// httpbin-compatible target on loopback in $TARGET, and the custom command
//
//	exitcode N command [args...]
//
// which runs the command and asserts its exit code (exec and ! exec only
// tell zero from non-zero).
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			srv, err := target.Start("127.0.0.1:0")
			if err != nil {
				return err
			}
			env.Defer(func() { _ = srv.Close() })
			env.Setenv("TARGET", srv.URL)
			// A -race binary sleeps a second at exit unless told not to;
			// with dozens of commands per run that dominates the time.
			env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": cmdExitCode,
		},
	})
}

func hasAddressFlag(args []string) bool {
	for _, a := range args {
		if a == "-a" || a == "--address" || strings.HasPrefix(a, "--address=") || strings.HasPrefix(a, "-a=") {
			return true
		}
	}
	return false
}

func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: bad code %q", args[0])
	}
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		got = ee.ExitCode()
	case err != nil:
		ts.Fatalf("exitcode: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}
