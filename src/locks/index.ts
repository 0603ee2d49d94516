/**
 * Leases that keep two archiver runs off the same database (see lock.ts for the contract). The worker builds one
 * backend from the configuration and passes it to the activities.
 */
export type { Lease, LeaseInfo, LeaseOwner, LockBackend, LockLogger } from './lock';
export { leaseResource } from './lock';
export { processOwner } from './owner';
export { acquireOrThrow } from './acquire-or-throw';
export { createLockBackend, type LockBackendOptions } from './create-lock-backend';
