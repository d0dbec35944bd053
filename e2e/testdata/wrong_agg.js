export const options = { thresholds: { http_reqs: ['avg<2'] } };
export default function () {}
