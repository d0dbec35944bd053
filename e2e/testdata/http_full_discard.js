// discardResponseBodies: bodies are read (and measured) but null, unless a
// request's responseType asks for one (see http_full_test.go).
import http from 'k6/http';
import { check } from 'k6';

const T = __ENV.TARGET;

export const options = { iterations: 1, vus: 1, discardResponseBodies: true };

export default function () {
  const discarded = http.get(`${T}/bytes/1024`);
  const text = http.get(`${T}/bytes/1024`, { responseType: 'text' });
  const bin = http.get(`${T}/bytes/1024`, { responseType: 'binary' });
  check(null, {
    'discarded body is null': () => discarded.body === null,
    'discarded response still complete': () => discarded.status === 200 &&
      discarded.headers['Content-Length'] === '1024' && discarded.timings.duration > 0,
    'responseType text overrides': () => typeof text.body === 'string' && text.body.length > 0,
    'responseType binary overrides': () => bin.body instanceof ArrayBuffer && bin.body.byteLength === 1024,
    'json() of a discarded body throws': () => {
      try {
        discarded.json();
      } catch (e) {
        return String(e).indexOf('the body is null') >= 0;
      }
      return false;
    },
  });
}
