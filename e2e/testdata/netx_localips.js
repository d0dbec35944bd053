// localIPs: each VU connects from its own source address.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 2, iterations: 4 };

export default function () {
  const res = http.get(`${__ENV.TARGET}/ip`);
  check(res, { [`from ${res.json().origin}`]: (r) => r.status === 200 });
}
