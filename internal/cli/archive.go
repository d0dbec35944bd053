package cli

import (
	"bytes"
	"fmt"
	"path"

	"github.com/spf13/cobra"

	"github.com/stampede-load/stampede/internal/archive"
	"github.com/stampede-load/stampede/internal/config"
)

// archiveCmd is `stampede archive` (k6-spec §1.1): it loads the script like
// run does, then writes the script, every local module and open()ed file
// it read during init, the consolidated options and the -e variables into
// a tar that `stampede run` runs anywhere.
func (a *app) archiveCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "archive [flags] <script.js | archive.tar | ->",
		Short: "bundle a script, its modules, its files and its options into a tar",
		Long: "Creates an archive holding the script, all the local modules it imports, all the\n" +
			"files it open()s and its consolidated options, so that\n" +
			"`stampede run archive.tar` runs the same test elsewhere. Only -e variables\n" +
			"are stored, not the system environment.",
		Args: exactlyOneArg("a script or archive path, or - for standard input"),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, flagOpts, flagRT, err := a.scriptAndFlags(cmd, args[0])
			if err != nil {
				return err
			}
			l, err := a.load(cmd.Context(), src, flagOpts, flagRT, nil)
			if err != nil {
				return err
			}
			arc, err := newArchive(l)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := arc.Write(&buf); err != nil {
				return fmt.Errorf("writing the archive: %w", err)
			}
			if err := a.env.FS.WriteFile(a.absPath(out), buf.Bytes()); err != nil {
				return fmt.Errorf("writing the archive: %w", err)
			}
			return nil
		},
	}
	config.RegisterOptionFlags(cmd.Flags())
	config.RegisterRuntimeFlags(cmd.Flags(), false)
	cmd.Flags().StringP("type", "t", "", "override file `type`, \"js\" or \"archive\"")
	cmd.Flags().StringVarP(&out, "archive-out", "O", "archive.tar", "archive output filename")
	return cmd
}

// newArchive bundles a loaded script.
func newArchive(l *loaded) (*archive.Archive, error) {
	opts, err := l.opts.MarshalIndent()
	if err != nil {
		return nil, fmt.Errorf("rendering the options: %w", err)
	}
	env := map[string]string{}
	pwd := path.Dir(l.src.Path)
	if l.src.arc != nil { // archiving an archive keeps its -e variables
		pwd = l.src.arc.Pwd
		for k, v := range l.src.arc.Env {
			env[k] = v
		}
	}
	for k, v := range l.rt.Env {
		env[k] = v
	}
	files := l.bundle.Files()
	files[l.src.Path] = l.src.Data
	return &archive.Archive{
		Filename:          l.src.Path,
		Pwd:               pwd,
		Options:           opts,
		Env:               env,
		Files:             files,
		StampedeVersion:   Version,
		CompatibilityMode: l.rt.CompatibilityMode,
	}, nil
}

// resolveArchive turns src into the archive's entry script when it is an
// archive: typ "archive", or no type and src starts with a tar header.
// "js" forces JavaScript. A broken archive gives one line:
// "archive.tar: not a stampede archive: …".
func (a *app) resolveArchive(src script, typ string) (script, error) {
	if src.arc != nil {
		return src, nil
	}
	switch typ {
	case "js":
		return src, nil
	case "archive":
	case "":
		if !archive.IsArchive(src.Data) {
			return src, nil
		}
	default:
		return script{}, &usageError{fmt.Errorf("invalid type %q: use \"js\" or \"archive\"", typ)}
	}
	arc, err := archive.Read(bytes.NewReader(src.Data))
	if err != nil {
		return script{}, fmt.Errorf("%s: %w", src.Display, err)
	}
	data, ok := arc.Files[arc.Filename]
	if !ok {
		return script{}, fmt.Errorf("%s: %w: the entry script %s is missing", src.Display, archive.ErrInvalid, arc.Filename)
	}
	return script{Path: arc.Filename, Display: src.Display, Data: data, fs: arc.FS(), arc: arc}, nil
}
