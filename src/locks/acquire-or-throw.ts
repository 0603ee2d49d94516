import { LeaseHeldError } from '../errors';
import type { Lease, LeaseOwner, LockBackend } from './lock';

/**
 * Acquires the resource or throws LeaseHeldError naming the holder. When the holder lets go between the failed
 * acquire and the look-up, the acquire is tried again, a few times, before giving up.
 */
export async function acquireOrThrow(
  backend: LockBackend,
  resource: string,
  owner: LeaseOwner,
  ttlMs: number,
): Promise<Lease> {
  let holder: LeaseOwner = { id: 'unknown', host: 'unknown', pid: 0 };
  let expiresAt = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    const lease = await backend.acquire(resource, owner, ttlMs);
    if (lease) return lease;
    const info = (await backend.list()).find((l) => l.resource === resource);
    if (info) {
      holder = info.owner;
      expiresAt = info.expiresAt;
      if (!info.stale) break;
    }
  }
  throw new LeaseHeldError(resource, holder, expiresAt);
}
