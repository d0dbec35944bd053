import { sleep } from 'k6';

// Both scenarios ramp to 0 VUs at 1s while every iteration still sleeps
// until 1.5s: "keep" lets them finish (gracefulRampDown 1s), "cut"
// interrupts them after 200ms.
export const options = {
  scenarios: {
    keep: {
      executor: 'ramping-vus', startVUs: 2, gracefulRampDown: '1s',
      stages: [{ duration: '1s', target: 2 }, { duration: '0s', target: 0 }, { duration: '1s', target: 0 }],
    },
    cut: {
      executor: 'ramping-vus', startVUs: 2, gracefulRampDown: '200ms',
      stages: [{ duration: '1s', target: 2 }, { duration: '0s', target: 0 }, { duration: '1s', target: 0 }],
    },
  },
  thresholds: {
    'iterations{scenario:keep}': ['count==2'],
    'vus_max': ['value==4'],
  },
};

export default function () {
  sleep(1.5);
}
