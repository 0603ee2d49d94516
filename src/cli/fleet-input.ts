import type { Config } from '../config';
import type { FleetInput, TableSpec } from '../shared';
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
