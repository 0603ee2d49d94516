import type { Watermark } from '../../../src/activities/save-watermark';
import { watermarkStart } from '../../../src/activities/watermark-start';
import type { TableSpec } from '../../../src/shared';

const spec = { name: 'public.events', timestampColumn: 'created_at' } as TableSpec;

const older: Watermark = {
  table: 'public.events',
  archivedBefore: '2026-01-01T00:00:00.000Z',
  lastKey: ['20'],
  lastTimestamp: '2025-12-01 00:00:00+00',
  runId: 'r',
  completed: true,
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const position = { timestamp: '2025-12-01 00:00:00+00', key: ['20'] };
const current: Watermark = {
  ...older,
  version: 2,
  timestampColumn: 'created_at',
  position,
  archivedBefore: null,
};

describe('where an archive-only table starts, from its watermark', () => {
  it('starts after the position of the last archived row', () => {
    expect(watermarkStart({ status: 'ok', value: current }, spec)).toEqual({
      notBeforeMs: null,
      after: position,
      watermark: 'ok',
    });
  });

  it("migrates an older version's watermark: starts at its cutoff, exactly where that version would have", () => {
    expect(watermarkStart({ status: 'ok', value: older }, spec)).toEqual({
      notBeforeMs: Date.parse('2026-01-01T00:00:00.000Z'),
      after: null,
      watermark: 'migrated',
    });
  });

  it('carries a migrated cutoff while no row has been archived since', () => {
    const carried = { ...current, position: null, archivedBefore: '2026-01-01T00:00:00.000Z' };
    expect(watermarkStart({ status: 'ok', value: carried }, spec)).toMatchObject({
      notBeforeMs: Date.parse('2026-01-01T00:00:00.000Z'),
      after: null,
      watermark: 'ok',
    });
  });

  it('starts from the start when the watermark is missing, corrupt, malformed or for another timestamp column', () => {
    const fromStart = { notBeforeMs: null, after: null };
    expect(watermarkStart({ status: 'missing' }, spec)).toMatchObject({ ...fromStart, watermark: 'missing' });
    expect(watermarkStart({ status: 'corrupt', reason: 'x' }, spec)).toMatchObject({
      ...fromStart,
      watermark: 'corrupt',
    });
    const malformed = { ...current, position: { timestamp: 5, key: 'x' } } as unknown as Watermark;
    expect(watermarkStart({ status: 'ok', value: malformed }, spec)).toMatchObject({
      ...fromStart,
      watermark: 'corrupt',
    });
    const otherColumn = { ...current, timestampColumn: 'updated_at' };
    expect(watermarkStart({ status: 'ok', value: otherColumn }, spec)).toMatchObject({
      ...fromStart,
      watermark: 'reset',
    });
  });

  it('goes on with a full scan that stopped before its end, after its position', () => {
    const unfinished: Watermark = { ...current, fullScan: true, completed: false };
    expect(watermarkStart({ status: 'ok', value: unfinished }, spec)).toEqual({
      notBeforeMs: null,
      after: position,
      fullScan: true,
      watermark: 'full-scan',
    });
    expect(watermarkStart({ status: 'ok', value: { ...unfinished, position: null } }, spec)).toEqual({
      notBeforeMs: null,
      after: null,
      fullScan: true,
      watermark: 'full-scan',
    });
  });
});
