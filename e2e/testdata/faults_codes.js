// One request per faulty loopback server; FAULTS (JSON) lists
// [name, url, code, message, timeout, upload] (k6-spec §8). A message of
// "*" means Go's own error text, which only has to be non-empty, and "~x"
// a text containing x. With upload (a size in bytes) the request is a POST
// of that many bytes.
import http from 'k6/http';
import { check } from 'k6';

const faults = JSON.parse(__ENV.FAULTS);

// Transport errors (not 4xx/5xx statuses) are sent twice: the second time
// with throw on, which must raise an exception instead (unless NO_THROW).
const transport = (code) => !__ENV.NO_THROW && (code < 1400 || code >= 1600);

const thresholds = {};
for (const [, , code] of faults) {
  const key = `http_reqs{error_code:${code}}`;
  const sent = faults.filter((f) => f[2] === code).length * (transport(code) ? 2 : 1);
  thresholds[key] = [`count==${sent}`];
}

export const options = {
  iterations: 1,
  hosts: { 'mismatch.test': '127.0.0.1' },
  thresholds,
};

export default function () {
  for (const [name, url, code, message, timeout, upload] of faults) {
    const send = (params) => (upload ? http.post(url, 'x'.repeat(upload), params) : http.get(url, params));
    const res = send({ timeout: timeout || '5s' });
    const messageOK = (got) => {
      if (message === '*') return got !== '';
      if (message.startsWith('~')) return got.includes(message.slice(1));
      return got === message;
    };
    check(res, {
      [`${name}: error_code ${code}`]: (r) => r.error_code === code,
      [`${name}: error`]: (r) => messageOK(r.error),
    });
    if (res.error_code !== code || !messageOK(res.error)) {
      console.warn(`${name}: got ${res.error_code} "${res.error}"`);
    }
    if (transport(code)) {
      let thrown = '';
      try {
        send({ timeout: timeout || '5s', throw: true });
      } catch (e) {
        thrown = String(e);
      }
      check(thrown, { [`${name}: throws with throw on`]: (t) => t !== '' });
    }
  }
}
