// handleSummary returning a value that is neither a string nor an ArrayBuffer.
export const options = { iterations: 1 };
export default function () {}
export function handleSummary() {
  return { stdout: 'never printed\n', 'count.txt': 42 };
}
