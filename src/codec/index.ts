export { decodeRow, encodeRow, rowEncoder, splitLines } from './jsonl';
export { compareTimestampText, timestampMicros, type Micros } from './timestamps';
