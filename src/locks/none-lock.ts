import { randomUUID } from 'node:crypto';
import type { Lease, LeaseInfo, LeaseOwner, LockBackend } from './lock';

/**
 * `lock.backend: none`: grants every lease and keeps nothing. Runs are kept apart by Temporal alone, through the
 * per-database workflow id (`archive-db-<name>`), which only works while every run of a database goes through
 * the same Temporal namespace. Use a real backend when other namespaces, task queues or tools may archive the
 * same databases.
 */
export class NoLockBackend implements LockBackend {
  readonly name = 'none';

  async acquire(resource: string, owner: LeaseOwner, ttlMs: number): Promise<Lease> {
    const now = Date.now();
    return { resource, token: randomUUID(), owner, acquiredAt: now, expiresAt: now + ttlMs };
  }

  async refresh(lease: Lease, ttlMs: number): Promise<Lease> {
    return { ...lease, expiresAt: Date.now() + ttlMs };
  }

  async check(): Promise<void> {}

  async release(): Promise<void> {}

  async list(): Promise<LeaseInfo[]> {
    return [];
  }

  async forceRelease(): Promise<boolean> {
    return false;
  }

  async close(): Promise<void> {}
}
