package http

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	nethttp "net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/go-ntlmssp"

	"github.com/stampede-load/stampede/internal/netx"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

// maxPrealloc caps how much a response's Content-Length may make us
// allocate up front, so that a lying server cannot exhaust memory before a
// single byte arrives.
const maxPrealloc = 16 << 20

// client is the Go half of a request. Its buffers are reused from request to
// request, so one client serves one goroutine at a time.
type client struct {
	tags    metrics.Builder
	scratch []byte

	// trace is where the transport records each hop's phases, and
	// deadline bounds the request. Both are attached once to each VU
	// context (traced, made from tracedFrom), rather than to every request.
	trace      netx.Trace
	deadline   netx.RequestDeadline
	traced     context.Context
	tracedFrom context.Context

	lastRaw string
	lastURL *url.URL

	// lastStaple and lastChain are the OCSP staple parsed last and the
	// certificates it was checked with, and lastOCSP what it said: every
	// response on a connection carries the same staple, and checking its
	// signature each time would cost more than the request.
	lastStaple []byte
	lastChain  []*x509.Certificate
	lastOCSP   ocspInfo
}

// ocsp is what the response's stapled OCSP response says.
func (c *client) ocsp(cs *tls.ConnectionState) ocspInfo {
	if cs == nil || len(cs.OCSPResponse) == 0 || len(cs.PeerCertificates) == 0 {
		return ocspInfo{}
	}
	// crypto/tls shares parsed certificates between connections, so
	// pointers compare certificates cheaply.
	if !bytes.Equal(cs.OCSPResponse, c.lastStaple) || !slices.Equal(cs.PeerCertificates, c.lastChain) {
		c.lastStaple, c.lastChain, c.lastOCSP = cs.OCSPResponse, cs.PeerCertificates, parseOCSP(cs)
	}
	return c.lastOCSP
}

// parseURL parses a request's URL. Scripts mostly request the same URLs
// over and over, so the last one is kept; nothing modifies a parsed URL.
func (c *client) parseURL(raw string) (*url.URL, error) {
	if c.lastURL != nil && raw == c.lastRaw {
		return c.lastURL, nil
	}
	u, err := url.Parse(raw)
	if err == nil {
		c.lastRaw, c.lastURL = raw, u
	}
	return u, err
}

// withTrace is ctx carrying the client's trace and request deadline. It is
// kept while the VU's context stays the same: both are read per request.
func (c *client) withTrace(ctx context.Context) context.Context {
	if ctx != c.tracedFrom {
		c.tracedFrom, c.traced = ctx, netx.WithTrace(netx.WithRequestDeadline(ctx, &c.deadline), &c.trace)
	}
	return c.traced
}

// timings are the phases of the hop that just ended at end.
func (c *client) timings(end time.Time) (timings, net.Addr) {
	tr := newTracer()
	tr.fill(c.trace.Times())
	return tr.timings(end)
}

// hop is one request/response exchange of a possibly redirected request.
type hop struct {
	method string
	url    *url.URL
	tagURL string         // the url/name tag: the URL with its password masked
	header nethttp.Header // as sent, with cookies and basic auth

	resp    *nethttp.Response
	cookies []*nethttp.Cookie
	text    string
	bin     []byte

	err  error
	code int    // k6 error code: transport error, or 1000+status for status >= 400
	msg  string // k6 error message, only for transport errors

	timings timings
	remote  net.Addr
	end     time.Time

	ocsp ocspInfo // the stapled OCSP response of a TLS connection
}

func (h *hop) fail(err error) {
	h.err = err
	h.code, h.msg = netx.ClassifyError(err)
}

// result is a finished request: its last hop plus what the response object
// reports about the original request.
type result struct {
	method   string
	rawURL   string
	last     *hop // nil when the URL could not be parsed
	reqHead  nethttp.Header
	err      error
	code     int
	msg      string
	expected bool
}

// fullErr is the error as Go's HTTP client would report it
// (`Get "http://…": dial tcp …`), for the log and for thrown exceptions;
// the response and the tags carry the shorter k6 message.
func (res *result) fullErr() error {
	if _, ok := res.err.(*url.Error); ok { //nolint:errorlint // parse errors are url.Errors already
		return res.err
	}
	u := res.rawURL
	if res.last != nil {
		u = res.last.tagURL
	}
	return &url.Error{Op: urlErrorOp(res.method), URL: u, Err: res.err}
}

// urlErrorOp is Go's url.Error Op for a method ("Get", "Post").
func urlErrorOp(method string) string {
	if method == "" {
		return "Get"
	}
	return method[:1] + strings.ToLower(method[1:])
}

