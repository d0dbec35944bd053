// noConnectionReuse and noVUConnectionReuse (k6-spec §2): one VU runs 3
// iterations of 2 requests each; the Go test counts the connections the
// server accepts. CASE picks the script options; flags and K6_* variables
// come from the test.
import http from 'k6/http';
import { check } from 'k6';

const cases = {
  default: {},
  noConnectionReuse: { noConnectionReuse: true },
  noVUConnectionReuse: { noVUConnectionReuse: true },
};

export const options = Object.assign({ vus: 1, iterations: 3 }, cases[__ENV.CASE]);

export default function () {
  for (let i = 0; i < 2; i++) {
    check(http.get(__ENV.CONN_URL), { 'status is 200': (r) => r.status === 200 });
  }
}
