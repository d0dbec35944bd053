package ws

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/dop251/goja"
	"github.com/gorilla/websocket"

	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

const (
	// writeWait bounds writing a control frame (ping, pong, close).
	writeWait = 10 * time.Second
	// closeWait is how long close() waits for the peer's close frame.
	closeWait = time.Second
	// defaultCloseCode is close()'s code without an argument: k6 v0.32
	// reports 1001 (going away) to the close handler (k6-spec §13).
	defaultCloseCode = websocket.CloseGoingAway
)

// eventKind is what the reader goroutine saw.
type eventKind uint8

const (
	evMessage eventKind = iota // a data frame: msgType, data
	evPing                     // data
	evPong                     // data, at
	evEnd                      // err: the read failed; the reader has stopped
)

type event struct {
	kind    eventKind
	msgType int
	data    []byte
	at      time.Time
	err     error
}

// timer is a setTimeout or setInterval callback.
type timer struct {
	due      time.Time
	interval time.Duration // 0: once
	fn       goja.Callable
	seq      int // creation order, to break ties
}

// session is one connect call's socket and event loop. Everything but the
// reader goroutine (read) and the connection's handlers it calls runs on
// the VU goroutine.
type session struct {
	rt    *goja.Runtime
	ctx   context.Context
	st    *jsmod.State
	conn  *websocket.Conn
	guard *cancelGuard
	tags  *metrics.TagSet

	events chan event
	done   chan struct{} // closed when the loop ends; the reader then stops sending

	handlers map[string][]goja.Callable
	timers   []*timer
	timerSeq int

	pingSeq int
	pings   map[string]time.Time // ping payload → when sent

	closing    bool // close() sent a close frame; waiting for the peer's
	closeCode  int
	closeBy    time.Time
	ended      bool
	jsErr      error // a handler's exception, rethrown by connect
	endHandled bool  // the close handlers ran
}

func newSession(rt *goja.Runtime, ctx context.Context, st *jsmod.State, conn *websocket.Conn, guard *cancelGuard) *session {
	return &session{
		rt: rt, ctx: ctx, st: st, conn: conn, guard: guard,
		events:   make(chan event, 16),
		done:     make(chan struct{}),
		handlers: map[string][]goja.Callable{},
		pings:    map[string]time.Time{},
	}
}

func (s *session) push(m *metrics.Metric, at time.Time, v float64) {
	s.st.Samples.Push(metrics.Sample{Metric: m, Tags: s.tags, Time: at, Value: v})
}

// run calls the callback with the socket, fires open and runs the event
// loop until the session ends. It returns the exception of a handler that
// threw; the connection is closed and the reader stopped in any case.
func (s *session) run(callback goja.Callable) error {
	var wg sync.WaitGroup
	s.conn.SetPingHandler(s.onPing)
	s.conn.SetPongHandler(s.onPong)
	wg.Add(1)
	go s.read(&wg)
	defer func() {
		close(s.done)
		_ = s.conn.Close()
		wg.Wait()
		s.guard.release()
	}()

	if _, err := callback(goja.Undefined(), s.object()); err != nil {
		s.fail(err)
		return s.jsErr
	}
	s.emit("open")
	s.loop()
	return s.jsErr
}

// read turns frames into events until a read fails.
func (s *session) read(wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		typ, data, err := s.conn.ReadMessage()
		ev := event{kind: evMessage, msgType: typ, data: data}
		if err != nil {
			ev = event{kind: evEnd, err: err}
		}
		if !s.send(ev) || err != nil {
			return
		}
	}
}

// send hands ev to the loop, unless the loop has ended.
func (s *session) send(ev event) bool {
	select {
	case s.events <- ev:
		return true
	case <-s.done:
		return false
	}
}

// onPing answers a ping as gorilla's default handler does and reports it.
func (s *session) onPing(data string) error {
	err := s.conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(writeWait))
	s.send(event{kind: evPing, data: []byte(data)})
	if err == nil || errors.Is(err, websocket.ErrCloseSent) {
		return nil
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	return err
}

func (s *session) onPong(data string) error {
	s.send(event{kind: evPong, data: []byte(data), at: time.Now()})
	return nil
}

