package js

import (
	"slices"
	"strings"

	"github.com/dop251/goja"
	"github.com/sirupsen/logrus"
)

// console mirrors k6 v0.32: every argument is converted with JS String()
// and the parts are joined with spaces; messages go to the run's logger
// with source=console.
//
// It is a dynamic object whose methods are made when first read: most VUs
// never log, and five function objects per VU were a tenth of an idle VU's
// memory. Like a plain object, it takes new and replaced properties.
type console struct {
	vu    *VU
	keys  []string
	props map[string]goja.Value // made or assigned so far
}

var _ goja.DynamicObject = (*console)(nil)

// consoleLevels are console's methods and the log level of each.
var consoleLevels = map[string]logrus.Level{
	"log": logrus.InfoLevel, "info": logrus.InfoLevel, "debug": logrus.DebugLevel,
	"warn": logrus.WarnLevel, "error": logrus.ErrorLevel,
}

func newConsole(vu *VU) *goja.Object {
	return vu.rt.NewDynamicObject(&console{vu: vu, keys: []string{"log", "info", "debug", "warn", "error"}})
}

// Get implements goja.DynamicObject.
func (c *console) Get(key string) goja.Value {
	if v, ok := c.props[key]; ok {
		return v
	}
	level, ok := consoleLevels[key]
	if !ok || !slices.Contains(c.keys, key) {
		return nil
	}
	v := c.vu.rt.ToValue(c.printer(level))
	c.Set(key, v)
	return v
}

// Set implements goja.DynamicObject.
func (c *console) Set(key string, v goja.Value) bool {
	if c.props == nil {
		c.props = make(map[string]goja.Value)
	}
	if !slices.Contains(c.keys, key) {
		c.keys = append(c.keys, key)
	}
	c.props[key] = v
	return true
}

// Has implements goja.DynamicObject.
func (c *console) Has(key string) bool { return slices.Contains(c.keys, key) }

// Delete implements goja.DynamicObject.
func (c *console) Delete(key string) bool {
	if i := slices.Index(c.keys, key); i >= 0 {
		c.keys = slices.Delete(c.keys, i, i+1)
		delete(c.props, key)
	}
	return true
}

// Keys implements goja.DynamicObject.
func (c *console) Keys() []string { return slices.Clone(c.keys) }

func (c *console) printer(level logrus.Level) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		parts := make([]string, len(call.Arguments))
		for i, a := range call.Arguments {
			parts[i] = a.String()
		}
		c.vu.b.cfg.ConsoleLogger.WithField("source", "console").Log(level, strings.Join(parts, " "))
		return goja.Undefined()
	}
}
