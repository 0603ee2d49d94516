import type { Config } from '../config';
import { fleetMemo, fleetSummary, type FleetInput, type StorageSummary, type TableSpec } from '../shared';
import { UsageError } from './load-config-or-exit';

/**
 * What the fleet workflow receives: names, table settings and limits, never connection strings, so no secret
 * is ever written into workflow history.
 */
export function buildFleetInput(
  config: Config,
  options: { databases: string[]; dryRun: boolean },
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
  return {
    concurrency: config.run.concurrency,
    heartbeatTimeoutMs: config.run.heartbeatTimeoutMs,
    dryRun: options.dryRun,
    ...(config.lock.backend !== 'none'
      ? { lease: { ttlMs: config.lock.ttlMs, refreshMs: config.lock.refreshMs } }
      : {}),
    databases: selected.map((d) => ({
      database: d.name,
      engine: d.engine,
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
      })),
    })),
  };
}

/**
 * What the fleet workflow shows in the Temporal Web UI: a memo with the configuration summary (databases,
 * tables, batch sizes, dry run, bucket and prefix) and a one-line summary. No connection string or lock URL is
 * read, and the storage endpoint loses any user, password and query string it might carry.
 */
export function fleetDisplay(
  config: Config,
  input: FleetInput,
): { memo: Record<string, unknown>; staticSummary: string } {
  const storage: StorageSummary = {
    bucket: config.storage.bucket,
    prefix: config.storage.prefix,
    ...(config.storage.endpoint !== undefined
      ? { endpoint: withoutCredentials(config.storage.endpoint) }
      : {}),
  };
  return {
    memo: fleetMemo(input, { storage, lockBackend: config.lock.backend }),
    staticSummary: fleetSummary(input, storage),
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
