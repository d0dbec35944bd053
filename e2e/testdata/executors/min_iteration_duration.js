import { check } from 'k6';

// The iterations take no time; minIterationDuration spaces each VU's
// starts 300ms apart. As in k6, iteration_duration does not include the
// wait.
export const options = {
  scenarios: {
    paced: { executor: 'per-vu-iterations', vus: 2, iterations: 3 },
  },
  minIterationDuration: '300ms',
};

let last = 0;

export default function () {
  const now = Date.now();
  if (last > 0) {
    check(now - last, { 'started 300ms after the previous one': (gap) => gap >= 295 });
  }
  last = now;
}
