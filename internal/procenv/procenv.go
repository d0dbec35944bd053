package procenv

import (
	"bytes"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/mattn/go-isatty"
)

// FS is the file system as the CLI needs it.
type FS interface {
	ReadFile(name string) ([]byte, error)
	WriteFile(name string, data []byte) error
	// Create creates or truncates a file for writing.
	Create(name string) (io.WriteCloser, error)
}

// Env is the process environment.
type Env struct {
	Args    []string
	Environ []string
	Getenv  func(string) string
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	// StdoutTTY and StderrTTY say whether the streams are terminals
	// (progress bars and colours depend on it).
	StdoutTTY, StderrTTY bool
	FS                   FS
	// Cwd is the working directory, slash-separated.
	Cwd string
	// Signals delivers SIGINT/SIGTERM; stop releases it.
	Signals func() (ch <-chan os.Signal, stop func())
	// Exit ends the process at once (a second Ctrl-C).
	Exit func(code int)
}

// OS returns the real process environment.
func OS() *Env {
	wd, _ := os.Getwd()
	return &Env{
		Args:      os.Args,
		Environ:   os.Environ(),
		Getenv:    os.Getenv,
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		StdoutTTY: isatty.IsTerminal(os.Stdout.Fd()),
		StderrTTY: isatty.IsTerminal(os.Stderr.Fd()),
		FS:        osFS{},
		Cwd:       filepath.ToSlash(wd),
		Signals: func() (<-chan os.Signal, func()) {
			ch := make(chan os.Signal, 2)
			signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
			return ch, func() { signal.Stop(ch) }
		},
		Exit: os.Exit,
	}
}

type osFS struct{}

func (osFS) ReadFile(name string) ([]byte, error) { return os.ReadFile(filepath.FromSlash(name)) }

func (osFS) Create(name string) (io.WriteCloser, error) {
	return os.Create(filepath.FromSlash(name)) //nolint:gosec // user-requested output files
}

func (osFS) WriteFile(name string, data []byte) error {
	return os.WriteFile(filepath.FromSlash(name), data, 0o644) //nolint:gosec // user-requested output files
}

// ForTest returns an environment with the given args, buffers for the
// output streams and the real file system rooted at the real cwd.
func ForTest(args []string, env map[string]string) (*Env, *bytes.Buffer, *bytes.Buffer) {
	e := OS()
	out, errb := &bytes.Buffer{}, &bytes.Buffer{}
	e.Args = append([]string{"stampede"}, args...)
	e.Stdout, e.Stderr, e.Stdin = out, errb, bytes.NewReader(nil)
	e.StdoutTTY, e.StderrTTY = false, false
	e.Environ = nil
	for k, v := range env {
		e.Environ = append(e.Environ, k+"="+v)
	}
	e.Getenv = func(k string) string { return env[k] }
	e.Signals = func() (<-chan os.Signal, func()) { return make(chan os.Signal), func() {} }
	e.Exit = func(int) {}
	return e, out, errb
}