// do sends r, following redirects up to r.redirects, and pushes every hop's
// samples. It touches no JS value.
func (c *client) do(ctx context.Context, st *jsmod.State, push metrics.Pusher, r *request) *result {
	// The timeout covers every hop, redirects included, as Go's
	// http.Client.Timeout did for k6. It is a netx.RequestDeadline, not a
	// context deadline: see there why.
	c.deadline.Set(time.Now().Add(r.timeout))
	defer c.deadline.Set(time.Time{})
	ctx = c.withTrace(ctx)

	res := &result{method: r.method, rawURL: r.rawURL, reqHead: r.header}
	u, err := c.parseURL(r.rawURL)
	if err != nil {
		// k6 v0.32 does not throw for a bad URL: it is a failed request.
		res.err, res.code, res.msg = err, netx.CodeGeneric, err.Error()
		return res
	}

	var (
		method, body, host = r.method, r.body, r.host
		header             = r.header
		initial            = u
		stripSensitive     bool
		digested           bool
	)
	for redirects := 0; ; redirects++ {
		h := c.roundTrip(ctx, st, r, method, u, header, body, host, redirects == 0)
		if redirects == 0 && !digested {
			res.reqHead = h.header
		}
		res.last = h
		res.err, res.code, res.msg = h.err, h.code, h.msg
		var unsent *netx.RateLimitWaitError
		if h.err != nil && errors.As(h.err, &unsent) {
			return res // never sent: no samples, as in k6
		}

		// Digest authentication: the first answer is the 401 challenge,
		// an expected response, and the request is sent again with the
		// answer to it.
		if r.auth == "digest" && !digested && h.err == nil && h.resp.StatusCode == nethttp.StatusUnauthorized {
			if auth, ok := digestAuthorization(h.resp.Header.Get("WWW-Authenticate"), method, u); ok {
				c.emit(st, push, r, h, true)
				digested = true
				header = header.Clone()
				header.Set("Authorization", auth)
				redirects--
				continue
			}
		}
		res.expected = h.err == nil && r.expected != nil && r.expected(h.resp.StatusCode)
		c.emit(st, push, r, h, res.expected)

		if h.err != nil || !isRedirect(h.resp.StatusCode) {
			return res
		}
		loc := h.resp.Header.Get("Location")
		if loc == "" {
			return res
		}
		if redirects >= r.redirects {
			// k6 counts the requests made so far, the first one included.
			if !r.redirectsSet {
				st.Logger.WithField("url", cleanURL(initial)).Warnf("Stopped after %d redirects and returned the redirection; "+
					"pass { redirects: n } in request params or set global maxRedirects to silence this", redirects+1)
			}
			return res
		}
		next, err := u.Parse(loc)
		if err != nil {
			res.err = fmt.Errorf("failed to parse Location header %q: %w", loc, err)
			res.code, res.msg = netx.CodeGeneric, res.err.Error()
			return res
		}

		// The rest mirrors net/http.Client, which k6 used: 301/302/303
		// turn other methods into a body-less GET, 307/308 resend the body,
		// credentials set by the script go only to the same domain or its
		// subdomains, and a Host header survives only relative redirects.
		includeBody := true
		switch h.resp.StatusCode {
		case 301, 302, 303:
			includeBody, body = false, ""
			if method != "GET" && method != "HEAD" {
				method = "GET"
			}
		}
		keepHost := false
		if host != "" && host != u.Host {
			lu, err := url.Parse(loc)
			keepHost = err == nil && !lu.IsAbs()
		}
		if !keepHost {
			host = ""
		}
		if !stripSensitive && next.Host != initial.Host {
			stripSensitive = !isDomainOrSubdomain(next.Hostname(), initial.Hostname())
		}
		header = redirectHeader(r.header, stripSensitive, !includeBody)
		if ref := refererFor(u, next, header.Get("Referer")); ref != "" {
			header.Set("Referer", ref)
		}
		u = next
	}
}

func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// redirectHeader copies the script's original headers for a redirect hop.
func redirectHeader(initial nethttp.Header, stripSensitive, stripBody bool) nethttp.Header {
	h := make(nethttp.Header, len(initial)+1)
	for k, vv := range initial {
		switch nethttp.CanonicalHeaderKey(k) {
		case "Authorization", "Www-Authenticate", "Cookie", "Cookie2", "Proxy-Authorization", "Proxy-Authenticate":
			if stripSensitive {
				continue
			}
		case "Content-Encoding", "Content-Language", "Content-Location", "Content-Type":
			if stripBody {
				continue
			}
		}
		h[k] = slices.Clone(vv)
	}
	return h
}

