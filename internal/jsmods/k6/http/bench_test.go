package http

import (
	nethttp "net/http"
	"net/http/httptest"
	"testing"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/metrics"
)

type discardPusher struct{ n int }

func (d *discardPusher) Push(metrics.Sample) { d.n++ }

func BenchmarkGet(b *testing.B) {
	body := []byte(`{"hello":"world"}`)
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, _ *nethttp.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)

	vu, _ := newVU(b, srv.URL)
	pusher := &discardPusher{}
	vu.StateValue.Samples = pusher
	get, ok := goja.AssertFunction(vu.MustRun(`(function() { return http.get(BASE).status })`))
	if !ok {
		b.Fatal("not a function")
	}

	b.ReportAllocs()
	for b.Loop() {
		v, err := get(goja.Undefined())
		if err != nil || v.ToInteger() != 200 {
			b.Fatalf("status %v, error %v", v, err)
		}
	}
	b.ReportMetric(float64(pusher.n)/float64(b.N), "samples/op")
}
