import { randomUUID } from 'node:crypto';
import {
  defaultPayloadConverter,
  isGrpcServiceError,
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
} from '@temporalio/client';
import { ScheduleExistsError, ScheduleMissingError } from './errors';
import { scheduleCall } from './schedule-errors';
import { FLEET_WORKFLOW_TYPE } from './schedule-options';
import { scheduleView, type ScheduleView } from './schedule-view';

/**
 * Creates the schedule, or with `update` changes an existing one in place (spec, action, policies; its pause
 * state and note stay unless the request pauses it or sets a note).
 * @throws ScheduleExistsError when it exists and `update` is false; ScheduleRejectedError when the server
 * refuses the spec.
 */
export async function createOrUpdateSchedule(
  client: Client,
  options: ScheduleOptions,
  update: boolean,
): Promise<{ outcome: 'created' } | { outcome: 'updated'; memoUpdated: boolean }> {
  const id = options.scheduleId;
  const namespace = client.options.namespace;
  try {
    await scheduleCall(id, namespace, () => client.schedule.create(options));
    return { outcome: 'created' };
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    if (!update) throw new ScheduleExistsError(id);
  }
  await scheduleCall(id, namespace, () =>
    client.schedule.getHandle(id).update((previous) => ({
      spec: options.spec,
      action: options.action,
      policies: options.policies,
      state: {
        paused: options.state?.paused === true || previous.state.paused,
        note: options.state?.note ?? previous.state.note,
      },
    })),
  );
  const memoUpdated = options.memo ? await replaceMemo(client, id, options.memo) : true;
  return { outcome: 'updated', memoUpdated };
}

// gRPC FAILED_PRECONDITION and UNIMPLEMENTED: how servers without memo updates refuse them.
const MEMO_UPDATE_UNSUPPORTED = new Set([9, 12]);

/**
 * The SDK's `update` cannot change a schedule's memo, so the summary would keep describing the old databases.
 * UpdateScheduleRequest takes a memo next to the (required) schedule body: send the body the server holds now,
 * guarded by its conflict token, with the new memo. Workflow-backed schedulers (the Temporal dev server of CLI
 * 1.x among them) refuse memo updates with FAILED_PRECONDITION; then the memo keeps its creation-time text and
 * this returns false. The action's own memo and input, which `schedule list` reads, are always current.
 */
async function replaceMemo(
  client: Client,
  scheduleId: string,
  memo: Record<string, unknown>,
): Promise<boolean> {
  const namespace = client.options.namespace;
  const fields = Object.fromEntries(
    Object.entries(memo).map(([key, value]) => [key, defaultPayloadConverter.toPayload(value)]),
  );
  try {
    await scheduleCall(scheduleId, namespace, async () => {
      const current = await client.workflowService.describeSchedule({ namespace, scheduleId });
      await client.workflowService.updateSchedule({
        namespace,
        scheduleId,
        schedule: current.schedule,
        conflictToken: current.conflictToken,
        identity: client.options.identity,
        requestId: randomUUID(),
        memo: { fields },
      });
    });
    return true;
  } catch (error) {
    if (isGrpcServiceError(error) && MEMO_UPDATE_UNSUPPORTED.has(error.code)) return false;
    throw error;
  }
}

export async function describeSchedule(client: Client, scheduleId: string): Promise<ScheduleDescription> {
  return scheduleCall(scheduleId, client.options.namespace, () =>
    client.schedule.getHandle(scheduleId).describe(),
  );
}

/**
 * The fleet schedules on one task queue, described one by one: the namespace-wide listing is eventually
 * consistent (a schedule created a moment ago may be missing for a second) but each description is current.
 */
export async function listFleetSchedules(client: Client, taskQueue: string): Promise<ScheduleView[]> {
  const views: ScheduleView[] = [];
  for await (const summary of client.schedule.list()) {
    if (summary.action?.workflowType !== FLEET_WORKFLOW_TYPE) continue;
    let description: ScheduleDescription;
    try {
      description = await describeSchedule(client, summary.scheduleId);
    } catch (error) {
      if (error instanceof ScheduleMissingError) continue; // deleted between the listing and the description
      throw error;
    }
    if (description.action.taskQueue === taskQueue) views.push(scheduleView(description));
  }
  return views.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}

export async function pauseSchedule(client: Client, scheduleId: string, note: string): Promise<void> {
  await scheduleCall(scheduleId, client.options.namespace, () =>
    client.schedule.getHandle(scheduleId).pause(note),
  );
}

export async function unpauseSchedule(client: Client, scheduleId: string, note: string): Promise<void> {
  await scheduleCall(scheduleId, client.options.namespace, () =>
    client.schedule.getHandle(scheduleId).unpause(note),
  );
}

/** Deletes the schedule and returns the ids of runs it started that are still running (deleting leaves them). */
export async function deleteSchedule(client: Client, scheduleId: string): Promise<string[]> {
  const running = (await describeSchedule(client, scheduleId)).info.runningActions;
  await scheduleCall(scheduleId, client.options.namespace, () =>
    client.schedule.getHandle(scheduleId).delete(),
  );
  return running.map((a) => a.workflow.workflowId);
}

export type TriggerOutcome =
  | { outcome: 'started'; workflowId: string }
  | { outcome: 'skipped'; runningWorkflowIds: string[] }
  | { outcome: 'pending' };

/**
 * Takes the schedule's action now, with overlap SKIP (the SDK's default for a trigger is ALLOW_ALL, which would
 * start a second fleet run next to a running one). The server acts asynchronously; this waits up to `waitMs`
 * to say which workflow started, or that a running one made it skip.
 */
export async function triggerSchedule(
  client: Client,
  scheduleId: string,
  waitMs = 10_000,
): Promise<TriggerOutcome> {
  const before = (await describeSchedule(client, scheduleId)).info;
  await scheduleCall(scheduleId, client.options.namespace, () =>
    client.schedule.getHandle(scheduleId).trigger(ScheduleOverlapPolicy.SKIP),
  );
  const deadline = Date.now() + waitMs;
  for (;;) {
    const info = (await describeSchedule(client, scheduleId)).info;
    if (info.numActionsTaken > before.numActionsTaken) {
      const newest = info.recentActions.at(-1);
      if (newest) return { outcome: 'started', workflowId: newest.action.workflow.workflowId };
    }
    const skipped = info.numActionsSkippedOverlap > before.numActionsSkippedOverlap;
    if (skipped || (Date.now() >= deadline && info.runningActions.length > 0)) {
      return {
        outcome: 'skipped',
        runningWorkflowIds: info.runningActions.map((a) => a.workflow.workflowId),
      };
    }
    if (Date.now() >= deadline) return { outcome: 'pending' };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
