package metrics

// Builtin holds k6's built-in metrics for one run.
type Builtin struct {
	VUs               *Metric
	VUsMax            *Metric
	Iterations        *Metric
	IterationDuration *Metric
	DroppedIterations *Metric
	DataSent          *Metric
	DataReceived      *Metric
	Checks            *Metric
	GroupDuration     *Metric
	Errors            *Metric

	HTTPReqs              *Metric
	HTTPReqFailed         *Metric
	HTTPReqDuration       *Metric
	HTTPReqBlocked        *Metric
	HTTPReqConnecting     *Metric
	HTTPReqTLSHandshaking *Metric
	HTTPReqSending        *Metric
	HTTPReqWaiting        *Metric
	HTTPReqReceiving      *Metric

	WSSessions        *Metric
	WSMsgsSent        *Metric
	WSMsgsReceived    *Metric
	WSPing            *Metric
	WSSessionDuration *Metric
	WSConnecting      *Metric

	GRPCReqDuration *Metric
}

// RegisterBuiltin registers k6's built-in metrics in r.
func RegisterBuiltin(r *Registry) *Builtin {
	return &Builtin{
		VUs:               r.MustNewMetric("vus", Gauge, Default),
		VUsMax:            r.MustNewMetric("vus_max", Gauge, Default),
		Iterations:        r.MustNewMetric("iterations", Counter, Default),
		IterationDuration: r.MustNewMetric("iteration_duration", Trend, Time),
		DroppedIterations: r.MustNewMetric("dropped_iterations", Counter, Default),
		DataSent:          r.MustNewMetric("data_sent", Counter, Data),
		DataReceived:      r.MustNewMetric("data_received", Counter, Data),
		Checks:            r.MustNewMetric("checks", Rate, Default),
		GroupDuration:     r.MustNewMetric("group_duration", Trend, Time),
		Errors:            r.MustNewMetric("errors", Counter, Default),

		HTTPReqs:              r.MustNewMetric("http_reqs", Counter, Default),
		HTTPReqFailed:         r.MustNewMetric("http_req_failed", Rate, Default),
		HTTPReqDuration:       r.MustNewMetric("http_req_duration", Trend, Time),
		HTTPReqBlocked:        r.MustNewMetric("http_req_blocked", Trend, Time),
		HTTPReqConnecting:     r.MustNewMetric("http_req_connecting", Trend, Time),
		HTTPReqTLSHandshaking: r.MustNewMetric("http_req_tls_handshaking", Trend, Time),
		HTTPReqSending:        r.MustNewMetric("http_req_sending", Trend, Time),
		HTTPReqWaiting:        r.MustNewMetric("http_req_waiting", Trend, Time),
		HTTPReqReceiving:      r.MustNewMetric("http_req_receiving", Trend, Time),

		WSSessions:        r.MustNewMetric("ws_sessions", Counter, Default),
		WSMsgsSent:        r.MustNewMetric("ws_msgs_sent", Counter, Default),
		WSMsgsReceived:    r.MustNewMetric("ws_msgs_received", Counter, Default),
		WSPing:            r.MustNewMetric("ws_ping", Trend, Time),
		WSSessionDuration: r.MustNewMetric("ws_session_duration", Trend, Time),
		WSConnecting:      r.MustNewMetric("ws_connecting", Trend, Time),

		GRPCReqDuration: r.MustNewMetric("grpc_req_duration", Trend, Time),
	}
}
