import type { z } from 'zod';
import { compressionSpec, type Compression } from '../storage/compression';
import { parseDuration } from './duration';
import { qualifyTableName } from './table-name';
import { databaseInUrl, schemeProblem, URL_SCHEMES } from './urls';
import type { EngineName, LockBackend } from './types';

/**
 * Checks that span several keys. Zod skips a refinement once anything in its object failed, which would hide
 * these problems until the others are fixed; instead each runs whenever the keys it reads are valid (`when`),
 * so one pass over a file reports everything. The values they see may be partly unvalidated input.
 */

type Issues = readonly z.core.$ZodRawIssue[];
type Context = z.core.$RefinementCtx;

/** True when an issue lies at `path`, inside it, or at a parent of it (a parent of the wrong type, say). */
export function hasIssueAt(issues: Issues, path: readonly PropertyKey[]): boolean {
  return issues.some((issue) => {
    // An unknown key says nothing about its siblings' values.
    if (issue.code === 'unrecognized_keys') return false;
    const at = issue.path ?? [];
    return at.slice(0, path.length).every((segment, i) => segment === path[i]);
  });
}

/** A `when` that lets a refinement run as long as the listed keys of its object are valid. */
export function whenValid(...keys: string[]) {
  return { when: (payload: z.core.ParsePayload) => keys.every((key) => !hasIssueAt(payload.issues, [key])) };
}

/** Runs even when elements are invalid; checks skip those elements themselves. */
export const always = { when: () => true };

function problem(ctx: Context, path: PropertyKey[], message: string): void {
  // These messages never repeat values (any of them may be a secret), so none is attached to the issue.
  ctx.addIssue({ code: 'custom', path, message, input: undefined });
}

export function checkLockTarget(
  lock: { backend: LockBackend; url?: string; path?: string },
  ctx: Context,
): void {
  const { backend, url, path } = lock;
  if (backend === 'file' && path === undefined) problem(ctx, ['path'], 'is required when backend is file');
  if (backend !== 'redis' && backend !== 'postgres') return;
  if (url === undefined) {
    problem(ctx, ['url'], `is required when backend is ${backend}`);
    return;
  }
  const wrong = schemeProblem(url, URL_SCHEMES[backend]);
  if (wrong !== undefined) problem(ctx, ['url'], `${wrong} for backend ${backend}`);
}

export function checkLeaseTiming(lock: { ttl: string; refreshEvery: string }, ctx: Context): void {
  // A lease refreshed no more often than it expires lapses between refreshes and another run can take it.
  if (parseDuration(lock.refreshEvery) >= parseDuration(lock.ttl)) {
    problem(ctx, ['refreshEvery'], 'must be shorter than ttl');
  }
}

/** The level's range is the chosen compression's: gzip 1 to 9, zstd 1 to 19. */
export function checkCompressionLevel(
  storage: { compression: Compression; compressionLevel?: number },
  ctx: Context,
): void {
  const { compression, compressionLevel: level } = storage;
  if (level === undefined) return;
  const { minLevel, maxLevel } = compressionSpec(compression);
  if (level < minLevel || level > maxLevel) {
    problem(
      ctx,
      ['compressionLevel'],
      `must be an integer between ${minLevel} and ${maxLevel} for compression ${compression}`,
    );
  }
}

export function checkVerifyBounds(verify: { min: number; max: number }, ctx: Context): void {
  if (verify.min > verify.max) problem(ctx, ['min'], 'must not be greater than max');
}

interface DatabaseShape {
  engine: EngineName;
  url: string;
  tables: readonly { name: string }[];
}

export function checkDatabase(database: DatabaseShape, ctx: Context): void {
  const { engine, url, tables } = database;
  let urlUsable = !hasIssueAt(ctx.issues, ['url']);
  const wrong = urlUsable ? schemeProblem(url, URL_SCHEMES[engine]) : undefined;
  if (wrong !== undefined) {
    problem(ctx, ['url'], `${wrong} for engine ${engine}`);
    urlUsable = false;
  }
  if (!Array.isArray(tables)) return;
  const urlDatabase = urlUsable ? databaseInUrl(url) : undefined;
  const seen = new Map<string, number>();
  tables.forEach((table, index) => {
    const path = ['tables', index, 'name'];
    if (hasIssueAt(ctx.issues, path)) return;
    const qualified = qualifyTableName(engine, table.name, urlDatabase);
    if (qualified === undefined) {
      if (urlUsable) problem(ctx, path, 'must be "database.table" because the url names no database');
      return;
    }
    const first = seen.get(qualified);
    if (first === undefined) seen.set(qualified, index);
    else problem(ctx, path, `names the same table as tables[${first}].name`);
  });
}

/**
 * Load protection's replica check needs both keys: the limit and the replica it applies to. A replica of the
 * wrong engine, or the database itself, would give a lag that means nothing (or no lag at all).
 */
export function checkReplica(
  database: { engine: EngineName; url: string; maxReplicaLag?: string; replicaUrl?: string },
  ctx: Context,
): void {
  const { engine, url, maxReplicaLag, replicaUrl } = database;
  if (maxReplicaLag !== undefined && replicaUrl === undefined) {
    problem(
      ctx,
      ['replicaUrl'],
      'is required when maxReplicaLag is set: add the URL of the replica whose lag to watch, or remove maxReplicaLag',
    );
  }
  if (replicaUrl === undefined) return;
  if (maxReplicaLag === undefined) {
    problem(
      ctx,
      ['maxReplicaLag'],
      'is required when replicaUrl is set: add the most replica lag to allow (e.g. maxReplicaLag: 30s), or remove replicaUrl',
    );
  }
  const wrong = schemeProblem(replicaUrl, URL_SCHEMES[engine]);
  if (wrong !== undefined) {
    problem(ctx, ['replicaUrl'], `${wrong} for engine ${engine}: the replica has the database's engine`);
  } else if (replicaUrl === url) {
    problem(
      ctx,
      ['replicaUrl'],
      'is the same as url: it must name a replica of the database, not the database',
    );
  }
}

export function checkUniqueNames(databases: readonly { name: string }[], ctx: Context): void {
  if (!Array.isArray(databases)) return;
  const seen = new Map<string, number>();
  databases.forEach((database, index) => {
    if (hasIssueAt(ctx.issues, [index, 'name'])) return;
    const first = seen.get(database.name);
    if (first === undefined) seen.set(database.name, index);
    else problem(ctx, [index, 'name'], `is already the name of databases[${first}]`);
  });
}

/**
 * With a lock backend, every running database's lease holder keeps one activity slot of the worker for the whole
 * database run: a worker with no more slots than databases running at once has none left for their batches, and
 * the run waits forever.
 */
export function checkActivitySlots(
  config: {
    run: { concurrency: number };
    worker: { maxConcurrentActivities: number };
    lock: { backend: string };
  },
  ctx: Context,
): void {
  const { run, worker, lock } = config;
  if (lock.backend === 'none' || worker.maxConcurrentActivities > run.concurrency) return;
  problem(
    ctx,
    ['worker', 'maxConcurrentActivities'],
    `must be more than run.concurrency (${run.concurrency}) when lock.backend is ${lock.backend}: each running database's lease holder keeps one activity slot for the whole run; 3 × run.concurrency lets every database archive and delete at once`,
  );
}
