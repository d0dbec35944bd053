// Package examples embeds the bundled example scripts, so `stampede demo`
// works from the binary alone.
package examples

import _ "embed"

// Demo is examples/demo.js.
//
//go:embed demo.js
var Demo []byte
