// Command stampede runs k6 v0.32 load-test scripts. It only wires the CLI
// to the real process environment; everything else lives in packages.
package main

import (
	"os"

	_ "github.com/stampede-load/stampede/internal/bundle" // built-in JS modules and outputs
	"github.com/stampede-load/stampede/internal/cli"
	"github.com/stampede-load/stampede/internal/procenv"
)

func main() {
	os.Exit(cli.Main(procenv.OS()))
}
