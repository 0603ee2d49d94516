import { Client, Connection } from '@temporalio/client';
import type { TemporalConfig } from '../config';

/** Connects to the Temporal frontend; the error names the address so an unreachable server is obvious. */
export async function connectClient(temporal: TemporalConfig): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: temporal.address, connectTimeout: '10s' });
    return new Client({ connection, namespace: temporal.namespace });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot reach the Temporal server at ${temporal.address}: ${reason}`, { cause: error });
  }
}
