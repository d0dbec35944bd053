export const NAME = 'math';
export function add(a, b) { return a + b; }
export default { kind: 'default' };
