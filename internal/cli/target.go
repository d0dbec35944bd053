package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stampede-load/stampede/internal/target"
)

func (a *app) targetCmd() *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "target",
		Short: "serve the built-in httpbin-compatible target on loopback",
		Long: "Serves an httpbin-compatible HTTP API (go-httpbin) on a loopback address and\n" +
			"prints its URL; scripts can then use it as their target. Stops on Ctrl-C.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			srv, err := target.Start(addr)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.env.Stdout, srv.URL)
			sigs, stop := a.env.Signals()
			defer stop()
			select {
			case <-sigs:
			case <-cmd.Context().Done():
			}
			return srv.Close()
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "loopback address to listen on (port 0 picks a free one)")
	return cmd
}
