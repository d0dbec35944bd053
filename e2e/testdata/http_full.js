// Every k6/http function, Params field and Response field of k6 v0.32,
// against go-httpbin (TARGET) and the test's own loopback servers
// (LOCAL1..3, see http_full_test.go). Each check must pass once; the
// thresholds prove that tags reach the metrics.
import http from 'k6/http';
import { check } from 'k6';

const T = __ENV.TARGET;
const L = [__ENV.LOCAL1, __ENV.LOCAL2, __ENV.LOCAL3];
const port = Number(T.split(':')[2]);
const authURL = `${T.replace('http://', 'http://user:pass@')}/basic-auth/user/pass`;
const maskedURL = `${T.replace('http://', 'http://user:****@')}/basic-auth/user/pass`;

export const options = {
  iterations: 1,
  vus: 1,
  batch: 2,
  batchPerHost: 1,
  hosts: { 'cookies.test': '127.0.0.1' },
  thresholds: {
    'http_reqs{mytag:x}': ['count==3'],
    'http_reqs{name:custom}': ['count==1'],
    'http_reqs{batch:obj}': ['count==2'],
    'http_reqs{redir:follow}': ['count==4'],
    'http_reqs{redir:none}': ['count==1'],
    'http_reqs{redir:one,status:302}': ['count==2'],
    'http_reqs{to:ms,status:0,error_code:1000}': ['count==1'],
    'http_reqs{to:str,status:0,error_code:1000}': ['count==1'],
    'http_reqs{cb:default,expected_response:false}': ['count==1'],
    'http_reqs{cb:override,expected_response:true}': ['count==1'],
    'http_reqs{cb:null}': ['count==1'],
    'http_reqs{cb:null,expected_response:true}': ['count==0'],
    'http_reqs{cb:null,expected_response:false}': ['count==0'],
    'http_req_failed{cb:default}': ['rate==1'],
    'http_req_failed{cb:override}': ['rate==0'],
    // The password in the URL is masked in the url and name tags.
    [`http_reqs{name:${maskedURL}}`]: ['count==3'],
  },
};

const timingKeys = ['duration', 'blocked', 'looking_up', 'connecting', 'tls_handshaking', 'sending', 'waiting', 'receiving'];

