package api

import (
	"context"
	"errors"

	"github.com/stampede-load/stampede/metrics"
)

// Controller is what the API needs from a run.
type Controller interface {
	Status() Status
	// SetPaused pauses or resumes the run.
	SetPaused(paused bool) error
	// Scale sets the VUs of the externally-controlled scenario; maxVUs < 0
	// keeps its current maxVUs.
	Scale(ctx context.Context, vus, maxVUs int64) error
	// Metrics returns the metrics that have samples, sorted by name.
	Metrics() []Metric
	// Root returns the run's root group, nil before the run starts.
	Root() *metrics.Group
}

// Errors a Controller wraps to choose the HTTP status of a refused
// change; any other error is a 500.
var (
	// ErrInvalid: the values asked for can't be applied (400).
	ErrInvalid = errors.New("invalid request")
	// ErrConflict: the run is not in a state that allows it (409).
	ErrConflict = errors.New("conflict")
)

// Status is the attributes of the "status" resource.
type Status struct {
	Paused  bool  `json:"paused"`
	VUs     int64 `json:"vus"`
	VUsMax  int64 `json:"vus-max"`
	Stopped bool  `json:"stopped"`
	Running bool  `json:"running"`
	Tainted bool  `json:"tainted"`
}

// StatusPatch is the body attributes of PATCH /v1/status: only the fields
// present are changed.
type StatusPatch struct {
	Paused *bool  `json:"paused,omitempty"`
	VUs    *int64 `json:"vus,omitempty"`
	VUsMax *int64 `json:"vus-max,omitempty"`
}

// Metric is the "metrics" resource; its id is Name.
type Metric struct {
	Name     string             `json:"-"`
	Type     string             `json:"type"`
	Contains string             `json:"contains"`
	Tainted  bool               `json:"tainted"`
	Sample   map[string]float64 `json:"sample"`
}

// Group is the attributes of the "groups" resource.
type Group struct {
	ID     string  `json:"-"`
	Path   string  `json:"path"`
	Name   string  `json:"name"`
	Checks []Check `json:"checks"`
	// Parent and Groups are the ids of the parent ("" for the root) and
	// child groups, sent as JSON:API relationships.
	Parent string   `json:"-"`
	Groups []string `json:"-"`
}

// Check is one check of a group.
type Check struct {
	ID     string `json:"id"`
	Path   string `json:"path"`
	Name   string `json:"name"`
	Passes int64  `json:"passes"`
	Fails  int64  `json:"fails"`
}

// resource is a JSON:API resource object.
type resource[A any] struct {
	Type          string                  `json:"type"`
	ID            string                  `json:"id"`
	Attributes    A                       `json:"attributes"`
	Relationships map[string]relationship `json:"relationships,omitempty"`
}

type relationship struct {
	Data any `json:"data"`
}

type ref struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type document[D any] struct {
	Data D `json:"data"`
}

// errorObject is a JSON:API error.
type errorObject struct {
	Status string `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
}

type errorDocument struct {
	Errors []errorObject `json:"errors"`
}
