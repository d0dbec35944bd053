// noCookiesReset (k6-spec §2): the VU's cookie jar is emptied before every
// iteration unless the option is set. Iteration 0 gets a cookie, iteration 1
// looks whether it still sends it; WANT_KEPT says what it should see.
import http from 'k6/http';
import { check } from 'k6';

export const options = Object.assign({ vus: 1, iterations: 2 },
  __ENV.CASE === 'noCookiesReset' ? { noCookiesReset: true } : {});

export default function () {
  if (__ITER === 0) {
    const set = http.get(`${__ENV.TARGET}/cookies/set?from_iter0=yes`);
    check(set, { 'cookie set in iteration 0': (r) => r.json().cookies.from_iter0 === 'yes' });
    return;
  }
  const res = http.get(`${__ENV.TARGET}/cookies`);
  const kept = res.json().cookies.from_iter0 === 'yes';
  check(res, { 'cookie in iteration 1 as expected': () => kept === (__ENV.WANT_KEPT === 'true') });
}
