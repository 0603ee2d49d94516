import { commonKeyPrefix, planSteps } from '../../../src/workflows/restore-plan';

const batch = (dataKey: string, createdAt: string, rows: number, deletedRows: number | null) => ({
  dataKey,
  createdAt,
  rows,
  deletedRows,
});

describe('the order a restore takes batches in', () => {
  it('takes every deleted part newest first, then every part no deletion record claims, newest first', () => {
    const steps = planSteps([
      batch('old-all-deleted', '2026-01-01T00:00:00Z', 10, 10),
      batch('new-some-skipped', '2026-03-01T00:00:00Z', 10, 8),
      batch('archive-only', '2026-02-01T00:00:00Z', 10, null),
      batch('nothing-deleted', '2026-04-01T00:00:00Z', 10, 0),
    ]);
    expect(steps).toEqual([
      { dataKey: 'new-some-skipped', part: 'deleted' },
      { dataKey: 'old-all-deleted', part: 'deleted' },
      { dataKey: 'nothing-deleted', part: 'kept' },
      { dataKey: 'new-some-skipped', part: 'kept' },
      { dataKey: 'archive-only', part: 'kept' },
    ]);
  });

  it('orders batches archived at the same instant by key, so every replay plans the same', () => {
    const a = batch('run/batch-000001', '2026-01-01T00:00:00Z', 1, null);
    const b = batch('run/batch-000002', '2026-01-01T00:00:00Z', 1, null);
    expect(planSteps([a, b])).toEqual(planSteps([b, a]));
    expect(planSteps([a, b])[0]!.dataKey).toBe('run/batch-000002');
  });
});

describe('the key prefix a restore plan keeps once', () => {
  it('is the common prefix up to the last slash', () => {
    expect(
      commonKeyPrefix(['p/db/t/runs/a/batch-000001.jsonl.gz', 'p/db/t/runs/a/batch-000002.jsonl.gz']),
    ).toBe('p/db/t/runs/a/');
    expect(commonKeyPrefix(['p/db/t/runs/ab/x', 'p/db/t/runs/ac/x'])).toBe('p/db/t/runs/');
    expect(commonKeyPrefix([])).toBe('');
  });
});
