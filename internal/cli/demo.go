package cli

import (
	"fmt"
	"path"

	"github.com/spf13/cobra"

	"github.com/stampede-load/stampede/examples"
	"github.com/stampede-load/stampede/internal/config"
	"github.com/stampede-load/stampede/internal/target"
)

func (a *app) demoCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "run the bundled demo test against the built-in target",
		Long: "Starts the built-in httpbin-compatible target on a free loopback port and runs\n" +
			"examples/demo.js against it (a few VUs for about 10 s, with checks, groups, a\n" +
			"custom metric and thresholds), then prints the summary.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			flagOpts, flagRT, err := config.FromFlags(cmd.Flags())
			if err != nil {
				return &usageError{err}
			}
			srv, err := target.Start("127.0.0.1:0")
			if err != nil {
				return err
			}
			defer func() { _ = srv.Close() }()
			fmt.Fprintf(a.env.Stdout, "built-in target listening on %s\n", srv.URL)
			src := script{Path: path.Join(a.env.Cwd, "examples", "demo.js"), Display: "examples/demo.js", Data: examples.Demo}
			return a.runTest(cmd.Context(), src, flagOpts, flagRT, map[string]string{"TARGET": srv.URL})
		},
	}
	config.RegisterRunFlags(cmd.Flags())
	return cmd
}
