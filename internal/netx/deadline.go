package netx

import (
	"context"
	"io"
	"time"
)

// RequestDeadline is a request's deadline carried in its context (see
// WithRequestDeadline) instead of as a context deadline. A VU sends one
// request after another, and context.WithTimeout costs each of them a
// timer and several allocations; the fast path puts this deadline on the
// connection instead, and only the paths that need ctx.Done to fire (a
// dial, net/http's transport, the rps wait) turn it into a context
// deadline, with ApplyRequestDeadline.
//
// One RequestDeadline serves one request at a time: Set it before each.
type RequestDeadline struct{ t time.Time }

// Set makes t the deadline of the next request; the zero time means none.
func (d *RequestDeadline) Set(t time.Time) { d.t = t }

type deadlineKey struct{}

// WithRequestDeadline returns ctx carrying d. As d is read when a request
// is sent, the returned context can be kept and reused across requests.
func WithRequestDeadline(ctx context.Context, d *RequestDeadline) context.Context {
	return context.WithValue(ctx, deadlineKey{}, d)
}

// requestDeadline is the deadline ctx carries, if any.
func requestDeadline(ctx context.Context) (time.Time, bool) {
	d, _ := ctx.Value(deadlineKey{}).(*RequestDeadline)
	if d == nil || d.t.IsZero() {
		return time.Time{}, false
	}
	return d.t, true
}

// ApplyRequestDeadline returns ctx with the request deadline it carries
// (if any) as a context deadline, for code that waits on ctx.Done. The
// caller must call cancel.
func ApplyRequestDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if t, ok := requestDeadline(ctx); ok {
		return context.WithDeadline(ctx, t)
	}
	return ctx, func() {}
}

// cancelOnClose releases a response's context once its body is read to
// the end or closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.cancel()
	}
	return n, err
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
