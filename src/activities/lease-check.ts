import type { LockBackend } from '../locks';
import type { LeaseRef } from '../shared';
import { LeaseLostError, LeaseTakenError } from '../errors';

/**
 * Fencing before a delete commits: the database's lease must be held, unexpired, by this run's owner id. The
 * check goes by owner rather than token because the holder may have re-acquired (new token) after a retry.
 * @throws LeaseTakenError when another run holds it (final); LeaseLostError when it lapsed or nobody holds it
 * (retried: the holder takes it again).
 */
export async function checkLease(locks: LockBackend, lease: LeaseRef | undefined): Promise<void> {
  if (!lease) return;
  const held = (await locks.list()).find((l) => l.resource === lease.resource);
  const live = held !== undefined && !held.stale && held.expiresAt > Date.now();
  if (live && held.owner.id !== lease.ownerId) {
    const who = [held.owner.id, held.owner.host, held.owner.pid].filter(Boolean).join(' ');
    throw new LeaseTakenError(lease.resource, who);
  }
  if (!live || held.owner.id !== lease.ownerId) {
    throw new LeaseLostError(lease.resource, 'owner ' + lease.ownerId);
  }
}
