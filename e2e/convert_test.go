package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConvertRun converts a HAR recorded against the built-in target and
// runs the script: every status check must pass.
func TestConvertRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	har := filepath.Join(dir, "session.har")
	writeFile(t, har, `{
  "log": {
    "version": "1.2",
    "creator": {"name": "e2e", "version": "1"},
    "pages": [
      {"startedDateTime": "2021-05-01T10:00:00.000Z", "id": "page_1", "title": "first"},
      {"startedDateTime": "2021-05-01T10:00:10.000Z", "id": "page_2", "title": "second"}
    ],
    "entries": [
      {"pageref": "page_1", "startedDateTime": "2021-05-01T10:00:00.000Z",
       "request": {"method": "GET", "url": "`+targetURL+`/get?a=1",
                   "headers": [{"name": "Host", "value": "elsewhere"}, {"name": "Accept", "value": "application/json"}]},
       "response": {"status": 200}},
      {"pageref": "page_1", "startedDateTime": "2021-05-01T10:00:00.050Z",
       "request": {"method": "GET", "url": "`+targetURL+`/status/201", "headers": []},
       "response": {"status": 201}},
      {"pageref": "page_2", "startedDateTime": "2021-05-01T10:00:10.000Z",
       "request": {"method": "POST", "url": "`+targetURL+`/post",
                   "headers": [{"name": "Content-Type", "value": "application/json"}, {"name": "Content-Length", "value": "13"}],
                   "postData": {"mimeType": "application/json", "text": "{\"name\":\"x\"}"}},
       "response": {"status": 200}},
      {"pageref": "page_2", "startedDateTime": "2021-05-01T10:00:11.000Z",
       "request": {"method": "POST", "url": "`+targetURL+`/post", "headers": [],
                   "postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "k", "value": "v"}]}},
       "response": {"status": 200}},
      {"pageref": "page_2", "startedDateTime": "2021-05-01T10:00:12.000Z",
       "request": {"method": "GET", "url": "`+targetURL+`/redirect-to?url=%2Fget&status_code=302", "headers": []},
       "response": {"status": 302}},
      {"pageref": "page_2", "startedDateTime": "2021-05-01T10:00:12.010Z",
       "request": {"method": "GET", "url": "http://skipped.invalid/never", "headers": []},
       "response": {"status": 200}}
    ]
  }
}`)
	out := filepath.Join(dir, "out.js")
	stampede(t, runOpts{}, "convert", "--enable-status-code-checks", "--min-sleep", "0", "--max-sleep", "0",
		"--skip", "skipped.invalid", "-O", out, har).wantCode(t, 0)
	script, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "http.batch(") {
		t.Errorf("the two requests 50 ms apart were not batched:\n%s", script)
	}
	if strings.Contains(string(script), "skipped.invalid") {
		t.Errorf("--skip kept a request:\n%s", script)
	}
	r := stampede(t, runOpts{}, "run", "-q", "--summary-export", "{export}", out)
	r.wantCode(t, 0)
	checks := r.checks(t)
	want := map[string]int{
		"::page_1 - first::status is 200":  1,
		"::page_1 - first::status is 201":  1,
		"::page_2 - second::status is 200": 2,
		"::page_2 - second::status is 302": 1,
	}
	for name, c := range checks {
		if c.Fails != 0 {
			t.Errorf("check %s failed %d times\nscript:\n%s", name, c.Fails, script)
		}
	}
	for name, passes := range want {
		if c, ok := checks[name]; !ok || c.Passes != passes {
			t.Errorf("check %s: %+v, want %d passes (have %v)", name, c, passes, checks)
		}
	}
}

// TestConvertBroken checks that bad input gives one line and a non-zero
// exit code, never a panic.
func TestConvertBroken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, tc := range map[string]struct{ content, want string }{
		"notjson.har":   {"this is not JSON", "notjson.har: not a valid HAR file: not JSON"},
		"array.har":     {"[1, 2]", "array.har: not a valid HAR file: the top level: got a JSON array"},
		"nolog.har":     {`{"foo": 1}`, `nolog.har: not a valid HAR file: no "log" object`},
		"noentries.har": {`{"log": {"version": "1.2"}}`, "noentries.har: not a valid HAR file: log.entries is missing"},
		"badurl.har": {`{"log": {"entries": [{"request": {"method": "GET", "url": "not a url"}}]}}`,
			`badurl.har: not a valid HAR file: log.entries[0].request.url: "not a url" is not an absolute http(s) URL`},
	} {
		path := filepath.Join(dir, name)
		writeFile(t, path, tc.content)
		r := stampede(t, runOpts{}, "convert", "-O", filepath.Join(dir, name+".js"), path)
		if r.code == 0 {
			t.Errorf("%s: exit code 0", name)
		}
		r.wantErr(t, tc.want)
		if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
			t.Errorf("%s: the error is %d lines:\n%s", name, n+1, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, name+".js")); err == nil {
			t.Errorf("%s: a script was written", name)
		}
	}
	r := stampede(t, runOpts{}, "convert", "--correlate", filepath.Join(dir, "nolog.har"))
	if r.code == 0 {
		t.Error("--correlate: exit code 0")
	}
	r.wantErr(t, "--correlate is not supported")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
