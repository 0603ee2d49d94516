export { decodeLines, encodeRow } from './jsonl';
