package http

import (
	"crypto/tls"
	"net"
	"net/http/httptrace"
	"sync"
	"time"
)

// timings are a hop's phases in milliseconds, as k6 reports them.
type timings struct {
	duration, blocked, connecting, tlsHandshaking, sending, waiting, receiving float64
}

// tracer records one hop's connection and request events. The transport
// calls it from its own goroutines (dialing, HTTP/2 read loops), sometimes
// after RoundTrip has returned, hence the lock.
type tracer struct {
	mu sync.Mutex

	getConn, gotConn           time.Time
	connectStart, connectDone  time.Time
	tlsStart, tlsDone          time.Time
	wroteRequest, gotFirstByte time.Time
	reused                     bool
	remote                     net.Addr

	trace httptrace.ClientTrace
}

func newTracer() *tracer {
	t := &tracer{}
	t.trace = httptrace.ClientTrace{
		GetConn:              t.onGetConn,
		GotConn:              t.onGotConn,
		ConnectStart:         t.onConnectStart,
		ConnectDone:          t.onConnectDone,
		TLSHandshakeStart:    t.onTLSStart,
		TLSHandshakeDone:     t.onTLSDone,
		WroteRequest:         t.onWroteRequest,
		GotFirstResponseByte: t.onFirstByte,
	}
	return t
}

func (t *tracer) mark(p *time.Time) {
	now := time.Now()
	t.mu.Lock()
	*p = now
	t.mu.Unlock()
}

// markOnce keeps the first time: with several addresses to try (happy
// eyeballs) the connect phase starts at the first attempt.
func (t *tracer) markOnce(p *time.Time) {
	now := time.Now()
	t.mu.Lock()
	if p.IsZero() {
		*p = now
	}
	t.mu.Unlock()
}

func (t *tracer) onGetConn(string) { t.markOnce(&t.getConn) }

func (t *tracer) onGotConn(info httptrace.GotConnInfo) {
	now := time.Now()
	t.mu.Lock()
	t.gotConn = now
	t.reused = info.Reused
	if info.Conn != nil {
		t.remote = info.Conn.RemoteAddr()
	}
	t.mu.Unlock()
}

func (t *tracer) onConnectStart(string, string)        { t.markOnce(&t.connectStart) }
func (t *tracer) onConnectDone(string, string, error)  { t.mark(&t.connectDone) }
func (t *tracer) onTLSStart()                          { t.markOnce(&t.tlsStart) }
func (t *tracer) onTLSDone(tls.ConnectionState, error) { t.mark(&t.tlsDone) }
func (t *tracer) onWroteRequest(httptrace.WroteRequestInfo) {
	t.mark(&t.wroteRequest)
}
func (t *tracer) onFirstByte() { t.markOnce(&t.gotFirstByte) }

func ms(d time.Duration) float64 {
	if d < 0 {
		return 0
	}
	return float64(d) / float64(time.Millisecond)
}

// timings computes the phases of a hop that ended (body read, or failed) at
// end. A phase cut short by an error runs until end; the phases after it are
// zero.
func (t *tracer) timings(end time.Time) (tm timings, remote net.Addr) {
	t.mu.Lock()
	defer t.mu.Unlock()
	remote = t.remote
	// A reused connection may still have had a dial started on its behalf
	// that went to the idle pool; that dial is not this request's.
	if !t.reused {
		if !t.connectStart.IsZero() && !t.connectDone.IsZero() {
			tm.connecting = ms(t.connectDone.Sub(t.connectStart))
		}
		if !t.tlsStart.IsZero() && !t.tlsDone.IsZero() {
			tm.tlsHandshaking = ms(t.tlsDone.Sub(t.tlsStart))
		}
	}
	switch {
	case t.getConn.IsZero():
	case t.gotConn.IsZero():
		tm.blocked = ms(end.Sub(t.getConn))
	case t.wroteRequest.IsZero():
		tm.blocked = ms(t.gotConn.Sub(t.getConn))
		tm.sending = ms(end.Sub(t.gotConn))
	case t.gotFirstByte.IsZero():
		tm.blocked = ms(t.gotConn.Sub(t.getConn))
		tm.sending = ms(t.wroteRequest.Sub(t.gotConn))
		tm.waiting = ms(end.Sub(t.wroteRequest))
	default:
		tm.blocked = ms(t.gotConn.Sub(t.getConn))
		// A server may answer before the request body is fully written;
		// then sending ends at the first response byte and waiting is 0.
		wrote := t.wroteRequest
		if t.gotFirstByte.Before(wrote) {
			wrote = t.gotFirstByte
		}
		tm.sending = ms(wrote.Sub(t.gotConn))
		tm.waiting = ms(t.gotFirstByte.Sub(wrote))
		tm.receiving = ms(end.Sub(t.gotFirstByte))
	}
	tm.duration = tm.sending + tm.waiting + tm.receiving
	return tm, remote
}
