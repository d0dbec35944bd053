// handleSummary throwing: the error is logged and the default summary printed.
export const options = { iterations: 1 };
export default function () {}
export function handleSummary() {
  throw new Error('summary went wrong');
}
