console.log('from init');
export const options = { iterations: 1 };
export default function () {
  console.warn(`from the iteration ${__ITER}`);
}
