package output

import (
	"context"
	"io"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/metrics"
)

// Output receives a run's samples. See the package documentation for the
// order in which its methods are called.
type Output interface {
	// Description is shown on the `output:` line at the start of a run.
	Description() string
	// Start opens what the output writes to.
	Start() error
	// AddSamples takes one batch of samples; it is called from one
	// goroutine per output, never concurrently with itself.
	AddSamples(batch []metrics.Sample)
	// Stop writes out everything buffered and releases every resource and
	// goroutine of the output. testErr is the run's error, if any.
	Stop(ctx context.Context, testErr error) error
}

// FS is the file system outputs write files through.
type FS interface {
	// Create creates or truncates a file for writing; a relative name is
	// resolved against the working directory of the run.
	Create(name string) (io.WriteCloser, error)
}

// Params is what an output is built from.
type Params struct {
	// Arg is the text after "type=" in `-o type=arg` ("" for `-o type`).
	Arg string
	// Getenv reads the environment (K6_CSV_FILENAME …); never nil.
	Getenv func(string) string
	// FS creates the files the output writes.
	FS FS
	// Stdout is the process' standard output, for outputs writing to "-";
	// it is safe for concurrent use with the rest of the CLI's output.
	Stdout io.Writer
	// Logger is the run's logger; never nil.
	Logger logrus.FieldLogger

	// Registry holds the run's metrics: the built-in ones and those the
	// script defines.
	Registry *metrics.Registry
	// SystemTags are the enabled system tags (--system-tags); samples
	// carry no other system tag.
	SystemTags metrics.SystemTagSet
	// Thresholds lists the threshold expressions, as written, of each
	// metric by metric name (thresholds on sub-metrics are not included);
	// nil with --no-thresholds.
	Thresholds map[string][]string
}

// Constructor builds an output from its parameters. It must not open files
// or connections: that is Start's job.
type Constructor func(Params) (Output, error)

// Register files c under the output type typ ("json"), in package ext as
// "output.<typ>". Call it from an init function; registering a type twice
// panics.
func Register(typ string, c Constructor) {
	if c == nil {
		panic("output: nil constructor for " + typ)
	}
	ext.Register(ext.OutputNamespace+typ, c)
}

// Lookup returns the constructor registered for typ.
func Lookup(typ string) (Constructor, bool) {
	v, ok := ext.Lookup(ext.OutputNamespace + typ)
	if !ok {
		return nil, false
	}
	c, ok := v.(Constructor)
	return c, ok
}

// Types lists the registered output types, sorted.
func Types() []string {
	ids := ext.List(ext.OutputNamespace)
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, strings.TrimPrefix(id, ext.OutputNamespace))
	}
	return out
}

// ParseSpec splits an `-o` value "type[=arg]" into its type and argument.
func ParseSpec(spec string) (typ, arg string) {
	typ, arg, _ = strings.Cut(spec, "=")
	return strings.TrimSpace(typ), arg
}
