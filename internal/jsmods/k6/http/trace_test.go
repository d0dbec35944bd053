package http

import (
	"testing"
	"time"
)

func TestTracerTimings(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

	tests := []struct {
		name string
		set  func(tr *tracer)
		end  int
		want timings
	}{
		{
			name: "new connection",
			set: func(tr *tracer) {
				tr.getConn, tr.connectStart, tr.connectDone = at(0), at(1), at(3)
				tr.tlsStart, tr.tlsDone, tr.gotConn = at(3), at(7), at(8)
				tr.wroteRequest, tr.gotFirstByte = at(10), at(20)
			},
			end:  25,
			want: timings{duration: 17, blocked: 8, connecting: 2, tlsHandshaking: 4, sending: 2, waiting: 10, receiving: 5},
		},
		{
			name: "reused connection ignores a stray dial",
			set: func(tr *tracer) {
				tr.getConn, tr.connectStart, tr.connectDone, tr.gotConn, tr.reused = at(0), at(0), at(2), at(1), true
				tr.wroteRequest, tr.gotFirstByte = at(2), at(4)
			},
			end:  5,
			want: timings{duration: 4, blocked: 1, sending: 1, waiting: 2, receiving: 1},
		},
		{
			name: "dial failed",
			set:  func(tr *tracer) { tr.getConn, tr.connectStart, tr.connectDone = at(0), at(1), at(2) },
			end:  3,
			want: timings{blocked: 3, connecting: 1},
		},
		{
			name: "timed out waiting",
			set:  func(tr *tracer) { tr.getConn, tr.gotConn, tr.wroteRequest = at(0), at(1), at(2) },
			end:  100,
			want: timings{duration: 99, blocked: 1, sending: 1, waiting: 98},
		},
		{
			name: "failed while sending",
			set:  func(tr *tracer) { tr.getConn, tr.gotConn = at(0), at(1) },
			end:  5,
			want: timings{duration: 4, blocked: 1, sending: 4},
		},
		{
			name: "answered before the body was sent",
			set: func(tr *tracer) {
				tr.getConn, tr.gotConn, tr.gotFirstByte, tr.wroteRequest = at(0), at(1), at(3), at(6)
			},
			end:  7,
			want: timings{duration: 6, blocked: 1, sending: 2, receiving: 4},
		},
		{
			name: "nothing happened",
			set:  func(*tracer) {},
			end:  5,
			want: timings{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTracer()
			tc.set(tr)
			got, _ := tr.timings(at(tc.end))
			if got != tc.want {
				t.Errorf("timings\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
