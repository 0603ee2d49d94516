export { decodeRow, encodeRow, splitLines } from './jsonl';
