package influxdb

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/metrics"
	"github.com/stampede-load/stampede/output"
)

func init() { output.Register("influxdb", New) }

// RequestTimeout bounds one request to the server: a server that stopped
// answering delays the end of the run by at most this much per write.
const RequestTimeout = 30 * time.Second

// maxCachedTagSets bounds the cache of encoded tag sets.
const maxCachedTagSets = 4096

// Output writes samples to an InfluxDB 1.x server through its HTTP API.
type Output struct {
	params   output.Params
	cfg      Config
	prec     precision
	kinds    map[string]fieldKind
	writeURL string
	queryURL string

	client  *http.Client
	ctx     context.Context // cancelled when Stop gives up waiting
	cancel  context.CancelFunc
	sem     chan struct{} // one slot per concurrent write
	wg      sync.WaitGroup
	flusher *output.PeriodicFlusher

	mu       sync.Mutex
	buf      []byte // encoded lines waiting for the next flush
	nbuf     int    // lines in buf
	measures [][]byte
	tagCache map[*metrics.TagSet]encodedTags
	badWarn  bool

	writes, failedWrites, failedPoints, skipped atomic.Int64
}

type encodedTags struct{ tags, fields []byte }

var _ output.Output = (*Output)(nil)

// New builds an influxdb output from p.Arg and the K6_INFLUXDB_* variables.
func New(p output.Params) (output.Output, error) {
	cfg, err := ParseConfig(p.Arg, p.Getenv)
	if err != nil {
		return nil, err
	}
	if p.Logger == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		p.Logger = l
	}
	prec, _ := parsePrecision(cfg.Precision) // validated
	kinds, _ := parseFieldKinds(cfg.TagsAsFields)
	o := &Output{params: p, cfg: cfg, prec: prec, kinds: kinds}
	base := strings.TrimRight(cfg.Addr, "/")
	q := url.Values{"db": {cfg.DB}}
	if prec.param != "ns" {
		q.Set("precision", prec.param)
	}
	if cfg.Retention != "" {
		q.Set("rp", cfg.Retention)
	}
	if cfg.Consistency != "" {
		q.Set("consistency", cfg.Consistency)
	}
	o.writeURL = base + "/write?" + q.Encode()
	o.queryURL = base + "/query"
	return o, nil
}

// Config returns the configuration in effect.
func (o *Output) Config() Config { return o.cfg }

// Description implements output.Output: "InfluxDBv1 (http://host:8086)",
// without credentials.
func (o *Output) Description() string {
	addr := o.cfg.Addr
	if u, err := url.Parse(addr); err == nil {
		addr = u.Redacted()
	}
	return fmt.Sprintf("InfluxDBv1 (%s)", addr)
}

// Start implements output.Output: it creates the database, as k6 does, and
// starts pushing every push interval. A server that cannot be reached is
// a warning, not an error: k6 v0.32 went on as well, and every write that
// fails is logged.
func (o *Output) Start() error {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = o.cfg.ConcurrentWrites
	if o.cfg.Insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user's explicit choice
	}
	o.client = &http.Client{Transport: tr, Timeout: RequestTimeout}
	o.ctx, o.cancel = context.WithCancel(context.Background())
	o.sem = make(chan struct{}, o.cfg.ConcurrentWrites)

	o.createDatabase()

	var err error
	o.flusher, err = output.NewPeriodicFlusher(o.cfg.PushInterval, o.flush)
	if err != nil {
		o.cancel()
		tr.CloseIdleConnections()
		return fmt.Errorf("influxdb output: push interval: %w", err)
	}
	return nil
}

// createDatabase sends CREATE DATABASE. Failing is usually harmless (a user
// who may write but not create, a database made beforehand), so only an
// unreachable server is worth a warning.
func (o *Output) createDatabase() {
	ctx, cancel := context.WithTimeout(o.ctx, 10*time.Second)
	defer cancel()
	err := o.query(ctx, "CREATE DATABASE "+quoteIdent(o.cfg.DB))
	var he *httpError
	switch {
	case err == nil:
	case errors.As(err, &he):
		o.params.Logger.WithError(err).Debugf("influxdb output: could not create the database %q; most likely harmless", o.cfg.DB)
	default:
		o.params.Logger.Warnf("influxdb output: cannot reach %s (%v); the results will not be stored unless it comes up",
			o.Description(), err)
	}
}

// query runs an InfluxQL statement that returns no data.
func (o *Output) query(ctx context.Context, q string) error {
	form := url.Values{"q": {q}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.queryURL, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	body, err := o.do(req)
	if err != nil {
		return err
	}
	var res struct {
		Results []struct {
			Error string `json:"error"`
		} `json:"results"`
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &res) == nil {
		if res.Error != "" {
			return &httpError{status: http.StatusOK, msg: res.Error}
		}
		for _, r := range res.Results {
			if r.Error != "" {
				return &httpError{status: http.StatusOK, msg: r.Error}
			}
		}
	}
	return nil
}

// httpError is an answer of the server that is not a success.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string {
	return fmt.Sprintf("the server answered %d %s: %s", e.status, http.StatusText(e.status), e.msg)
}

