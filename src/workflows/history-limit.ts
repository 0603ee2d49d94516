import { workflowInfo } from '@temporalio/workflow';

/** History events after which a long run continues as new, unless its input sets `historyEventsLimit`. */
export const HISTORY_EVENTS_LIMIT = 10_000;

/**
 * Whether the run should continue as new now: Temporal suggests it, or the history has passed `limit` events.
 * It only reads the workflow's info, so calling it adds nothing to the history.
 */
export function historyIsLarge(limit: number): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength > limit;
}
