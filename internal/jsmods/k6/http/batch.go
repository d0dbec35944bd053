package http

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/metrics"
)

var errBatchInit = errors.New("Using batch in the init context is not supported") //nolint:staticcheck // k6's message

// sampleBuf collects a batched request's samples on its goroutine; they are
// pushed on the VU goroutine afterwards, as the VU's pusher is not
// safe for concurrent use.
type sampleBuf []metrics.Sample

func (b *sampleBuf) Push(s metrics.Sample) { *b = append(*b, s) }

// batchItem is one request of a batch.
type batchItem struct {
	key string // the object key, for the object form
	req *request
	res *result
	buf sampleBuf
}

// jsBatch is batch(requests): the requests run in parallel, at most
// Options.Batch at once and Options.BatchPerHost per host. The goroutines
// touch no JS value; the responses are made once all have finished.
func (mi *ModuleInstance) jsBatch(c goja.FunctionCall) goja.Value {
	rt := mi.vu.Runtime()
	state := mi.vu.State()
	if state == nil {
		panic(rt.NewGoError(errBatchInit))
	}
	if state.Transport == nil {
		panic(rt.NewGoError(errors.New("k6/http: the VU has no HTTP transport")))
	}
	arg := c.Argument(0)
	if isNullish(arg) {
		panic(rt.NewTypeError("batch needs an array or an object of requests"))
	}
	reqs := arg.ToObject(rt)
	isArray := reqs.ClassName() == "Array"

	var items []*batchItem
	if isArray {
		n := int(reqs.Get("length").ToInteger())
		items = make([]*batchItem, 0, n)
		for i := range n {
			items = append(items, &batchItem{key: strconv.Itoa(i)})
		}
	} else {
		for _, k := range reqs.Keys() {
			items = append(items, &batchItem{key: k})
		}
	}
	for _, it := range items {
		r, err := mi.batchRequest(reqs.Get(it.key))
		if err != nil {
			panic(rt.NewGoError(fmt.Errorf("batch request %s: %w", it.key, err)))
		}
		it.req = r
	}

	mi.runBatch(items)

	var out *goja.Object
	if isArray {
		out = rt.NewArray()
	} else {
		out = rt.NewObject()
	}
	for _, it := range items {
		for _, s := range it.buf {
			state.Samples.Push(s)
		}
	}
	for _, it := range items {
		if it.res.err != nil {
			if it.req.throw {
				panic(rt.NewGoError(it.res.fullErr()))
			}
			if mi.vu.Context().Err() == nil {
				state.Logger.WithError(it.res.fullErr()).Warn("Request Failed")
			}
		}
		_ = out.Set(it.key, mi.responseObject(it.req, it.res))
	}
	return out
}

// batchRequest parses one batch item: a URL, [method, url, body, params] or
// {method, url, body, params}.
func (mi *ModuleInstance) batchRequest(v goja.Value) (*request, error) {
	method := "GET"
	var urlArg, body, params goja.Value = v, goja.Undefined(), goja.Undefined()
	if obj, ok := v.(*goja.Object); ok && !mi.isURLObject(obj) {
		get := func(k string) goja.Value {
			if x := obj.Get(k); x != nil {
				return x
			}
			return goja.Undefined()
		}
		if obj.ClassName() == "Array" {
			if n := obj.Get("length").ToInteger(); n < 2 {
				return nil, errors.New("an array request needs at least a method and a URL")
			}
			method, urlArg, body, params = get("0").String(), get("1"), get("2"), get("3")
		} else {
			if m := obj.Get("method"); !isNullish(m) {
				method = m.String()
			}
			urlArg, body, params = get("url"), get("body"), get("params")
		}
	}
	if isNullish(urlArg) {
		return nil, errors.New("no URL")
	}
	return mi.newRequest(method, urlArg, body, params)
}

// runBatch sends the items' requests and waits for all of them.
func (mi *ModuleInstance) runBatch(items []*batchItem) {
	state := mi.vu.State()
	ctx := mi.vu.Context()
	limit := state.Options.Batch
	if limit <= 0 {
		limit = len(items)
	}
	perHost := state.Options.BatchPerHost
	all := make(chan struct{}, max(limit, 1))
	hosts := make(map[string]chan struct{})
	hostSem := func(raw string) chan struct{} {
		if perHost <= 0 {
			return nil
		}
		host := raw
		if u, err := url.Parse(raw); err == nil {
			host = u.Host
		}
		s, ok := hosts[host]
		if !ok {
			s = make(chan struct{}, perHost)
			hosts[host] = s
		}
		return s
	}

	var wg sync.WaitGroup
	for _, it := range items {
		hs := hostSem(it.req.rawURL)
		wg.Go(func() {
			if hs != nil {
				hs <- struct{}{}
				defer func() { <-hs }()
			}
			all <- struct{}{}
			defer func() { <-all }()
			// Each request has a client of its own: a client's buffers and
			// trace serve one goroutine at a time.
			it.res = (&client{}).do(ctx, state, &it.buf, it.req)
		})
	}
	wg.Wait()
}