export default function () {
  // --- Response fields, headers and tags params -------------------------
  const get = http.get(`${T}/get?x=1`, { headers: { 'X-Custom': 'hdr' }, tags: { mytag: 'x' } });
  check(get, {
    'response: status': (r) => r.status === 200,
    'response: status_text': (r) => r.status_text === '200 OK',
    'response: proto': (r) => r.proto === 'HTTP/1.1',
    'response: url': (r) => r.url === `${T}/get?x=1`,
    'response: body': (r) => typeof r.body === 'string' && r.body.indexOf('"X-Custom"') >= 0,
    'response: canonical headers': (r) => r.headers['Content-Type'] === 'application/json; charset=utf-8' &&
      r.headers['content-type'] === undefined,
    'response: remote_ip': (r) => r.remote_ip === '127.0.0.1',
    'response: remote_port': (r) => r.remote_port === port,
    'response: tls fields empty on http': (r) => r.tls_version === '' && r.tls_cipher_suite === '',
    'response: no error': (r) => r.error === '' && r.error_code === 0,
    'response: timings are numbers': (r) => timingKeys.every((k) => typeof r.timings[k] === 'number' && r.timings[k] >= 0),
    'response: duration = sending + waiting + receiving': (r) => r.timings.duration > 0 &&
      Math.abs(r.timings.duration - (r.timings.sending + r.timings.waiting + r.timings.receiving)) < 0.001,
    'response: request': (r) => r.request.method === 'GET' && r.request.url === `${T}/get?x=1` &&
      r.request.body === '' && r.request.headers['X-Custom'][0] === 'hdr' &&
      typeof r.request.headers['User-Agent'][0] === 'string',
    'params: headers reach the server': (r) => r.json().headers['X-Custom'][0] === 'hdr',
  });

  // --- Every request function -------------------------------------------
  const head = http.head(`${T}/get`);
  // go-httpbin echoes a text/plain body as is (others as a data: URL).
  const plain = { 'Content-Type': 'text/plain' };
  const req = http.request('PATCH', `${T}/anything`, 'rq-body', { headers: plain, tags: { name: 'custom' } });
  const post = http.post(`${T}/anything`, 'p-body', { headers: plain, tags: { mytag: 'x' } });
  const bare = http.post(`${T}/anything`, 'b-body');
  const put = http.put(`${T}/anything`, 'u-body', { headers: plain });
  const patch = http.patch(`${T}/anything`, 'a-body', { headers: plain });
  const del = http.del(`${T}/anything`, 'd-body', { headers: plain });
  const opts = http.options(`${T}/anything`);
  const echoed = (r, method, body) => r.status === 200 && r.json().method === method && r.json().data === body &&
    r.request.method === method && r.request.body === body;
  check(null, {
    'http.head': () => head.status === 200 && head.body === '' && head.request.method === 'HEAD' &&
      head.headers['Content-Type'] === 'application/json; charset=utf-8',
    'http.request': () => echoed(req, 'PATCH', 'rq-body'),
    'http.post': () => echoed(post, 'POST', 'p-body'),
    'http.put': () => echoed(put, 'PUT', 'u-body'),
    'http.patch': () => echoed(patch, 'PATCH', 'a-body'),
    'http.del': () => echoed(del, 'DELETE', 'd-body'),
    'http.options': () => opts.status === 200 && opts.request.method === 'OPTIONS' &&
      opts.headers['Access-Control-Allow-Methods'].indexOf('OPTIONS') >= 0,
    'string body adds no Content-Type': () => bare.request.headers['Content-Type'] === undefined &&
      bare.json().headers['Content-Type'] === undefined && bare.json().data === 'data:application/octet-stream;base64,Yi1ib2R5',
  });

  // --- Bodies: form object, ArrayBuffer; headers and Host (the server checks)
  const form = http.post(`${L[0]}/record/form`, { a: '1', b: '2' });
  const ab = http.post(`${L[0]}/record/ab`, new Uint8Array([0, 255, 128, 10, 107, 54]).buffer);
  const hdr = http.put(`${L[0]}/record/headers`, 'text body', { headers: { 'X-Custom': 'custom value', Host: 'virtual.test' } });
  const formEcho = http.post(`${T}/post`, { a: '1', b: '2' });
  check(null, {
    'form object body': () => form.status === 200 && form.request.body === 'a=1&b=2' &&
      form.request.headers['Content-Type'][0] === 'application/x-www-form-urlencoded',
    'form object parsed by httpbin': () => formEcho.json().form.a[0] === '1' && formEcho.json().form.b[0] === '2',
    'ArrayBuffer body': () => ab.status === 200 && ab.request.body.length === 6,
    'headers param with Host': () => hdr.status === 200 && hdr.request.headers['X-Custom'][0] === 'custom value',
  });

  // --- redirects ----------------------------------------------------------
  const follow = http.get(`${T}/redirect/3`, { tags: { redir: 'follow' } });
  const none = http.get(`${T}/redirect/3`, { redirects: 0, tags: { redir: 'none' } });
  const one = http.get(`${T}/redirect/3`, { redirects: 1, tags: { redir: 'one' } });
  check(null, {
    'redirects followed by default': () => follow.status === 200 && follow.url === `${T}/get` &&
      follow.request.url === `${T}/redirect/3`,
    'redirects: 0 returns the 302': () => none.status === 302 && none.url === `${T}/redirect/3` &&
      none.headers.Location.indexOf('/relative-redirect/2') >= 0 && none.error_code === 0,
    'redirects: 1 stops after one': () => one.status === 302 && one.url.indexOf('/relative-redirect/2') >= 0,
  });

  // --- timeout and throw --------------------------------------------------
  const toMs = http.get(`${T}/delay/2`, { timeout: 300, tags: { to: 'ms' } });
  const toStr = http.get(`${T}/delay/2`, { timeout: '300ms', tags: { to: 'str' } });
  let thrown = '';
  try {
    http.get(`${T}/delay/2`, { timeout: '200ms', throw: true, tags: { to: 'throw' } });
  } catch (e) {
    thrown = String(e);
  }
  if (toMs.error_code !== 1000) console.warn(`timeout: ${toMs.error_code} ${toMs.error}`);
  check(null, {
    'timeout in ms': () => toMs.status === 0 && toMs.error_code === 1000 && toMs.error !== '' && toMs.body === null &&
      toMs.status_text === '' && toMs.proto === '',
    'timeout as a duration string': () => toStr.status === 0 && toStr.error_code === 1000 && toStr.error === toMs.error,
    'throw: true throws': () => thrown !== '',
  });

  // --- auth ---------------------------------------------------------------
  const basic = http.get(authURL, { auth: 'basic' });
  const fromURL = http.get(authURL);
  const wrong = http.get(authURL.replace('pass@', 'nope@'));
  check(null, {
    'auth: basic': () => basic.status === 200 && basic.json().authenticated === true &&
      basic.request.headers.Authorization[0] === 'Basic dXNlcjpwYXNz',
    'auth: basic from the URL alone': () => fromURL.status === 200 && fromURL.json().user === 'user',
    'auth: wrong password is 401': () => wrong.status === 401 && wrong.error_code === 1401 && wrong.error === '',
  });

  // --- responseType -------------------------------------------------------
  const bin = http.get(`${T}/bytes/64`, { responseType: 'binary' });
  const binJSON = http.get(`${T}/json`, { responseType: 'binary' });
  const noBody = http.get(`${T}/bytes/64`, { responseType: 'none' });
  const text = http.get(`${T}/robots.txt`, { responseType: 'text' });
  check(null, {
    'responseType binary': () => bin.body instanceof ArrayBuffer && bin.body.byteLength === 64,
    'responseType binary json()': () => binJSON.json('slideshow.title') === 'Sample Slide Show',
    'responseType none': () => noBody.status === 200 && noBody.body === null,
    'responseType text': () => typeof text.body === 'string' && text.body.indexOf('Disallow') >= 0,
  });

  // --- responseCallback ---------------------------------------------------
  const cbDefault = http.get(`${T}/status/404`, { tags: { cb: 'default' } });
  const cbOverride = http.get(`${T}/status/404`, { responseCallback: http.expectedStatuses(404), tags: { cb: 'override' } });
  const cbNull = http.get(`${T}/status/404`, { responseCallback: null, tags: { cb: 'null' } });
  check(null, {
    'responseCallback: 4xx is error_code 1000+status': () =>
      [cbDefault, cbOverride, cbNull].every((r) => r.status === 404 && r.error_code === 1404 && r.error === ''),
  });

  // --- json() and html() --------------------------------------------------
  const js = http.get(`${T}/json`);
  const html = http.get(`${T}/html`);
  check(null, {
    'json()': () => js.json().slideshow.title === 'Sample Slide Show' && js.json() === js.json(),
    'json(selector)': () => js.json('slideshow.slides.#') === js.json().slideshow.slides.length &&
      js.json('slideshow.slides.#') >= 2 && js.json('slideshow.slides.1.title') === js.json().slideshow.slides[1].title &&
      js.json('no.such.path') === undefined,
    'html()': () => html.html().find('h1').text().indexOf('Moby-Dick') >= 0 &&
      html.html('h1').text() === html.html().find('h1').text(),
  });

  // --- batch: object form, per-item forms, batch/batchPerHost -------------
  const bo = http.batch({
    plain: `${T}/get`,
    arr: ['POST', `${T}/post`, 'arr-body', { headers: { 'Content-Type': 'text/plain' }, tags: { batch: 'obj' } }],
    obj: { method: 'PUT', url: `${T}/put`, body: { k: 'v' }, params: { headers: { 'X-Item': 'obj' }, tags: { mytag: 'x', batch: 'obj' } } },
  });
  const ba = http.batch([
    `${T}/get`,
    ['GET', `${T}/headers`, null, { headers: { 'X-A': '1' } }],
    { url: `${T}/anything`, method: 'PATCH', body: 'b', params: { headers: { 'Content-Type': 'text/plain' } } },
    { url: `${T}/anything` },
  ]);
  const slow = http.batch([0, 1, 2, 3, 4, 5].map((i) => `${L[i % 3]}/slow`));
  check(null, {
    'batch object form': () => !Array.isArray(bo) && Object.keys(bo).join() === 'plain,arr,obj' &&
      bo.plain.status === 200 && bo.arr.json().data === 'arr-body' && bo.obj.json().form.k[0] === 'v' &&
      bo.obj.json().headers['X-Item'][0] === 'obj',
    'batch array form': () => Array.isArray(ba) && ba.length === 4 && ba[0].status === 200 &&
      ba[1].json().headers['X-A'][0] === '1' && ba[2].json().method === 'PATCH' && ba[2].json().data === 'b' &&
      ba[3].json().method === 'GET',
    'batch with batchPerHost': () => slow.length === 6 && slow.every((r) => r.status === 200 && r.body === 'slow'),
  });

  // --- cookies param, jar param (VU jar) ----------------------------------
  const jar = http.cookieJar();
  jar.set(T, 'rep', 'jarval');
  const plainCk = http.get(`${T}/cookies`, { cookies: { plain: 'v1' } });
  const replaceCk = http.get(`${T}/cookies`, { cookies: { rep: { value: 'paramval', replace: true } } });
  const addCk = http.get(`${T}/cookies`, { cookies: { rep: 'paramval2' } });
  const own = new http.CookieJar();
  own.set(T, 'mine', 'm');
  const ownRes = http.get(`${T}/cookies/set?fromsrv=1`, { jar: own });
  check(null, {
    'cookies param plain': () => plainCk.json().cookies.plain === 'v1' && plainCk.json().cookies.rep === 'jarval' &&
      jar.cookiesForURL(T).plain === undefined,
    'cookies param replace': () => replaceCk.json().cookies.rep === 'paramval' &&
      replaceCk.request.headers.Cookie[0].indexOf('jarval') < 0 && jar.cookiesForURL(T).rep[0] === 'jarval',
    // k6 v0.32 sends the param's cookies first, then the jar's: httpbin
    // keeps the last value of a name.
    'cookies param without replace adds': () => addCk.request.headers.Cookie[0].indexOf('rep=paramval2; ') === 0 &&
      addCk.request.cookies.rep.length === 2 && addCk.json().cookies.rep === 'jarval',
    'request.cookies': () => plainCk.request.cookies.plain[0].name === 'plain' &&
      plainCk.request.cookies.plain[0].value === 'v1' && plainCk.request.cookies.plain[0].replace === false &&
      replaceCk.request.cookies.rep.length === 1 && replaceCk.request.cookies.rep[0].value === 'paramval' &&
      replaceCk.request.cookies.rep[0].replace === false, // read back from the Cookie header, as k6 does
    'jar param': () => ownRes.status === 200 && ownRes.json().cookies.mine === 'm' &&
      ownRes.json().cookies.fromsrv === '1' && ownRes.json().cookies.rep === undefined &&
      own.cookiesForURL(T).fromsrv[0] === '1' && jar.cookiesForURL(T).fromsrv === undefined,
  });

  // --- CookieJar.set options, read back -----------------------------------
  // On a name of its own (hosts option): Go's jar treats loopback
  // addresses as secure origins, k6 v0.32's did not (see the test).
  const cj = new http.CookieJar();
  const C = L[0].replace('127.0.0.1', 'cookies.test');
  const setOK = cj.set(C, 'plainjar', 'pj');
  cj.set(C, 'dom', 'd', { domain: 'cookies.test', path: '/only' });
  cj.set(C, 'sec', 's', { secure: true });
  cj.set(C, 'http_only', 'ho', { http_only: true });
  cj.set(C, 'old', 'o', { expires: 'Mon, 02 Jan 2006 15:04:05 GMT' });
  cj.set(C, 'future', 'f', { expires: 'Fri, 01 Jan 2100 00:00:00 GMT', path: '/future' });
  cj.set(C, 'aged', 'a', { max_age: 100, path: '/aged' });
  cj.set(C, 'gone', 'g', { max_age: -1 });
  const sent = http.get(`${C}/record/cookies`, { jar: cj, cookies: { param: 'pv' } });
  const at = (path) => cj.cookiesForURL(C + path);
  const sub = C.replace('cookies.test', 'sub.cookies.test');
  check(null, {
    'CookieJar.set returns true': () => setOK === true,
    'CookieJar.set plain': () => at('/').plainjar[0] === 'pj' && at('/').plainjar.length === 1 &&
      cj.cookiesForURL(`${sub}/`).plainjar === undefined,
    'CookieJar.set domain and path': () => at('/only/x').dom[0] === 'd' && at('/').dom === undefined &&
      cj.cookiesForURL(`${sub}/only`).dom[0] === 'd',
    'CookieJar.set secure': () => at('/').sec === undefined && cj.cookiesForURL(C.replace('http://', 'https://')).sec[0] === 's',
    'CookieJar.set http_only': () => at('/').http_only[0] === 'ho',
    'CookieJar.set expires': () => at('/').old === undefined && at('/future').future[0] === 'f' && at('/').future === undefined,
    'CookieJar.set max_age': () => at('/aged').aged[0] === 'a' && at('/aged').gone === undefined,
    'jar cookies sent, secure one not over http': () => sent.status === 200 && sent.request.cookies.sec === undefined &&
      sent.request.cookies.plainjar[0].value === 'pj' && sent.request.cookies.param[0].value === 'pv',
  });

  // --- Response cookies from Set-Cookie ------------------------------------
  const sc = http.get(`${L[0]}/setcookie`, { jar: new http.CookieJar() });
  const fromSrv = http.get(`${T}/cookies/set?srv=s1`, { redirects: 0, jar: new http.CookieJar() });
  check(null, {
    'response cookies: every attribute': () => {
      const c = sc.cookies.full[0];
      return sc.cookies.full.length === 1 && Object.keys(c).length === 8 && c.name === 'full' && c.value === 'v1' &&
        c.domain === '127.0.0.1' && c.path === '/p' && c.http_only === true && c.secure === true &&
        c.max_age === 100 && c.expires === Date.UTC(2037, 9, 21, 7, 28, 0);
    },
    'response cookies: several of a name': () => sc.cookies.plain.length === 2 && sc.cookies.plain[0].value === 'p' &&
      sc.cookies.plain[0].path === '' && sc.cookies.plain[0].max_age === 0 &&
      sc.cookies.plain[1].value === 'p2' && sc.cookies.plain[1].path === '/other',
    'response cookies: from a redirect': () => fromSrv.status === 302 && fromSrv.cookies.srv[0].value === 's1' &&
      fromSrv.cookies.srv[0].path === '/' && fromSrv.cookies.srv[0].http_only === true,
  });
}
