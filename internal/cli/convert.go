package cli

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/stampede-load/stampede/internal/harconv"
)

// convertCmd is `stampede convert` (k6-spec §1.1): HAR 1.2 → k6 script.
// The conversion itself lives in internal/harconv; this only reads the
// files and maps the flags.
func (a *app) convertCmd() *cobra.Command {
	var (
		out, optionsFile string
		only, skip       []string
		threshold        uint
		o                harconv.Options
		correlate        bool
	)
	cmd := &cobra.Command{
		Use:   "convert [flags] <file.har>",
		Short: "convert a HAR file to a k6 script",
		Long: "Converts a HAR 1.2 recording (exported from a browser's developer tools) into a\n" +
			"k6 script: one group per page, requests started close together in http.batch\n" +
			"calls, and a random sleep between pages.",
		Example: "  stampede convert -O script.js --only example.com session.har",
		Args:    exactlyOneArg("a HAR file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if correlate {
				return &usageError{fmt.Errorf("--correlate is not supported by stampede: convert without it and add the correlation by hand")}
			}
			if o.MinSleep > o.MaxSleep {
				return &usageError{fmt.Errorf("--min-sleep %g is greater than --max-sleep %g", o.MinSleep, o.MaxSleep)}
			}
			if o.MinSleep < 0 {
				return &usageError{fmt.Errorf("--min-sleep %g must not be negative", o.MinSleep)}
			}
			if optionsFile != "" {
				data, err := a.env.FS.ReadFile(a.absPath(optionsFile))
				if err != nil {
					return fmt.Errorf("reading the options: %w", err)
				}
				if len(bytes.TrimSpace(data)) == 0 {
					return fmt.Errorf("%s: the options file is empty", optionsFile)
				}
				o.OptionsJSON = data
			}
			o.Only, o.Skip = splitDomains(only), splitDomains(skip)
			o.BatchThreshold = time.Duration(threshold) * time.Millisecond
			data, err := a.env.FS.ReadFile(a.absPath(args[0]))
			if err != nil {
				return fmt.Errorf("reading the HAR file: %w", err)
			}
			h, err := harconv.Parse(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			script, err := harconv.Generate(h, o)
			if err != nil {
				if errors.Is(err, harconv.ErrBadOptions) {
					return fmt.Errorf("%s: %w", optionsFile, err)
				}
				return err
			}
			if out == "" {
				_, err = fmt.Fprint(a.env.Stdout, script)
				return err
			}
			if err := a.env.FS.WriteFile(a.absPath(out), []byte(script)); err != nil {
				return fmt.Errorf("writing the script: %w", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "O", "", "output filename (default: standard output)")
	f.StringVar(&optionsFile, "options", "", "path to a JSON `file` whose content becomes the script's options")
	f.StringSliceVar(&only, "only", nil, "include only requests to these `domains` (comma-separated, subdomains included)")
	f.StringSliceVar(&skip, "skip", nil, "skip requests to these `domains` (comma-separated, subdomains included)")
	f.UintVar(&threshold, "batch-threshold", 500, "batch requests of a page started within this many `ms` of the previous one")
	f.BoolVar(&o.NoBatch, "no-batch", false, "don't batch requests")
	f.BoolVar(&o.StatusChecks, "enable-status-code-checks", false, "add a check of the recorded status code for each request")
	f.BoolVar(&o.ReturnOnFailedCheck, "return-on-failed-check", false, "return from the page's group when a status check fails")
	f.BoolVar(&correlate, "correlate", false, "not supported: rejected with an error")
	f.Float64Var(&o.MinSleep, "min-sleep", 20, "minimum `seconds` of sleep between pages")
	f.Float64Var(&o.MaxSleep, "max-sleep", 40, "maximum `seconds` of sleep between pages")
	return cmd
}

func splitDomains(list []string) []string {
	var out []string
	for _, d := range list {
		if d = strings.TrimSpace(d); d != "" {
			out = append(out, d)
		}
	}
	return out
}