// loop waits for events, timers and the VU context until the session ends.
func (s *session) loop() {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for !s.ended {
		var due time.Time
		switch {
		case s.closing:
			due = s.closeBy
		case len(s.timers) > 0:
			due = s.timers[0].due
		}
		var timerC <-chan time.Time
		if !due.IsZero() {
			t.Reset(time.Until(due))
			timerC = t.C
		}
		select {
		case ev := <-s.events:
			if s.ctx.Err() != nil {
				s.ended = true // as below: the context won the race
				break
			}
			s.handle(ev)
		case <-timerC:
			s.fireTimers()
		case <-s.ctx.Done():
			// The iteration is over: no more JS. The guard has closed
			// the connection already.
			s.ended = true
		}
	}
}

func (s *session) handle(ev event) {
	switch ev.kind {
	case evMessage:
		if s.closing {
			return // we are leaving; the peer's last words are dropped
		}
		s.push(s.st.Builtin.WSMsgsReceived, time.Now(), 1)
		if ev.msgType == websocket.BinaryMessage {
			s.emit("binaryMessage", s.rt.ToValue(s.rt.NewArrayBuffer(ev.data)))
		} else {
			s.emit("message", s.rt.ToValue(string(ev.data)))
		}
	case evPing:
		if !s.closing {
			s.emit("ping")
		}
	case evPong:
		if sent, ok := s.pings[string(ev.data)]; ok {
			delete(s.pings, string(ev.data))
			s.push(s.st.Builtin.WSPing, ev.at, ms(ev.at.Sub(sent)))
		}
		if !s.closing {
			s.emit("pong")
		}
	case evEnd:
		s.end(ev.err)
	}
}

// end finishes the session after the reader stopped with err.
func (s *session) end(err error) {
	if s.closing {
		s.finish(s.closeCode)
		return
	}
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		s.finish(ce.Code)
		return
	}
	s.emit("error", s.errorValue(err))
	s.finish(websocket.CloseAbnormalClosure)
}

// finish ends the loop and runs the close handlers with code.
func (s *session) finish(code int) {
	if s.ended {
		return
	}
	s.ended = true
	s.timers = nil
	_ = s.conn.Close()
	s.emit("close", s.rt.ToValue(code))
}

// fireTimers runs the callbacks that are due, or ends a close that the
// peer did not answer in time.
func (s *session) fireTimers() {
	if s.closing {
		s.finish(s.closeCode)
		return
	}
	now := time.Now()
	for len(s.timers) > 0 && !s.timers[0].due.After(now) && !s.ended && !s.closing {
		tm := s.timers[0]
		s.timers = s.timers[1:]
		if tm.interval > 0 {
			tm.due = tm.due.Add(tm.interval)
			if tm.due.Before(now) {
				tm.due = now.Add(tm.interval)
			}
			s.addTimer(tm)
		}
		if _, err := tm.fn(goja.Undefined()); err != nil {
			s.fail(err)
			return
		}
	}
}

func (s *session) addTimer(tm *timer) {
	s.timers = append(s.timers, tm)
	sort.SliceStable(s.timers, func(i, j int) bool {
		a, b := s.timers[i], s.timers[j]
		if a.due.Equal(b.due) {
			return a.seq < b.seq
		}
		return a.due.Before(b.due)
	})
}

// emit calls the handlers of event. A handler that throws ends the
// session; connect rethrows the exception.
func (s *session) emit(name string, args ...goja.Value) {
	for _, h := range s.handlers[name] {
		if s.jsErr != nil {
			return
		}
		if _, err := h(goja.Undefined(), args...); err != nil {
			s.fail(err)
			return
		}
	}
}

// fail ends the session because JS threw err (or the VU was interrupted).
func (s *session) fail(err error) {
	if s.jsErr == nil {
		s.jsErr = err
	}
	if !s.ended {
		s.ended = true
		s.timers = nil
		_ = s.conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(defaultCloseCode, ""), time.Now().Add(closeWait))
		_ = s.conn.Close()
	}
}

