package output

import (
	"fmt"
	"sync"
	"time"
)

// PeriodicFlusher calls a function at a fixed interval on a goroutine of its
// own, and once more when stopped: an output's buffers reach their
// destination at least every interval and surely at the end.
type PeriodicFlusher struct {
	flush func()
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// NewPeriodicFlusher starts calling flush every interval.
func NewPeriodicFlusher(interval time.Duration, flush func()) (*PeriodicFlusher, error) {
	if interval <= 0 {
		return nil, fmt.Errorf("flush interval must be positive, got %s", interval)
	}
	f := &PeriodicFlusher{flush: flush, stop: make(chan struct{}), done: make(chan struct{})}
	go f.run(interval)
	return f, nil
}

func (f *PeriodicFlusher) run(interval time.Duration) {
	defer close(f.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-f.stop:
			f.flush()
			return
		case <-t.C:
			f.flush()
		}
	}
}

// Stop ends the goroutine after a last flush and waits for it. It may be
// called more than once.
func (f *PeriodicFlusher) Stop() {
	f.once.Do(func() { close(f.stop) })
	<-f.done
}
