import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * Signals and queries of the archive workflows. Pause takes effect at the next batch boundary: the batch in
 * flight finishes (archive, delete, verify), then the run waits. Cancellation is Temporal's own (`cancel`).
 */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');

export interface TableProgress {
  table: string;
  status: 'pending' | 'running' | 'completed' | 'failed';
  batches: number;
  rows: number;
  deleted: number;
  bytes: number;
  /** Primary key of the last archived row, as text values. */
  currentKey: string[] | null;
  /** Archived rows per second since the table started in this run. */
  rowsPerSecond: number;
  error?: string;
}

export interface DatabaseProgressView {
  database: string;
  paused: boolean;
  tables: TableProgress[];
}

export interface FleetProgressView {
  paused: boolean;
  databases: {
    database: string;
    workflowId: string;
    status: 'pending' | 'running' | 'completed' | 'failed';
  }[];
}

export const databaseProgressQuery = defineQuery<DatabaseProgressView>('databaseProgress');
export const fleetProgressQuery = defineQuery<FleetProgressView>('fleetProgress');

/** Sent by the holdLease activity once it holds the database's lease. */
export const leaseAcquiredSignal = defineSignal<[{ resource: string; token: string }]>('leaseAcquired');
