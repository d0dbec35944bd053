// One request per faulty loopback server; FAULTS (JSON) lists
// [name, url, code, message, timeout] (k6-spec §8). A message of "*" means
// Go's own error text, which only has to be non-empty.
import http from 'k6/http';
import { check } from 'k6';

const faults = JSON.parse(__ENV.FAULTS);

const thresholds = {};
for (const [, , code] of faults) {
  const key = `http_reqs{error_code:${code}}`;
  thresholds[key] = [`count==${faults.filter((f) => f[2] === code).length}`];
}

export const options = {
  iterations: 1,
  hosts: { 'mismatch.test': '127.0.0.1' },
  thresholds,
};

export default function () {
  for (const [name, url, code, message, timeout] of faults) {
    const res = http.get(url, { timeout: timeout || '5s' });
    check(res, {
      [`${name}: error_code ${code}`]: (r) => r.error_code === code,
      [`${name}: error`]: (r) => (message === '*' ? r.error !== '' : r.error === message),
    });
    if (res.error_code !== code || (message !== '*' && res.error !== message)) {
      console.warn(`${name}: got ${res.error_code} "${res.error}"`);
    }
  }
}
