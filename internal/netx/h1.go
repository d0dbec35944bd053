package netx

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"sync"
	"time"

	"golang.org/x/net/http/httpguts"
)

// maxFastBody is the largest request body sent on the fast path. It is
// written before the response is read, which is only safe while the socket
// buffers can take the whole body even if the server answers without
// reading it; larger bodies go through net/http, which writes and reads at
// the same time.
const maxFastBody = 64 << 10

// Sizes of a connection's buffers: a VU waits for each response, so one
// request and one response head fit comfortably.
const (
	connReadBuf  = 4 << 10
	connWriteBuf = 4 << 10
)

// idleCheckAfter is how long a connection must have been idle before a
// replayable request (see replayable) pays a system call to see whether the
// server has closed it. Sooner, the check mostly races the server's FIN
// anyway, and a replayable request sent on a connection that turns out
// closed is sent again on a new one (roundTripError.retryable), so a VU
// sending GET after GET saves a system call per request. Other requests are
// always checked: they cannot be sent again.
const idleCheckAfter = time.Millisecond

// aLongTimeAgo is a deadline in the past: setting it makes blocked reads
// and writes on a connection return at once.
var aLongTimeAgo = time.Unix(1, 0)

// fastPath reports whether req can take the synchronous HTTP/1.1 path.
// Everything else, including requests net/http would reject, goes to
// net/http, so that its errors and behaviour stay exactly as they were.
func (t *Transport) fastPath(req *http.Request) bool {
	u := req.URL
	if !fastPathSupported || u == nil || u.Scheme != "http" || u.Host == "" || t.DisableKeepAlives || req.Header == nil {
		return false
	}
	if req.Body != nil && req.Body != http.NoBody && (req.ContentLength < 0 || req.ContentLength > maxFastBody) {
		return false
	}
	if !isASCII(u.Host) || !isToken(req.Method) || req.Method == http.MethodConnect {
		return false
	}
	for k, vv := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return false
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return false
			}
		}
	}
	// 100-continue and protocol upgrades need net/http's concurrent
	// reading and writing.
	return req.Header.Get("Expect") == "" && req.Header.Get("Upgrade") == ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !httpguts.IsTokenRune(rune(s[i])) {
			return false
		}
	}
	return true
}

// hostPort is the dial address of a URL: host:port, port 80 by default.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		return net.JoinHostPort(u.Hostname(), "80")
	}
	return u.Host // already host:port, without allocating
}

// roundTripH1 sends req on an idle or new connection and reads the
// response head on the calling goroutine. It follows net/http's rules for
// which errors it returns and when a request is retried on a new
// connection.
func (t *Transport) roundTripH1(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if ctx.Err() != nil {
		closeBody(req)
		return nil, context.Cause(ctx)
	}
	if d, ok := requestDeadline(ctx); ok && !time.Now().Before(d) {
		closeBody(req)
		return nil, context.DeadlineExceeded
	}
	tc := newTracing(ctx)
	addr := hostPort(req.URL)
	for {
		c, err := t.conn(ctx, tc, addr, replayable(req))
		if err != nil {
			closeBody(req)
			return nil, err
		}
		resp, rerr := c.roundTrip(req, tc)
		if rerr == nil {
			return resp, nil
		}
		if !c.reused || !rerr.retryable(req) {
			closeBody(req)
			return nil, rerr.err
		}
		// The server closed the kept-alive connection before answering:
		// as net/http does, send the request again on a new connection.
		if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r2 := *req
			r2.Body = body
			req = &r2
		}
	}
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// tracing reports a fast-path request's phases to its Trace and to the
// httptrace callbacks of its context, either of which may be absent.
type tracing struct {
	tr  *Trace
	gen uint64
	ht  *httptrace.ClientTrace
}

func newTracing(ctx context.Context) tracing {
	tc := tracing{tr: traceFrom(ctx), ht: httptrace.ContextClientTrace(ctx)}
	if tc.tr != nil {
		tc.gen = tc.tr.current()
	}
	return tc
}

