import type { LockConfig } from '../config';
import { FileLockBackend } from './file-lock';
import type { LockBackend, LockLogger } from './lock';
import { NoLockBackend } from './none-lock';
import { PostgresLockBackend } from './postgres-lock';
import { RedisLockBackend } from './redis-lock';

export interface LockBackendOptions {
  logger?: LockLogger;
  /** PostgreSQL backend: the existing schema that holds (or will hold) the lease table; default `public`. */
  schema?: string;
  /** Redis backend: the key prefix; default `db-archiver:lease:`. */
  keyPrefix?: string;
  /** File and PostgreSQL backends: the clock, in milliseconds since the epoch (tests). */
  now?: () => number;
}

/**
 * The lease backend the configuration names. Nothing is contacted until the first call, so building one never
 * fails on an unreachable server; close it when done.
 */
export function createLockBackend(config: LockConfig, options: LockBackendOptions = {}): LockBackend {
  const { logger, now } = options;
  switch (config.backend) {
    case 'redis':
      return new RedisLockBackend({ url: required(config.url, 'url'), keyPrefix: options.keyPrefix, logger });
    case 'postgres':
      return new PostgresLockBackend({
        url: required(config.url, 'url'),
        schema: options.schema,
        logger,
        now,
      });
    case 'file':
      return new FileLockBackend({ path: required(config.path, 'path'), logger, now });
    case 'none':
      return new NoLockBackend();
  }
}

function required(value: string | undefined, key: string): string {
  // The configuration schema already requires it; this only guards hand-built configs.
  if (value === undefined) throw new Error(`lock.${key} is required for this lock backend.`);
  return value;
}
