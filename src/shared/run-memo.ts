import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { FleetInput, TableSpec } from './types';

/**
 * What a run's workflows show people in the Temporal Web UI: a memo (a few readable fields, shown under "Memo")
 * and a one-line summary (the "Summary" column). Built from names and settings only, never from connection
 * strings or credentials, because memos are stored with the workflow and shown to anyone who can see it.
 */

/** Search attributes the archiver sets on its database workflows (registered as Keyword; docs/services.md). */
export const DATABASE_SEARCH_ATTRIBUTE = defineSearchAttributeKey(
  'ArchiverDatabase',
  SearchAttributeType.KEYWORD,
);
export const TABLE_SEARCH_ATTRIBUTE = defineSearchAttributeKey('ArchiverTable', SearchAttributeType.KEYWORD);

/** Where the archive goes, as the fleet's memo shows it: no endpoint credentials, no query string. */
export interface StorageSummary {
  bucket: string;
  prefix: string;
  endpoint?: string;
}

type DatabaseSpec = FleetInput['databases'][number];

/** `90d`, `12h`, `30m`, `45s` or `250ms`: the largest whole unit, as a configuration would write it. */
export function formatAge(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** One table's settings in one line, e.g. `older than 90d by created_at, batches of 5000, delete`. */
export function describeTable(table: TableSpec): string {
  return [
    `older than ${formatAge(table.olderThanMs)} by ${table.timestampColumn}`,
    ...(table.where !== undefined ? [`where ${table.where}`] : []),
    `batches of ${table.batchSize}`,
    table.delete ? 'delete' : 'archive only',
    `drift ${table.drift}`,
  ].join(', ');
}

/** The memo of one database's workflow (`archive-db-NAME`). */
export function databaseMemo(
  db: DatabaseSpec,
  run: { dryRun: boolean; runId: string },
): Record<string, unknown> {
  return {
    database: db.database,
    engine: db.engine,
    mode: run.dryRun ? 'dry run: counts only, changes nothing' : 'archive',
    runId: run.runId,
    tables: Object.fromEntries(db.tables.map((t) => [t.name, describeTable(t)])),
  };
}

export function databaseSummary(db: DatabaseSpec, dryRun: boolean): string {
  const tables = db.tables.map((t) => t.name).join(', ');
  return `${dryRun ? 'Dry run of' : 'Archive'} ${db.database} (${db.engine}): ${tables}`;
}

/** The memo of the fleet workflow (`archive-fleet-…`): the configuration the run was started with. */
export function fleetMemo(
  input: FleetInput,
  settings: { storage: StorageSummary; lockBackend: string },
): Record<string, unknown> {
  const { storage, lockBackend } = settings;
  const lease = input.lease
    ? `, lease ttl ${formatAge(input.lease.ttlMs)} refreshed every ${formatAge(input.lease.refreshMs)}`
    : '';
  return {
    mode: input.dryRun ? 'dry run: counts only, changes nothing' : 'archive',
    archive: archiveLocation(storage),
    ...(storage.endpoint !== undefined ? { endpoint: storage.endpoint } : {}),
    concurrency: input.concurrency,
    lock: `${lockBackend}${lease}`,
    databases: Object.fromEntries(
      input.databases.map((db) => [
        db.database,
        { engine: db.engine, tables: Object.fromEntries(db.tables.map((t) => [t.name, describeTable(t)])) },
      ]),
    ),
  };
}

export function fleetSummary(input: FleetInput, storage: StorageSummary): string {
  const names = input.databases.map((db) => db.database).join(', ');
  const count = input.databases.length === 1 ? '1 database' : `${input.databases.length} databases`;
  return `${input.dryRun ? 'Dry run of' : 'Archive'} ${count} (${names}) to ${archiveLocation(storage)}`;
}

function archiveLocation(storage: StorageSummary): string {
  return `s3://${storage.bucket}/${storage.prefix === '' ? '' : `${storage.prefix}/`}`;
}

/**
 * The search attributes of one database's workflow: its name, and its table when it has exactly one (a Keyword
 * holds one value; with several tables ArchiverTable is left for the workflow to set as it moves on).
 */
export function databaseSearchAttributes(db: DatabaseSpec): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [{ key: DATABASE_SEARCH_ATTRIBUTE, value: db.database }];
  if (db.tables.length === 1) pairs.push({ key: TABLE_SEARCH_ATTRIBUTE, value: db.tables[0]!.name });
  return pairs;
}
