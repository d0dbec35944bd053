// handleSummary writing stdout, stderr and a file (OUT: an absolute path),
// with an HTTP request inside it (it has VU state).
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 2, thresholds: { checks: ['rate==1'] } };

export default function () {
  check(http.get(`${__ENV.TARGET}/get`), { 'status is 200': (r) => r.status === 200 });
}

export function handleSummary(data) {
  const res = http.get(`${__ENV.TARGET}/get?from=summary`);
  return {
    stdout: `custom stdout: vu=${__VU} iterations=${data.metrics.iterations.values.count} ` +
      `checks=${data.root_group.checks[0].passes} status=${res.status}\n`,
    stderr: 'custom stderr\n',
    [__ENV.OUT]: JSON.stringify({ thresholdOK: data.metrics.checks.thresholds['rate==1'].ok }),
  };
}
