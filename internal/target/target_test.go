package target

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestStartServesHTTPBin(t *testing.T) {
	s, err := Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	}()
	resp, err := http.Get(s.URL + "/get?x=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"x"`) {
		t.Fatalf("status %d body %s", resp.StatusCode, body)
	}
}

func TestStartRefusesNonLoopback(t *testing.T) {
	if _, err := Start("0.0.0.0:0"); err == nil {
		t.Fatal("want an error for a non-loopback address")
	}
}
