// The offline k6-utils, at several version paths.
import { check, randomSeed } from 'k6';
import { randomIntBetween, randomItem, randomString } from 'https://jslib.k6.io/k6-utils/1.1.0/index.js';
import { uuidv4 } from 'https://jslib.k6.io/k6-utils/1.2.0/index.js';
import { findBetween } from 'http://jslib.k6.io/k6-utils/1.4.0/index.js';

export const options = { iterations: 1 };

export default function () {
  randomSeed(7);
  const first = [randomIntBetween(1, 100), randomString(8)];
  randomSeed(7);
  const again = [randomIntBetween(1, 100), randomString(8)];
  const n = randomIntBetween(5, 6);
  check(null, {
    'randomIntBetween in range': () => n === 5 || n === 6,
    'randomSeed reproduces': () => first[0] === again[0] && first[1] === again[1],
    'randomItem picks an item': () => ['a', 'b'].includes(randomItem(['a', 'b'])),
    'randomString charset': () => /^[xy]{12}$/.test(randomString(12, 'xy')),
    'randomString default': () => /^[a-z]{5}$/.test(randomString(5)),
    'uuidv4 format': () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuidv4()),
    'findBetween found': () => findBetween('id="42" x', 'id="', '"') === '42',
    'findBetween missing': () => findBetween('nothing', '<', '>') === null,
  });
}
