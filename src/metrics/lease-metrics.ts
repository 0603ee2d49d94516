import type { Lease, LeaseOwner, LockBackend } from '../locks';
import type { ArchiverMetrics } from './archiver-metrics';

/**
 * A LockBackend that reports lease state to the metrics and otherwise behaves exactly like the one it wraps
 * (every result and error passes through unchanged).
 */
export function withLeaseMetrics(backend: LockBackend, metrics: ArchiverMetrics): LockBackend {
  return {
    get name() {
      return backend.name;
    },
    async acquire(resource: string, owner: LeaseOwner, ttlMs: number) {
      const lease = await backend.acquire(resource, owner, ttlMs);
      metrics.lease(resource, lease ? 'acquired' : 'refused');
      return lease;
    },
    async refresh(lease: Lease, ttlMs: number) {
      try {
        const refreshed = await backend.refresh(lease, ttlMs);
        metrics.lease(lease.resource, 'refreshed');
        return refreshed;
      } catch (error) {
        // LeaseLostError, or an unreachable backend: either way the holder must assume the lease is gone.
        metrics.lease(lease.resource, 'lost');
        throw error;
      }
    },
    check: (lease) => backend.check(lease),
    async release(lease: Lease) {
      try {
        await backend.release(lease);
      } finally {
        metrics.lease(lease.resource, 'released');
      }
    },
    list: () => backend.list(),
    forceRelease: (resource) => backend.forceRelease(resource),
    close: () => backend.close(),
  };
}
