import type { SearchAttributePair } from '@temporalio/common';
import { loadProtectionOf, type Config } from '../config';
import {
  databaseSearchAttributes,
  fleetMemo,
  fleetSummary,
  type FleetInput,
  type StorageSummary,
  type TableSpec,
} from '../shared';
import { UsageError } from './load-config-or-exit';

/**
 * What the fleet workflow receives: names, table settings and limits, never connection strings, so no secret
 * is ever written into workflow history.
 */
export function buildFleetInput(
  config: Config,
  options: { databases: string[]; dryRun: boolean; fullScan?: boolean },
): FleetInput {
  const known = new Set(config.databases.map((d) => d.name));
  const unknown = options.databases.filter((d) => !known.has(d));
  if (unknown.length > 0) {
    throw new UsageError(
      `--database ${unknown.join(', ')}: not in the configuration (known: ${[...known].join(', ')})`,
    );
  }
  const selected = config.databases.filter(
    (d) => options.databases.length === 0 || options.databases.includes(d.name),
  );
  if (options.fullScan && !selected.some((d) => d.tables.some((t) => !t.delete))) {
    throw new UsageError(
      '--full-scan: no selected table is archive-only (delete: false). A table whose rows are deleted reads its ' +
        'whole old range every run already; drop --full-scan, or select the database whose archive-only table to scan',
    );
  }
  return {
    concurrency: config.run.concurrency,
    heartbeatTimeoutMs: config.run.heartbeatTimeoutMs,
    dryRun: options.dryRun,
    ...(config.lock.backend !== 'none'
      ? { lease: { ttlMs: config.lock.ttlMs, refreshMs: config.lock.refreshMs } }
      : {}),
    ...(config.run.maxRunTimeMs !== undefined ? { maxRunTimeMs: config.run.maxRunTimeMs } : {}),
    ...(options.fullScan ? { fullScan: true } : {}),
    databases: selected.map((d) => ({
      database: d.name,
      engine: d.engine,
      ...loadProtectionOf(d),
      tables: d.tables.map((t): TableSpec => ({
        name: t.name,
        timestampColumn: t.timestampColumn,
        olderThanMs: t.olderThanMs,
        ...(t.where !== undefined ? { where: t.where } : {}),
        batchSize: t.batchSize,
        delete: t.delete,
        drift: t.drift,
        watermarkStore: d.watermarkStore,
        verify: { samplePercent: t.verify.samplePercent, min: t.verify.min, max: t.verify.max },
        compression: { name: config.storage.compression, level: config.storage.compressionLevel },
      })),
    })),
  };
}

/** What a fleet run shows in the Temporal Web UI, given to `workflow.start` and to a schedule's action alike. */
export interface FleetDisplay {
  memo: Record<string, unknown>;
  staticSummary: string;
  /** Only when the run sets search attributes (`input.searchAttributes`) and archives one database. */
  typedSearchAttributes?: SearchAttributePair[];
}

/**
 * What the fleet workflow shows in the Temporal Web UI: a memo with the configuration summary (databases,
 * tables, batch sizes, dry run, bucket and prefix), a one-line summary and, for a run of one database, the
 * ArchiverDatabase (and ArchiverTable) search attributes its database workflow has, so that filtering by
 * database finds the run too. A Keyword holds one value, so a fleet of several databases has none. No
 * connection string or lock URL is read, and the storage endpoint loses any user, password and query string.
 */
export function fleetDisplay(config: Config, input: FleetInput): FleetDisplay {
  const storage: StorageSummary = {
    bucket: config.storage.bucket,
    prefix: config.storage.prefix,
    ...(config.storage.endpoint !== undefined
      ? { endpoint: withoutCredentials(config.storage.endpoint) }
      : {}),
  };
  const only = input.databases.length === 1 ? input.databases[0] : undefined;
  return {
    memo: fleetMemo(input, { storage, lockBackend: config.lock.backend }),
    staticSummary: fleetSummary(input, storage),
    ...(input.searchAttributes === true && only
      ? { typedSearchAttributes: databaseSearchAttributes(only) }
      : {}),
  };
}

function withoutCredentials(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
