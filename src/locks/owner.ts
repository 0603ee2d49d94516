import { hostname } from 'node:os';
import type { LeaseOwner } from './lock';

/** This process as a lease owner: `id` names the run (e.g. workflow id and run id), host and pid are ours. */
export function processOwner(id: string, description?: string): LeaseOwner {
  return { id, host: hostname(), pid: process.pid, ...(description !== undefined ? { description } : {}) };
}
