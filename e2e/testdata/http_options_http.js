// maxRedirects, discardResponseBodies, userAgent, throw and httpDebug
// (k6-spec §2, §7.3, §13) against the go-httpbin target. CASE picks the
// script options and the requests; flags and K6_* variables come from the
// Go test.
import http from 'k6/http';
import { check } from 'k6';

const T = __ENV.TARGET;

const cases = {
  // maxRedirects: 2 follows two redirects and returns the third 302, no error.
  maxRedirects: {
    options: { maxRedirects: 2 },
    run() {
      const stopped = http.get(`${T}/redirect/3`);
      const followed = http.get(`${T}/redirect/2`);
      const param = http.get(`${T}/redirect/3`, { redirects: 3 });
      check(stopped, {
        'stopped at a 302': (r) => r.status === 302 && r.error_code === 0 && r.error === '',
        'url is the last hop': (r) => r.url === `${T}/relative-redirect/1`,
        'Location is not followed': (r) => r.headers.Location === '/get',
      });
      check(followed, { 'two redirects are followed': (r) => r.status === 200 && r.url === `${T}/get` });
      check(param, { 'params.redirects overrides': (r) => r.status === 200 && r.url === `${T}/get` });
    },
  },
  // The default limit is 10 redirects.
  defaultRedirects: {
    options: {},
    run() {
      check(http.get(`${T}/redirect/10`), { '10 redirects are followed': (r) => r.status === 200 });
      check(http.get(`${T}/redirect/11`), { 'the 11th is not': (r) => r.status === 302 && r.url === `${T}/relative-redirect/1` });
    },
  },
  // discardResponseBodies: bodies are read (data_received counts them) but
  // res.body is null, unless a request asks for a responseType.
  discardResponseBodies: {
    options: { discardResponseBodies: true },
    run() {
      check(http.get(`${T}/bytes/100000`), { 'body is null': (r) => r.status === 200 && r.body === null });
      check(http.get(`${T}/bytes/1000`, { responseType: 'text' }), {
        'responseType text still gets it': (r) => typeof r.body === 'string' && r.body.length > 0,
      });
    },
  },
  // The User-Agent sent: WANT_UA (from the option, K6_USER_AGENT or
  // --user-agent, or the default); a request header overrides it.
  userAgent: {
    options: __ENV.UA_OPTION === undefined ? {} : { userAgent: __ENV.UA_OPTION },
    run() {
      check(http.get(`${T}/user-agent`), { 'User-Agent is WANT_UA': (r) => r.json()['user-agent'] === __ENV.WANT_UA });
      check(http.get(`${T}/user-agent`, { headers: { 'User-Agent': 'mine/1' } }), {
        'a User-Agent header wins': (r) => r.json()['user-agent'] === 'mine/1',
      });
    },
  },
  // throw (here from the option; K6_THROW in another run): a transport
  // error raises an exception instead of returning status 0.
  throw: {
    options: { throw: true },
    run() { expectThrow(); },
  },
  throwFromEnv: { options: {}, run() { expectThrow(); } },
  noThrow: {
    options: {},
    run() {
      check(http.get(`http://${__ENV.REFUSED}/`), {
        'no exception, error 1212': (r) => r.status === 0 && r.error_code === 1212,
      });
    },
  },
  // httpDebug (--http-debug or K6_HTTP_DEBUG): the Go test reads the dumps.
  httpDebug: {
    options: {},
    run() {
      const res = http.post(`${T}/anything`, 'debug-body-42', { headers: { 'Content-Type': 'text/plain' } });
      check(res, { 'status is 200': (r) => r.status === 200 });
    },
  },
};

function expectThrow() {
  let err = null;
  try {
    http.get(`http://${__ENV.REFUSED}/`);
  } catch (e) {
    err = String(e);
  }
  check(err, { 'a refused port throws': (e) => e !== null && e.indexOf('connection refused') >= 0 });
}

const c = cases[__ENV.CASE];

export const options = Object.assign({ vus: 1, iterations: 1 }, c.options);

export default function () {
  c.run();
}
