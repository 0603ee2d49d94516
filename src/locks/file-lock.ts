import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ArchiverError, LeaseLostError, LockBackendUnavailableError } from '../errors';
import { LeaseFiles, type Content, type Generation, type StoredLease } from './file-lock-store';
import {
  SILENT_LOCK_LOGGER,
  type Lease,
  type LeaseInfo,
  type LeaseOwner,
  type LockBackend,
  type LockLogger,
} from './lock';

export interface FileLockOptions {
  /** The directory of the lease files, created when missing; every contender must see the same directory. */
  path: string;
  logger?: LockLogger;
  /** Milliseconds since the epoch; injectable so staleness can be tested without waiting. */
  now?: () => number;
  /** Whether a process of this host is alive; injectable for tests. */
  isAlive?: (pid: number) => boolean;
}

const UNKNOWN_OWNER: LeaseOwner = { id: 'unknown (unreadable lock file)', host: 'unknown', pid: 0 };

/**
 * Leases as files in a shared directory (see file-lock-store.ts for the layout). A lease is stale when its
 * expiry has passed, or at once when its holder ran on this host and that process is gone. Works for processes
 * on one host, or hosts sharing a file system with atomic link and rename (local disks; NFS v3+ mostly does).
 */
export class FileLockBackend implements LockBackend {
  readonly name = 'file';
  private readonly files: LeaseFiles;
  private readonly logger: LockLogger;
  private readonly now: () => number;
  private readonly isAlive: (pid: number) => boolean;
  private readonly host = hostname();

  constructor(options: FileLockOptions) {
    this.files = new LeaseFiles(options.path);
    this.logger = options.logger ?? SILENT_LOCK_LOGGER;
    this.now = options.now ?? Date.now;
    this.isAlive = options.isAlive ?? processIsAlive;
  }

  acquire(resource: string, owner: LeaseOwner, ttlMs: number): Promise<Lease | null> {
    return this.guard(async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const current = await this.files.current(resource);
        const holder = current && holderOf(current.content);
        if (holder && holder.owner.id !== owner.id && !this.isStale(current.content)) return null;
        const generation = (current?.generation ?? 0) + 1;
        const now = this.now();
        const lease: Lease = {
          resource,
          token: randomUUID(),
          owner,
          acquiredAt: now,
          expiresAt: now + ttlMs,
        };
        if (!(await this.files.create(resource, generation, stored(lease, now)))) continue; // someone was faster
        if (!(await this.files.isHighest(resource, generation))) {
          // Our view was so old that the generation we created had already been superseded and cleaned up.
          await this.files.remove(resource, generation);
          continue;
        }
        await this.files.removeBelow(resource, generation);
        if (current?.content === 'unreadable') {
          this.logger.warn({ resource, generation: current.generation }, 'replaced an unreadable lease file');
        }
        return this.tookOver(lease, holder);
      }
      return null;
    });
  }

  refresh(lease: Lease, ttlMs: number): Promise<Lease> {
    return this.guard(async () => {
      const now = this.now();
      const current = await this.ours(lease);
      const refreshed: Lease = { ...lease, expiresAt: now + ttlMs };
      await this.files.replace(lease.resource, current.generation, stored(refreshed, now));
      // A taker may have created the next generation between our read and our rename.
      if (!(await this.files.isHighest(lease.resource, current.generation))) {
        await this.files.removeBelow(lease.resource, current.generation + 1);
        throw new LeaseLostError(lease.resource, lease.token);
      }
      return refreshed;
    });
  }

  check(lease: Lease): Promise<void> {
    return this.guard(async () => {
      await this.ours(lease);
    });
  }

  release(lease: Lease): Promise<void> {
    return this.guard(async () => {
      const current = await this.files.current(lease.resource);
      if (!current || holderOf(current.content)?.token !== lease.token) return;
      await this.markReleased(lease.resource, current.generation);
    });
  }

  list(): Promise<LeaseInfo[]> {
    return this.guard(async () => {
      const all = await this.files.currentAll();
      return all
        .filter((g) => g.content === 'unreadable' || holderOf(g.content))
        .map((g) => this.info(g))
        .sort((a, b) => a.resource.localeCompare(b.resource));
    });
  }

  forceRelease(resource: string): Promise<boolean> {
    return this.guard(async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const current = await this.files.current(resource);
        if (!current || (current.content !== 'unreadable' && !holderOf(current.content))) return false;
        if (await this.markReleased(resource, current.generation)) return true;
      }
      return false;
    });
  }

  async close(): Promise<void> {}

  /** The current generation if it is this lease's and unexpired; LeaseLostError otherwise. */
  private async ours(lease: Lease): Promise<Generation> {
    const current = await this.files.current(lease.resource);
    const holder = current && holderOf(current.content);
    if (!current || holder?.token !== lease.token || holder.expiresAt <= this.now()) {
      throw new LeaseLostError(lease.resource, lease.token);
    }
    return current;
  }

  /** Supersedes a generation with a released marker; false when someone else superseded it first. */
  private async markReleased(resource: string, generation: number): Promise<boolean> {
    const created = await this.files.create(resource, generation + 1, {
      released: true,
      releasedAt: this.now(),
    });
    if (created) await this.files.removeBelow(resource, generation + 1);
    return created;
  }

  private isStale(content: Content): boolean {
    const holder = holderOf(content);
    if (!holder) return true;
    if (holder.expiresAt <= this.now()) return true;
    return holder.owner.host === this.host && !this.isAlive(holder.owner.pid);
  }

  private tookOver(lease: Lease, previous: StoredLease | null): Lease {
    if (!previous || previous.owner.id === lease.owner.id) return lease;
    this.logger.warn(
      {
        resource: lease.resource,
        previousOwner: previous.owner,
        heartbeatAt: new Date(previous.heartbeatAt).toISOString(),
        owner: lease.owner,
      },
      'took over a stale lease',
    );
    return { ...lease, takenOverFrom: previous.owner };
  }

  private info(g: Generation): LeaseInfo {
    const holder = holderOf(g.content);
    return {
      resource: g.resource,
      owner: holder?.owner ?? UNKNOWN_OWNER,
      heartbeatAt: holder?.heartbeatAt ?? 0,
      expiresAt: holder?.expiresAt ?? 0,
      stale: this.isStale(g.content),
    };
  }

  private async guard<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof ArchiverError) throw error;
      throw new LockBackendUnavailableError('file', error);
    }
  }
}

function holderOf(content: Content): StoredLease | null {
  return content !== 'unreadable' && 'token' in content ? content : null;
}

function stored(lease: Lease, heartbeatAt: number): StoredLease {
  return {
    token: lease.token,
    owner: lease.owner,
    acquiredAt: lease.acquiredAt,
    heartbeatAt,
    expiresAt: lease.expiresAt,
  };
}

function processIsAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true; // not a pid we can ask about
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
