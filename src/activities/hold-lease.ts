import { CancelledFailure, Context, log } from '@temporalio/activity';
import { acquireOrThrow, leaseResource, processOwner, type Lease } from '../locks';
import { leaseAcquiredSignal, type LeaseSettings } from '../shared';
import type { ActivityDeps } from './deps';

/**
 * How often the holder heartbeats, so a cancellation (the end of the run) reaches it quickly: the cancellation
 * arrives with the answer to a heartbeat, and the worker sends one at most every maxHeartbeatThrottleInterval.
 */
const TICK_MS = 250;

/**
 * Holds a database's lease for the whole run: acquires it (LeaseHeldError if another run holds it), tells the
 * workflow, refreshes it every `refreshMs` and heartbeats meanwhile, and releases it when the run cancels this
 * activity at its end. The lease lives in this process (the PostgreSQL backend keeps a session open for it); if
 * the process dies, the heartbeat times out, the lease lapses, and the retry on another worker acquires it again.
 */
export function createHoldLease(deps: ActivityDeps) {
  return async function holdLease(
    input: { database: string; ownerId: string } & LeaseSettings,
  ): Promise<void> {
    const context = Context.current();
    const resource = leaseResource(input.database);
    let lease: Lease = await acquireOrThrow(
      deps.locks,
      resource,
      processOwner(input.ownerId, `archiving ${input.database}`),
      input.ttlMs,
    );
    if (lease.takenOverFrom)
      log.warn('Took over a stale lease', { resource, previousOwner: lease.takenOverFrom });
    try {
      const workflowId = context.info.workflowExecution?.workflowId ?? '';
      await context.client.workflow
        .getHandle(workflowId)
        .signal(leaseAcquiredSignal, { resource, token: lease.token });
      let refreshedAt = Date.now();
      for (;;) {
        context.heartbeat();
        await context.sleep(TICK_MS);
        if (Date.now() - refreshedAt >= input.refreshMs) {
          lease = await deps.locks.refresh(lease, input.ttlMs);
          refreshedAt = Date.now();
        }
      }
    } catch (error) {
      if (!(error instanceof CancelledFailure)) log.error('Lease lost', { resource, error: String(error) });
      throw error;
    } finally {
      await deps.locks.release(lease).catch(() => undefined);
    }
  };
}
