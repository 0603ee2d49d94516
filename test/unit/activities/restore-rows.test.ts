import {
  batchOverlaps,
  inRange,
  mapColumns,
  projectRows,
  rowKey,
  selectRows,
} from '../../../src/activities/restore-rows';
import { timestampMicros } from '../../../src/codec';

const rows = [
  { id: '1', at: '2026-01-01 00:00:00+00', v: 'a' },
  { id: '2', at: '2026-01-02 00:00:00+00', v: 'b' },
  { id: '3', at: '2026-01-03 00:00:00+00', v: null },
];
const micros = (text: string) => timestampMicros(text)!;

describe('choosing the rows of an archived batch to restore', () => {
  const base = {
    primaryKey: ['id'],
    deletedKeys: new Set([rowKey(rows[1]!, ['id'])]),
    timestampColumn: 'at',
  };

  it('writes keys the way manifests and deletion records do', () => {
    expect(rowKey({ a: '1', b: null, c: 'x' }, ['c', 'a', 'b'])).toBe('["x","1",""]');
  });

  it('takes the rows the deletion record lists as deleted, or exactly the others', () => {
    const deleted = selectRows(rows, { ...base, part: 'deleted', from: null, to: null });
    const kept = selectRows(rows, { ...base, part: 'kept', from: null, to: null });
    expect(deleted.selected.map((r) => r.id)).toEqual(['2']);
    expect(kept.selected.map((r) => r.id)).toEqual(['1', '3']);
  });

  it('keeps rows whose timestamp is in [from, to) and counts the rest', () => {
    const result = selectRows(rows, {
      ...base,
      part: 'kept',
      from: micros('2026-01-01T00:00:00Z'),
      to: micros('2026-01-03T00:00:00Z'),
    });
    expect(result.selected.map((r) => r.id)).toEqual(['1']);
    expect(result.outOfRange).toBe(1);
  });

  it('keeps a row whose timestamp cannot be read rather than lose it, and drops a NULL one when a range is set', () => {
    const from = micros('2026-01-01');
    expect(inRange('not a time', from, null)).toBe(true);
    expect(inRange(null, from, null)).toBe(false);
    expect(inRange(null, null, null)).toBe(true);
  });
});

describe('choosing batches by their timestamp range', () => {
  const from = micros('2026-01-10T00:00:00Z');
  const to = micros('2026-01-20T00:00:00Z');

  it.each([
    ['2026-01-01 00:00:00+00', '2026-01-09 23:59:59.999999+00', false],
    ['2026-01-01 00:00:00+00', '2026-01-10 00:00:00+00', true],
    ['2026-01-19 23:59:59.999999+00', '2026-01-25 00:00:00+00', true],
    ['2026-01-20 00:00:00+00', '2026-01-25 00:00:00+00', false],
    ['2026-01-01 00:00:00+00', '2026-02-01 00:00:00+00', true],
  ])('a batch from %s to %s overlaps: %s', (min, max, overlaps) => {
    expect(batchOverlaps(min, max, from, to)).toBe(overlaps);
  });

  it('keeps a batch whose bounds say nothing: missing, unreadable, or out of order (a BC date sorted as text)', () => {
    expect(batchOverlaps(null, null, from, to)).toBe(true);
    expect(batchOverlaps('garbage', '2026-01-01', from, to)).toBe(true);
    expect(batchOverlaps('0100-01-01', '0500-01-01 BC', from, to)).toBe(true);
  });
});

describe('mapping archived columns to a target by name', () => {
  it('restores the columns both have and names the others', () => {
    expect(mapColumns(['id', 'a', 'gone'], ['id', 'new', 'a'])).toEqual({
      mapped: ['id', 'a'],
      unmapped: ['gone'],
      missing: ['new'],
    });
  });

  it('projects rows onto the mapped columns', () => {
    expect(projectRows([{ id: '1', a: null, gone: 'x' }], ['id', 'a'])).toEqual([{ id: '1', a: null }]);
  });
});
