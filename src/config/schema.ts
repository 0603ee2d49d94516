import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../shared/constants';
import {
  always,
  checkActivitySlots,
  checkCompressionLevel,
  checkDatabase,
  checkLeaseTiming,
  checkLockTarget,
  checkReplica,
  checkUniqueNames,
  checkVerifyBounds,
  whenValid,
} from './checks';
import { COMPRESSIONS, compressionSpec } from '../storage/compression';
import { parseDuration } from './duration';
import * as field from './fields';
import { IDENTIFIER_PATTERN, qualifyTableName, TABLE_NAME_PATTERN } from './table-name';
import type { DatabaseConfig, LockConfig, RunConfig, StorageConfig, TableConfig } from './types';
import { databaseInUrl } from './urls';

/** The configuration file's schema: key names, types, bounds and defaults. The output is a Config (types.ts). */

/** Where `archiver worker` serves Prometheus metrics unless told otherwise (the exporter's registered port). */
export const DEFAULT_METRICS_PORT = 9464;
export const DEFAULT_METRICS_HOST = '127.0.0.1';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

// S3's rules: 3-63 characters, no `..`, not shaped like an IP address.
const BUCKET = /^(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Segments joined by single slashes, so `{prefix}/{database}/…` never has an empty segment.
const PREFIX = /^(?:[^/]+(?:\/[^/]+)*)?$/;
// Empty stands for "not set", so `endpoint: ${S3_ENDPOINT:-}` can switch between MinIO and AWS.
const ENDPOINT = /^(?:https?:\/\/[^\s/?#]+(?:[/?#]\S*)?)?$/;
const DATABASE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
// The metrics exporter binds a socket address, so a host name like `localhost` is refused there: IPv4 or IPv6 only.
const IP_ADDRESS = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?!$)|$)){4}$|^[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*$/;

const temporal = field.section({
  address: field.text().default('127.0.0.1:7233'),
  namespace: field.text().default('default'),
  taskQueue: field.text().default(DEFAULT_TASK_QUEUE),
});

const storage = field
  .section({
    bucket: field.matching(
      BUCKET,
      'must be an S3 bucket name: 3 to 63 lowercase letters, digits, "." or "-"',
    ),
    prefix: field.matching(PREFIX, 'must not start or end with "/" or contain "//"').default(''),
    endpoint: field.matching(ENDPOINT, 'must be an http:// or https:// URL').optional(),
    region: field.text().default('us-east-1'),
    forcePathStyle: field.flag().default(false),
    multipartThresholdBytes: field.bytesBetween(5 * MiB, 5 * GiB).default(16 * MiB),
    partSizeBytes: field.bytesBetween(5 * MiB, 5 * GiB).default(8 * MiB),
    // zstd level 1 costs a quarter of gzip level 6's CPU for objects 11% smaller (bench/RESULTS.md).
    compression: field.oneOf(COMPRESSIONS).default('zstd'),
    // Its range depends on the compression: checked below, with a message that names both.
    compressionLevel: field.integer('must be an integer: 1 to 9 for gzip, 1 to 19 for zstd').optional(),
  })
  .superRefine(checkCompressionLevel, whenValid('compression', 'compressionLevel'))
  .transform(({ bucket, prefix, endpoint, compression, compressionLevel, ...rest }): StorageConfig => ({
    bucket,
    prefix,
    ...(endpoint ? { endpoint } : {}),
    ...rest,
    compression,
    compressionLevel: compressionLevel ?? compressionSpec(compression).defaultLevel,
  }));

const run = field
  .section({
    concurrency: field.integerBetween(1, 64).default(2),
    heartbeatTimeout: field.duration().default('2m'),
    maxRunTime: field.duration().optional(),
  })
  .transform(({ heartbeatTimeout, maxRunTime, ...rest }): RunConfig => ({
    ...rest,
    heartbeatTimeout,
    heartbeatTimeoutMs: parseDuration(heartbeatTimeout),
    ...(maxRunTime !== undefined ? { maxRunTime, maxRunTimeMs: parseDuration(maxRunTime) } : {}),
  }));

// On by default for `archiver worker` (src/cli/commands/worker-metrics.ts decides), `false` turns it off. The
// section's keys have defaults, so `metrics: {}` is the default endpoint, written out.
const metricsEndpoint = field.section({
  port: field.integerBetween(1, 65535).default(DEFAULT_METRICS_PORT),
  host: field
    .matching(IP_ADDRESS, 'must be an IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0')
    .default(DEFAULT_METRICS_HOST),
});
const metrics = z.union([z.literal(false), metricsEndpoint], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? 'must be false (no metrics endpoint) or a mapping with port and host'
      : undefined,
});