// isDomainOrSubdomain reports whether sub is parent or a subdomain of it.
func isDomainOrSubdomain(sub, parent string) bool {
	sub, parent = strings.ToLower(sub), strings.ToLower(parent)
	if sub == parent {
		return true
	}
	if strings.ContainsAny(sub, ":%") { // IPv6 literals have no subdomains
		return false
	}
	return strings.HasSuffix(sub, "."+parent)
}

// refererFor is the Referer of a redirect hop: the previous URL without
// credentials, never sent from https to http.
func refererFor(last, next *url.URL, explicit string) string {
	if last.Scheme == "https" && next.Scheme == "http" {
		return ""
	}
	if explicit != "" {
		return explicit
	}
	if last.User == nil {
		return last.String()
	}
	u := *last
	u.User = nil
	return u.String()
}

// cleanURL is the URL for tags and logs: a password in the userinfo is
// replaced by "****" (k6-spec §4.3).
func cleanURL(u *url.URL) string {
	if _, has := u.User.Password(); !has {
		return u.String()
	}
	// url.UserPassword would escape the asterisks.
	s := u.String()
	return strings.Replace(s, u.User.String()+"@", url.User(u.User.Username()).String()+":****@", 1)
}

// roundTrip sends one hop and reads its body.
func (c *client) roundTrip(ctx context.Context, st *jsmod.State, r *request,
	method string, u *url.URL, header nethttp.Header, body, host string, first bool,
) *hop {
	h := &hop{method: method, url: u}
	if first && u.User == nil {
		h.tagURL = r.rawURL // the URL as the script wrote it
	} else {
		h.tagURL = cleanURL(u)
	}

	jarCookies := hopCookies(r.jar, u, r.cookies)
	// Cookies and credentials are per hop (they depend on the hop's URL),
	// so they go on a copy: redirect hops start again from the original.
	needAuth := u.User != nil && header.Get("Authorization") == "" && r.auth != "digest"
	if len(jarCookies) > 0 || needAuth {
		header = header.Clone()
	}

	c.trace.Start()
	req := (&nethttp.Request{
		Method:     method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     header,
		Host:       host,
	}).WithContext(ctx)
	for _, ck := range jarCookies {
		req.AddCookie(ck)
	}
	if needAuth {
		pw, _ := u.User.Password()
		req.SetBasicAuth(u.User.Username(), pw)
	}
	if body != "" {
		req.Body = io.NopCloser(strings.NewReader(body))
		req.ContentLength = int64(len(body))
		// Lets the transport resend the body when a kept-alive connection
		// turns out to be closed.
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	}
	h.header = header

	rt := st.Transport
	if r.auth == "ntlm" && needAuth {
		// The negotiator turns the URL's credentials, set above as basic
		// auth, into the NTLM handshake: it resends the request on the
		// same kept-alive connection until the server lets it through,
		// and the script sees (and the metrics time) one request, as in
		// k6.
		rt = ntlmssp.Negotiator{RoundTripper: rt}
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		h.end = time.Now()
		h.timings, h.remote = c.timings(h.end)
		h.fail(err)
		return h
	}
	h.resp = resp
	h.ocsp = c.ocsp(resp.TLS)
	var rd io.Reader = resp.Body
	if enc := resp.Header.Get("Content-Encoding"); enc != "" && r.respType != responseNone {
		if rd, err = decodingReader(resp.Body, enc); err == nil {
			rd = decodingBody{rd}
		}
	}
	if err == nil {
		err = c.readBody(rd, resp.ContentLength, r.respType, h)
	}
	_ = resp.Body.Close()
	h.end = time.Now()
	h.timings, h.remote = c.timings(h.end)

	h.cookies = resp.Cookies()
	if r.jar != nil && len(h.cookies) > 0 {
		r.jar.SetCookies(u, h.cookies)
	}
	switch {
	case err != nil && isDecompressError(err):
		h.err, h.code, h.msg = err, codeDecompression, err.Error()
	case err != nil:
		h.fail(err)
	case resp.StatusCode >= 400:
		h.code = 1000 + resp.StatusCode
	}
	return h
}

// growHint is the capacity to reserve for a body of the given length.
func growHint(contentLength int64) int {
	if contentLength <= 0 {
		return 0
	}
	return int(min(contentLength, maxPrealloc))
}

