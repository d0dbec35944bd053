package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Client talks to a running test's API.
type Client struct {
	// Address is host:port, as given to --address.
	Address string
	HTTP    *http.Client
}

// ErrUnreachable is wrapped by the Client's errors when nothing answers
// at the address.
var ErrUnreachable = errors.New("no stampede REST API answers")

// Status fetches /v1/status.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var doc document[resource[Status]]
	err := c.do(ctx, http.MethodGet, "/v1/status", nil, &doc)
	return doc.Data.Attributes, err
}

// Patch changes the status and returns the new one.
func (c *Client) Patch(ctx context.Context, p StatusPatch) (Status, error) {
	body, err := json.Marshal(document[resource[StatusPatch]]{Data: resource[StatusPatch]{
		Type: "status", ID: "default", Attributes: p}})
	if err != nil {
		return Status{}, err
	}
	var doc document[resource[Status]]
	err = c.do(ctx, http.MethodPatch, "/v1/status", body, &doc)
	return doc.Data.Attributes, err
}

// Metrics fetches /v1/metrics.
func (c *Client) Metrics(ctx context.Context) ([]Metric, error) {
	var doc document[[]resource[Metric]]
	if err := c.do(ctx, http.MethodGet, "/v1/metrics", nil, &doc); err != nil {
		return nil, err
	}
	out := make([]Metric, 0, len(doc.Data))
	for _, r := range doc.Data {
		m := r.Attributes
		m.Name = r.ID
		out = append(out, m)
	}
	return out, nil
}

func (c *Client) do(ctx context.Context, method, route string, body []byte, out any) error {
	base := c.Address
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+route, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("bad API address %q: %w", c.Address, err)
	}
	req.Header.Set("Content-Type", "application/vnd.api+json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%w at %s: %w", ErrUnreachable, c.Address, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("reading the API's answer: %w", err)
	}
	if resp.StatusCode >= 300 {
		var e errorDocument
		if json.Unmarshal(data, &e) == nil && len(e.Errors) > 0 {
			msg := e.Errors[0].Detail
			if msg == "" {
				msg = e.Errors[0].Title
			}
			return fmt.Errorf("the API refused: %s (%s)", msg, resp.Status)
		}
		return fmt.Errorf("the API answered %s", resp.Status)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("the API's answer is not valid JSON: %w", err)
	}
	return nil
}
