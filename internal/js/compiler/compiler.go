package compiler

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/dop251/goja"
	"github.com/dop251/goja/parser"
	"github.com/evanw/esbuild/pkg/api"
)

// wrapperArgs are the names a module's code sees, as in Node.js.
const wrapperArgs = "exports, require, module, __filename, __dirname"

// Compile compiles a module's source. name is the file's URL
// ("file:///abs/script.js"), used in stack traces. The resulting program
// evaluates to a function taking wrapperArgs.
func Compile(name string, src []byte) (*goja.Program, error) {
	code := string(src)
	// A leading "#!" line is legal for Node and esbuild but not for goja.
	if strings.HasPrefix(code, "#!") {
		code = "//" + code[2:]
	}
	res := api.Transform(code, api.TransformOptions{
		Loader:     api.LoaderJS,
		Format:     api.FormatCommonJS,
		Target:     api.ESNext,
		Sourcemap:  api.SourceMapInline,
		Sourcefile: name,
		Charset:    api.CharsetUTF8,
		LogLevel:   api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		return nil, syntaxError(name, res.Errors)
	}
	// The wrapper stays on the first line so the source map's line numbers
	// still match; only columns of line 1 shift, and line 1 is esbuild's.
	wrapped := "(function(" + wrapperArgs + "){" + helperRewrites.Replace(string(res.Code)) + "\n})"
	ast, err := goja.Parse(name, wrapped, parser.WithSourceMapLoader(func(string) ([]byte, error) {
		return nil, nil // only inline maps are used; never read other files
	}))
	if err != nil {
		return nil, engineSyntaxError(name, err)
	}
	prg, err := goja.CompileAST(ast, false)
	if err != nil {
		return nil, engineSyntaxError(name, err)
	}
	return prg, nil
}

// engineSyntaxError wraps what goja rejects after esbuild accepted it (rare:
// syntax goja does not support yet). Positions refer to the rewritten code,
// so only the file is named.
func engineSyntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "SyntaxError: ")
	return &SyntaxError{Msg: fmt.Sprintf("SyntaxError: %s: %s (this syntax is not supported by the JavaScript engine)", name, msg)}
}

// SyntaxError is a compile error: k6 v0.32 exits 255 for these, not 107.
type SyntaxError struct{ Msg string }

func (e *SyntaxError) Error() string { return e.Msg }

func syntaxError(name string, msgs []api.Message) error {
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteString("; ")
		}
		if m.Location != nil {
			// esbuild counts columns in bytes; users count characters.
			lt := strings.TrimRight(m.Location.LineText, "\r\n")
			before := lt[:min(max(m.Location.Column, 0), len(lt))]
			fmt.Fprintf(&b, "SyntaxError: %s:%d:%d: %s", name, m.Location.Line, utf8.RuneCountInString(before)+1, m.Text)
			if lt != "" {
				pad := strings.Map(func(r rune) rune {
					if r == '\t' {
						return r
					}
					return ' '
				}, before)
				fmt.Fprintf(&b, "\n    %s\n    %s^", lt, pad)
			}
		} else {
			fmt.Fprintf(&b, "SyntaxError: %s: %s", name, m.Text)
		}
	}
	return &SyntaxError{Msg: b.String()}
}
