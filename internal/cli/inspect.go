package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stampede-load/stampede/internal/config"
)

func (a *app) inspectCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "inspect [flags] <script.js | archive.tar | ->",
		Short: "print the consolidated options of a script as JSON",
		Args:  exactlyOneArg("a script or archive path, or - for standard input"),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, flagOpts, flagRT, err := a.scriptAndFlags(cmd, args[0])
			if err != nil {
				return err
			}
			l, err := a.load(cmd.Context(), src, flagOpts, flagRT, nil)
			if err != nil {
				return err
			}
			out, err := l.opts.MarshalIndent()
			if err != nil {
				return err
			}
			fmt.Fprintln(a.env.Stdout, string(out))
			return nil
		},
	}
	config.RegisterRunFlags(cmd.Flags())
	return cmd
}
