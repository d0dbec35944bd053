import { format } from './format/format.js';

export const users = JSON.parse(open('../data/users.json'));

export function describe(u) {
  return format(u.name, u.email);
}
