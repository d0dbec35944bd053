package metrics_test

import (
	"fmt"

	"github.com/stampede-load/stampede/metrics"
)

func ExampleRegistry() {
	reg := metrics.NewRegistry()
	builtin := metrics.RegisterBuiltin(reg)
	latency, _ := reg.NewMetric("login_latency", metrics.Trend, metrics.Time)
	fmt.Println(builtin.HTTPReqDuration.Name, builtin.HTTPReqDuration.Type, builtin.HTTPReqDuration.Contains)
	fmt.Println(latency.Name, latency.Type)
	_, err := reg.NewMetric("bad:name", metrics.Counter, metrics.Default)
	fmt.Println(err)
	// Output:
	// http_req_duration trend time
	// login_latency trend
	// Invalid metric name: 'bad:name'
}

func ExampleTagSet() {
	base := metrics.NewTagSet(map[string]string{"scenario": "default", "group": ""})
	req := base.With("status", "200").With("method", "GET")
	fmt.Println(base)
	fmt.Println(req)
	fmt.Println(req.Without("group"))
	// Output:
	// {group:,scenario:default}
	// {group:,method:GET,scenario:default,status:200}
	// {method:GET,scenario:default,status:200}
}

func ExampleTrendSink() {
	s := &metrics.TrendSink{}
	for v := 1.0; v <= 10; v++ {
		s.Add(v)
	}
	med, _ := s.Value("med")
	fmt.Printf("med=%g p(90)=%.2f p(95)=%.2f\n", med, s.Percentile(90), s.Percentile(95))
	// Output:
	// med=5.5 p(90)=9.10 p(95)=9.55
}
