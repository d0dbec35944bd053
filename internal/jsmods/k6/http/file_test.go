package http

import (
	"io"
	"mime"
	"mime/multipart"
	"strings"
	"testing"
)

func TestFileMultipart(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	vu, _ := newVU(t, srv.URL)

	got := vu.MustRun(`
		var f = http.file("hello", "a.txt", "text/plain");
		var d = http.file(new Uint8Array([1, 2, 3]).buffer);
		var res = http.post(BASE, {field: "v", upload: f, raw: d});
		[f.filename, f.content_type, f.data, d.content_type, /^\d{18,}$/.test(d.filename)].join(" ")
	`).String()
	if want := "a.txt text/plain hello application/octet-stream true"; got != want {
		t.Errorf("FileData: got %q, want %q", got, want)
	}

	e := decodeEcho(t, vu.MustRun(`res.body`))
	mt, params, err := mime.ParseMediaType(e.Header["Content-Type"][0])
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("Content-Type %q: %v", e.Header["Content-Type"], err)
	}
	mr := multipart.NewReader(strings.NewReader(e.Body), params["boundary"])
	type part struct{ name, filename, ctype, data string }
	var parts []part
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		parts = append(parts, part{p.FormName(), p.FileName(), p.Header.Get("Content-Type"), string(b)})
	}
	if len(parts) != 3 {
		t.Fatalf("%d parts: %+v", len(parts), parts)
	}
	if p := parts[0]; p.name != "field" || p.filename != "" || p.data != "v" {
		t.Errorf("field part %+v", p)
	}
	if p := parts[1]; p.name != "upload" || p.filename != "a.txt" || p.ctype != "text/plain" || p.data != "hello" {
		t.Errorf("file part %+v", p)
	}
	if p := parts[2]; p.name != "raw" || p.ctype != "application/octet-stream" || p.data != "\x01\x02\x03" {
		t.Errorf("binary file part %+v", p)
	}
}
