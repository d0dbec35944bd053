import { VERSION } from './version.js';

export function format(name, email) {
  return `${name} <${email}> v${VERSION}`;
}
