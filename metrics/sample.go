package metrics

import "time"

// Sample is one measurement.
type Sample struct {
	Metric *Metric
	Tags   *TagSet
	Time   time.Time
	Value  float64
}

// Pusher accepts samples. A VU's buffer implements it; implementations are
// not safe for concurrent use unless they say so.
type Pusher interface {
	Push(Sample)
}
