/**
 * An in-process worker on the real Temporal dev server, with the real activities, for tests that need to act
 * between two steps of a batch (change a row, corrupt an object). `wrap` may put a step before an activity;
 * the activity itself always runs for real.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../../src/activities';
import { parseConfig, type Config } from '../../src/config';
import { EngineRegistry } from '../../src/engines';
import { ReplicaRegistry } from '../../src/engines/replica-lag';
import { createS3Client } from '../../src/storage';
import { createLockBackend } from '../../src/locks';
import { buildFleetInput } from '../../src/cli/fleet-input';
import { fleetWorkflowId, type FleetReport } from '../../src/shared';
import { ensureRuntime } from './runtime';
import { TEMPORAL_ADDRESS } from './services';

export interface TestPipeline {
  config: Config;
  client: Client;
  /** The activities' own S3 client, for tests that inject faults into its requests. */
  s3: S3Client;
  runFleet(options?: {
    databases?: string[];
    dryRun?: boolean;
    historyEventsLimit?: number;
    fullScan?: boolean;
    maxRunTimeMs?: number;
  }): Promise<{ workflowId: string; report: FleetReport }>;
  stop(): Promise<void>;
}

export async function startPipeline(
  yaml: string,
  wrap: (activities: Activities) => Partial<Activities> = () => ({}),
): Promise<TestPipeline> {
  ensureRuntime();
  const config = parseConfig(yaml, 'test');
  const engines = new EngineRegistry(config.databases);
  const s3 = createS3Client(config.storage);
  const nativeConnection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS });
  const locks = createLockBackend(config.lock);
  const replicas = new ReplicaRegistry(config.databases);
  const activities = createActivities({ engines, s3, locks, replicas, storage: config.storage });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: require.resolve('../../src/workflows'),
    activities: { ...activities, ...wrap(activities) },
    // Heartbeats reach the server at least every 2 s, so a cancellation (a run's end releasing its lease) is quick.
    maxHeartbeatThrottleInterval: '2 seconds',
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return {
    config,
    client,
    s3,
    async runFleet(options = {}) {
      const input = {
        ...buildFleetInput(config, {
          databases: options.databases ?? [],
          dryRun: options.dryRun ?? false,
          fullScan: options.fullScan ?? false,
        }),
        historyEventsLimit: options.historyEventsLimit,
        ...(options.maxRunTimeMs !== undefined ? { maxRunTimeMs: options.maxRunTimeMs } : {}),
      };
      const workflowId = `${fleetWorkflowId(Date.now())}-${Math.random().toString(36).slice(2, 8)}`;
      const report = await client.workflow.execute<(i: typeof input) => Promise<FleetReport>>(
        'archiveFleet',
        {
          workflowId,
          taskQueue: config.temporal.taskQueue,
          args: [input],
        },
      );
      return { workflowId, report };
    },
    async stop() {
      worker.shutdown();
      await running;
      await engines.closeAll();
      await locks.close();
      s3.destroy();
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** A `wrap` for startPipeline that delays every archiveBatch, so a test can act while a run is in progress. */
export function slowArchiveBatch(ms: number): (real: Activities) => Partial<Activities> {
  return (real) => ({
    async archiveBatch(input) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return real.archiveBatch(input);
    },
  });
}
