package encoding_test

import (
	"strings"
	"testing"

	"github.com/stampede-load/stampede/internal/jsmods/k6/encoding"
	"github.com/stampede-load/stampede/internal/jsmodtest"
)

func newVU(t *testing.T) *jsmodtest.VU {
	t.Helper()
	vu := jsmodtest.New(t)
	vu.Load("enc", encoding.RootModule{})
	vu.MustRun(`function bytes(ab) { return Array.from(new Uint8Array(ab)).join(','); }`)
	return vu
}

func TestB64Encode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, js, want string }{
		{"default", `enc.b64encode("hello?>")`, "aGVsbG8/Pg=="},
		{"std", `enc.b64encode("hello?>", "std")`, "aGVsbG8/Pg=="},
		{"rawstd", `enc.b64encode("hello?>", "rawstd")`, "aGVsbG8/Pg"},
		{"url", `enc.b64encode("hello?>", "url")`, "aGVsbG8_Pg=="},
		{"rawurl", `enc.b64encode("hello?>", "rawurl")`, "aGVsbG8_Pg"},
		{"unknown is std", `enc.b64encode("hello?>", "nope")`, "aGVsbG8/Pg=="},
		{"empty", `enc.b64encode("")`, ""},
		{"utf-8", `enc.b64encode("привет")`, "0L/RgNC40LLQtdGC"},
		{"rfc4648 foobar", `enc.b64encode("foobar")`, "Zm9vYmFy"},
		{"rfc4648 fo", `enc.b64encode("fo")`, "Zm8="},
		{"ArrayBuffer", `enc.b64encode(new Uint8Array([0xfb, 0xff, 0xfe]).buffer, "std")`, "+//+"},
		{"ArrayBuffer url", `enc.b64encode(new Uint8Array([0xfb, 0xff, 0xfe]).buffer, "url")`, "-__-"},
		{"Uint8Array", `enc.b64encode(new Uint8Array([104, 105]))`, "aGk="},
		{"typed array view", `enc.b64encode(new Uint8Array([0, 104, 105, 0]).subarray(1, 3))`, "aGk="},
		{"Uint16Array bytes", `enc.b64encode(new Uint16Array([0x6968]))`, "aGk="},
		{"DataView", `enc.b64encode(new DataView(new Uint8Array([0, 104, 105]).buffer, 1))`, "aGk="},
		{"byte array", `enc.b64encode([104, 105])`, "aGk="},
		{"named export object", `typeof enc.b64decode`, "function"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := newVU(t).MustRun(tc.js).String(); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.js, got, tc.want)
			}
		})
	}
}

func TestB64Decode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, js, want string }{
		{"default is ArrayBuffer", `enc.b64decode("aGk=") instanceof ArrayBuffer`, "true"},
		{"bytes", `bytes(enc.b64decode("aGk="))`, "104,105"},
		{"string", `enc.b64decode("aGVsbG8/Pg==", "std", "s")`, "hello?>"},
		{"rawstd", `enc.b64decode("aGVsbG8/Pg", "rawstd", "s")`, "hello?>"},
		{"url", `enc.b64decode("aGVsbG8_Pg==", "url", "s")`, "hello?>"},
		{"rawurl", `enc.b64decode("aGVsbG8_Pg", "rawurl", "s")`, "hello?>"},
		{"unknown is std", `enc.b64decode("aGVsbG8/Pg==", "nope", "s")`, "hello?>"},
		{"omitted encoding", `enc.b64decode("aGk=", undefined, "s")`, "hi"},
		{"other format is ArrayBuffer", `bytes(enc.b64decode("aGk=", "std", "b"))`, "104,105"},
		{"binary bytes", `bytes(enc.b64decode("-__-", "url"))`, "251,255,254"},
		{"utf-8", `enc.b64decode("0L/RgNC40LLQtdGC", "std", "s")`, "привет"},
		{"newlines ignored", `enc.b64decode("Zm9v\nYmFy", "std", "s")`, "foobar"},
		{"empty", `enc.b64decode("").byteLength`, "0"},
		{"round trip binary", `bytes(enc.b64decode(enc.b64encode(new Uint8Array([0, 1, 254, 255]).buffer, "rawurl"), "rawurl"))`, "0,1,254,255"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := newVU(t).MustRun(tc.js).String(); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.js, got, tc.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, js, want string }{
		{"illegal byte", `enc.b64decode("aGk=!")`, "illegal base64 data at input byte 4"},
		{"padding in raw", `enc.b64decode("aGk=", "rawstd")`, "illegal base64 data at input byte 3"},
		{"std char in url", `enc.b64decode("+//+", "url")`, "illegal base64 data at input byte 0"},
		{"truncated", `enc.b64decode("aGk")`, "illegal base64 data at input byte 0"},
		{"encode undefined", `enc.b64encode()`, "invalid type undefined"},
		{"encode null", `enc.b64encode(null)`, "invalid type null"},
		{"encode number", `enc.b64encode(42)`, "invalid type number"},
		{"encode object", `enc.b64encode({})`, "invalid type Object"},
		{"encode bad byte", `enc.b64encode([1, 256])`, "element 1 is 256"},
		{"encode fraction", `enc.b64encode([1.5])`, "element 0 is 1.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			// The error must be catchable by the script.
			got := vu.MustRun(`(() => { try { ` + tc.js + `; return "no error"; } catch (e) { return String(e.message || e); } })()`).String()
			if !strings.Contains(got, tc.want) {
				t.Errorf("%s threw %q, want it to contain %q", tc.js, got, tc.want)
			}
		})
	}
}

func FuzzB64Decode(f *testing.F) {
	for _, s := range []string{"aGk=", "", "!!", "aGVsbG8_Pg", "\n\r"} {
		f.Add(s, "std")
		f.Add(s, "rawurl")
	}
	f.Fuzz(func(t *testing.T, in, enc string) {
		vu := jsmodtest.New(t)
		vu.Load("enc", encoding.RootModule{})
		_ = vu.Runtime().Set("input", in)
		_ = vu.Runtime().Set("encName", enc)
		// Either a value or a catchable JS error; never a Go panic.
		_, _ = vu.Run(`enc.b64decode(input, encName); enc.b64decode(input, encName, "s"); enc.b64encode(input, encName)`)
	})
}
