package summary

import "time"

// group and check build the tree with paths and IDs the way the runner does.
func group(parent *Group, name string) *Group {
	path := parent.Path + "::" + name
	g := &Group{Name: name, Path: path, ID: IDFor(path)}
	parent.Groups = append(parent.Groups, g)
	return g
}

func check(g *Group, name string, passes, fails int64) {
	path := g.Path + "::" + name
	g.Checks = append(g.Checks, &Check{Name: name, Path: path, ID: IDFor(path), Passes: passes, Fails: fails})
}

func rootGroup() *Group { return &Group{ID: IDFor("")} }

// trend zips stats with values; times are in milliseconds.
func trend(name, contains string, stats []string, vals ...float64) Metric {
	m := Metric{Name: name, Type: TypeTrend, Contains: contains, Values: map[string]float64{}}
	for i, s := range stats {
		m.Values[s] = vals[i]
	}
	return m
}

func sub(m Metric, parent, filter string, th ...Threshold) Metric {
	m.Parent, m.Filter, m.Thresholds = parent, filter, th
	return m
}

func withTh(m Metric, th ...Threshold) Metric {
	m.Thresholds = th
	return m
}

func counter(name, contains string, count, rate float64) Metric {
	return Metric{Name: name, Type: TypeCounter, Contains: contains,
		Values: map[string]float64{"count": count, "rate": rate}}
}

func gauge(name string, value, lo, hi float64) Metric {
	return Metric{Name: name, Type: TypeGauge, Contains: ContainsDefault,
		Values: map[string]float64{"value": value, "min": lo, "max": hi}}
}

func rate(name string, passes, fails float64) Metric {
	return Metric{Name: name, Type: TypeRate, Contains: ContainsDefault,
		Values: map[string]float64{"rate": passes / (passes + fails), "passes": passes, "fails": fails}}
}

// specExampleRun has the numbers of the real k6 output quoted in spec §6.2.
// Times carry an extra digit because the summary truncates, never rounds.
func specExampleRun() *Data {
	root := rootGroup()
	check(root, "http2 is used", 3354, 0)
	check(root, "status is 200", 3354, 0)
	check(root, "content is present", 3354, 0)
	static := group(root, "Static Assets")
	check(static, "status is 200", 3354, 0)
	check(static, "reused connection", 3354, 0)

	stats := []string{"min", "avg", "med", "p(95)", "p(99)", "p(99.99)", "max"}
	tr := func(name string, vals ...float64) Metric { return trend(name, ContainsTime, stats, vals...) }
	ms := []Metric{
		withTh(Metric{Name: "check_failure_rate", Type: TypeRate, Contains: ContainsDefault,
			Values: map[string]float64{"rate": 0, "passes": 0, "fails": 6708}},
			Threshold{Source: "rate<0.01", OK: true}),
		rate("checks", 16770, 0),
		counter("data_received", ContainsData, 94_000_123, 308_412.5),
		counter("data_sent", ContainsData, 1_600_456, 5_234.1),
		tr("group_duration", 134.4001, 177.6734, 142.7501, 278.2601, 353.4901, 983.8412, 1010.3),
		tr("http_req_blocked", 0.000947, 1.6612, 0.002371, 0.004652, 0.038981, 620.3401, 811.8801),
		tr("http_req_connecting", 0, 0.536831, 0, 0, 0, 208.8101, 232.1601),
		withTh(tr("http_req_duration", 131.4401, 150.634, 138.1301, 269.8101, 283.8301, 982.7601, 1010.3),
			Threshold{Source: "p(95)<500", OK: true}),
		sub(tr("http_req_duration{staticAsset:yes}", 131.4401, 153.0901, 138.2001, 271.3401, 284.2201, 1010.3, 1010.3),
			"http_req_duration", "staticAsset:yes", Threshold{Source: "avg<150", OK: false}),
		tr("http_req_receiving", 0.033361, 2.6601, 0.180361, 2.4001, 128.7901, 205.1601, 205.4501),
		tr("http_req_sending", 0.006091, 0.044921, 0.035771, 0.098261, 0.148491, 1.0901, 5.5301),
		tr("http_req_tls_handshaking", 0, 1.1201, 0, 0, 0, 447.4601, 614.3501),
		tr("http_req_waiting", 131.3001, 147.9201, 137.5701, 267.4901, 282.2301, 982.5501, 1010.3),
		counter("http_reqs", ContainsDefault, 13416, 44.1113434),
		tr("iteration_duration", 2280.01, 3830.01, 3820.01, 5200.01, 5360.01, 6100.01, 6180.01),
		counter("iterations", ContainsDefault, 3354, 11.0278362),
		gauge("vus", 1, 1, 50),
		gauge("vus_max", 50, 50, 50),
	}
	// The input order must not matter.
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return &Data{
		Metrics:         ms,
		RootGroup:       root,
		Options:         Options{SummaryTrendStats: stats},
		TestRunDuration: 304 * time.Second,
	}
}

