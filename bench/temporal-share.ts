import type { Client, WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';

/**
 * Temporal's share of a run's wall time, from the workflow histories: the fleet workflow, and each database
 * workflow followed through its continue-as-new chain. Time inside activities (ActivityTaskStarted to its
 * completion) is the archiver's own work; the rest of a chain's life (between an activity's completion and the
 * next one's start: a workflow task, the activity's scheduling and dispatch) is orchestration. The lease holder
 * runs beside the batches for the whole run, so it is not counted as work.
 */

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

const BACKGROUND_ACTIVITIES = new Set(['holdLease']);

export interface TemporalShare {
  /** First event of the fleet workflow to its last, ms. */
  fleetWallMs: number;
  /** Union of the time spent inside activities, over the fleet and its database chains, ms. */
  activityMs: number;
  /** Activities counted (batch steps, prepare, watermark, report...). */
  activities: number;
  /** Database workflow runs (1 + continue-as-new count). */
  databaseRuns: number;
  /** Stretches of a database chain with no activity running, between its first activity and its last. */
  gaps: number;
  gapsMs: number;
  meanGapMs: number;
  /** Scheduled-to-started latency of the activities, mean, ms. */
  meanScheduleToStartMs: number;
  /** (fleetWallMs - activityMs) / fleetWallMs. */
  shareOfWorkflow: number;
}

interface Interval {
  scheduledMs: number;
  startMs: number;
  endMs: number;
}

const ms = (event: HistoryEvent) => tsToMs(event.eventTime);

/** The activity intervals of one workflow run, and where its history leads (children, continue-as-new). */
function scan(events: HistoryEvent[]) {
  const scheduled = new Map<string, { type: string; ms: number }>();
  const started = new Map<string, number>();
  const intervals: Interval[] = [];
  const children: Array<{ workflowId: string; runId: string }> = [];
  let continuedAs: string | undefined;
  for (const event of events) {
    const id = String(event.eventId);
    const a = event.activityTaskScheduledEventAttributes;
    if (a) scheduled.set(id, { type: a.activityType?.name ?? '', ms: ms(event) });
    const s = event.activityTaskStartedEventAttributes;
    if (s) started.set(String(s.scheduledEventId), ms(event));
    const end =
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCanceledEventAttributes;
    if (end) {
      const key = String(end.scheduledEventId);
      const sched = scheduled.get(key);
      const startMs = started.get(key);
      if (sched && startMs !== undefined && !BACKGROUND_ACTIVITIES.has(sched.type))
        intervals.push({ scheduledMs: sched.ms, startMs, endMs: ms(event) });
    }
    const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    if (child?.workflowId && child.runId) children.push({ workflowId: child.workflowId, runId: child.runId });
    continuedAs = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? continuedAs;
  }
  return { intervals, children, continuedAs };
}

/** The intervals merged where they overlap (batches are pipelined: the next archive runs beside a delete). */
function merge(intervals: Interval[]): Array<[number, number]> {
  const merged: Array<[number, number]> = [];
  for (const { startMs, endMs } of [...intervals].sort((x, y) => x.startMs - y.startMs)) {
    const last = merged[merged.length - 1];
    if (last && startMs <= last[1]) last[1] = Math.max(last[1], endMs);
    else merged.push([startMs, endMs]);
  }
  return merged;
}

const total = (spans: Array<[number, number]>) => spans.reduce((sum, [a, b]) => sum + (b - a), 0);

async function history(client: Client, workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  const h = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return h.events ?? [];
}

/** Reads the histories of a finished fleet run and its database workflows. */
export async function temporalShare(client: Client, fleetWorkflowId: string): Promise<TemporalShare> {
  const fleetEvents = await history(client, fleetWorkflowId);
  const fleet = scan(fleetEvents);
  const all = [...fleet.intervals];
  let gaps = 0;
  let gapMs = 0;
  let databaseRuns = 0;
  for (const child of fleet.children) {
    const chain: Interval[] = [];
    let runId: string | undefined = child.runId;
    while (runId) {
      const run = scan(await history(client, child.workflowId, runId));
      databaseRuns += 1;
      chain.push(...run.intervals);
      runId = run.continuedAs;
    }
    // Idle stretches of the chain: no activity running between one activity's end and the next one's start.
    const busy = merge(chain);
    for (let i = 1; i < busy.length; i += 1) {
      gaps += 1;
      gapMs += busy[i]![0] - busy[i - 1]![1];
    }
    all.push(...chain);
  }
  const fleetWallMs = ms(fleetEvents[fleetEvents.length - 1]!) - ms(fleetEvents[0]!);
  const activityMs = total(merge(all));
  const scheduleToStart = all.reduce((sum, i) => sum + (i.startMs - i.scheduledMs), 0);
  return {
    fleetWallMs,
    activityMs,
    activities: all.length,
    databaseRuns,
    gaps,
    gapsMs: gapMs,
    meanGapMs: gaps > 0 ? gapMs / gaps : 0,
    meanScheduleToStartMs: all.length > 0 ? scheduleToStart / all.length : 0,
    shareOfWorkflow: fleetWallMs > 0 ? (fleetWallMs - activityMs) / fleetWallMs : 0,
  };
}
