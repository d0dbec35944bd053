package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/stampede-load/stampede/internal/api"
	"github.com/stampede-load/stampede/internal/errs"
	"github.com/stampede-load/stampede/internal/executor"
	"github.com/stampede-load/stampede/internal/run"
	"github.com/stampede-load/stampede/metrics"
)

// serveAPI starts the REST API on --address for ctl; nil when disabled
// (--address "") or when the default address is busy, which only warns,
// as in k6. A busy address given explicitly is exit code 106.
func (a *app) serveAPI(ctl *run.Controller) (*api.Server, error) {
	addr := a.flags.address
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if a.flags.addressSet {
			return nil, errs.WithCode(fmt.Errorf("cannot start the REST API server on %s: %w", addr, err), errs.CannotStartRESTAPI)
		}
		a.logger.Warnf("the REST API server could not start on %s (%v); the test runs without it", addr, err)
		return nil, nil
	}
	return api.Serve(ln, apiController{ctl}), nil
}

// apiController adapts the run's controller to what the API needs.
type apiController struct{ c *run.Controller }

func (x apiController) Status() api.Status {
	s := x.c.Status()
	return api.Status{Paused: s.Paused, VUs: s.VUs, VUsMax: s.VUsMax, Stopped: s.Stopped, Running: s.Running, Tainted: s.Tainted}
}

func (x apiController) SetPaused(paused bool) error { return apiError(x.c.SetPaused(paused)) }

func (x apiController) Scale(ctx context.Context, vus, maxVUs int64) error {
	return apiError(x.c.Scale(ctx, vus, maxVUs))
}

func (x apiController) Metrics() []api.Metric {
	var out []api.Metric
	for _, m := range x.c.Metrics() {
		out = append(out, api.Metric{Name: m.Name, Type: m.Type, Contains: m.Contains, Tainted: m.Tainted, Sample: m.Sample})
	}
	return out
}

func (x apiController) Root() *metrics.Group { return x.c.Root() }

// classified gives a run error the API's kind (api.ErrInvalid or
// api.ErrConflict) while keeping its own message.
type classified struct{ kind, err error }

func (e *classified) Error() string   { return e.err.Error() }
func (e *classified) Unwrap() []error { return []error{e.kind, e.err} }

func apiError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, executor.ErrInvalidScale):
		return &classified{api.ErrInvalid, err}
	case errors.Is(err, executor.ErrStopped), errors.Is(err, executor.ErrNotScalable), errors.Is(err, run.ErrNotStarted):
		return &classified{api.ErrConflict, err}
	}
	return err
}

// client returns the API client for --address.
func (a *app) client() *api.Client {
	return &api.Client{Address: a.flags.address, HTTP: &http.Client{Timeout: time.Minute}}
}

// apiCallError turns a failed call into one clear line.
func (a *app) apiCallError(err error) error {
	if errors.Is(err, api.ErrUnreachable) {
		addr := a.flags.address
		return fmt.Errorf("could not connect to the REST API at %s: is a test running with --address %s?", addr, addr)
	}
	return err
}

func (a *app) controlCmds() []*cobra.Command {
	patch := func(use, short string, p func() api.StatusPatch) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				st, err := a.client().Patch(cmd.Context(), p())
				if err != nil {
					return a.apiCallError(err)
				}
				writeStatus(a.env.Stdout, st)
				return nil
			},
		}
	}
	t, f := true, false
	pause := patch("pause", "pause a running test (REST API at --address)", func() api.StatusPatch { return api.StatusPatch{Paused: &t} })
	resume := patch("resume", "resume a paused test (REST API at --address)", func() api.StatusPatch { return api.StatusPatch{Paused: &f} })

	var vus, maxVUs int64
	scale := patch("scale", "change the VUs of a running externally-controlled test", func() api.StatusPatch {
		p := api.StatusPatch{VUs: &vus}
		if maxVUs > 0 {
			p.VUsMax = &maxVUs
		}
		return p
	})
	scale.Flags().Int64VarP(&vus, "vus", "u", 1, "number of virtual users")
	scale.Flags().Int64VarP(&maxVUs, "max", "m", 0, "max available virtual users")

	status := &cobra.Command{
		Use: "status", Short: "show the status of a running test", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.client().Status(cmd.Context())
			if err != nil {
				return a.apiCallError(err)
			}
			writeStatus(a.env.Stdout, st)
			return nil
		},
	}
	stats := &cobra.Command{
		Use: "stats", Short: "show the metrics of a running test", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ms, err := a.client().Metrics(cmd.Context())
			if err != nil {
				return a.apiCallError(err)
			}
			writeMetrics(a.env.Stdout, ms)
			return nil
		},
	}
	return []*cobra.Command{pause, resume, scale, status, stats}
}

// writeStatus prints a status as YAML.
func writeStatus(w io.Writer, s api.Status) {
	fmt.Fprintf(w, "paused: %t\nvus: %d\nvus-max: %d\nstopped: %t\nrunning: %t\ntainted: %t\n",
		s.Paused, s.VUs, s.VUsMax, s.Stopped, s.Running, s.Tainted)
}

// writeMetrics prints metrics as YAML, sample keys sorted.
func writeMetrics(w io.Writer, ms []api.Metric) {
	if len(ms) == 0 {
		fmt.Fprintln(w, "metrics: []")
		return
	}
	fmt.Fprintln(w, "metrics:")
	for _, m := range ms {
		fmt.Fprintf(w, "- name: %s\n  type: %s\n  contains: %s\n  tainted: %t\n  sample:\n",
			yamlString(m.Name), m.Type, m.Contains, m.Tainted)
		keys := make([]string, 0, len(m.Sample))
		for k := range m.Sample {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "    %s: %s\n", yamlString(k), strconv.FormatFloat(m.Sample[k], 'f', -1, 64))
		}
	}
}

// yamlString quotes s when YAML would not read it back as the same plain
// string (sub-metric names have braces and colons, stats parentheses).
func yamlString(s string) string {
	for _, r := range s {
		if !(r == '_' || r == '.' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return strconv.Quote(s)
		}
	}
	return s
}
