import { ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { FleetInput } from '../shared';
import { TOOL_VERSION } from '../version';
import { describeTiming, timingSpec, type ScheduleTiming } from './schedule-timing';

/** The workflow type a schedule starts; the worker registers it under this name. */
export const FLEET_WORKFLOW_TYPE = 'archiveFleet';

/** How late a missed action may still be taken after a Temporal outage; see docs/schedules.md. */
export const DEFAULT_CATCHUP_WINDOW = '1h';

/** Temporal's scheduler refuses (or raises) catch-up windows below ten seconds. */
export const MIN_CATCHUP_WINDOW_MS = 10_000;

/**
 * The id prefix of fleet runs a schedule starts. Temporal appends the action's time
 * (`archive-fleet-scheduled-nightly-2026-01-31T02:00:00Z`), so every run has its own id.
 */
export function scheduledFleetWorkflowId(scheduleId: string): string {
  return `archive-fleet-scheduled-${scheduleId}`;
}

/**
 * Kept on the schedule (and shown by `schedule list` and the Web UI): what it archives, at a glance. Names and
 * counts only, like the action's input; no connection strings.
 */
export interface ScheduleMemo {
  createdBy: 'db-archiver';
  toolVersion: string;
  taskQueue: string;
  timing: string;
  databases: string[];
  tables: number;
  summary: string;
}

/**
 * What each run the schedule starts shows in the Web UI: the memo, summary and search attributes a run started
 * with `archiver run` gets (`fleetDisplay` in src/cli/fleet-input.ts builds both).
 */
export interface ScheduledRunDisplay {
  memo: Record<string, unknown>;
  staticSummary: string;
  typedSearchAttributes?: SearchAttributePair[];
}

export interface ScheduleRequest {
  scheduleId: string;
  timing: ScheduleTiming;
  /** From buildFleetInput: names and table settings, never URLs or secrets. */
  input: FleetInput;
  taskQueue: string;
  catchupWindowMs: number;
  paused: boolean;
  note?: string;
  run: ScheduledRunDisplay;
}

export function scheduleMemo(request: ScheduleRequest): ScheduleMemo {
  const databases = request.input.databases.map((d) => d.database);
  const tables = request.input.databases.reduce((n, d) => n + d.tables.length, 0);
  const dbWord = databases.length === 1 ? 'database' : 'databases';
  return {
    createdBy: 'db-archiver',
    toolVersion: TOOL_VERSION,
    taskQueue: request.taskQueue,
    timing: describeTiming(request.timing),
    databases,
    tables,
    summary: `${databases.length} ${dbWord} (${databases.join(', ')}), ${tables} table${tables === 1 ? '' : 's'}`,
  };
}

/**
 * The complete Temporal schedule for a request. Overlap is SKIP: a fleet run the schedule started that is still
 * running makes the schedule skip the next time (counted in `numActionsSkippedOverlap`), so two scheduled runs
 * never overlap. Runs started by hand are outside that check; the fixed per-database child ids keep them apart.
 */
export function buildScheduleOptions(request: ScheduleRequest): ScheduleOptions {
  return {
    scheduleId: request.scheduleId,
    spec: timingSpec(request.timing),
    action: {
      type: 'startWorkflow',
      workflowType: FLEET_WORKFLOW_TYPE,
      workflowId: scheduledFleetWorkflowId(request.scheduleId),
      taskQueue: request.taskQueue,
      args: [request.input],
      // Each run carries where it came from; unlike the schedule's own memo this changes with --update.
      memo: { ...request.run.memo, schedule: request.scheduleId, timing: describeTiming(request.timing) },
      staticSummary: `${request.run.staticSummary} (schedule ${request.scheduleId})`,
      ...(request.run.typedSearchAttributes
        ? { typedSearchAttributes: request.run.typedSearchAttributes }
        : {}),
    },
    policies: {
      overlap: ScheduleOverlapPolicy.SKIP,
      catchupWindow: request.catchupWindowMs,
      pauseOnFailure: false,
    },
    memo: { ...scheduleMemo(request) },
    state: {
      paused: request.paused,
      ...(request.note !== undefined ? { note: request.note } : {}),
    },
  };
}