func (o *Output) do(req *http.Request) ([]byte, error) {
	if o.cfg.Username != "" || o.cfg.Password != "" {
		req.SetBasicAuth(o.cfg.Username, o.cfg.Password)
	}
	resp, err := o.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		msg := strings.TrimSpace(string(body))
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			msg = e.Error
		}
		return nil, &httpError{status: resp.StatusCode, msg: msg}
	}
	return body, nil
}

// quoteIdent quotes an InfluxQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// AddSamples implements output.Output: it encodes the samples into the
// buffer of the next write.
func (o *Output) AddSamples(batch []metrics.Sample) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range batch {
		s := &batch[i]
		if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) {
			o.skipped.Add(1) // the line protocol has no NaN or infinity
			continue
		}
		o.buf = append(o.buf, o.measurement(s.Metric)...)
		enc := o.encodedTags(s.Tags)
		o.buf = append(o.buf, enc.tags...)
		o.buf = append(o.buf, " value="...)
		o.buf = appendFloatField(o.buf, s.Value)
		o.buf = append(o.buf, enc.fields...)
		o.buf = append(o.buf, ' ')
		o.buf = appendInt(o.buf, timestamp(s.Time.UnixNano(), o.prec))
		o.buf = append(o.buf, '\n')
		o.nbuf++
	}
}

func appendInt(b []byte, n int64) []byte {
	return strconv.AppendInt(b, n, 10)
}

func (o *Output) measurement(m *metrics.Metric) []byte {
	for len(o.measures) <= m.ID {
		o.measures = append(o.measures, nil)
	}
	if o.measures[m.ID] == nil {
		o.measures[m.ID] = appendMeasurement(nil, m.Name)
	}
	return o.measures[m.ID]
}

func (o *Output) encodedTags(tags *metrics.TagSet) encodedTags {
	if enc, ok := o.tagCache[tags]; ok {
		return enc
	}
	var enc encodedTags
	var bad string
	enc.tags, enc.fields, bad = encodeTags(tags, o.kinds)
	if bad != "" && !o.badWarn {
		o.badWarn = true
		o.params.Logger.Warnf("influxdb output: the tag %s does not have the type tagsAsFields gives it; "+
			"such tags are left out", bad)
	}
	if o.tagCache == nil || len(o.tagCache) >= maxCachedTagSets {
		o.tagCache = make(map[*metrics.TagSet]encodedTags)
	}
	o.tagCache[tags] = enc
	return enc
}

// flush hands the buffer to a write of its own; with ConcurrentWrites
// writes in flight it waits for one to end.
func (o *Output) flush() {
	o.mu.Lock()
	body, n := o.buf, o.nbuf
	o.buf, o.nbuf = make([]byte, 0, len(body)), 0
	o.mu.Unlock()
	if n == 0 {
		return
	}
	for _, chunk := range splitPayload(body, o.cfg.PayloadSize) {
		o.sem <- struct{}{}
		o.wg.Add(1)
		go func() {
			defer o.wg.Done()
			defer func() { <-o.sem }()
			o.write(chunk)
		}()
	}
}

// splitPayload cuts body at line ends into pieces of at most size bytes
// (a longer line is a piece of its own); size 0 means no limit.
func splitPayload(body []byte, size int) [][]byte {
	if size <= 0 || len(body) <= size {
		return [][]byte{body}
	}
	var out [][]byte
	for len(body) > 0 {
		if len(body) <= size {
			out = append(out, body)
			break
		}
		cut := bytes.LastIndexByte(body[:size], '\n') + 1
		if cut == 0 {
			cut = bytes.IndexByte(body, '\n') + 1
			if cut == 0 {
				cut = len(body)
			}
		}
		out = append(out, body[:cut])
		body = body[cut:]
	}
	return out
}

func (o *Output) write(body []byte) {
	points := int64(bytes.Count(body, []byte{'\n'}))
	o.writes.Add(1)
	req, err := http.NewRequestWithContext(o.ctx, http.MethodPost, o.writeURL, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "text/plain; charset=utf-8")
		_, err = o.do(req)
	}
	if err != nil {
		o.failedWrites.Add(1)
		o.failedPoints.Add(points)
		o.params.Logger.WithError(err).Errorf("influxdb output: could not write %d points to %s", points, o.Description())
	}
}

// Stop implements output.Output: it writes what is buffered and waits for
// the writes in flight; when ctx ends first, they are cancelled. Failed
// writes were logged as they happened and are summed up here; they do not
// fail the run.
func (o *Output) Stop(ctx context.Context, _ error) error {
	if o.flusher == nil {
		return nil // never started
	}
	o.flusher.Stop() // flushes a last time
	done := make(chan struct{})
	go func() { o.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		o.cancel()
		<-done
	}
	o.cancel()
	o.client.CloseIdleConnections()
	if n := o.skipped.Load(); n > 0 {
		o.params.Logger.Warnf("influxdb output: %d samples with a NaN or infinite value were not written", n)
	}
	if f := o.failedWrites.Load(); f > 0 {
		o.params.Logger.Warnf("influxdb output: %d of %d writes to %s failed; %d points were not stored",
			f, o.writes.Load(), o.Description(), o.failedPoints.Load())
	}
	return nil
}

// Stats reports the writes made so far: requests, failed requests and the
// points those carried.
func (o *Output) Stats() (writes, failedWrites, failedPoints int64) {
	return o.writes.Load(), o.failedWrites.Load(), o.failedPoints.Load()
}
