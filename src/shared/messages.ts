import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TableStart } from './types';

/**
 * Signals and queries of the archive workflows. Pause takes effect at the next batch boundary: the batch in
 * flight finishes (archive, delete, verify), then the run waits. Cancellation is Temporal's own (`cancel`).
 */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');

export interface TableProgress {
  table: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'stopped';
  batches: number;
  rows: number;
  deleted: number;
  bytes: number;
  /** Primary key of the last archived row, as text values. */
  currentKey: string[] | null;
  /** Archived rows per second since the table started in this run. */
  rowsPerSecond: number;
  /** Archive-only tables: where this run's scan started (after the last archived row, see TableStart). */
  start?: TableStart;
  error?: string;
}

/**
 * Why a database run is waiting between two batches, and since when (ISO instants):
 * - `replica-lag`: the replica is behind by more than `maxSeconds` (`lagSeconds` null: unknown, `problem` says
 *   why); re-checked every `replicaCheckEvery` until it has caught up;
 * - `throttle`: `sleepBetweenBatches` or `maxRowsPerSecond` pacing, until `until`.
 */
export type WaitingView =
  | { reason: 'replica-lag'; lagSeconds: number | null; maxSeconds: number; since: string; problem?: string }
  | { reason: 'throttle'; since: string; until: string };

export interface DatabaseProgressView {
  database: string;
  paused: boolean;
  /** Present while the run waits between batches for load protection (docs/load-protection.md). */
  waiting?: WaitingView;
  /** When `run.maxRunTime` stops the run (ISO instant); absent without a time limit. */
  stopsAt?: string;
  tables: TableProgress[];
}

export interface FleetProgressView {
  paused: boolean;
  databases: {
    database: string;
    workflowId: string;
    status: 'pending' | 'running' | 'completed' | 'failed' | 'stopped';
  }[];
}

export const databaseProgressQuery = defineQuery<DatabaseProgressView>('databaseProgress');
export const fleetProgressQuery = defineQuery<FleetProgressView>('fleetProgress');

/** Sent by the holdLease activity once it holds the database's lease. */
export const leaseAcquiredSignal = defineSignal<[{ resource: string; token: string }]>('leaseAcquired');
