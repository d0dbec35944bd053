package http

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/dop251/goja"
)

// fileObject is the FileData that http.file makes: {data, filename,
// content_type}. A body object holding one is sent as multipart/form-data.
type fileObject struct {
	data        []byte
	dataVal     goja.Value // data as the script passed it
	filename    string
	contentType string
	rt          *goja.Runtime
	extra       map[string]goja.Value
}

var _ goja.DynamicObject = (*fileObject)(nil)

// jsFile is file(data, [filename], [contentType]).
func (mi *ModuleInstance) jsFile(c goja.FunctionCall) goja.Value {
	rt := mi.vu.Runtime()
	data := c.Argument(0)
	f := &fileObject{dataVal: data, rt: rt,
		filename:    strconv.FormatInt(time.Now().UnixNano(), 10),
		contentType: "application/octet-stream",
	}
	switch x := data.Export().(type) {
	case string:
		f.data = []byte(x)
	case goja.ArrayBuffer:
		f.data = x.Bytes()
	default:
		if err := rt.ExportTo(data, &f.data); err != nil {
			panic(rt.NewTypeError(fmt.Sprintf("invalid file data type %s", data.String())))
		}
	}
	if fn := c.Argument(1); !isNullish(fn) {
		f.filename = fn.String()
	}
	if ct := c.Argument(2); !isNullish(ct) {
		f.contentType = ct.String()
	}
	return rt.NewDynamicObject(f)
}

// Get implements goja.DynamicObject.
func (f *fileObject) Get(key string) goja.Value {
	if v, ok := f.extra[key]; ok {
		return v
	}
	switch key {
	case "data":
		return f.dataVal
	case "filename":
		return f.rt.ToValue(f.filename)
	case "content_type":
		return f.rt.ToValue(f.contentType)
	}
	return nil
}

// Set implements goja.DynamicObject.
func (f *fileObject) Set(key string, v goja.Value) bool {
	if f.extra == nil {
		f.extra = make(map[string]goja.Value)
	}
	f.extra[key] = v
	return true
}

// Has implements goja.DynamicObject.
func (f *fileObject) Has(key string) bool { return f.Get(key) != nil }

// Delete implements goja.DynamicObject.
func (f *fileObject) Delete(key string) bool {
	delete(f.extra, key)
	return true
}

// Keys implements goja.DynamicObject.
func (f *fileObject) Keys() []string {
	keys := []string{"data", "filename", "content_type"}
	for k := range f.extra {
		keys = append(keys, k)
	}
	return keys
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// multipartBody encodes a body object holding FileData as
// multipart/form-data, fields in the object's key order.
func multipartBody(obj *goja.Object) (body, contentType string, err error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, k := range obj.Keys() {
		v := obj.Get(k)
		if f, ok := v.Export().(*fileObject); ok {
			h := make(textproto.MIMEHeader)
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`,
				quoteEscaper.Replace(k), quoteEscaper.Replace(f.filename)))
			h.Set("Content-Type", f.contentType)
			pw, err := w.CreatePart(h)
			if err != nil {
				return "", "", err
			}
			if _, err := pw.Write(f.data); err != nil {
				return "", "", err
			}
			continue
		}
		if err := w.WriteField(k, v.String()); err != nil {
			return "", "", err
		}
	}
	if err := w.Close(); err != nil {
		return "", "", err
	}
	return buf.String(), w.FormDataContentType(), nil
}

// hasFile reports whether a body object holds a FileData.
func hasFile(obj *goja.Object) bool {
	for _, k := range obj.Keys() {
		if _, ok := obj.Get(k).Export().(*fileObject); ok {
			return true
		}
	}
	return false
}
