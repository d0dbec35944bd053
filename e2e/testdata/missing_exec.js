export const options = {
  scenarios: { s1: { executor: 'shared-iterations', exec: 'nope', iterations: 1 } },
};
export default function () {}
