import { readReplicaLag, type ReplicaRegistry } from '../engines/replica-lag';
import { ReplicaNotConfiguredError } from '../engines/replica-errors';
import type { ReplicaLagReading } from '../shared';
import type { ActivityDeps } from './deps';

/**
 * Load protection: how far the database's replica (`replicaUrl`) is behind. Short and read-only; the workflow
 * calls it before each batch and waits while the lag is over `maxReplicaLag` or unknown.
 * @throws ReplicaNotConfiguredError, NotAReplicaError, ReplicaCheckError (all final, see replica-errors.ts).
 */
export function createReplicaLag(deps: ActivityDeps) {
  return async function replicaLag(input: { database: string }): Promise<ReplicaLagReading> {
    const replicas: ReplicaRegistry | undefined = deps.replicas;
    if (!replicas) throw new ReplicaNotConfiguredError(input.database);
    return readReplicaLag(input.database, replicas.get(input.database));
  };
}
