package js

import (
	"strings"

	"github.com/dop251/goja"
	"github.com/sirupsen/logrus"
)

// console mirrors k6 v0.32: every argument is converted with JS String()
// and the parts are joined with spaces; messages go to the run's logger
// with source=console.
type console struct{ vu *VU }

func newConsole(vu *VU) *goja.Object {
	c := &console{vu: vu}
	o := vu.rt.NewObject()
	for name, level := range map[string]logrus.Level{
		"log": logrus.InfoLevel, "info": logrus.InfoLevel, "debug": logrus.DebugLevel,
		"warn": logrus.WarnLevel, "error": logrus.ErrorLevel,
	} {
		_ = o.Set(name, c.printer(level))
	}
	return o
}

func (c *console) printer(level logrus.Level) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		parts := make([]string, len(call.Arguments))
		for i, a := range call.Arguments {
			parts[i] = a.String()
		}
		c.vu.b.cfg.Logger.WithField("source", "console").Log(level, strings.Join(parts, " "))
		return goja.Undefined()
	}
}
