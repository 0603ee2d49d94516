import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  isCancellation,
  log,
  sleep,
} from '@temporalio/workflow';
import type { DatabaseInput, ReplicaLagReading, WaitingView } from '../shared';
import { replicaActivities } from './activity-options';
import { failureMessage } from './failure-message';

/**
 * Load protection between two batches (docs/load-protection.md): the run's time limit, pacing
 * (`sleepBetweenBatches`, `maxRowsPerSecond`), the operator's pause and the replica-lag wait. Every wait is a
 * Temporal timer or condition, so a sleeping or waiting run survives worker restarts and answers pause, resume,
 * cancel and the progress query throughout.
 */

/** What load protection keeps in the database run's state; carried across continue-as-new. */
export interface LoadState {
  paused: boolean;
  /** The window `maxRowsPerSecond` averages over: since when, and how many rows had been archived then. */
  throttle?: { sinceMs: number; rows: number };
  /** Why the run is waiting right now, for the progress query; absent while it works. */
  waiting?: WaitingView | null;
}

export interface BatchGate {
  /** Rows archived in this database run so far, counting a batch archived ahead and not yet deleted. */
  rows(): number;
  /** Whether the history has grown long enough to continue as new (a wait is a batch boundary). */
  historyIsLarge(): boolean;
  /** Names the table in log lines. */
  table: string;
}

/** Epoch ms at which `run.maxRunTime` stops the run, or undefined without a limit. */
export function stopsAtMs(input: DatabaseInput): number | undefined {
  return input.maxRunTimeMs === undefined ? undefined : input.startedAtMs + input.maxRunTimeMs;
}

/** Whether the run's time limit has passed (workflow time, so replays agree). */
export function pastDeadline(input: DatabaseInput): boolean {
  const at = stopsAtMs(input);
  return at !== undefined && Date.now() >= at;
}

/** Milliseconds until the deadline, or undefined without one; never below zero. */
function remainingMs(input: DatabaseInput): number | undefined {
  const at = stopsAtMs(input);
  return at === undefined ? undefined : Math.max(0, at - Date.now());
}

