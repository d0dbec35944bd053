// Run by e2e/data_test.go: handleSummary runs in a VU of its own, created
// after the test; its init code must reuse the SharedArray, not rebuild it.
import { SharedArray } from 'k6/data';

const users = new SharedArray('users', function () {
  console.log('SharedArray fn ran: users');
  return JSON.parse(open('./users.json')).concat([{ name: 'built by VU ' + __VU }]);
});

export const options = { vus: 2, iterations: 4 };

export default function () {
  if (users.length !== 6) throw new Error('length ' + users.length);
}

export function handleSummary() {
  return { stdout: 'summary sees ' + users.length + ' users, last ' + users[5].name + '\n' };
}
