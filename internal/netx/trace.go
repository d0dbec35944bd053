package netx

import (
	"context"
	"crypto/tls"
	"net"
	"net/http/httptrace"
	"sync"
	"time"
)

// Trace records when the phases of a VU's requests happen. The VU keeps one
// Trace, attaches it to its context once with WithTrace and calls Start
// before each request; the transport fills it in.
//
// It replaces a fresh set of httptrace callbacks per request, which cost
// about ten allocations and a context per request. Requests on the
// synchronous path are recorded directly. Those net/http carries are
// recorded through httptrace callbacks that know which request they belong
// to, because net/http may call them after RoundTrip has returned (a dial
// it finishes for its pool, a request body it still writes): such late
// events are dropped once the next request has started.
type Trace struct {
	mu    sync.Mutex
	gen   uint64
	times TraceTimes
}

// TraceTimes are the recorded moments of one request; zero times did not
// happen.
type TraceTimes struct {
	GetConn      time.Time // a connection was asked for
	ConnectStart time.Time // the first dial attempt began (after DNS)
	ConnectDone  time.Time // the dial ended
	TLSStart     time.Time
	TLSDone      time.Time
	GotConn      time.Time // a connection was obtained
	Reused       bool      // ... and had carried requests before
	Remote       net.Addr
	WroteRequest time.Time // the request was written (buffered)
	FirstByte    time.Time // the first response byte arrived
}

type traceKey struct{}

// WithTrace returns a context that makes the transport record the requests
// made with it, or with contexts derived from it, in t.
func WithTrace(ctx context.Context, t *Trace) context.Context {
	return context.WithValue(ctx, traceKey{}, t)
}

func traceFrom(ctx context.Context) *Trace {
	t, _ := ctx.Value(traceKey{}).(*Trace)
	return t
}

// Start begins recording a new request and forgets the previous one.
func (t *Trace) Start() {
	t.mu.Lock()
	t.gen++
	t.times = TraceTimes{}
	t.mu.Unlock()
}

// Times returns what was recorded of the current request.
func (t *Trace) Times() TraceTimes {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.times
}

// current is the generation of the request being recorded.
func (t *Trace) current() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.gen
}

// A traced event: what it sets in the times of its request.
type event uint8

const (
	evGetConn event = iota
	evConnectStart
	evConnectDone
	evTLSStart
	evTLSDone
	evWroteRequest
	evFirstByte
)

// record notes that ev happened now in request gen. The first time counts
// for getConn and for the phases that may start several times (one dial
// per address): they start with the first attempt.
func (t *Trace) record(gen uint64, ev event) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen != t.gen {
		return
	}
	tt := &t.times
	switch ev {
	case evGetConn:
		setOnce(&tt.GetConn, now)
	case evConnectStart:
		setOnce(&tt.ConnectStart, now)
	case evConnectDone:
		tt.ConnectDone = now
	case evTLSStart:
		setOnce(&tt.TLSStart, now)
	case evTLSDone:
		tt.TLSDone = now
	case evWroteRequest:
		tt.WroteRequest = now
	case evFirstByte:
		setOnce(&tt.FirstByte, now)
	}
}

func setOnce(p *time.Time, now time.Time) {
	if p.IsZero() {
		*p = now
	}
}

// gotConn notes that request gen obtained a connection.
func (t *Trace) gotConn(gen uint64, c net.Conn, reused bool) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if gen != t.gen {
		return
	}
	t.times.GotConn, t.times.Reused = now, reused
	if c != nil {
		t.times.Remote = c.RemoteAddr()
	}
}

// hooks are httptrace callbacks recording into request gen; net/http and
// net.Dialer call them.
func (t *Trace) hooks(gen uint64) *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn:              func(string) { t.record(gen, evGetConn) },
		GotConn:              func(i httptrace.GotConnInfo) { t.gotConn(gen, i.Conn, i.Reused) },
		ConnectStart:         func(string, string) { t.record(gen, evConnectStart) },
		ConnectDone:          func(string, string, error) { t.record(gen, evConnectDone) },
		TLSHandshakeStart:    func() { t.record(gen, evTLSStart) },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { t.record(gen, evTLSDone) },
		WroteRequest:         func(httptrace.WroteRequestInfo) { t.record(gen, evWroteRequest) },
		GotFirstResponseByte: func() { t.record(gen, evFirstByte) },
	}
}
