import { check } from 'k6';
import { add, NAME } from './lib/math.js';
import defaultThing from './lib/math.js';
const cjs = require('./lib/cjs.js');
const users = JSON.parse(open('./lib/users.json'));

export const options = { iterations: 1 };

export default function () {
  check(null, {
    'named import': () => add(2, 3) === 5 && NAME === 'math',
    'default import': () => defaultThing.kind === 'default',
    'commonjs require': () => cjs.greet('k6') === 'hello k6',
    'json via open': () => users.length === 2 && users[1].name === 'bob',
  });
}
