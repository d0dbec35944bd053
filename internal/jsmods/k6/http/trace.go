package http

import (
	"net"
	"time"

	"github.com/stampede-load/stampede/internal/netx"
)

// timings are a hop's phases in milliseconds, as k6 reports them.
type timings struct {
	duration, blocked, connecting, tlsHandshaking, sending, waiting, receiving float64
}

// tracer holds the moments of one hop, as the transport recorded them in
// the client's netx.Trace, and turns them into k6's phases.
type tracer struct {
	getConn, gotConn           time.Time
	connectStart, connectDone  time.Time
	tlsStart, tlsDone          time.Time
	wroteRequest, gotFirstByte time.Time
	reused                     bool
	remote                     net.Addr
}

func newTracer() *tracer { return &tracer{} }

// fill takes the moments the transport recorded.
func (t *tracer) fill(tt netx.TraceTimes) {
	t.getConn, t.gotConn = tt.GetConn, tt.GotConn
	t.connectStart, t.connectDone = tt.ConnectStart, tt.ConnectDone
	t.tlsStart, t.tlsDone = tt.TLSStart, tt.TLSDone
	t.wroteRequest, t.gotFirstByte = tt.WroteRequest, tt.FirstByte
	t.reused, t.remote = tt.Reused, tt.Remote
}

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