// errorValue is the error handler's argument: an object whose error()
// returns the message, like the Go error k6 passes.
func (s *session) errorValue(err error) goja.Value {
	o := s.rt.NewObject()
	msg := err.Error()
	_ = o.Set("error", func() string { return msg })
	_ = o.Set("toString", func() string { return msg })
	return o
}

// object is the Socket the callback gets.
func (s *session) object() *goja.Object {
	rt := s.rt
	o := rt.NewObject()
	_ = o.Set("on", func(event string, fn goja.Value) {
		h, ok := goja.AssertFunction(fn)
		if !ok {
			panic(rt.NewTypeError(fmt.Sprintf("socket.on(%q): the handler is not a function", event)))
		}
		s.handlers[event] = append(s.handlers[event], h)
	})
	_ = o.Set("send", func(msg string) { s.write(websocket.TextMessage, []byte(msg)) })
	_ = o.Set("sendBinary", func(c goja.FunctionCall) goja.Value {
		ab, ok := c.Argument(0).Export().(goja.ArrayBuffer)
		if !ok {
			panic(rt.NewTypeError(fmt.Sprintf("sendBinary: expected an ArrayBuffer, got %s", describe(c.Argument(0)))))
		}
		s.write(websocket.BinaryMessage, ab.Bytes())
		return goja.Undefined()
	})
	_ = o.Set("ping", func() {
		if s.ended || s.closing {
			return
		}
		s.pingSeq++
		id := strconv.Itoa(s.pingSeq)
		s.pings[id] = time.Now() // before the write: the pong may come back at once
		if err := s.conn.WriteControl(websocket.PingMessage, []byte(id), time.Now().Add(writeWait)); err != nil {
			delete(s.pings, id)
			s.emit("error", s.errorValue(err))
		}
	})
	_ = o.Set("setTimeout", func(c goja.FunctionCall) goja.Value {
		s.schedule(c, "setTimeout", "timeout", false)
		return goja.Undefined()
	})
	_ = o.Set("setInterval", func(c goja.FunctionCall) goja.Value {
		s.schedule(c, "setInterval", "interval", true)
		return goja.Undefined()
	})
	_ = o.Set("close", func(c goja.FunctionCall) goja.Value {
		code := defaultCloseCode
		if v := c.Argument(0); !isNullish(v) {
			code = int(v.ToInteger())
		}
		s.close(code)
		return goja.Undefined()
	})
	return o
}

// write sends a data message; a failure goes to the error handlers.
func (s *session) write(typ int, data []byte) {
	if s.ended || s.closing {
		s.emit("error", s.errorValue(websocket.ErrCloseSent))
		return
	}
	if err := s.conn.WriteMessage(typ, data); err != nil {
		s.emit("error", s.errorValue(err))
		return
	}
	s.push(s.st.Builtin.WSMsgsSent, time.Now(), 1)
}

func (s *session) schedule(c goja.FunctionCall, fn, what string, repeat bool) {
	rt := s.rt
	f, ok := goja.AssertFunction(c.Argument(0))
	if !ok {
		panic(rt.NewTypeError(fn + ": the first argument must be a function"))
	}
	msv := c.Argument(1).ToFloat()
	if !(msv > 0) { // also NaN
		panic(rt.NewGoError(fmt.Errorf("%s requires a >0 %s parameter, received %s", fn, what, c.Argument(1).String())))
	}
	if s.ended || s.closing {
		return
	}
	d := time.Duration(msv * float64(time.Millisecond))
	s.timerSeq++
	tm := &timer{due: time.Now().Add(d), fn: f, seq: s.timerSeq}
	if repeat {
		tm.interval = d
	}
	s.addTimer(tm)
}

// close sends a close frame with code; the session ends when the peer
// answers with its own, or after closeWait.
func (s *session) close(code int) {
	if s.ended || s.closing {
		return
	}
	s.timers = nil
	err := s.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(writeWait))
	if err != nil {
		s.finish(code)
		return
	}
	s.closing, s.closeCode, s.closeBy = true, code, time.Now().Add(closeWait)
}

func describe(v goja.Value) string {
	if isNullish(v) {
		return v.String()
	}
	return fmt.Sprintf("%T", v.Export())
}
