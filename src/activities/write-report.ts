import type { FleetReport } from '../shared';
import { putJson, reportKey } from '../storage';
import type { ActivityDeps } from './deps';

/** Keeps the fleet report beside the archives, so a run's outcome outlives the workflow's retention. */
export function createWriteReport(deps: ActivityDeps) {
  return async function writeReport(report: FleetReport): Promise<string> {
    const key = reportKey(deps.storage.prefix, report.runId);
    await putJson(deps.s3, deps.storage.bucket, key, report);
    return key;
  };
}
