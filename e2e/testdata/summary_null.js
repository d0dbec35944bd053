// handleSummary returning null: nothing at all is printed.
export const options = { iterations: 1 };
export default function () {}
export function handleSummary() {
  return null;
}