// readBody reads the whole body, which also times the receiving phase and
// lets the connection be reused.
func (c *client) readBody(body io.Reader, contentLength int64, rt responseType, h *hop) error {
	switch rt {
	case responseNone:
		_, err := io.Copy(io.Discard, body)
		return err
	case responseBinary:
		var b bytes.Buffer
		if n := growHint(contentLength); n > 0 {
			// ReadFrom wants MinRead bytes free before it finds EOF.
			b.Grow(n + bytes.MinRead)
		}
		_, err := b.ReadFrom(body)
		h.bin = b.Bytes()
		return err
	}
	if c.scratch == nil {
		c.scratch = make([]byte, 32<<10)
	}
	var sb strings.Builder
	sb.Grow(growHint(contentLength))
	for {
		n, err := body.Read(c.scratch)
		sb.Write(c.scratch[:n])
		if err == io.EOF { //nolint:errorlint // io.Reader contract
			break
		}
		if err != nil {
			h.text = sb.String()
			return err
		}
	}
	h.text = sb.String()
	return nil
}

// tlsVersion is k6's name of a TLS version.
func tlsVersion(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "tls1.0"
	case tls.VersionTLS11:
		return "tls1.1"
	case tls.VersionTLS12:
		return "tls1.2"
	case tls.VersionTLS13:
		return "tls1.3"
	}
	return ""
}

func remoteIPPort(a net.Addr) (string, int) {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String(), ta.Port
	}
	if a == nil {
		return "", 0
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "", 0
	}
	p, _ := strconv.Atoi(port)
	return host, p
}

// emit pushes a hop's samples. The tag set is built once and shared by all
// of them.
func (c *client) emit(st *jsmod.State, push metrics.Pusher, r *request, h *hop, expected bool) {
	sys := st.Options.SystemTags
	b := &c.tags
	b.Reset(st.Tags)
	for _, t := range r.userTags {
		b.Set(t.Key, t.Value)
	}
	// System tags override user tags of the same name, except name, which
	// is the user's to set.
	if sys.Has(metrics.TagMethod) {
		b.Set("method", h.method)
	}
	if sys.Has(metrics.TagURL) {
		b.Set("url", h.tagURL)
	}
	if sys.Has(metrics.TagName) && !r.userName {
		b.Set("name", h.tagURL)
	}
	status := 0
	if h.resp != nil {
		status = h.resp.StatusCode
		if sys.Has(metrics.TagProto) {
			b.Set("proto", h.resp.Proto)
		}
		if h.resp.TLS != nil && sys.Has(metrics.TagTLSVersion) {
			b.Set("tls_version", tlsVersion(h.resp.TLS.Version))
		}
		if h.resp.TLS != nil && sys.Has(metrics.TagOCSPStatus) {
			b.Set("ocsp_status", h.ocsp.status)
		}
	}
	if sys.Has(metrics.TagStatus) {
		b.Set("status", strconv.Itoa(status))
	}
	if r.expected != nil && sys.Has(metrics.TagExpectedResponse) {
		b.Set("expected_response", strconv.FormatBool(expected))
	}
	if h.code != 0 && sys.Has(metrics.TagErrorCode) {
		b.Set("error_code", strconv.Itoa(h.code))
	}
	if h.msg != "" && sys.Has(metrics.TagError) {
		b.Set("error", h.msg)
	}
	if sys.Has(metrics.TagIP) {
		if ip, _ := remoteIPPort(h.remote); ip != "" {
			b.Set("ip", ip)
		}
	}
	tags := b.TagSet()

	bm := st.Builtin
	tm := &h.timings
	values := [...]struct {
		m *metrics.Metric
		v float64
	}{
		{bm.HTTPReqs, 1},
		{bm.HTTPReqDuration, tm.duration},
		{bm.HTTPReqBlocked, tm.blocked},
		{bm.HTTPReqConnecting, tm.connecting},
		{bm.HTTPReqTLSHandshaking, tm.tlsHandshaking},
		{bm.HTTPReqSending, tm.sending},
		{bm.HTTPReqWaiting, tm.waiting},
		{bm.HTTPReqReceiving, tm.receiving},
	}
	for _, x := range values {
		push.Push(metrics.Sample{Metric: x.m, Tags: tags, Time: h.end, Value: x.v})
	}
	if r.expected != nil {
		failed := 1.0
		if expected {
			failed = 0
		}
		push.Push(metrics.Sample{Metric: bm.HTTPReqFailed, Tags: tags, Time: h.end, Value: failed})
	}
}
