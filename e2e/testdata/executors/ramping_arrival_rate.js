import { sleep } from 'k6';

export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s',
      preAllocatedVUs: 4, maxVUs: 8,
      stages: [{ duration: '1s', target: 20 }, { duration: '1s', target: 20 }],
    },
  },
};

// The integral of the rate: 10 in the ramp plus 20 at the plateau.
export default function () {
  sleep(0.05);
}
