package jslib

import (
	"regexp"
	"strings"

	"github.com/stampede-load/stampede/ext"
)

// The ext IDs of the modules of this package.
const (
	SummaryID = ext.JSNamespace + "jslib.k6.io/k6-summary/0.0.1/index.js"
	UtilsID   = ext.JSNamespace + "jslib.k6.io/k6-utils/index.js"
)

func init() {
	ext.Register(SummaryID, SummaryModule{})
	ext.Register(UtilsID, UtilsModule{})
}

// version matches a jslib version directory: "1.0.0", "1.4.0", "0.0.1".
var version = regexp.MustCompile(`^\d+(\.\d+)*$`)

// Resolve returns the ext ID of the module a remote specifier names, if it
// is one this package provides offline.
func Resolve(spec string) (id string, ok bool) {
	rest, ok := strings.CutPrefix(spec, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(spec, "http://"); !ok {
			return "", false
		}
	}
	rest, ok = strings.CutPrefix(rest, "jslib.k6.io/")
	if !ok {
		return "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[2] != "index.js" || !version.MatchString(parts[1]) {
		return "", false
	}
	switch {
	case parts[0] == "k6-summary" && parts[1] == "0.0.1":
		return SummaryID, true
	case parts[0] == "k6-utils":
		return UtilsID, true
	}
	return "", false
}
