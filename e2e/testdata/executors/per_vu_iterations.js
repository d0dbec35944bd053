import { sleep } from 'k6';

export const options = {
  scenarios: {
    per_vu: { executor: 'per-vu-iterations', vus: 3, iterations: 4, maxDuration: '10s' },
  },
};

export default function () {
  sleep(0.02);
}