func (tc tracing) getConn(addr string) {
	if tc.tr != nil {
		tc.tr.record(tc.gen, evGetConn)
	}
	if tc.ht != nil && tc.ht.GetConn != nil {
		tc.ht.GetConn(addr)
	}
}

func (tc tracing) gotConn(info httptrace.GotConnInfo) {
	if tc.tr != nil {
		tc.tr.gotConn(tc.gen, info.Conn, info.Reused)
	}
	if tc.ht != nil && tc.ht.GotConn != nil {
		tc.ht.GotConn(info)
	}
}

// dialContext is ctx for dialing: net.Dialer reports the connect phase
// (after any DNS lookup) to the httptrace callbacks it finds there.
func (tc tracing) dialContext(ctx context.Context) context.Context {
	if tc.tr == nil {
		return ctx
	}
	tr, gen := tc.tr, tc.gen
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		ConnectStart: func(string, string) { tr.record(gen, evConnectStart) },
		ConnectDone:  func(string, string, error) { tr.record(gen, evConnectDone) },
	})
}

// wroteRequest is the request being written to the connection's buffer;
// the httptrace callback is made by http.Request.Write itself.
func (tc tracing) wroteRequest() {
	if tc.tr != nil {
		tc.tr.record(tc.gen, evWroteRequest)
	}
}

func (tc tracing) firstByte() {
	if tc.tr != nil {
		tc.tr.record(tc.gen, evFirstByte)
	}
	if tc.ht != nil && tc.ht.GotFirstResponseByte != nil {
		tc.ht.GotFirstResponseByte()
	}
}

// conn returns an idle connection to addr or dials one. A replayable
// request may skip the liveness check of a connection idle only briefly.
func (t *Transport) conn(ctx context.Context, tc tracing, addr string, replayable bool) (*h1Conn, error) {
	tc.getConn(addr)
	if c, idle := t.takeIdle(addr, replayable); c != nil {
		tc.gotConn(httptrace.GotConnInfo{Conn: c.conn, Reused: true, WasIdle: true, IdleTime: idle})
		return c, nil
	}
	dctx, cancel := ApplyRequestDeadline(ctx)
	defer cancel()
	nc, err := t.DialContext(tc.dialContext(dctx), "tcp", addr)
	if err != nil {
		if dctx.Err() != nil {
			return nil, context.Cause(dctx)
		}
		return nil, err
	}
	c := &h1Conn{t: t, conn: nc, addr: addr}
	c.br = bufio.NewReaderSize(nc, connReadBuf)
	c.bw = bufio.NewWriterSize(c, connWriteBuf)
	tc.gotConn(httptrace.GotConnInfo{Conn: nc})
	return c, nil
}

// takeIdle takes the most recently used idle connection to addr and says
// how long it was idle. A connection idle for less than idleCheckAfter is
// taken unchecked for a replayable request.
func (t *Transport) takeIdle(addr string, replayable bool) (*h1Conn, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for conns := t.idle[addr]; len(conns) > 0; conns = t.idle[addr] {
		c := conns[len(conns)-1]
		conns[len(conns)-1] = nil
		t.idle[addr] = conns[:len(conns)-1]
		c.forgetEndedContext()
		idle := time.Since(c.idleSince)
		if idle < t.IdleConnTimeout && ((replayable && idle < idleCheckAfter) || idleConnAlive(c.conn)) {
			return c, idle
		}
		c.close()
	}
	return nil, 0
}

