// Archived by e2e/archive_test.go: local modules two levels deep, a JSON
// file read with open() from a module, an -e variable and options.
import { check } from 'k6';
import { users, describe } from './lib/users.js';
import { VERSION } from './lib/format/version.js';

const config = JSON.parse(open('./data/config.json'));

export const options = {
  vus: 2,
  iterations: 6,
  thresholds: { checks: ['rate==1'] },
};

export default function () {
  check(users, {
    'users loaded': (u) => u.length === 3,
    'module chain': () => describe(users[0]) === 'ann <ann@example.com> v' + VERSION,
    'config via open': () => config.name === 'archived' && config.weights[2] === 3,
    'greeting from -e': () => __ENV.GREETING === 'hello',
  });
}
