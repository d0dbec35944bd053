package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/stampede-load/stampede/metrics"
)

// Handler serves the API routes for c.
func Handler(c Controller) http.Handler {
	h := &handler{c: c}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", h.getStatus)
	mux.HandleFunc("PATCH /v1/status", h.patchStatus)
	mux.HandleFunc("GET /v1/metrics", h.getMetrics)
	mux.HandleFunc("GET /v1/metrics/{id}", h.getMetric)
	mux.HandleFunc("GET /v1/groups", h.getGroups)
	mux.HandleFunc("GET /v1/groups/{id}", h.getGroup)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no route %s %s", r.Method, r.URL.Path))
	})
	return mux
}

// Server is a running API server.
type Server struct {
	srv  *http.Server
	addr string
	done chan struct{}
}

// Serve serves the API for c on ln until Close.
func Serve(ln net.Listener, c Controller) *Server {
	s := &Server{
		srv:  &http.Server{Handler: Handler(c), ReadHeaderTimeout: 10 * time.Second},
		addr: ln.Addr().String(),
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln) // ErrServerClosed after Close
	}()
	return s
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.addr }

// Close stops the server, giving requests in flight a second to end, and
// returns once its goroutine has.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	<-s.done
	return err
}

type handler struct{ c Controller }

func (h *handler) getStatus(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, statusDoc(h.c.Status()))
}

func statusDoc(s Status) document[resource[Status]] {
	return document[resource[Status]]{Data: resource[Status]{Type: "status", ID: "default", Attributes: s}}
}

// maxBody bounds a PATCH body.
const maxBody = 1 << 20

func (h *handler) patchStatus(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, "reading the body: "+err.Error())
		return
	}
	var doc document[resource[StatusPatch]]
	if err := json.Unmarshal(body, &doc); err != nil {
		writeError(w, http.StatusBadRequest, "the body is not a JSON:API status document: "+err.Error())
		return
	}
	p := doc.Data.Attributes
	if p.VUs != nil || p.VUsMax != nil {
		maxVUs := int64(-1)
		if p.VUsMax != nil {
			maxVUs = *p.VUsMax
		}
		var vus int64
		if p.VUs != nil {
			vus = *p.VUs
		} else {
			vus = h.c.Status().VUs
		}
		if err := h.c.Scale(r.Context(), vus, maxVUs); err != nil {
			writeControlError(w, err)
			return
		}
	}
	if p.Paused != nil {
		if err := h.c.SetPaused(*p.Paused); err != nil {
			writeControlError(w, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, statusDoc(h.c.Status()))
}

func metricResource(m Metric) resource[Metric] {
	if m.Sample == nil {
		m.Sample = map[string]float64{}
	}
	return resource[Metric]{Type: "metrics", ID: m.Name, Attributes: m}
}

func (h *handler) getMetrics(w http.ResponseWriter, _ *http.Request) {
	list := []resource[Metric]{}
	for _, m := range h.c.Metrics() {
		list = append(list, metricResource(m))
	}
	writeJSON(w, http.StatusOK, document[[]resource[Metric]]{Data: list})
}

func (h *handler) getMetric(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	for _, m := range h.c.Metrics() {
		if m.Name == id {
			writeJSON(w, http.StatusOK, document[resource[Metric]]{Data: metricResource(m)})
			return
		}
	}
	writeError(w, http.StatusNotFound, fmt.Sprintf("no metric %q", id))
}

// Groups flattens the tree under root, parents before children.
func Groups(root *metrics.Group) []Group {
	var out []Group
	var walk func(g *metrics.Group)
	walk = func(g *metrics.Group) {
		ng := Group{ID: g.ID, Path: g.Path, Name: g.Name, Checks: []Check{}, Groups: []string{}}
		if g.Parent != nil {
			ng.Parent = g.Parent.ID
		}
		for _, c := range g.Checks() {
			ng.Checks = append(ng.Checks, Check{ID: c.ID, Path: c.Path, Name: c.Name,
				Passes: c.Passes.Load(), Fails: c.Fails.Load()})
		}
		children := g.Groups()
		for _, sub := range children {
			ng.Groups = append(ng.Groups, sub.ID)
		}
		out = append(out, ng)
		for _, sub := range children {
			walk(sub)
		}
	}
	if root != nil {
		walk(root)
	}
	return out
}

func groupResource(g Group) resource[Group] {
	var parent any // JSON null for the root
	if g.Parent != "" {
		parent = ref{Type: "groups", ID: g.Parent}
	}
	children := make([]ref, 0, len(g.Groups))
	for _, id := range g.Groups {
		children = append(children, ref{Type: "groups", ID: id})
	}
	return resource[Group]{Type: "groups", ID: g.ID, Attributes: g, Relationships: map[string]relationship{
		"parent": {Data: parent},
		"groups": {Data: children},
	}}
}

func (h *handler) getGroups(w http.ResponseWriter, _ *http.Request) {
	list := []resource[Group]{}
	for _, g := range Groups(h.c.Root()) {
		list = append(list, groupResource(g))
	}
	writeJSON(w, http.StatusOK, document[[]resource[Group]]{Data: list})
}

func (h *handler) getGroup(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	for _, g := range Groups(h.c.Root()) {
		if g.ID == id {
			writeJSON(w, http.StatusOK, document[resource[Group]]{Data: groupResource(g)})
			return
		}
	}
	writeError(w, http.StatusNotFound, fmt.Sprintf("no group %q", id))
}

func writeControlError(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrInvalid):
		code = http.StatusBadRequest
	case errors.Is(err, ErrConflict):
		code = http.StatusConflict
	}
	writeError(w, code, err.Error())
}

func writeError(w http.ResponseWriter, code int, detail string) {
	writeJSON(w, code, errorDocument{Errors: []errorObject{{
		Status: strconv.Itoa(code), Title: http.StatusText(code), Detail: detail,
	}}})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		data = []byte(`{"errors":[{"status":"500","title":"Internal Server Error"}]}`)
	}
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(code)
	_, _ = w.Write(append(data, '\n'))
}
