import http from 'k6/http';
http.get(`${__ENV.TARGET}/get`);
export default function () {}
