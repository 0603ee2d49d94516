import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createActivities } from './activities';
import { EngineRegistry } from './engines';
import { createS3Client } from './storage';
import { createLockBackend } from './locks';
import { temporalLogger } from './logging';

let runtimeInstalled = false;

/** Installs the Temporal runtime once per process; it must happen before any connection or worker exists. */
export function installRuntime(logger: Logger): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: temporalLogger(logger) });
  runtimeInstalled = true;
}

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has drained and every pool and client it built is closed. */
  run(): Promise<void>;
}

/**
 * The composition root: builds pools, the S3 client and the activities from the configuration, and closes them
 * when the worker stops.
 */
export async function createWorker(
  config: Config,
  logger: Logger,
  options: { taskQueue?: string } = {},
): Promise<RunningWorker> {
  installRuntime(logger);
  const engines = new EngineRegistry(config.databases);
  const s3 = createS3Client(config.storage);
  const locks = createLockBackend(config.lock, { logger });
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: options.taskQueue ?? config.temporal.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: createActivities({ engines, s3, locks, storage: config.storage }),
    // In-flight batches get time to finish on SIGTERM; what does not finish is retried from its deterministic keys.
    shutdownGraceTime: config.worker.shutdownGraceMs,
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    maxCachedWorkflows: 200,
    // Heartbeats reach the server at least every 2 s, so a cancellation (a run's end releasing its lease) is quick.
    maxHeartbeatThrottleInterval: '2 seconds',
  });
  const resourceLog = setInterval(() => {
    const memory = process.memoryUsage();
    logger.info(
      {
        rssMb: Math.round(memory.rss / 1_048_576),
        heapUsedMb: Math.round(memory.heapUsed / 1_048_576),
        pools: engines.stats(),
      },
      'Worker resources',
    );
  }, config.worker.resourceLogEveryMs);
  resourceLog.unref();
  return {
    worker,
    async run() {
      try {
        await worker.run();
      } finally {
        clearInterval(resourceLog);
        await engines.closeAll();
        await locks.close();
        s3.destroy();
        await connection.close();
      }
    },
  };
}
