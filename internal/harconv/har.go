package harconv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// ErrInvalid is wrapped by every error Parse returns for input that is not
// a usable HAR file.
var ErrInvalid = errors.New("not a valid HAR file")

// HAR is a HAR 1.2 document, reduced to what the converter reads.
type HAR struct {
	Log *Log `json:"log"`
}

// Log is the HAR's "log" object.
type Log struct {
	Version string  `json:"version"`
	Creator Creator `json:"creator"`
	Pages   []Page  `json:"pages"`
	Entries []Entry `json:"entries"`
}

// Creator names the tool that recorded the HAR.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Page is one page load.
type Page struct {
	StartedDateTime string `json:"startedDateTime"`
	ID              string `json:"id"`
	Title           string `json:"title"`

	started time.Time
}

// Entry is one request with its response.
type Entry struct {
	PageRef         string   `json:"pageref"`
	StartedDateTime string   `json:"startedDateTime"`
	Request         Request  `json:"request"`
	Response        Response `json:"response"`

	started time.Time
}

// Request is an entry's request.
type Request struct {
	Method   string    `json:"method"`
	URL      string    `json:"url"`
	Headers  []NameVal `json:"headers"`
	Cookies  []NameVal `json:"cookies"`
	PostData *PostData `json:"postData"`
	host     string    // lower-case host name, without port
}

// Response is an entry's response; only the status is used.
type Response struct {
	Status int `json:"status"`
}

// PostData is a request body.
type PostData struct {
	MimeType string    `json:"mimeType"`
	Text     string    `json:"text"`
	Params   []NameVal `json:"params"`
}

// NameVal is a header, cookie, query or form parameter.
type NameVal struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Parse reads a HAR document and checks that every entry can be converted.
func Parse(r io.Reader) (*HAR, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	var h HAR
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, jsonError(data, err)
	}
	if h.Log == nil {
		return nil, invalidf("no \"log\" object at the top level")
	}
	if h.Log.Entries == nil {
		return nil, invalidf("log.entries is missing")
	}
	for i := range h.Log.Pages {
		p := &h.Log.Pages[i]
		if p.StartedDateTime != "" {
			t, err := parseTime(p.StartedDateTime)
			if err != nil {
				return nil, invalidf("log.pages[%d].startedDateTime: %q is not an ISO 8601 time", i, p.StartedDateTime)
			}
			p.started = t
		}
	}
	for i := range h.Log.Entries {
		e := &h.Log.Entries[i]
		field := fmt.Sprintf("log.entries[%d]", i)
		if e.StartedDateTime != "" {
			t, err := parseTime(e.StartedDateTime)
			if err != nil {
				return nil, invalidf("%s.startedDateTime: %q is not an ISO 8601 time", field, e.StartedDateTime)
			}
			e.started = t
		}
		if strings.TrimSpace(e.Request.Method) == "" {
			return nil, invalidf("%s.request.method is missing", field)
		}
		if strings.ContainsAny(e.Request.Method, " \t\r\n\"\\") {
			return nil, invalidf("%s.request.method: %q is not an HTTP method", field, e.Request.Method)
		}
		u, err := url.Parse(e.Request.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, invalidf("%s.request.url: %q is not an absolute http(s) URL", field, e.Request.URL)
		}
		e.Request.host = strings.ToLower(u.Hostname())
	}
	return &h, nil
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		// Some recorders write no time zone.
		t, err = time.Parse("2006-01-02T15:04:05.999999999", s)
	}
	return t, err
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// jsonError turns a decoding error into one line naming the position or
// the field.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn) && syn.Offset >= int64(len(data)):
		return invalidf("not JSON: unexpected end of input")
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset-1) // Offset counts the bad byte

		return invalidf("not JSON: %s at line %d, column %d", syn.Error(), line, col)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset-1) // Offset is just past the value
		field := typ.Field
		if field == "" {
			field = "the top level"
		}
		return invalidf("%s: got a JSON %s, want %s (ending at line %d, column %d)", field, typ.Value, jsonKind(typ.Type.Kind().String()), line, col)
	case errors.Is(err, io.ErrUnexpectedEOF) || len(bytes.TrimSpace(data)) == 0:
		return invalidf("not JSON: unexpected end of input")
	default:
		return invalidf("not JSON: %s", oneLine(err.Error()))
	}
}

func jsonKind(k string) string {
	switch k {
	case "struct", "map", "ptr":
		return "an object"
	case "slice", "array":
		return "an array"
	case "string":
		return "a string"
	case "int", "int64", "float64":
		return "a number"
	}
	return k
}

// position returns the 1-based line and column of byte offset off.
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