/** `ms`, shortened so that a wait never outlasts the run's time limit. */
function untilDeadline(input: DatabaseInput, ms: number): number {
  const left = remainingMs(input);
  return left === undefined ? ms : Math.min(ms, left);
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Runs before every batch: stops at the time limit, paces, waits while paused, then waits for the replica.
 * Returns 'go' to run the batch, 'stop' when the time limit has come, 'continue' when the history is long enough
 * to continue as new in the middle of a long wait.
 * @throws the replica check's final failures (NotAReplicaError, …): the table fails rather than run blind.
 */
export async function beforeBatch(
  input: DatabaseInput,
  state: LoadState,
  gate: BatchGate,
): Promise<'go' | 'stop' | 'continue'> {
  if (pastDeadline(input)) return 'stop';
  // A run that continued as new in the middle of a replica wait goes on with that wait: it paced before it.
  if (state.waiting?.reason !== 'replica-lag') await pace(input, state, gate);
  if (pastDeadline(input)) return 'stop';
  if (!(await waitWhilePaused(input, state, gate))) return 'stop';
  return waitForReplica(input, state, gate);
}

/** Sleeps `sleepBetweenBatches`, or longer when `maxRowsPerSecond` needs it; nothing before the first batch. */
async function pace(input: DatabaseInput, state: LoadState, gate: BatchGate): Promise<void> {
  const rows = gate.rows();
  state.throttle ??= { sinceMs: Date.now(), rows };
  const protection = input.loadProtection;
  if (!protection || rows === 0) return;
  const { sinceMs, rows: rowsBefore } = state.throttle;
  // The time the rows of this window need at the limit, minus the time the window has lasted. The rows include
  // the batch archived ahead, whose delete starts right after this sleep.
  const rateMs = protection.maxRowsPerSecond
    ? ((rows - rowsBefore) * 1000) / protection.maxRowsPerSecond - (Date.now() - sinceMs)
    : 0;
  const waitMs = untilDeadline(input, Math.ceil(Math.max(protection.sleepBetweenBatchesMs ?? 0, rateMs)));
  if (waitMs <= 0) return;
  state.waiting = { reason: 'throttle', since: iso(Date.now()), until: iso(Date.now() + waitMs) };
  await sleep(waitMs);
  state.waiting = null;
}

/** Waits while an operator has paused the run; false when the time limit came first. */
async function waitWhilePaused(input: DatabaseInput, state: LoadState, gate: BatchGate): Promise<boolean> {
  if (!state.paused) return true;
  log.info('Paused', { database: input.database, table: gate.table });
  const left = remainingMs(input);
  if (left === undefined) await condition(() => !state.paused);
  else if (!(await condition(() => !state.paused, Math.max(1, left)))) return false;
  // The average restarts after a pause, so the rows-per-second limit does not allow a burst to make up for it.
  state.throttle = { sinceMs: Date.now(), rows: gate.rows() };
  return !pastDeadline(input);
}

/**
 * Checks the replica's lag and, while it is over the limit or unknown, waits `replicaCheckEvery` and checks
 * again. The wait shows in the progress query (`waiting`) and in the log, once when it starts (and whenever the
 * reason changes) and once when the replica has caught up.
 */
async function waitForReplica(
  input: DatabaseInput,
  state: LoadState,
  gate: BatchGate,
): Promise<'go' | 'stop' | 'continue'> {
  const limit = input.loadProtection?.replicaLag;
  if (!limit) return 'go';
  const maxSeconds = limit.maxMs / 1000;
  const fields = { database: input.database, table: gate.table, maxSeconds };
  // Continue-as-new only after a wait in this run, so a run that starts over always gets somewhere.
  let waits = 0;
  for (;;) {
    const reading = await readLag(input);
    if (reading.lagSeconds !== null && reading.lagSeconds <= maxSeconds) break;
    const previous = state.waiting?.reason === 'replica-lag' ? state.waiting : undefined;
    state.waiting = {
      reason: 'replica-lag',
      lagSeconds: reading.lagSeconds,
      maxSeconds,
      since: previous?.since ?? iso(Date.now()),
      ...(reading.problem !== undefined ? { problem: reading.problem } : {}),
    };
    if (!previous || previous.problem !== reading.problem) {
      log.warn('Waiting for the replica to catch up', {
        ...fields,
        lagSeconds: reading.lagSeconds,
        problem: reading.problem,
      });
    }
    if (waits > 0 && gate.historyIsLarge()) return 'continue';
    const waitMs = untilDeadline(input, limit.checkEveryMs);
    if (waitMs > 0) await sleep(waitMs);
    waits += 1;
    if (pastDeadline(input)) return 'stop';
    if (!(await waitWhilePaused(input, state, gate))) return 'stop';
  }
  const waited = state.waiting?.reason === 'replica-lag' ? state.waiting : undefined;
  if (waited) {
    log.info('The replica has caught up; continuing', {
      ...fields,
      waitedMs: Date.now() - Date.parse(waited.since),
    });
    state.throttle = { sinceMs: Date.now(), rows: gate.rows() };
  }
  state.waiting = null;
  return 'go';
}

/** Final failures of the check (a replica misconfigured) fail the table; anything else reads as unknown lag. */
const FINAL_REPLICA_ERRORS = new Set(['ReplicaNotConfiguredError', 'NotAReplicaError', 'ReplicaCheckError']);

async function readLag(input: DatabaseInput): Promise<ReplicaLagReading> {
  try {
    return await replicaActivities.replicaLag({ database: input.database });
  } catch (error) {
    if (isCancellation(error)) throw error;
    const cause = error instanceof ActivityFailure ? error.cause : error;
    if (cause instanceof ApplicationFailure && FINAL_REPLICA_ERRORS.has(cause.type ?? '')) throw error;
    return { lagSeconds: null, problem: `the lag check failed: ${failureMessage(error)}` };
  }
}
