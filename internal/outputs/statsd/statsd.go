package statsd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/metrics"
	"github.com/stampede-load/stampede/output"
)

func init() {
	output.Register("statsd", New)
	output.Register("datadog", NewDatadog)
}

// maxCached bounds each cache of encoded names and tag sets.
const maxCached = 4096

// Output sends samples to a StatsD server over UDP.
type Output struct {
	params output.Params
	cfg    Config
	typ    string // "statsd" or "datadog", for log messages

	conn    net.Conn
	flusher *output.PeriodicFlusher

	mu  sync.Mutex
	buf []byte // lines waiting for the next push, each ending in '\n'
	enc encoder

	packets, failedPackets, lines, failedLines atomic.Int64
	skipped                                    atomic.Int64
	warned                                     bool // touched only by the flusher goroutine
}

var _ output.Output = (*Output)(nil)

// New builds a statsd output from the K6_STATSD_* variables and p.Arg (an
// optional host:port address).
func New(p output.Params) (output.Output, error) {
	cfg, err := ParseConfig(p.Arg, p.Getenv)
	if err != nil {
		return nil, err
	}
	return newOutput(p, cfg, "statsd"), nil
}

// NewDatadog builds a datadog output: statsd with DogStatsD tags on by
// default, configured by the K6_DATADOG_* variables.
func NewDatadog(p output.Params) (output.Output, error) {
	cfg, err := ParseDatadogConfig(p.Arg, p.Getenv)
	if err != nil {
		return nil, err
	}
	return newOutput(p, cfg, "datadog"), nil
}

func newOutput(p output.Params, cfg Config, typ string) *Output {
	if p.Logger == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		p.Logger = l
	}
	return &Output{params: p, cfg: cfg, typ: typ, enc: newEncoder(cfg)}
}

// Config returns the configuration in effect.
func (o *Output) Config() Config { return o.cfg }

// Description implements output.Output: "statsd (localhost:8125)", for
// -o datadog as well, as in k6 v0.32.
func (o *Output) Description() string {
	return fmt.Sprintf("statsd (%s)", o.cfg.Addr)
}

// Start implements output.Output: it resolves the address (an unknown host
// is an error, before the test starts), opens the UDP socket and starts
// pushing every push interval.
func (o *Output) Start() error {
	raddr, err := net.ResolveUDPAddr("udp", o.cfg.Addr)
	if err != nil {
		return fmt.Errorf("%s output: cannot resolve the address %q: %w", o.typ, o.cfg.Addr, err)
	}
	conn, err := net.DialUDP("udp", nil, raddr)
	if err != nil {
		return fmt.Errorf("%s output: %w", o.typ, err)
	}
	o.conn = conn
	o.flusher, err = output.NewPeriodicFlusher(o.cfg.PushInterval, o.flush)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("%s output: push interval: %w", o.typ, err)
	}
	return nil
}

// AddSamples implements output.Output: it encodes the samples into lines
// for the next push.
func (o *Output) AddSamples(batch []metrics.Sample) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range batch {
		var ok bool
		o.buf, ok = o.enc.appendSample(o.buf, &batch[i])
		if !ok {
			o.skipped.Add(1)
		}
	}
}

// flush sends the buffered lines, BufferSize lines (and at most
// MaxPacketSize bytes) per packet. A failed send is logged once; the rest
// are counted and summed up at Stop.
func (o *Output) flush() {
	o.mu.Lock()
	buf := o.buf
	if len(buf) == 0 {
		o.mu.Unlock()
		return
	}
	o.buf = make([]byte, 0, cap(buf))
	o.mu.Unlock()
	for _, p := range Packets(buf, o.cfg.BufferSize, MaxPacketSize) {
		n := int64(bytes.Count(p, []byte{'\n'}) + 1)
		o.packets.Add(1)
		o.lines.Add(n)
		if _, err := o.conn.Write(p); err != nil {
			o.failedPackets.Add(1)
			o.failedLines.Add(n)
			if !o.warned {
				o.warned = true
				o.params.Logger.WithError(err).Warnf("%s output: could not send metrics to %s; "+
					"further failures are counted and reported at the end", o.typ, o.cfg.Addr)
			}
		}
	}
}

// Stop implements output.Output: it sends what is buffered and closes the
// socket. Failed sends do not fail the run (UDP gives no delivery
// guarantee anyway); they are summed up in a warning.
func (o *Output) Stop(_ context.Context, _ error) error {
	if o.flusher == nil {
		return nil // never started
	}
	o.flusher.Stop() // sends a last time
	err := o.conn.Close()
	if n := o.skipped.Load(); n > 0 {
		o.params.Logger.Warnf("%s output: %d samples with a NaN or infinite value were not sent", o.typ, n)
	}
	if f := o.failedPackets.Load(); f > 0 {
		o.params.Logger.Warnf("%s output: %d of %d packets to %s could not be sent; %d metric lines were lost",
			o.typ, f, o.packets.Load(), o.cfg.Addr, o.failedLines.Load())
	}
	if err != nil {
		return fmt.Errorf("%s output: closing the socket: %w", o.typ, err)
	}
	return nil
}

