package json

import (
	"bufio"
	"bytes"
	"context"
	stdjson "encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/metrics"
	"github.com/stampede-load/stampede/output"
)

func init() { output.Register("json", New) }

// FlushInterval is how often buffered records are written to the file.
const FlushInterval = 100 * time.Millisecond

// Output writes samples as newline-delimited JSON.
type Output struct {
	params output.Params
	path   string // "-" for standard output

	mu      sync.Mutex
	file    io.WriteCloser
	w       *bufio.Writer
	flusher *output.PeriodicFlusher
	seen    []bool // by metric ID: Metric record written
	err     error  // first write error
	line    []byte

	// The encoded tags of the last tag set: a request's samples, and
	// often consecutive requests, share one set.
	lastTags    *metrics.TagSet
	lastEncoded []byte
}

var _ output.Output = (*Output)(nil)

// New builds a json output; p.Arg is the file path.
func New(p output.Params) (output.Output, error) {
	path := p.Arg
	if path == "" {
		path = "-"
	}
	if p.Logger == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		p.Logger = l
	}
	return &Output{params: p, path: path}, nil
}

// Description implements output.Output.
func (o *Output) Description() string {
	if o.path == "-" {
		return "json(stdout)"
	}
	return fmt.Sprintf("json (%s)", o.path)
}

// Start implements output.Output: it creates the file.
func (o *Output) Start() error {
	f, err := o.params.CreateFile(o.path)
	if err != nil {
		return fmt.Errorf("json output: %w", err)
	}
	o.file = f
	o.w = bufio.NewWriterSize(f, 64<<10)
	o.flusher, err = output.NewPeriodicFlusher(FlushInterval, o.flush)
	if err != nil {
		_ = f.Close()
		return err
	}
	return nil
}

// AddSamples implements output.Output.
func (o *Output) AddSamples(batch []metrics.Sample) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range batch {
		s := &batch[i]
		if id := s.Metric.ID; id >= len(o.seen) || !o.seen[id] {
			for len(o.seen) <= id {
				o.seen = append(o.seen, false)
			}
			o.seen[id] = true
			o.write(o.metricRecord(s.Metric))
		}
		o.line = o.appendPoint(o.line[:0], s)
		o.write(o.line)
	}
}

func (o *Output) write(b []byte) {
	if o.err != nil {
		return
	}
	if _, err := o.w.Write(b); err != nil {
		o.fail(err)
	}
}

func (o *Output) fail(err error) {
	o.err = fmt.Errorf("json output: writing %s: %w", o.path, err)
	o.params.Logger.WithError(err).Errorf("json output: cannot write %s; no more results are written", o.path)
}

func (o *Output) flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		if err := o.w.Flush(); err != nil {
			o.fail(err)
		}
	}
}

// Stop implements output.Output: it writes out the buffer and closes the
// file.
func (o *Output) Stop(context.Context, error) error {
	if o.flusher == nil {
		return nil // never started
	}
	o.flusher.Stop() // flushes a last time
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.file.Close(); err != nil && o.err == nil {
		o.err = fmt.Errorf("json output: closing %s: %w", o.path, err)
	}
	return o.err
}

type metricRecord struct {
	Type   string     `json:"type"`
	Data   metricData `json:"data"`
	Metric string     `json:"metric"`
}

type metricData struct {
	Name       string   `json:"name"`
	Type       string   `json:"type"`
	Contains   string   `json:"contains"`
	Tainted    *bool    `json:"tainted"`
	Thresholds []string `json:"thresholds"`
	Submetrics []any    `json:"submetrics"`
	Sub        subData  `json:"sub"`
}

type subData struct {
	Name   string            `json:"name"`
	Parent string            `json:"parent"`
	Suffix string            `json:"suffix"`
	Tags   map[string]string `json:"tags"`
}

func (o *Output) metricRecord(m *metrics.Metric) []byte {
	ths := o.params.Thresholds[m.Name]
	if ths == nil {
		ths = []string{}
	}
	var b bytes.Buffer
	enc := stdjson.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(metricRecord{Type: "Metric", Metric: m.Name, Data: metricData{
		Name: m.Name, Type: m.Type.String(), Contains: m.Contains.String(), Thresholds: ths,
	}}); err != nil { // cannot happen: strings only
		panic(err)
	}
	return b.Bytes() // Encode ends it with a newline
}

// appendPoint encodes a sample as encoding/json would encode k6's Point
// envelope, without reflection.
func (o *Output) appendPoint(b []byte, s *metrics.Sample) []byte {
	b = append(b, `{"type":"Point","data":{"time":"`...)
	b = s.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","value":`...)
	b = appendFloat(b, s.Value)
	b = append(b, `,"tags":`...)
	if s.Tags != o.lastTags || o.lastEncoded == nil {
		o.lastTags, o.lastEncoded = s.Tags, appendTags(o.lastEncoded[:0], s.Tags)
	}
	b = append(b, o.lastEncoded...)
	b = append(b, `},"metric":`...)
	b = appendString(b, s.Metric.Name)
	return append(b, "}\n"...)
}

func appendTags(b []byte, tags *metrics.TagSet) []byte {
	b = append(b, '{')
	for i, t := range tags.Tags() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, t.Key)
		b = append(b, ':')
		b = appendString(b, t.Value)
	}
	return append(b, '}')
}

// appendFloat formats f as encoding/json does (ES6 number formatting);
// NaN and infinities, which JSON cannot represent, become null.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as encoding/json does with SetEscapeHTML(false):
// "p(95)<500" and URLs with "&" stay readable, as in k6-spec §9.1.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
