import { randomItem } from 'https://jslib.k6.io/k6-utils/1.0.0/index.js';
export default function () {}