// Stats reports what was sent so far: packets, metric lines, and the
// packets whose sending failed.
func (o *Output) Stats() (packets, lines, failedPackets int64) {
	return o.packets.Load(), o.lines.Load(), o.failedPackets.Load()
}

// Packets cuts buf, lines each ending in '\n', into UDP payloads of at most
// maxLines lines and maxBytes bytes, lines joined by '\n' (no trailing
// newline). A line longer than maxBytes is a payload of its own. The
// payloads share buf's memory.
func Packets(buf []byte, maxLines, maxBytes int) [][]byte {
	var out [][]byte
	start, end, n := 0, 0, 0 // the current payload is buf[start:end], n lines
	for i := 0; i < len(buf); {
		j := i + bytes.IndexByte(buf[i:], '\n')
		if j < i { // no final newline: take the rest as a line
			j = len(buf)
		}
		if n > 0 && (n == maxLines || j-start > maxBytes) {
			out = append(out, buf[start:end])
			start, n = i, 0
		}
		end, n = j, n+1
		i = j + 1
	}
	if n > 0 {
		out = append(out, buf[start:end])
	}
	return out
}

// encoder turns samples into StatsD lines. It is not safe for concurrent
// use.
type encoder struct {
	namespace  string
	enableTags bool
	blocked    map[string]bool
	names      [][]byte                   // namespace+name by metric ID
	checks     map[string][2][]byte       // check name → fail, pass metric names
	tags       map[*metrics.TagSet][]byte // "|#k:v,…" or empty
}

func newEncoder(cfg Config) encoder {
	e := encoder{namespace: cfg.Namespace, enableTags: cfg.EnableTags, blocked: make(map[string]bool)}
	for _, t := range cfg.TagBlocklist {
		e.blocked[t] = true
	}
	return e
}

// appendSample appends s's line to b; it reports false (and appends
// nothing) for a value StatsD cannot carry, NaN or infinite, or an
// unknown metric type.
func (e *encoder) appendSample(b []byte, s *metrics.Sample) ([]byte, bool) {
	v := s.Value
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return b, false
	}
	switch s.Metric.Type {
	case metrics.Counter:
		b = append(b, e.name(s.Metric)...)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(v), 10)
		b = append(b, "|c"...)
	case metrics.Gauge:
		b = append(b, e.name(s.Metric)...)
		b = append(b, ':')
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
		b = append(b, "|g"...)
	case metrics.Trend:
		b = append(b, e.name(s.Metric)...)
		b = append(b, ':')
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
		b = append(b, "|ms"...)
	case metrics.Rate:
		if check, ok := s.Tags.Get("check"); ok {
			b = append(b, e.checkName(check, v != 0)...)
			b = append(b, ":1|c"...)
			break
		}
		b = append(b, e.name(s.Metric)...)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(v), 10)
		b = append(b, "|c"...)
	default:
		return b, false
	}
	if e.enableTags {
		b = append(b, e.encodedTags(s.Tags)...)
	}
	return append(b, '\n'), true
}

func (e *encoder) name(m *metrics.Metric) []byte {
	for len(e.names) <= m.ID {
		e.names = append(e.names, nil)
	}
	if e.names[m.ID] == nil {
		e.names[m.ID] = []byte(e.namespace + sanitizeName(m.Name))
	}
	return e.names[m.ID]
}

// checkName is <namespace>check.<name>.pass or .fail.
func (e *encoder) checkName(check string, pass bool) []byte {
	names, ok := e.checks[check]
	if !ok {
		base := e.namespace + "check." + sanitizeName(check)
		names = [2][]byte{[]byte(base + ".fail"), []byte(base + ".pass")}
		if e.checks == nil || len(e.checks) >= maxCached {
			e.checks = make(map[string][2][]byte)
		}
		e.checks[check] = names
	}
	if pass {
		return names[1]
	}
	return names[0]
}

func (e *encoder) encodedTags(tags *metrics.TagSet) []byte {
	if enc, ok := e.tags[tags]; ok {
		return enc
	}
	var enc []byte
	for _, t := range tags.Tags() {
		if e.blocked[t.Key] || t.Value == "" {
			continue
		}
		if enc == nil {
			enc = append(enc, "|#"...)
		} else {
			enc = append(enc, ',')
		}
		enc = append(enc, tagKeyReplacer.Replace(t.Key)...)
		enc = append(enc, ':')
		enc = append(enc, tagValueReplacer.Replace(t.Value)...)
	}
	if e.tags == nil || len(e.tags) >= maxCached {
		e.tags = make(map[*metrics.TagSet][]byte)
	}
	e.tags[tags] = enc
	return enc
}

//nolint:gochecknoglobals // immutable replacers
var (
	// A name ends at ':' (the value) or '|' (the type), a line at a
	// newline.
	nameReplacer = strings.NewReplacer(":", "_", "|", "_", "\n", "_", "\r", "_")
	// A tag ends at ',' (the next tag) or '|', its key at ':'.
	tagKeyReplacer   = strings.NewReplacer(":", "_", "|", "_", ",", "_", "\n", "_", "\r", "_")
	tagValueReplacer = strings.NewReplacer("|", "_", ",", "_", "\n", "_", "\r", "_")
)

func sanitizeName(s string) string { return nameReplacer.Replace(s) }