// putIdle keeps c for the next request to its address, unless the pool is
// full.
func (t *Transport) putIdle(c *h1Conn) {
	c.reused = true
	c.idleSince = time.Now()
	t.mu.Lock()
	if t.idle == nil {
		t.idle = make(map[string][]*h1Conn)
	}
	if conns := t.idle[c.addr]; len(conns) < t.MaxIdleConnsPerHost {
		t.idle[c.addr] = append(conns, c)
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	c.close()
}

// closeIdle closes the idle connections of the fast path.
func (t *Transport) closeIdle() {
	t.mu.Lock()
	idle := t.idle
	t.idle = nil
	t.mu.Unlock()
	for _, conns := range idle {
		for _, c := range conns {
			c.close()
		}
	}
}

// h1Conn is one HTTP/1.1 connection of the fast path; it serves one
// request at a time.
type h1Conn struct {
	t    *Transport
	conn net.Conn
	addr string
	br   *bufio.Reader
	bw   *bufio.Writer
	// watched is the context whose end aborts the connection's exchanges
	// (unwatch cancels that); the registration is kept from request to
	// request while the VU's context stays the same. watchGen tells the
	// current registration's abort from a late one of an earlier context.
	watched   context.Context
	unwatch   func() bool
	watchMu   sync.Mutex
	watchGen  uint64
	reused    bool // has carried a complete exchange before
	idleSince time.Time
	written   int64 // bytes written to conn
	writeErr  error // the connection's last write error
}

// Write counts what reaches the connection, to tell an error before the
// request left from one in the middle of it.
func (c *h1Conn) Write(p []byte) (int, error) {
	n, err := c.conn.Write(p)
	c.written += int64(n)
	if err != nil {
		c.writeErr = err
	}
	return n, err
}

// roundTripError is a failed exchange and what is known about it for the
// retry decision.
type roundTripError struct {
	err          error
	nothingSent  bool // no byte of the request reached the connection
	noneReceived bool // the connection failed before the response's first byte
}

// retryable is net/http's rule for retrying on a new connection after a
// reused one failed: when nothing was sent and the body can be sent again,
// or when the server hung up before answering a request that is safe to
// repeat.
func (e *roundTripError) retryable(req *http.Request) bool {
	if errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded) {
		return false
	}
	if e.nothingSent {
		return !hasBody(req) || req.GetBody != nil
	}
	return e.noneReceived && replayable(req)
}

func hasBody(req *http.Request) bool {
	return req.Body != nil && req.Body != http.NoBody && req.ContentLength != 0
}

// deadlineError reports the connection's deadline passing as what
// context.WithTimeout would have given: the request ran out of time.
func deadlineError(err error) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return err
}

