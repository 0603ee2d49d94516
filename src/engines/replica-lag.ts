import { ArchiverError } from '../errors';
import type { EngineKind } from './engine';
import { isFatalConnectionError } from './connection-errors';
import { mysqlReplicaLag } from './mysql/mysql-replica-lag';
import { postgresReplicaLag } from './postgres/postgres-replica-lag';
import { ReplicaCheckError, ReplicaNotConfiguredError } from './replica-errors';

/** A database's replica as the worker's configuration names it (`replicaUrl`, same engine as the database). */
export interface ReplicaTarget {
  engine: EngineKind;
  url: string;
}

/** The lag in seconds, or null with the reason when it cannot be known; unknown counts as too much. */
export interface LagReading {
  lagSeconds: number | null;
  problem?: string;
}

/**
 * Reads the replication lag of one replica on a connection of its own, opened and closed for each look: the
 * checks are seconds apart, and a fresh connection notices a restarted or moved replica at once.
 *
 * A replica that cannot be reached, or stops answering mid-check, reads as unknown (`lagSeconds: null`), never
 * as an error: the run waits, as pt-archiver does, rather than deleting while it cannot tell how far behind the
 * replica is.
 * @throws NotAReplicaError when the server is not a replica; ReplicaCheckError when the query is refused.
 */
export async function readReplicaLag(database: string, target: ReplicaTarget): Promise<LagReading> {
  try {
    return target.engine === 'postgres'
      ? await postgresReplicaLag(database, target.url)
      : await mysqlReplicaLag(database, target.url);
  } catch (error) {
    if (
      (isFatalConnectionError(error) || hasSocketCode(error) || isTimeout(error)) &&
      !isAccessDenied(error)
    ) {
      return { lagSeconds: null, problem: `cannot reach the replica: ${describe(error)}` };
    }
    if (error instanceof ArchiverError) throw error;
    const code = String((error as { code?: unknown }).code ?? 'unknown');
    throw new ReplicaCheckError(database, describe(error), code);
  }
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

/**
 * A socket error anywhere in the chain, found by its code alone: Node's own errors (and an AggregateError of
 * several addresses tried) may come from another realm than the one checking, where instanceof Error fails.
 */
function hasSocketCode(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  if (Array.isArray(errors) && errors.some((e) => hasSocketCode(e, depth + 1))) return true;
  return hasSocketCode(cause, depth + 1);
}

function isAccessDenied(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ER_ACCESS_DENIED_ERROR' || code === '28P01' || code === '28000';
}

function describe(error: unknown): string {
  const message =
    typeof (error as { message?: unknown } | null)?.message === 'string'
      ? (error as { message: string }).message
      : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const text = message.replace(/[.\s]+$/, '') || 'unknown error';
  return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
}

/** The replicas of the configured databases, by database name; only those with a `replicaUrl`. */
export class ReplicaRegistry {
  readonly #targets: Map<string, ReplicaTarget>;

  constructor(databases: readonly { name: string; engine: EngineKind; replicaUrl?: string }[]) {
    this.#targets = new Map(
      databases.flatMap((d) => (d.replicaUrl ? [[d.name, { engine: d.engine, url: d.replicaUrl }]] : [])),
    );
  }

  /** @throws ReplicaNotConfiguredError when the database has no replicaUrl here. */
  get(database: string): ReplicaTarget {
    const target = this.#targets.get(database);
    if (!target) throw new ReplicaNotConfiguredError(database);
    return target;
  }
}

/** The replica accepted the connection and then did not answer the lag query in time (a network black hole). */
function isTimeout(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'PROTOCOL_SEQUENCE_TIMEOUT' || message === 'Query read timeout';
}
