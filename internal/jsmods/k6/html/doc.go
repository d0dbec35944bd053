// Package html is the "k6/html" JS module: parseHTML(src) returns the
// Selection of internal/htmlsel. It imports only jsmod, ext and htmlsel.
package html
