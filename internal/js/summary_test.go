package js_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/js"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

const summaryData = `{"root_group":{"name":"","path":"","id":"d41d8cd98f00b204e9800998ecf8427e","groups":[],"checks":[]},` +
	`"options":{"summaryTrendStats":["avg"],"summaryTimeUnit":""},` +
	`"metrics":{"iterations":{"type":"counter","contains":"default","values":{"count":3,"rate":1.5}}}}`

func handleSummary(t *testing.T, ctx context.Context, src string) (map[string][]byte, string, error) {
	t.Helper()
	h, err := load(t, memFS{"/s/script.js": src})
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.bundle.HandleSummary(ctx, js.Params{
		Group: metrics.NewRootGroup(), Options: jsmod.Options{SystemTags: metrics.DefaultSystemTags},
	}, []byte(summaryData), "DEFAULT\n")
	return out, h.logs.String(), err
}

func TestHandleSummary(t *testing.T) {
	for name, tc := range map[string]struct {
		src     string
		want    map[string]string // nil: nothing is output
		wantErr string
		wantLog string
	}{
		"not exported": {
			src:  `export default function () {}`,
			want: map[string]string{"stdout": "DEFAULT\n"},
		},
		"outputs": {
			src: `let inits = 0; inits++;
export default function () {}
export function handleSummary(data, text) {
  const buf = new Uint8Array([104, 105]).buffer;
  return {
    stdout: 'vu=' + __VU + ' inits=' + inits + ' count=' + data.metrics.iterations.values.count,
    stderr: text(),
    'out/file.bin': buf,
  };
}`,
			want: map[string]string{"stdout": "vu=0 inits=1 count=3", "stderr": "DEFAULT\n", "out/file.bin": "hi"},
		},
		"null":      {src: "export default function () {}\nexport function handleSummary() { return null; }"},
		"undefined": {src: "export default function () {}\nexport function handleSummary() {}"},
		"string": {
			src:     "export default function () {}\nexport function handleSummary() { return 'x'; }",
			wantErr: "handleSummary() should return a map with string keys",
		},
		"array": {
			src:     "export default function () {}\nexport function handleSummary() { return ['x']; }",
			wantErr: "handleSummary() should return a map with string keys",
		},
		"bad value": {
			src:     "export default function () {}\nexport function handleSummary() { return {stdout: 'ok', 'f.txt': 42}; }",
			wantErr: "error handling summary object f.txt",
		},
		"throws": {
			src:     "export default function () {}\nexport function handleSummary() { throw new Error('boom'); }",
			want:    map[string]string{"stdout": "DEFAULT\n"},
			wantLog: `handleSummary() failed with error \"Error: boom\", falling back to the default summary`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			out, logs, err := handleSummary(t, t.Context(), tc.src)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if out != nil {
					t.Errorf("output despite the error: %v", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil && out != nil {
				t.Fatalf("out = %v, want nothing", out)
			}
			if len(out) != len(tc.want) {
				t.Errorf("out = %q, want %q", out, tc.want)
			}
			for k, v := range tc.want {
				if string(out[k]) != v {
					t.Errorf("out[%q] = %q, want %q", k, out[k], v)
				}
			}
			if !strings.Contains(logs, tc.wantLog) {
				t.Errorf("logs lack %q:\n%s", tc.wantLog, logs)
			}
		})
	}
}

func TestHandleSummaryTimeout(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, _, err := handleSummary(t, ctx, "export default function () {}\nexport function handleSummary() { for (;;) {} }")
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a timeout", err)
	}
}

func TestJSLibImports(t *testing.T) {
	out, _, err := handleSummary(t, t.Context(), `
import { textSummary, jUnit } from 'https://jslib.k6.io/k6-summary/0.0.1/index.js';
import { randomIntBetween, findBetween } from 'http://jslib.k6.io/k6-utils/1.4.0/index.js';
import * as utils from 'https://jslib.k6.io/k6-utils/1.0.0/index.js';
export default function () {}
export function handleSummary(data) {
  return {
    stdout: textSummary(data, {indent: ' ', enableColors: false}),
    'junit.xml': jUnit(data),
    'utils.txt': randomIntBetween(1, 1) + findBetween('<b>x</b>', '<b>', '</b>') + typeof utils.uuidv4,
  };
}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out["stdout"]); !strings.Contains(got, "iterations...: 3") {
		t.Errorf("textSummary:\n%s", got)
	}
	if got := string(out["junit.xml"]); !strings.Contains(got, `<testsuites tests="0" failures="0">`) {
		t.Errorf("jUnit:\n%s", got)
	}
	if got := string(out["utils.txt"]); got != "1xfunction" {
		t.Errorf("utils: %q", got)
	}
}