// replayable reports whether req may be sent again after a connection
// failed before its answer: net/http's rule for idempotent requests.
func replayable(req *http.Request) bool {
	if hasBody(req) && req.GetBody == nil {
		return false
	}
	switch req.Method {
	case "", "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	return req.Header.Get("Idempotency-Key") != "" || req.Header.Get("X-Idempotency-Key") != ""
}

// roundTrip writes req and reads the response head. On success the
// response body owns the connection until it is read to the end (the
// connection goes back to the pool) or closed.
func (c *h1Conn) roundTrip(req *http.Request, tc tracing) (*http.Response, *roundTripError) {
	ctx := req.Context()
	// The request's deadline is the connection's (zero: none); the
	// context's end, a cancellation, aborts the exchange (watch). Setting
	// the deadline must not undo an abort that already happened, hence the
	// lock and the second look at the context.
	c.watch(ctx)
	deadline, _ := requestDeadline(ctx)
	c.watchMu.Lock()
	_ = c.conn.SetDeadline(deadline)
	c.watchMu.Unlock()
	if ctx.Err() != nil {
		_ = c.conn.SetDeadline(aLongTimeAgo)
	}
	fail := func(err error, noneReceived bool) (*http.Response, *roundTripError) {
		c.close()
		e := &roundTripError{err: err, nothingSent: c.written == 0, noneReceived: noneReceived}
		if ctx.Err() != nil {
			// Cancelling tears the connection down; the cause is the
			// better error, as in net/http.
			e.err = context.Cause(ctx)
		}
		e.err = deadlineError(e.err)
		return nil, e
	}

	c.written, c.writeErr = 0, nil
	err := req.Write(c.bw)
	if err == nil {
		// As on net/http's path, the request counts as written once it is
		// in the buffer.
		tc.wroteRequest()
		err = c.bw.Flush()
	}
	if err != nil {
		if c.writeErr != nil {
			// req.Write reports a failed body copy as a body read error
			// (an unexported type that hides the cause); the connection's
			// own error is the one to classify.
			err = c.writeErr
		}
		if c.written > 0 {
			err = fmt.Errorf("net/http: HTTP/1.x transport connection broken: %w", err)
		}
		return fail(err, true)
	}

	if _, err := c.br.Peek(1); err != nil {
		return fail(err, true)
	}
	tc.firstByte()
	var resp *http.Response
	for {
		resp, err = http.ReadResponse(c.br, req)
		if err != nil {
			return fail(err, false)
		}
		// Informational responses precede the real one; 101 is final.
		if resp.StatusCode < 100 || resp.StatusCode > 199 || resp.StatusCode == http.StatusSwitchingProtocols {
			break
		}
		if tc.ht != nil && tc.ht.Got1xxResponse != nil {
			if err := tc.ht.Got1xxResponse(resp.StatusCode, map[string][]string(resp.Header)); err != nil {
				return fail(err, false)
			}
		}
	}
	keep := !resp.Close && !req.Close && resp.StatusCode >= 200 && resp.StatusCode != http.StatusSwitchingProtocols
	resp.Body = &h1Body{c: c, rc: resp.Body, ctx: ctx, keep: keep}
	return resp, nil
}

// h1Body is a fast-path response body. It hands its connection back to
// the pool at EOF and closes it when abandoned early or broken.
type h1Body struct {
	c    *h1Conn
	rc   io.ReadCloser
	ctx  context.Context
	keep bool // the connection may carry another request
	done bool
}

func (b *h1Body) Read(p []byte) (int, error) {
	if b.done {
		return 0, io.EOF
	}
	n, err := b.rc.Read(p)
	switch {
	case err == io.EOF: //nolint:errorlint // io.Reader contract
		b.finish(true)
	case err != nil:
		b.finish(false)
		if b.ctx.Err() != nil {
			err = context.Cause(b.ctx)
		}
		err = deadlineError(err)
	}
	return n, err
}

// Close implements io.Closer. A body closed before its end takes its
// connection down, as net/http does, except when there was nothing to read.
func (b *h1Body) Close() error {
	if !b.done {
		b.finish(b.rc == http.NoBody)
	}
	return nil
}

// finish releases the connection: back to the pool when the exchange
// completed cleanly and nothing unexpected follows it, closed otherwise.
func (b *h1Body) finish(complete bool) {
	b.done = true
	_ = b.rc.Close()
	// A context that ended meanwhile may have aborted the exchange
	// poisoned the connection's deadline.
	if b.ctx.Err() == nil && complete && b.keep && b.c.br.Buffered() == 0 {
		b.c.t.putIdle(b.c)
		return
	}
	b.c.close()
}

// watch makes the end of ctx abort the connection's exchanges: their reads
// and writes return at once. Registering costs allocations, so it is done
// only when the context changes.
func (c *h1Conn) watch(ctx context.Context) {
	if ctx == c.watched {
		return
	}
	if c.unwatch != nil {
		c.unwatch()
	}
	c.watchMu.Lock()
	c.watchGen++
	gen := c.watchGen
	c.watchMu.Unlock()
	c.watched = ctx
	c.unwatch = context.AfterFunc(ctx, func() {
		c.watchMu.Lock()
		defer c.watchMu.Unlock()
		if c.watchGen == gen {
			_ = c.conn.SetDeadline(aLongTimeAgo)
		}
	})
}

// forgetEndedContext drops the registration of a watched context that has
// ended while the connection was idle. Its abort set a past deadline, which
// would fail the liveness check and the next exchange: the deadline is
// cleared after a generation bump, so that a late abort does nothing.
func (c *h1Conn) forgetEndedContext() {
	if c.watched == nil || c.watched.Err() == nil {
		return
	}
	c.unwatch()
	c.watched, c.unwatch = nil, nil
	c.watchMu.Lock()
	c.watchGen++
	_ = c.conn.SetDeadline(time.Time{})
	c.watchMu.Unlock()
}

// close closes the connection and drops its context registration.
func (c *h1Conn) close() {
	if c.unwatch != nil {
		c.unwatch()
		c.unwatch, c.watched = nil, nil
	}
	_ = c.conn.Close()
}