const worker = field
  .section({
    maxConcurrentActivities: field.integerBetween(1, 1000).default(16),
    shutdownGrace: field.duration().default('30s'),
    resourceLogEvery: field.duration().default('60s'),
    metrics: metrics.optional(),
  })
  .transform(({ shutdownGrace, resourceLogEvery, ...rest }) => ({
    ...rest,
    shutdownGrace,
    shutdownGraceMs: parseDuration(shutdownGrace),
    resourceLogEvery,
    resourceLogEveryMs: parseDuration(resourceLogEvery),
  }));

const lock = field
  .section({
    backend: field.oneOf(['redis', 'postgres', 'file', 'none']).default('none'),
    url: field.optionalText(),
    path: field.optionalText(),
    ttl: field.duration().default('2m'),
    refreshEvery: field.duration().default('30s'),
  })
  .superRefine(checkLockTarget, whenValid('backend', 'url', 'path'))
  .superRefine(checkLeaseTiming, whenValid('ttl', 'refreshEvery'))
  .transform(({ backend, url, path, ttl, refreshEvery }): LockConfig => ({
    backend,
    // Only the backend's own target is kept, so a leftover url never reaches a file lock, or the logs.
    ...(url !== undefined && (backend === 'redis' || backend === 'postgres') ? { url } : {}),
    ...(path !== undefined && backend === 'file' ? { path } : {}),
    ttl,
    ttlMs: parseDuration(ttl),
    refreshEvery,
    refreshMs: parseDuration(refreshEvery),
  }));

const verify = field
  .section({
    samplePercent: field.numberBetween(0, 100).default(1),
    min: field.nonNegativeInteger().default(10),
    max: field.positiveInteger().default(1000),
  })
  .superRefine(checkVerifyBounds, whenValid('min', 'max'));

const table = field
  .section({
    name: field.matching(
      TABLE_NAME_PATTERN,
      'must be "schema.table" or "table" (for MySQL "database.table")',
    ),
    timestampColumn: field.matching(IDENTIFIER_PATTERN, 'must be a column name, without quotes or spaces'),
    olderThan: field.duration(),
    where: field.optionalText(),
    batchSize: field.positiveInteger(1_000_000).default(5000),
    delete: field.flag().default(true),
    drift: field.oneOf(['warn', 'fail']).default('warn'),
    verify: verify.prefault({}),
  })
  .transform(
    ({ name, timestampColumn, olderThan, where, ...settings }): Omit<TableConfig, 'qualifiedName'> => ({
      name,
      timestampColumn,
      olderThan,
      olderThanMs: parseDuration(olderThan),
      ...(where !== undefined ? { where } : {}),
      ...settings,
    }),
  );

const database = field
  .section({
    name: field.matching(
      DATABASE_NAME,
      'must be 1 to 63 letters, digits, "_", "." or "-", not starting with "." or "-"',
    ),
    engine: field.oneOf(['postgres', 'mysql']),
    url: field.text(),
    pool: field.integerBetween(1, 100).default(4),
    watermarkStore: field.oneOf(['s3', 'database']).default('s3'),
    // Load protection (docs/load-protection.md).
    sleepBetweenBatches: field.duration({ allowZero: true }).default('0s'),
    maxRowsPerSecond: field.positiveInteger().optional(),
    maxReplicaLag: field.duration().optional(),
    replicaUrl: field.optionalText(),
    replicaCheckEvery: field.duration().default('5s'),
    tables: field.list(table, 'table'),
  })
  .superRefine(checkDatabase, whenValid('engine'))
  .superRefine(checkReplica, whenValid('engine', 'url', 'maxReplicaLag', 'replicaUrl'))
  .transform(({ maxReplicaLag, replicaUrl, maxRowsPerSecond, ...db }): DatabaseConfig => ({
    ...db,
    sleepBetweenBatchesMs: parseDuration(db.sleepBetweenBatches),
    ...(maxRowsPerSecond !== undefined ? { maxRowsPerSecond } : {}),
    // checkReplica makes these two come together; a replica without a limit is never contacted.
    ...(maxReplicaLag !== undefined && replicaUrl !== undefined
      ? { maxReplicaLag, maxReplicaLagMs: parseDuration(maxReplicaLag), replicaUrl }
      : {}),
    replicaCheckEveryMs: parseDuration(db.replicaCheckEvery),
    tables: db.tables.map(({ name, ...rest }) => ({
      name,
      // checkDatabase has already refused names that cannot be qualified, so the fallback never applies.
      qualifiedName: qualifyTableName(db.engine, name, databaseInUrl(db.url)) ?? name,
      ...rest,
    })),
  }));

export const configSchema = field
  .section(
    {
      temporal: temporal.prefault({}),
      storage,
      run: run.prefault({}),
      worker: worker.prefault({}),
      lock: lock.prefault({}),
      databases: field.list(database, 'database').superRefine(checkUniqueNames, always),
    },
    'the file must be a mapping with the sections storage and databases',
  )
  .superRefine(checkActivitySlots, whenValid('run', 'worker', 'lock'));
