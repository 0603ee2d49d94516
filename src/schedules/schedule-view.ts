import type { ScheduleDescription } from '@temporalio/client';
import type { FleetInput } from '../shared';
import type { ScheduleMemo } from './schedule-options';

/** One schedule as `schedule list` shows it (and prints with --json). Times are ISO 8601 UTC. */
export interface ScheduleView {
  scheduleId: string;
  paused: boolean;
  note?: string;
  /** As given at create/update: `cron 0 2 * * * (UTC)`, `every 1d (UTC)`. */
  timing: string;
  /** From the action's input, so always what the next run archives. */
  databases: string[];
  tables: number;
  taskQueue: string;
  workflowIdPrefix: string;
  overlap: string;
  catchupWindowMs: number;
  nextActionTimes: string[];
  recentActions: { workflowId: string; scheduledAt: string; takenAt: string }[];
  runningWorkflowIds: string[];
  actionsTaken: number;
  skippedOverlap: number;
  missedCatchupWindow: number;
}

export function scheduleView(description: ScheduleDescription): ScheduleView {
  const memo = (description.memo ?? {}) as Partial<ScheduleMemo>;
  const actionMemo = (description.action.memo ?? {}) as { timing?: string };
  const input = description.action.args?.[0] as FleetInput | undefined;
  const databases = input?.databases.map((d) => d.database) ?? memo.databases ?? [];
  const tables = input?.databases.reduce((n, d) => n + d.tables.length, 0) ?? memo.tables ?? 0;
  const info = description.info;
  return {
    scheduleId: description.scheduleId,
    paused: description.state.paused,
    ...(description.state.note ? { note: description.state.note } : {}),
    timing: actionMemo.timing ?? memo.timing ?? 'set outside archiver (see the Temporal Web UI)',
    databases,
    tables,
    taskQueue: description.action.taskQueue ?? '',
    workflowIdPrefix: description.action.workflowId ?? '',
    overlap: description.policies.overlap ?? 'unspecified',
    catchupWindowMs: description.policies.catchupWindow,
    nextActionTimes: info.nextActionTimes.map((t) => t.toISOString()),
    recentActions: info.recentActions.map((a) => ({
      workflowId: a.action.workflow.workflowId,
      scheduledAt: a.scheduledAt.toISOString(),
      takenAt: a.takenAt.toISOString(),
    })),
    runningWorkflowIds: info.runningActions.map((a) => a.workflow.workflowId),
    actionsTaken: info.numActionsTaken,
    skippedOverlap: info.numActionsSkippedOverlap,
    missedCatchupWindow: info.numActionsMissedCatchupWindow,
  };
}

/** A few lines per schedule for people; `--json` prints the views themselves. */
export function formatScheduleView(view: ScheduleView): string {
  const state = view.paused ? `paused${view.note ? ` (${view.note})` : ''}` : 'active';
  const lines = [
    `${view.scheduleId}  ${state}  ${view.timing}`,
    `  archives ${view.databases.join(', ')} (${view.tables} table${view.tables === 1 ? '' : 's'}) on task queue ${view.taskQueue}`,
    `  next: ${view.paused ? 'none while paused' : view.nextActionTimes.slice(0, 3).join(', ') || 'none'}`,
  ];
  const last = view.recentActions.at(-1);
  if (last) lines.push(`  last: ${last.workflowId} at ${last.takenAt}`);
  if (view.runningWorkflowIds.length > 0) lines.push(`  running: ${view.runningWorkflowIds.join(', ')}`);
  if (view.skippedOverlap > 0) lines.push(`  skipped because a run was still going: ${view.skippedOverlap}`);
  return lines.join('\n');
}
