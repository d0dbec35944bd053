const x = 1;
throw new Error('broken in init');
export default function () {}
