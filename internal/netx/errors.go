package netx

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"syscall"

	"golang.org/x/net/http2"
)

// Error codes of k6 v0.32 (k6-spec §8). The 1400–1599 range (HTTP status
// errors) is computed by the HTTP module as 1000+status.
const (
	CodeGeneric          = 1000
	CodeNonTCPNetwork    = 1010
	CodeDNS              = 1100
	CodeDNSNoSuchHost    = 1101
	CodeBlacklistedIP    = 1110
	CodeBlockedHostname  = 1111
	CodeTCP              = 1200
	CodeBrokenPipe       = 1201
	CodeUnknownErrno     = 1202
	CodeDial             = 1210
	CodeDialTimeout      = 1211
	CodeDialRefused      = 1212
	CodeDialUnknownErrno = 1213
	CodeConnReset        = 1220
	CodeTLS              = 1300
	CodeX509Authority    = 1310
	CodeX509Hostname     = 1311
	CodeHTTP2            = 1600
	CodeHTTP2GoAway      = 1610
	CodeHTTP2Stream      = 1630
	CodeHTTP2Connection  = 1650
	CodeDecompression    = 1701
)

// h2MaxKnownCode is HTTP_1_1_REQUIRED, the last HTTP/2 error code k6 maps to
// its own error code; any later code gets the range's "unknown" code.
const h2MaxKnownCode = http2.ErrCodeHTTP11Required

// Winsock reports refused and reset connections with its own numbers rather
// than the POSIX errno values Go defines for Windows.
const (
	wsaECONNREFUSED syscall.Errno = 10061
	wsaECONNRESET   syscall.Errno = 10054
)

// ClassifyError maps a request error to k6's error code and the message k6
// shows in Response.error and the error tag. It looks through wrapping
// (url.Error, TLS verification errors, fmt.Errorf %w), so callers can pass
// what the transport returned. A nil error is code 0 and "".
//
// Request timeouts are code 1000 with Go's text: k6 v0.32 had no dedicated
// timeout code (1050 came later).
func ClassifyError(err error) (code int, message string) {
	if err == nil {
		return 0, ""
	}

	var blocked *BlockedHostnameError
	if errors.As(err, &blocked) {
		return CodeBlockedHostname, "hostname is blocked"
	}
	var blacklisted *BlacklistedIPError
	if errors.As(err, &blacklisted) {
		return CodeBlacklistedIP, "ip is blacklisted"
	}

	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return CodeDNSNoSuchHost, "lookup: no such host"
		}
		return CodeDNS, dnsErr.Error()
	}

	if code, msg, ok := classifyHTTP2(err); ok {
		return code, msg
	}
	if code, msg, ok := classifyTLS(err); ok {
		return code, msg
	}

	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return classifyOpError(opErr)
	}

	return CodeGeneric, innerText(err)
}

// classifyHTTP2 matches golang.org/x/net/http2's error types, which the
// transport's HTTP/2 client (x/net's, see NewTransport) returns.
func classifyHTTP2(err error) (int, string, bool) {
	var goAway http2.GoAwayError
	if errors.As(err, &goAway) {
		return goAwayCode(goAway.ErrCode)
	}
	var stream http2.StreamError
	if errors.As(err, &stream) {
		return h2Code(CodeHTTP2Stream, stream.Code),
			"http2: stream error with http2 ErrCode " + stream.Code.String(), true
	}
	var conn http2.ConnectionError
	if errors.As(err, &conn) {
		return connectionCode(http2.ErrCode(conn))
	}
	return 0, "", false
}

func goAwayCode(c http2.ErrCode) (int, string, bool) {
	return h2Code(CodeHTTP2GoAway, c), "http2: received GoAway with http2 ErrCode " + c.String(), true
}

func connectionCode(c http2.ErrCode) (int, string, bool) {
	return h2Code(CodeHTTP2Connection, c), "http2: connection error with http2 ErrCode " + c.String(), true
}

// h2Code is base+1+code for the codes HTTP/2 defines and base otherwise
// (GoAway with PROTOCOL_ERROR = 1612).
func h2Code(base int, c http2.ErrCode) int {
	if c > h2MaxKnownCode {
		return base
	}
	return base + 1 + int(c)
}

// classifyTLS runs before the net.OpError check because crypto/tls reports
// alerts as OpErrors with the ops "remote error" and "local error".
func classifyTLS(err error) (int, string, bool) {
	var unknownAuthority x509.UnknownAuthorityError
	if errors.As(err, &unknownAuthority) {
		return CodeX509Authority, "x509: unknown authority", true
	}
	var hostname x509.HostnameError
	if errors.As(err, &hostname) {
		return CodeX509Hostname, "x509: certificate doesn't match hostname", true
	}
	var (
		header  tls.RecordHeaderError
		alert   tls.AlertError
		invalid x509.CertificateInvalidError
		verify  *tls.CertificateVerificationError
		ech     *tls.ECHRejectionError
	)
	if errors.As(err, &header) || errors.As(err, &alert) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &ech) {
		return CodeTLS, innerText(err), true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "remote error" || opErr.Op == "local error") {
		return CodeTLS, innerText(err), true
	}
	return 0, "", false
}

func classifyOpError(e *net.OpError) (int, string) {
	switch e.Net {
	case "tcp", "tcp4", "tcp6", "":
	default:
		return CodeNonTCPNetwork, e.Error()
	}

	var errno syscall.Errno
	hasErrno := errors.As(e.Err, &errno)

	if e.Op == "dial" {
		switch {
		case e.Timeout():
			return CodeDialTimeout, "dial: i/o timeout"
		case hasErrno && (errno == syscall.ECONNREFUSED || errno == wsaECONNREFUSED):
			return CodeDialRefused, "dial: connection refused"
		case hasErrno && (errno == syscall.ECONNRESET || errno == wsaECONNRESET):
			return CodeConnReset, "dial: connection reset by peer"
		case hasErrno:
			return CodeDialUnknownErrno, fmt.Sprintf("dial: unknown errno %d error with msg `%s`", uint(errno), errno.Error())
		}
		return CodeDial, e.Error()
	}

	switch {
	case hasErrno && errno == syscall.EPIPE:
		return CodeBrokenPipe, e.Op + ": broken pipe"
	case hasErrno && (errno == syscall.ECONNRESET || errno == wsaECONNRESET):
		return CodeConnReset, e.Op + ": connection reset by peer"
	case hasErrno:
		return CodeUnknownErrno, fmt.Sprintf("%s: unknown errno `%d` on %s with message `%s`",
			e.Op, uint(errno), runtime.GOOS, errno.Error())
	}
	return CodeTCP, e.Error()
}

// innerText is the error text without url.Error's `Get "url": ` prefix:
// the URL is already in the sample's tags and the response. Only outer
// url.Errors are peeled: text that a caller wrapped around one is kept.
func innerText(err error) string {
	for {
		ue, ok := err.(*url.Error) //nolint:errorlint // only the outermost wrappers
		if !ok {
			return err.Error()
		}
		err = ue.Err
	}
}
