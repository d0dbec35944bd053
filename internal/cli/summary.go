package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/stampede-load/stampede/internal/js"
	"github.com/stampede-load/stampede/internal/summary"
	"github.com/stampede-load/stampede/metrics"
)

// handleSummary prints the end-of-test summary: the default text, or what
// the script's handleSummary() returns, written to stdout, stderr and
// files. Failures are logged, as in k6; they never change the exit code.
func (a *app) handleSummary(ctx context.Context, data *summary.Data, l *loaded) {
	colors := a.env.StdoutTTY && !a.flags.noColor
	text := summary.Text(data, summary.TextOptions{Colors: colors})
	if !l.bundle.HasExport("handleSummary") {
		fmt.Fprint(a.env.Stdout, text)
		return
	}
	raw, err := json.Marshal(jsonSafe(summary.HandleSummaryData(data)))
	if err == nil {
		var out map[string][]byte
		p := a.summaryVUParams(l)
		out, err = l.bundle.HandleSummary(ctx, p, raw, text)
		if t, ok := p.Transport.(interface{ CloseIdleConnections() }); ok {
			t.CloseIdleConnections()
		}
		if err == nil {
			err = a.writeSummary(out)
		}
	}
	if err != nil {
		a.logger.WithError(err).Error("failed to handle the end-of-test summary")
	}
}

// summaryVUParams are the params of handleSummary's VU: it may make HTTP
// requests with the test's options; its samples are dropped, as the
// metrics are final by then.
func (a *app) summaryVUParams(l *loaded) js.Params {
	o := l.opts
	t, _ := a.vuTransport(o)
	return js.Params{
		Options:        vuOptions(o, l.systemTags),
		RunTags:        metrics.NewTagSet(o.Tags.V),
		Group:          metrics.NewRootGroup(),
		Transport:      t,
		CookieJar:      newCookieJar,
		NoCookiesReset: true,
	}
}

// summaryJSOptions mirrors the options runTest gives the test's VUs.

// writeSummary writes handleSummary's outputs, stdout and stderr first,
// then files (relative to the working directory) in key order.
func (a *app) writeSummary(out map[string][]byte) error {
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		switch k {
		case "stdout":
			return 0
		case "stderr":
			return 1
		}
		return 2
	}
	sort.Slice(keys, func(i, j int) bool {
		if ri, rj := rank(keys[i]), rank(keys[j]); ri != rj {
			return ri < rj
		}
		return keys[i] < keys[j]
	})
	var problems []error
	for _, k := range keys {
		var err error
		switch k {
		case "stdout":
			_, err = a.env.Stdout.Write(out[k])
		case "stderr":
			_, err = a.env.Stderr.Write(out[k])
		default:
			err = a.env.FS.WriteFile(a.absPath(k), out[k])
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("writing the summary to %s: %w", k, err))
		}
	}
	return errors.Join(problems...)
}

// jsonSafe replaces NaN and infinities, which JSON cannot carry, by nil
// (JSON.stringify's null) throughout the summary data.
func jsonSafe(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonSafe(e)
		}
	case []any:
		for i, e := range x {
			x[i] = jsonSafe(e)
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	}
	return v
}
