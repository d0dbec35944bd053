// With --no-summary, handleSummary is not called.
export const options = { iterations: 1 };
export default function () {}
export function handleSummary() {
  return { stdout: 'handleSummary ran\n', [__ENV.OUT]: 'written' };
}
