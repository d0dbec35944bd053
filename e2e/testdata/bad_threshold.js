export const options = { thresholds: { http_req_duration: ['p(95)<<200'] } };
export default function () {}
