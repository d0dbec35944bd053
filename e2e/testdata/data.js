// Run by e2e/data_test.go (and archived by it): k6/data's SharedArray
// filled from a JSON file read with open(), read by several VUs. Each fn
// logs one line, so the test can count how often it ran in the process.
import { check } from 'k6';
import { SharedArray } from 'k6/data';

const users = new SharedArray('users', function () {
  console.log('SharedArray fn ran: users');
  return JSON.parse(open('./users.json'));
});

// Built by the first VU to reach it, which is the VU reading the options
// (__VU 0): every VU must see that VU's array.
const builder = new SharedArray('builder', function () {
  console.log('SharedArray fn ran: builder');
  return [__VU, 'built once'];
});

// The same name again: the first array, fn not called.
const usersAgain = new SharedArray('users', function () {
  console.log('SharedArray fn ran: users again');
  return [];
});

// What this VU reads from the file itself, to compare with.
const fromFile = JSON.parse(open('./users.json'));

function message(fn) {
  try {
    fn();
    return 'no exception';
  } catch (e) {
    return e.message;
  }
}

const initErrors = {
  notArray: message(() => new SharedArray('not-array', () => ({ length: 1, 0: 'x' }))),
  emptyName: message(() => new SharedArray('', () => [1])),
};

export const options = {
  scenarios: {
    readers: { executor: 'per-vu-iterations', vus: 4, iterations: 3 },
  },
  thresholds: { checks: ['rate==1'] },
};

export function setup() {
  check(users, { 'setup: users shared': (u) => u.length === 5 && u[2].name === 'cécile' });
  return { count: users.length };
}

export default function (data) {
  const ann = users[0];
  ann.name = 'changed';
  ann.roles.push('root');
  users[1] = { id: 99 };
  users.length = 0;
  users.extra = true;

  let pushed;
  try {
    users.push({ id: 6 });
    pushed = 'no exception';
  } catch (e) {
    pushed = e.name;
  }

  check(users, {
    'same data as the file': (u) => JSON.stringify(u) === JSON.stringify(fromFile),
    'length and index access': (u) => u.length === 5 && u[4].name === 'eve' && u[2].manager.id === 1,
    'for..of': (u) => {
      const names = [];
      for (const x of u) names.push(x.name);
      return names.join() === 'ann,bob,cécile,dan,eve';
    },
    'Array.prototype methods': (u) =>
      u.filter((x) => x.roles.includes('dev')).map((x) => x.id).join() === '1,4,5' &&
      Array.prototype.slice.call(u, 1, 3).length === 2 &&
      u.reduce((s, x) => s + x.id, 0) === 15,
    'Array.isArray': (u) => Array.isArray(u),
    'writes change nothing': (u) => u[0].name === 'ann' && u[0].roles.length === 2 && u[1].id === 2 &&
      u.length === 5 && u.extra === undefined,
    'push throws a TypeError': () => pushed === 'TypeError',
    'same name, same array': () => usersAgain.length === 5 && usersAgain[0].email === 'ann@example.com',
    'built by the first VU': () => builder[0] === 0 && builder[1] === 'built once',
    'setup saw it': () => data.count === 5,
    'not an array': () => initErrors.notArray === 'only arrays can be made into SharedArray',
    'empty name': () => initErrors.emptyName === "empty name provided to SharedArray's constructor",
    'outside init': () =>
      message(() => new SharedArray('late', () => [1])) === 'new SharedArray must be called in the init context',
  });
}