// httpRun is a typical v0.32 run with default options: setup and teardown
// groups, nested groups, a failing check, passing and failing thresholds
// and the automatic expected_response sub-metric.
func httpRun() *Data {
	root := rootGroup()
	group(root, "setup")
	check(root, "status is 200", 90, 0)
	check(root, "body is not empty", 29, 71)
	login := group(root, "login")
	check(login, "logged in", 30, 0)
	profile := group(login, "profile")
	check(profile, "has name", 27, 3)
	group(profile, "empty")
	api := group(root, "api")
	check(api, "200", 30, 0)
	group(root, "teardown")

	stats := DefaultTrendStats()
	tr := func(name string, vals ...float64) Metric { return trend(name, ContainsTime, stats, vals...) }
	return &Data{
		Metrics: []Metric{
			withTh(rate("checks", 206, 74), Threshold{Source: "rate>0.9", OK: false}),
			counter("data_received", ContainsData, 730, 24.3),
			counter("data_sent", ContainsData, 12_345, 411.5),
			tr("group_duration", 312.4567, 101.2, 250.333, 999.9999, 700.12345, 850.5),
			tr("http_req_blocked", 0.0123, 0.001, 0.0045, 1.2345, 0.0089, 0.0101),
			tr("http_req_connecting", 0.0045, 0, 0, 0.4021, 0, 0),
			withTh(tr("http_req_duration", 150.634, 100.2049, 138.1301, 1010.3, 269.8101, 283.8301),
				Threshold{Source: "p(95)<500", OK: true}, Threshold{Source: "p(99)<1500", OK: true}),
			sub(tr("http_req_duration{expected_response:true}", 148.2, 100.2049, 137.5, 64000.4, 250.1, 260.2),
				"http_req_duration", "expected_response:true"),
			sub(tr("http_req_duration{name:login}", 170.5, 120.3, 160.1, 210.9, 200.2, 205.7),
				"http_req_duration", "name:login", Threshold{Source: "avg<100", OK: false}),
			withTh(rate("http_req_failed", 0, 90), Threshold{Source: "rate<0.01", OK: true}),
			tr("http_req_receiving", 0.10234, 0.0401, 0.0912, 0.5, 0.2, 0.3),
			tr("http_req_sending", 0.0401, 0.0102, 0.0305, 0.2, 0.08, 0.1),
			tr("http_req_tls_handshaking", 0, 0, 0, 0, 0, 0),
			tr("http_req_waiting", 150.3, 100.0, 138.0, 1010.0, 269.5, 283.5),
			counter("http_reqs", ContainsDefault, 90, 2.9950237),
			tr("iteration_duration", 1032.5, 1000.1, 1030.9, 1105.5, 1052.2, 1083.3),
			counter("iterations", ContainsDefault, 30, 0.9983412),
			withTh(gauge("vus", 1, 1, 10), Threshold{Source: "value<=10", OK: true}),
			gauge("vus_max", 10, 10, 10),
		},
		RootGroup:       root,
		TestRunDuration: 30050 * time.Millisecond,
	}
}

// customStatsRun uses count and p(99.99) columns and a time unit.
func customStatsRun(unit string) *Data {
	stats := []string{"count", "min", "med", "p(99.99)", "max"}
	root := rootGroup()
	check(root, "ok", 10, 0)
	return &Data{
		Metrics: []Metric{
			trend("http_req_duration", ContainsTime, stats, 1234, 0.5, 150.634, 64000.4, 1010.3),
			trend("iteration_duration", ContainsTime, stats, 10, 1000.1, 1005.678, 1999.999, 2000.5),
			trend("my_trend", ContainsDefault, stats, 7, 1, 2.5, 44.1113434, 1e6),
			counter("my_time_counter", ContainsTime, 5000, 166.4),
			counter("iterations", ContainsDefault, 10, 0.33),
		},
		RootGroup:       root,
		Options:         Options{SummaryTrendStats: stats, SummaryTimeUnit: unit},
		TestRunDuration: 30 * time.Second,
	}
}

// emptyRun is a script that made no requests and ran no checks.
func emptyRun() *Data {
	return &Data{
		Metrics: []Metric{
			counter("iterations", ContainsDefault, 1, 1000),
			trend("iteration_duration", ContainsTime, DefaultTrendStats(), 0.012, 0.012, 0.012, 0.012, 0.012, 0.012),
		},
		RootGroup:       rootGroup(),
		TestRunDuration: time.Millisecond,
	}
}

// dataRun shows every data formatting: counters, a data trend and gauge.
func dataRun() *Data {
	stats := DefaultTrendStats()
	g := gauge("payload_last", 1_600_000, 730, 94_000_000)
	g.Contains = ContainsData
	return &Data{
		Metrics: []Metric{
			counter("data_received", ContainsData, 94_000_000, 308_000),
			counter("data_sent", ContainsData, 1_600_000, 5_200),
			counter("ws_data", ContainsData, 730, 0.5),
			trend("payload_size", ContainsData, stats, 12_345.6, 999, 10_000, 2_500_000_000, 1_000_000, 1_999_999),
			g,
		},
		RootGroup:       rootGroup(),
		TestRunDuration: 305 * time.Second,
	}
}
