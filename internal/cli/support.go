package cli

import (
	"crypto/tls"
	"io"
	"strings"
	"sync"

	"github.com/stampede-load/stampede/internal/config"
	"github.com/stampede-load/stampede/internal/outputmgr"
	"github.com/stampede-load/stampede/output"
)

// buildOutputs builds the outputs of --out/K6_OUT/"out" (k6-spec §9):
// unknown types, outputs stampede does not have yet and bad arguments are
// errors before the test starts, so no result the user asked to keep is
// silently lost.
func (a *app) buildOutputs(l *loaded, stdout io.Writer) (*outputmgr.Manager, error) {
	var ths map[string][]string
	if !l.rt.NoThresholds {
		ths = map[string][]string{}
		for key, list := range l.thresholds {
			if strings.Contains(key, "{") {
				continue // a sub-metric's
			}
			for _, th := range list {
				ths[key] = append(ths[key], th.Source)
			}
		}
	}
	outs, err := outputmgr.Build(outputmgr.SplitList(l.opts.Out.V), output.Params{
		Getenv:     a.outputEnv,
		FS:         outputFS{a},
		Stdout:     stdout,
		Logger:     a.logger,
		Registry:   l.registry,
		SystemTags: l.systemTags,
		Thresholds: ths,
	})
	if err != nil {
		return nil, err
	}
	return outputmgr.New(outs, a.logger, 0), nil
}

// outputEnv reads an output's K6_* variable, preferring its STAMPEDE_*
// alias as the options do.
func (a *app) outputEnv(name string) string {
	if rest, ok := strings.CutPrefix(name, "K6_"); ok {
		if v := a.env.Getenv("STAMPEDE_" + rest); v != "" {
			return v
		}
	}
	return a.env.Getenv(name)
}

// outputFS creates output files relative to the working directory.
type outputFS struct{ a *app }

func (f outputFS) Create(name string) (io.WriteCloser, error) {
	return f.a.env.FS.Create(f.a.absPath(name))
}

// lockedWriter serialises writes to standard output from the progress bars
// and from outputs writing to "-".
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// tlsConfig builds the TLS settings of the options; validation has already
// rejected unknown versions and cipher suites.
func tlsConfig(o config.Options) *tls.Config {
	c := &tls.Config{InsecureSkipVerify: o.InsecureSkipTLSVerify.V} //nolint:gosec // the user's explicit choice
	if o.TLSVersion.Valid {
		c.MinVersion, _ = config.TLSVersionID(o.TLSVersion.V.Min)
		c.MaxVersion, _ = config.TLSVersionID(o.TLSVersion.V.Max)
	}
	if o.TLSCipherSuites.Valid {
		c.CipherSuites, _ = config.CipherSuiteIDs(o.TLSCipherSuites.V)
	}
	return c
}
