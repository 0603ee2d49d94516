import type { LockBackend } from '../locks';
import type { LeaseRef } from '../shared';
import { LeaseLostError } from '../errors';

/**
 * Fencing before a delete commits: the database's lease must be held, unexpired, by this run's owner id. The
 * check goes by owner rather than token because the holder may have re-acquired (new token) after a retry.
 * @throws LeaseLostError when another run holds it, it lapsed, or nobody does.
 */
export async function checkLease(locks: LockBackend, lease: LeaseRef | undefined): Promise<void> {
  if (!lease) return;
  const held = (await locks.list()).find((l) => l.resource === lease.resource);
  if (!held || held.owner.id !== lease.ownerId || held.stale || held.expiresAt <= Date.now()) {
    throw new LeaseLostError(lease.resource, 'owner ' + lease.ownerId);
  }
}
