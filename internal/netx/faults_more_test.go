package netx

import (
	"fmt"
	"testing"

	"golang.org/x/net/http2"
)

// TestClassifyErrorHTTP2AllCodes sends a real GOAWAY and a real RST_STREAM
// with every HTTP/2 error code (0..13) and one unknown code, and checks the
// code and message ClassifyError gives for what the netx transport returns:
// GOAWAY 1611..1624 (unknown 1610), RST_STREAM 1631..1644 (unknown 1630).
func TestClassifyErrorHTTP2AllCodes(t *testing.T) {
	t.Parallel()
	type tcase struct {
		name     string
		fault    func(*http2.Framer, uint32) bool
		wantCode int
		wantMsg  string
	}
	var tests []tcase
	for c := http2.ErrCode(0); c <= http2.ErrCodeHTTP11Required+1; c++ {
		want := func(base int) int {
			if c > http2.ErrCodeHTTP11Required {
				return base
			}
			return base + 1 + int(c)
		}
		tests = append(tests,
			tcase{fmt.Sprintf("GOAWAY %d", c), func(fr *http2.Framer, id uint32) bool {
				_ = fr.WriteGoAway(id, c, nil)
				return true
			}, want(1610), "http2: received GoAway with http2 ErrCode " + c.String()},
			tcase{fmt.Sprintf("RST_STREAM %d", c), func(fr *http2.Framer, id uint32) bool {
				_ = fr.WriteRSTStream(id, c)
				return false
			}, want(1630), "http2: stream error with http2 ErrCode " + c.String()},
		)
		// net/http's HTTP/2 transport retries a request whose stream was
		// reset with REFUSED_STREAM or PROTOCOL_ERROR, so against a server
		// that always resets the caller only sees its deadline (1000); 1632
		// and 1638 cannot come from a real RST_STREAM here (1632 comes from
		// a malformed response instead: TestClassifyErrorHTTP2Faults).
		if c == http2.ErrCodeProtocol || c == http2.ErrCodeRefusedStream {
			tests = tests[:len(tests)-1]
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := h2FaultServer(t, tc.fault)
			err := roundTrip(t, "https://"+addr+"/", TransportOptions{InsecureSkipTLSVerify: true})
			if err == nil {
				t.Fatal("request succeeded, want an error")
			}
			code, msg := ClassifyError(err)
			if code != tc.wantCode || msg != tc.wantMsg {
				t.Errorf("ClassifyError(%v) = %d, %q; want %d, %q", err, code, msg, tc.wantCode, tc.wantMsg)
			}
		})
	}
}
