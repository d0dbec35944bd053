import { randomItem } from 'https://example.com/lib/1.0.0/index.js';
export default function () {}
