import type { StateLoad } from '../storage';
import type { RowPosition, TablePlan, TableSpec } from '../shared';
import type { Watermark } from './save-watermark';

/** What an archive-only table's watermark says about where its scan starts. */
export type WatermarkStart = Pick<TablePlan, 'notBeforeMs' | 'after' | 'watermark' | 'fullScan'> & {
  /** Why the watermark was not used as it is, for the log; absent when it was. */
  problem?: string;
};

const FROM_THE_START = { notBeforeMs: null, after: null } as const;

function isPosition(value: unknown): value is RowPosition {
  const p = value as RowPosition;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.timestamp === 'string' &&
    Array.isArray(p.key) &&
    p.key.every((k) => typeof k === 'string')
  );
}

function instant(text: string | null | undefined): number | null {
  if (typeof text !== 'string') return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Reads a loaded watermark into a start. Every doubt falls back to the start of the table, the scan that cannot
 * skip a row (it may archive rows again, which restore and verify handle):
 * - version 2: the rows after `position` (the last archived row), or, before any row was archived in this
 *   format, the rows at or after a migrated `archivedBefore`;
 * - an older version's document (no `version`): the rows at or after its `archivedBefore`, the previous run's
 *   cutoff, exactly where that version would have started; this run then writes a position (the migration, with
 *   nothing archived again). Rows that arrived before that cutoff after it was taken are for `--full-scan`;
 * - a full scan that stopped before its end (`fullScan`): it goes on after its position, still skipping rows the
 *   archive holds (`full-scan`);
 * - a position written for another timestamp column, or a malformed one: from the start.
 */
export function watermarkStart(load: StateLoad<Watermark>, spec: TableSpec): WatermarkStart {
  if (load.status === 'missing') return { ...FROM_THE_START, watermark: 'missing' };
  if (load.status === 'corrupt') return { ...FROM_THE_START, watermark: 'corrupt', problem: load.reason };
  const value = load.value;
  if (value.version === undefined) {
    return { notBeforeMs: instant(value.archivedBefore), after: null, watermark: 'migrated' };
  }
  if (value.timestampColumn !== spec.timestampColumn) {
    return {
      ...FROM_THE_START,
      watermark: 'reset',
      problem: `the watermark is a position in ${String(value.timestampColumn)} order, the table now archives by ${spec.timestampColumn}`,
    };
  }
  const fullScan = value.fullScan === true ? ({ fullScan: true, watermark: 'full-scan' } as const) : null;
  if (value.position === null || value.position === undefined) {
    if (fullScan) return { ...FROM_THE_START, ...fullScan };
    return { notBeforeMs: instant(value.archivedBefore), after: null, watermark: 'ok' };
  }
  if (!isPosition(value.position)) {
    return { ...FROM_THE_START, watermark: 'corrupt', problem: 'its position is not a timestamp and key' };
  }
  return { notBeforeMs: null, after: value.position, ...(fullScan ?? { watermark: 'ok' }) };
}
