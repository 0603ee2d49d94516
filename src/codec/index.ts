export { decodeRow, encodeRow, rowEncoder, splitLines, valuesEncoder } from './jsonl';
export { compareTimestampText, timestampMicros, type Micros } from './timestamps';
