package csv

import (
	"context"
	stdcsv "encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/metrics"
	"github.com/stampede-load/stampede/output"
)

func init() { output.Register("csv", New) }

// Config is the csv output's configuration.
type Config struct {
	FileName     string
	SaveInterval time.Duration
}

// DefaultConfig is k6 v0.32's default.
func DefaultConfig() Config { return Config{FileName: "file.csv", SaveInterval: time.Second} }

// ParseConfig applies the environment and then the argument ("file.csv" or
// "file_name=…,save_interval=…") over the defaults.
func ParseConfig(arg string, getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	if getenv != nil {
		if v := getenv("K6_CSV_FILENAME"); v != "" {
			c.FileName = v
		}
		if v := getenv("K6_CSV_SAVE_INTERVAL"); v != "" {
			d, err := parseInterval(v)
			if err != nil {
				return c, fmt.Errorf("K6_CSV_SAVE_INTERVAL: %w", err)
			}
			c.SaveInterval = d
		}
	}
	if arg == "" {
		return c, nil
	}
	if !isOptionList(arg) {
		c.FileName = arg
		return c, nil
	}
	for _, kv := range strings.Split(arg, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return c, fmt.Errorf("csv output: %q is not key=value (use file_name=… or save_interval=…)", kv)
		}
		switch strings.TrimSpace(k) {
		case "file_name", "fileName":
			c.FileName = v
		case "save_interval", "saveInterval":
			d, err := parseInterval(v)
			if err != nil {
				return c, fmt.Errorf("csv output: save_interval: %w", err)
			}
			c.SaveInterval = d
		default:
			return c, fmt.Errorf("csv output: unknown option %q (known: file_name, save_interval)", k)
		}
	}
	if c.FileName == "" {
		return c, fmt.Errorf("csv output: empty file_name")
	}
	return c, nil
}

// isOptionList tells "file_name=…,save_interval=…" from a file name, which
// may contain "=" too: an option list starts with an option key.
func isOptionList(arg string) bool {
	k, _, ok := strings.Cut(arg, "=")
	if !ok || strings.ContainsAny(k, "/\\.") {
		return false
	}
	return true
}

// parseInterval reads a Go duration ("1s", "500ms") or a bare number of
// milliseconds, as k6's duration options do.
func parseInterval(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		ms, nerr := strconv.ParseFloat(v, 64)
		if nerr != nil {
			return 0, fmt.Errorf("invalid duration %q", v)
		}
		d = time.Duration(ms * float64(time.Millisecond))
	}
	if d <= 0 {
		return 0, fmt.Errorf("invalid duration %q: must be positive", v)
	}
	return d, nil
}

// Output writes samples as CSV rows.
type Output struct {
	params  output.Params
	cfg     Config
	columns []string // the enabled system tags, sorted

	mu      sync.Mutex
	file    io.WriteCloser
	w       *stdcsv.Writer
	flusher *output.PeriodicFlusher
	row     []string
	extra   []string
	err     error
}

var _ output.Output = (*Output)(nil)

// New builds a csv output.
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
	cols := p.SystemTags.Names()
	slices.Sort(cols)
	return &Output{params: p, cfg: cfg, columns: cols}, nil
}

// Header returns the header row for the enabled system tags.
func Header(sys metrics.SystemTagSet) []string {
	cols := sys.Names()
	slices.Sort(cols)
	h := append([]string{"metric_name", "timestamp", "metric_value"}, cols...)
	return append(h, "extra_tags")
}

// Description implements output.Output.
func (o *Output) Description() string { return fmt.Sprintf("csv (%s)", o.cfg.FileName) }

// Start implements output.Output: it creates the file and writes the header.
func (o *Output) Start() error {
	f, err := o.params.CreateFile(o.cfg.FileName)
	if err != nil {
		return fmt.Errorf("csv output: %w", err)
	}
	o.file = f
	o.w = stdcsv.NewWriter(f)
	o.row = make([]string, len(o.columns)+4)
	if err := o.w.Write(Header(o.params.SystemTags)); err != nil {
		_ = f.Close()
		return fmt.Errorf("csv output: %w", err)
	}
	o.flusher, err = output.NewPeriodicFlusher(o.cfg.SaveInterval, o.flush)
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("csv output: save_interval: %w", err)
	}
	return nil
}

// AddSamples implements output.Output.
func (o *Output) AddSamples(batch []metrics.Sample) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return
	}
	for i := range batch {
		if err := o.w.Write(o.toRow(&batch[i])); err != nil {
			o.fail(err)
			return
		}
	}
}

// toRow fills o.row for s. The tag set is sorted, so one merge walk places
// the column tags and collects the extra ones.
func (o *Output) toRow(s *metrics.Sample) []string {
	row := o.row
	row[0] = s.Metric.Name
	row[1] = strconv.FormatInt(s.Time.Unix(), 10)
	row[2] = strconv.FormatFloat(s.Value, 'f', 6, 64)
	for i := range o.columns {
		row[3+i] = ""
	}
	o.extra = o.extra[:0]
	c := 0
	for _, t := range s.Tags.Tags() {
		for c < len(o.columns) && o.columns[c] < t.Key {
			c++
		}
		if c < len(o.columns) && o.columns[c] == t.Key {
			row[3+c] = t.Value
			continue
		}
		o.extra = append(o.extra, t.Key+"="+t.Value)
	}
	row[len(row)-1] = strings.Join(o.extra, "&")
	return row
}

func (o *Output) fail(err error) {
	o.err = fmt.Errorf("csv output: writing %s: %w", o.cfg.FileName, err)
	o.params.Logger.WithError(err).Errorf("csv output: cannot write %s; no more results are written", o.cfg.FileName)
}

func (o *Output) flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return
	}
	o.w.Flush()
	if err := o.w.Error(); err != nil {
		o.fail(err)
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
		o.err = fmt.Errorf("csv output: closing %s: %w", o.cfg.FileName, err)
	}
	return o.err
}
