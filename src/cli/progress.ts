import type { Client } from '@temporalio/client';
import {
  databaseProgressQuery,
  fleetProgressQuery,
  type DatabaseProgressView,
  type FleetProgressView,
  type TableStart,
} from '../shared';

export interface RunProgress {
  workflowId: string;
  workflowType: string;
  status: string;
  fleet?: FleetProgressView;
  databases: DatabaseProgressView[];
}

/**
 * Reads a run's progress: the fleet's view of its children, then each running child's own tables. A child that
 * finished or has not started yet answers no query; it is shown by its status alone.
 */
export async function fetchProgress(client: Client, workflowId: string): Promise<RunProgress> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const progress: RunProgress = {
    workflowId,
    workflowType: description.type,
    status: description.status.name,
    databases: [],
  };
  if (description.status.name !== 'RUNNING') return progress;
  if (description.type === 'archiveDatabase') {
    progress.databases.push(await handle.query(databaseProgressQuery));
    return progress;
  }
  if (description.type !== 'archiveFleet') return progress;
  progress.fleet = await handle.query(fleetProgressQuery);
  for (const db of progress.fleet.databases.filter((d) => d.status === 'running')) {
    const child = await client.workflow
      .getHandle(db.workflowId)
      .query(databaseProgressQuery)
      .catch(() => null);
    if (child) progress.databases.push(child);
  }
  return progress;
}

/** `, waiting for the replica: lag 42s, over the 10s limit, since 21:30:05Z` and the like. */
export function loadNote(view: DatabaseProgressView, nowMs = Date.now()): string {
  const notes: string[] = [];
  const waiting = view.waiting;
  if (waiting?.reason === 'replica-lag') {
    const lag =
      waiting.lagSeconds === null
        ? `lag unknown${waiting.problem ? ` (${waiting.problem})` : ''}`
        : `lag ${waiting.lagSeconds}s${waiting.problem ? ` (${waiting.problem})` : ''}`;
    const since = Math.max(0, Math.round((nowMs - Date.parse(waiting.since)) / 1000));
    notes.push(
      `waiting for the replica: ${lag}, limit ${waiting.maxSeconds}s (maxReplicaLag), waiting ${since}s since ${waiting.since}`,
    );
  } else if (waiting?.reason === 'throttle') {
    notes.push(`sleeping between batches until ${waiting.until}`);
  }
  if (view.stopsAt) notes.push(`stops at ${view.stopsAt} (maxRunTime)`);
  return notes.map((note) => `, ${note}`).join('');
}

/** `, started after 2026-05-17 08:48:06+00 ["500"]`: where an archive-only table's scan began. */
export function startNote(start: TableStart | undefined): string {
  if (!start) return '';
  const full = start.fullScan ? ' (full scan, skipping rows already archived)' : '';
  if (start.after)
    return `, started after ${start.after.timestamp} ${JSON.stringify(start.after.key)}${full}`;
  if (start.notBefore) return `, started at ${start.notBefore} (migrated watermark)`;
  return `, started from the beginning${full}`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/** One line per database and table, for people. */
export function formatProgress(progress: RunProgress): string[] {
  const lines = [
    `${progress.workflowId} (${progress.workflowType}): ${progress.status}${progress.fleet?.paused ? ', paused' : ''}`,
  ];
  const details = new Map(progress.databases.map((d) => [d.database, d]));
  const names = progress.fleet ? progress.fleet.databases.map((d) => d.database) : [...details.keys()];
  for (const name of names) {
    const view = details.get(name);
    const status = progress.fleet?.databases.find((d) => d.database === name)?.status ?? 'running';
    lines.push(`  ${name}: ${status}${view?.paused ? ', paused' : ''}${view ? loadNote(view) : ''}`);
    for (const t of view?.tables ?? []) {
      const rate =
        t.status === 'running' ? `, ${t.rowsPerSecond} rows/s, at key ${JSON.stringify(t.currentKey)}` : '';
      lines.push(
        `    ${t.table}: ${t.status}, ${t.batches} batches, ${t.rows} rows, ${megabytes(t.bytes)}${rate}${startNote(t.start)}`,
      );
    }
  }
  return lines;
}
