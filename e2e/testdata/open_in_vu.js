export const options = { iterations: 1 };
export default function () {
  open('./basic.js');
}
