package errs

import (
	"errors"
	"fmt"
)

// Code is a process exit code.
type Code int

// k6 v0.32's exit codes (k6-spec §1.4).
const (
	CodeGeneric          Code = 255 // any other error (-1 in k6)
	ThresholdsFailed     Code = 99
	SetupTimeout         Code = 100
	TeardownTimeout      Code = 101
	GenericTimeout       Code = 102
	GenericEngine        Code = 103
	InvalidConfig        Code = 104
	ExternalAbort        Code = 105
	CannotStartRESTAPI   Code = 106
	ScriptExceptionError Code = 107
)

// Exit is an error that decides the exit code and may carry a hint.
type Exit struct {
	Code Code
	Err  error
	Hint string
}

func (e *Exit) Error() string { return e.Err.Error() }
func (e *Exit) Unwrap() error { return e.Err }

// WithCode wraps err so that the process exits with code.
func WithCode(err error, code Code) error {
	if err == nil {
		return nil
	}
	return &Exit{Code: code, Err: err}
}

// WithHint wraps err with a code and a hint printed after it.
func WithHint(err error, code Code, hint string) error {
	if err == nil {
		return nil
	}
	return &Exit{Code: code, Err: err, Hint: hint}
}

// ExitCode returns the exit code err calls for: 0 for nil, the innermost
// explicit code otherwise, 255 when nobody chose one.
func ExitCode(err error) Code {
	if err == nil {
		return 0
	}
	var e *Exit
	if errors.As(err, &e) {
		return e.Code
	}
	var se *ScriptError
	if errors.As(err, &se) {
		return ScriptExceptionError
	}
	return CodeGeneric
}

// Hint returns the hint attached to err, if any.
func Hint(err error) string {
	var e *Exit
	if errors.As(err, &e) && e.Hint != "" {
		return e.Hint
	}
	var se *ScriptError
	if errors.As(err, &se) {
		return "script exception"
	}
	return ""
}

// ScriptError is an error raised by the user's script: an uncaught exception
// or a compile error, with the position in the user's own source.
type ScriptError struct {
	// Message is the exception text, e.g. "Error: boom".
	Message string
	// Stack is the JS stack ("\tat fn (file:///x.js:3:5(12))" lines), if any.
	Stack string
}

func (e *ScriptError) Error() string {
	if e.Stack == "" {
		return e.Message
	}
	return e.Message + "\n" + e.Stack
}

// ThresholdsFailedError is returned when thresholds fail at the end.
var ErrThresholdsFailed = errors.New("some thresholds have failed")

// Configf returns an invalid-configuration error (exit 104).
func Configf(format string, args ...any) error {
	return WithCode(fmt.Errorf(format, args...), InvalidConfig)
}
