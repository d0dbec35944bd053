import { sleep } from 'k6';

export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 3, iterations: 17, maxDuration: '10s' },
  },
};

export default function () {
  sleep(0.02);
}
