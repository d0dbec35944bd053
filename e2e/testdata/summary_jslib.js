// The offline jslib: textSummary must match the default summary (the second
// argument), jUnit lists the thresholds. OUT is a directory.
import { textSummary, jUnit } from 'https://jslib.k6.io/k6-summary/0.0.1/index.js';
import { check } from 'k6';

export const options = {
  iterations: 3,
  thresholds: {
    checks: ['rate==1'],
    iteration_duration: ['max<60000', 'avg<0'],
  },
};

export default function () {
  check(null, { 'always true': () => true });
}

export function handleSummary(data, defaultSummary) {
  return {
    stdout: textSummary(data, { indent: ' ', enableColors: false }),
    [`${__ENV.OUT}/jslib.txt`]: textSummary(data, { indent: ' ', enableColors: false }),
    [`${__ENV.OUT}/default.txt`]: defaultSummary(),
    [`${__ENV.OUT}/junit.xml`]: jUnit(data),
  };
}
