export { decodeRow, encodeRow, splitLines } from './jsonl';
export { compareTimestampText, timestampMicros, type Micros } from './timestamps';
