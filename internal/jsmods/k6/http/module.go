package http

import (
	"errors"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

func init() {
	ext.Register("js.k6/http", &RootModule{})
}

// errInitContext is k6's error for requests made while the init stage runs.
var errInitContext = errors.New("Making http requests in the init context is not supported") //nolint:staticcheck // k6's message

// RootModule is the k6/http module; it makes one ModuleInstance per VU.
type RootModule struct{}

var _ jsmod.Module = (*RootModule)(nil)

// NewModuleInstance implements jsmod.Module.
func (*RootModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance {
	rt := vu.Runtime()
	mi := &ModuleInstance{
		vu:       vu,
		client:   &client{},
		expected: defaultExpected,
	}
	// Captured now, before a script could replace the globals, so that
	// json() and body detection behave the same whatever the script does.
	if json := rt.Get("JSON"); json != nil {
		mi.jsonParse, _ = goja.AssertFunction(json.ToObject(rt).Get("parse"))
	}
	if dv := rt.Get("DataView"); dv != nil {
		mi.dataView = dv.ToObject(rt)
	}
	mi.jarCookiesForURL = rt.ToValue(mi.cookiesForURL)
	mi.jarSet = rt.ToValue(mi.setCookie)
	mi.respProto = rt.NewObject()
	_ = mi.respProto.Set("json", mi.jsonMethod)
	_ = mi.respProto.Set("html", mi.htmlMethod)
	_ = mi.respProto.Set("submitForm", mi.submitFormMethod)
	_ = mi.respProto.Set("clickLink", mi.clickLinkMethod)
	mi.exports = mi.makeExports()
	return mi
}

// ModuleInstance is k6/http in one VU.
type ModuleInstance struct {
	vu     jsmod.VU
	client *client

	// expected decides whether a status is an expected response; nil means
	// no callback (no http_req_failed samples, no expected_response tag).
	expected func(status int) bool

	respProto *goja.Object // carries json(), html(), submitForm(), clickLink()

	// The CookieJar methods, shared by every jar of the VU.
	jarCookiesForURL, jarSet goja.Value

	jsonParse goja.Callable
	dataView  *goja.Object

	exports jsmod.Exports
}

var _ jsmod.Instance = (*ModuleInstance)(nil)

// Exports implements jsmod.Instance.
func (mi *ModuleInstance) Exports() jsmod.Exports { return mi.exports }

// defaultExpected is k6's default callback, expectedStatuses({min: 200, max: 399}).
func defaultExpected(status int) bool { return status >= 200 && status <= 399 }

// makeExports converts every export to a JS value once, so that the default
// object and the named exports hold the same function objects
// (http.get === get).
func (mi *ModuleInstance) makeExports() jsmod.Exports {
	rt := mi.vu.Runtime()
	funcs := []struct {
		name string
		fn   func(goja.FunctionCall) goja.Value
	}{
		{"request", mi.jsRequest},
		{"get", mi.verb("GET", false)},
		{"head", mi.verb("HEAD", false)},
		{"post", mi.verb("POST", true)},
		{"put", mi.verb("PUT", true)},
		{"patch", mi.verb("PATCH", true)},
		{"del", mi.verb("DELETE", true)},
		{"options", mi.verb("OPTIONS", true)},
		{"expectedStatuses", mi.jsExpectedStatuses},
		{"setResponseCallback", mi.jsSetResponseCallback},
		{"cookieJar", mi.jsCookieJar},
		{"batch", mi.jsBatch},
		{"url", mi.jsURL},
		{"file", mi.jsFile},
	}
	// k6 v0.32's TLS version and OCSP names, in its order.
	constants := [...]struct{ name, value string }{
		{"TLS_1_0", "tls1.0"},
		{"TLS_1_1", "tls1.1"},
		{"TLS_1_2", "tls1.2"},
		{"TLS_1_3", "tls1.3"},
		{"OCSP_STATUS_GOOD", "good"},
		{"OCSP_STATUS_REVOKED", "revoked"},
		{"OCSP_STATUS_SERVER_FAILED", "server_failed"},
		{"OCSP_STATUS_UNKNOWN", "unknown"},
		{"OCSP_REASON_UNSPECIFIED", "unspecified"},
		{"OCSP_REASON_KEY_COMPROMISE", "key_compromise"},
		{"OCSP_REASON_CA_COMPROMISE", "ca_compromise"},
		{"OCSP_REASON_AFFILIATION_CHANGED", "affiliation_changed"},
		{"OCSP_REASON_SUPERSEDED", "superseded"},
		{"OCSP_REASON_CESSATION_OF_OPERATION", "cessation_of_operation"},
		{"OCSP_REASON_CERTIFICATE_HOLD", "certificate_hold"},
		{"OCSP_REASON_REMOVE_FROM_CRL", "remove_from_crl"},
		{"OCSP_REASON_PRIVILEGE_WITHDRAWN", "privilege_withdrawn"},
		{"OCSP_REASON_AA_COMPROMISE", "aa_compromise"},
	}
	def := rt.NewObject()
	named := make(map[string]any, len(funcs)+len(constants))
	for _, f := range funcs {
		v := rt.ToValue(f.fn)
		_ = def.Set(f.name, v)
		named[f.name] = v
	}
	ctor := rt.ToValue(mi.jsNewCookieJar)
	_ = def.Set("CookieJar", ctor)
	named["CookieJar"] = ctor
	for _, c := range constants {
		v := rt.ToValue(c.value)
		_ = def.Set(c.name, v)
		named[c.name] = v
	}
	return jsmod.Exports{Default: def, Named: named}
}

// jsRequest is request(method, url, [body], [params]).
func (mi *ModuleInstance) jsRequest(c goja.FunctionCall) goja.Value {
	return mi.request(c.Argument(0).String(), c.Argument(1), c.Argument(2), c.Argument(3))
}

// verb makes get(url, [params]) when the method has no body argument and
// post(url, [body], [params]) otherwise.
func (mi *ModuleInstance) verb(method string, withBody bool) func(goja.FunctionCall) goja.Value {
	if withBody {
		return func(c goja.FunctionCall) goja.Value {
			return mi.request(method, c.Argument(0), c.Argument(1), c.Argument(2))
		}
	}
	return func(c goja.FunctionCall) goja.Value {
		return mi.request(method, c.Argument(0), goja.Undefined(), c.Argument(1))
	}
}

// request is the JS half of every request function.
func (mi *ModuleInstance) request(method string, urlArg, bodyArg, paramsArg goja.Value) goja.Value {
	return mi.send(mi.build(method, urlArg, bodyArg, paramsArg))
}

// build checks that requests may be made now and parses a request's
// arguments, throwing on bad ones.
func (mi *ModuleInstance) build(method string, urlArg, bodyArg, paramsArg goja.Value) *request {
	rt := mi.vu.Runtime()
	state := mi.vu.State()
	if state == nil {
		panic(rt.NewGoError(errInitContext))
	}
	if state.Transport == nil {
		panic(rt.NewGoError(errors.New("k6/http: the VU has no HTTP transport")))
	}

	r, err := mi.newRequest(method, urlArg, bodyArg, paramsArg)
	if err != nil {
		if errors.Is(err, errBodyType) {
			panic(rt.NewTypeError(err.Error()))
		}
		panic(rt.NewGoError(err))
	}
	return r
}

// send makes a parsed request and wraps the result as a Response.
func (mi *ModuleInstance) send(r *request) goja.Value {
	rt := mi.vu.Runtime()
	state := mi.vu.State()
	res := mi.client.do(mi.vu.Context(), state, state.Samples, r)
	if res.err != nil {
		if r.throw {
			panic(rt.NewGoError(res.fullErr()))
		}
		// k6 stays quiet about requests cut short by the end of the
		// iteration: that is the test stopping, not the target failing.
		if mi.vu.Context().Err() == nil {
			state.Logger.WithError(res.fullErr()).Warn("Request Failed")
		}
	}
	return mi.responseObject(r, res)
}

// newRequest parses a request's arguments on the VU goroutine.
func (mi *ModuleInstance) newRequest(method string, urlArg, bodyArg, paramsArg goja.Value) (*request, error) {
	state := mi.vu.State()
	r := &request{method: method, expected: mi.expected, jar: state.CookieJar}
	var tmpl *urlObject
	if obj, ok := urlArg.(*goja.Object); ok {
		tmpl, _ = obj.Export().(*urlObject)
	}
	isTmpl := tmpl != nil
	if isTmpl {
		r.rawURL = tmpl.url
	} else {
		r.rawURL = urlArg.String()
	}
	if err := mi.parseParams(state, paramsArg, r); err != nil {
		return nil, err
	}
	if isTmpl && !r.userName {
		r.userTags = append(r.userTags, metrics.Tag{Key: "name", Value: tmpl.name})
		r.userName = true
	}
	if err := mi.parseBody(bodyArg, r); err != nil {
		return nil, err
	}
	if r.compression != "" && r.body != "" {
		body, enc, err := compressBody(r.body, r.compression)
		if err != nil {
			return nil, err
		}
		r.body = body
		if enc != "" {
			r.header.Set("Content-Encoding", enc)
		}
	}
	if state.Options.UserAgent != "" && r.header.Get("User-Agent") == "" {
		r.header.Set("User-Agent", state.Options.UserAgent)
	}
	return r, nil
}
