/**
 * The lease contract every lock backend implements. A lease keeps a second archiver run away from a database
 * while one is archiving it, including runs Temporal cannot see (another namespace, another task queue, a script).
 * It is a lease, not a lock: it lapses unless refreshed, so a holder that dies frees it without anyone's help,
 * and whoever deletes rows must check it first (fencing), because a holder that paused longer than the TTL may
 * have been replaced without noticing.
 *
 * Leases travel through workflow history (an activity acquires one and returns it), so every field is plain JSON.
 * Times are milliseconds since the epoch.
 */

/** Who holds a lease. */
export interface LeaseOwner {
  /** Identifies the holder across processes, e.g. `archive-db-shop/<run id>`; the same id may re-acquire. */
  readonly id: string;
  /** The host the holder runs on (`os.hostname()`). */
  readonly host: string;
  /** The holder's process id; the file backend treats a lease of a dead process on this host as stale. */
  readonly pid: number;
  readonly description?: string;
}

/** One acquisition of a resource. */
export interface Lease {
  /** What is leased, e.g. `db-archiver/shop` (see leaseResource). */
  readonly resource: string;
  /** Unique per acquisition; every later call proves ownership with it. */
  readonly token: string;
  readonly owner: LeaseOwner;
  readonly acquiredAt: number;
  /** After this instant the lease is lost, whether or not anyone has taken it yet. */
  readonly expiresAt: number;
  /** Set when this acquisition replaced a stale lease (and when the backend still knew its holder). */
  readonly takenOverFrom?: LeaseOwner;
}

/** A lease as an operator sees it (`archiver locks list`). */
export interface LeaseInfo {
  readonly resource: string;
  readonly owner: LeaseOwner;
  /** The last acquisition or refresh. */
  readonly heartbeatAt: number;
  readonly expiresAt: number;
  /** True when the next acquirer may take it over: expired, or its holder is known to be gone. */
  readonly stale: boolean;
}

/**
 * A lease backend. Every method except release and close fails with LockBackendUnavailableError when the
 * backend cannot be reached; the caller cannot tell whether it holds its lease then, and must not delete.
 */
export interface LockBackend {
  /** `redis`, `postgres`, `file` or `none`, for logs and errors. */
  readonly name: string;
  /**
   * Takes the resource for `ttlMs`. Resolves to null when someone else holds it and the lease is not stale.
   * A stale lease is taken over (logged with the old owner, who then fails its next check). An owner with the
   * same id as the holder gets a new lease that replaces the old one, so a retried acquire never locks its run
   * out.
   */
  acquire(resource: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | null>;
  /** Extends the lease to now + ttlMs. Throws LeaseLostError if the lease expired or is no longer ours. */
  refresh(lease: Lease, ttlMs: number): Promise<Lease>;
  /** Throws LeaseLostError unless the lease is still ours and unexpired. Call it right before a delete commits. */
  check(lease: Lease): Promise<void>;
  /** Gives the lease up. Idempotent, and never touches a lease that is not ours. */
  release(lease: Lease): Promise<void>;
  /** Every lease the backend knows, stale ones included. */
  list(): Promise<LeaseInfo[]>;
  /** Frees the resource whoever holds it; the holder fails its next check. Resolves false when nothing was held. */
  forceRelease(resource: string): Promise<boolean>;
  /** Closes connections. Leases still held by this process are given up (their holders fail their next check). */
  close(): Promise<void>;
}

/** Where backends report takeovers and lost sessions; pino's Logger fits. */
export interface LockLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export const SILENT_LOCK_LOGGER: LockLogger = { info: () => undefined, warn: () => undefined };

/** The resource name of a database's lease. */
export function leaseResource(database: string): string {
  return `db-archiver/${database}`;
}
