import { check, sleep } from 'k6';

// Two scenarios with their own exec, env, tags and startTime; the tags
// and the scenario system tag are checked through sub-metric thresholds.
export const options = {
  scenarios: {
    first: {
      executor: 'shared-iterations', vus: 2, iterations: 6, exec: 'fa',
      env: { WHO: 'first' }, tags: { kind: 'alpha' },
    },
    later: {
      executor: 'per-vu-iterations', vus: 1, iterations: 3, exec: 'fb', startTime: '500ms',
      env: { WHO: 'later' }, tags: { kind: 'beta' },
    },
  },
  thresholds: {
    'iterations{scenario:first}': ['count==6'],
    'iterations{scenario:later}': ['count==3'],
    'checks{kind:alpha}': ['rate==1'],
    'checks{kind:beta}': ['rate==1'],
    'checks{scenario:later}': ['rate==1'],
  },
};

export function setup() {
  return { start: Date.now() };
}

export function fa() {
  check(__ENV, { 'first env': (e) => e.WHO === 'first' });
  sleep(0.05);
}

export function fb(data) {
  check(__ENV, { 'later env': (e) => e.WHO === 'later' });
  check(data, { 'later started late': (d) => Date.now() - d.start >= 450 });
}

export default function () {
  throw new Error('the default function must not run');
}
