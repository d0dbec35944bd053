package netx

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// RateLimiter spaces requests evenly at a fixed rate, shared by every VU of
// a run: the rps option. Like k6 v0.32 (a golang.org/x/time/rate limiter
// with a burst of one), the first request goes at once and each later one
// waits for its slot; requests wait rather than fail.
type RateLimiter struct {
	interval time.Duration

	mu   sync.Mutex
	next time.Time // when the next slot opens
}

// NewRateLimiter returns a limiter of rps requests per second, or nil (no
// limit) when rps is not positive.
func NewRateLimiter(rps int64) *RateLimiter {
	if rps <= 0 {
		return nil
	}
	return &RateLimiter{interval: time.Second / time.Duration(rps)}
}

// Wait blocks until the caller's slot or until ctx ends; a caller that gives
// up hands back its slot when no later caller has taken one since.
func (l *RateLimiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	now := time.Now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()

	d := slot.Sub(now)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		if l.next.Equal(slot.Add(l.interval)) {
			l.next = slot
		}
		l.mu.Unlock()
		return ctx.Err()
	}
}

// RateLimitedTransport waits for a Limiter slot before each round trip. Each
// redirect hop is a round trip, so it waits too.
type RateLimitedTransport struct {
	Next    http.RoundTripper
	Limiter *RateLimiter
}

// RoundTrip implements http.RoundTripper.
func (r *RateLimitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := ApplyRequestDeadline(req.Context())
	err := r.Limiter.Wait(ctx)
	cancel()
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, &RateLimitWaitError{Err: err}
	}
	return r.Next.RoundTrip(req)
}

// CloseIdleConnections forwards to the wrapped transport.
func (r *RateLimitedTransport) CloseIdleConnections() {
	if c, ok := r.Next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// RateLimitWaitError is returned when a request's context ended while it
// waited for its rps slot: the request was never sent, so (as in k6) it
// has no metrics.
type RateLimitWaitError struct{ Err error }

func (e *RateLimitWaitError) Error() string { return "waiting for the rps limit: " + e.Err.Error() }
func (e *RateLimitWaitError) Unwrap() error { return e.Err }
