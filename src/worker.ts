import { bundleWorkflowCode, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { setFlagsFromString } from 'node:v8';
import type { Logger } from 'pino';
import type { Config, MetricsConfig } from './config';
import { createActivities } from './activities';
import { EngineRegistry } from './engines';
import { ReplicaRegistry } from './engines/replica-lag';
import { createS3Client } from './storage';
import { createLockBackend } from './locks';
import { temporalLogger } from './logging';
import { bundleWorkflowsInThread } from './workflow-bundle';
import {
  ArchiverMetrics,
  archiverActivityInterceptors,
  bindAddress,
  MetricsEndpointError,
  prometheusExporter,
  withLeaseMetrics,
} from './metrics';

let runtimeInstalled = false;
let runtimeMetrics: MetricsConfig | undefined;

/**
 * Installs the Temporal runtime once per process; it must happen before any connection or worker exists. With
 * `metrics`, the runtime serves Prometheus metrics (the SDK's and the archiver's) on metrics.host:metrics.port.
 * @throws MetricsEndpointError when the metrics endpoint cannot listen (port taken, address not on this host).
 */
export function installRuntime(logger: Logger, metrics?: MetricsConfig): void {
  if (runtimeInstalled) {
    if (metrics && runtimeMetrics === undefined) {
      logger.warn(
        { address: bindAddress(metrics) },
        'Metrics not served: the runtime was installed without them',
      );
    }
    return;
  }
  try {
    Runtime.install({
      logger: temporalLogger(logger),
      ...(metrics ? { telemetryOptions: { metrics: prometheusExporter(metrics) } } : {}),
    });
  } catch (error) {
    if (metrics && /prometheus|socket|address/i.test(String((error as Error)?.message))) {
      throw new MetricsEndpointError(bindAddress(metrics), { cause: error });
    }
    throw error;
  }
  runtimeInstalled = true;
  runtimeMetrics = metrics;
}

/**
 * The workflow code, bundled in a thread of its own so that webpack's memory is given back when it is done
 * (see bundleWorkflowsInThread); if a thread cannot be used, the bundle is built here instead.
 */
async function workflowBundle(logger: Logger): Promise<string> {
  const workflowsPath = require.resolve('./workflows');
  try {
    const code = await bundleWorkflowsInThread(workflowsPath);
    logger.debug({ bytes: code.length }, 'Workflow bundle created');
    return code;
  } catch (error) {
    logger.warn({ error: String(error) }, 'Bundling workflows in a thread failed; bundling in the worker');
    return (await bundleWorkflowCode({ workflowsPath })).code;
  }
}

/**
 * How much V8 lets the heap grow past what survived the last full collection before it collects again, in
 * percent. By default it grows by a factor of up to four on a machine with memory to spare, and a worker, whose
 * batches each leave some 20 MB of short-lived rows, manifests and buffers behind, settled at 400 to 460 MB
 * resident while its live data was under 60 MB. With 25% it stays near 250 MB for a few percent more CPU.
 */
const HEAP_GROWING_PERCENT = 25;

/**
 * Worker-wide heap tuning, applied when a worker is created (V8 reads this flag at every full collection, so
 * setting it at run time takes effect). A `--heap-growing-percent` given on the command line wins.
 */
function tuneHeap(): void {
  if (process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
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
  installRuntime(logger, config.worker.metrics || undefined);
  tuneHeap();
  // The archiver's metrics live on the runtime's meter, so the SDK's exporter serves them; without metrics the
  // interceptor still adds database, table, run and batch to activity logs.
  const metrics = runtimeMetrics ? new ArchiverMetrics(Runtime.instance().metricMeter) : undefined;
  const engines = new EngineRegistry(config.databases);
  const s3 = createS3Client(config.storage);
  const backend = createLockBackend(config.lock, { logger });
  const locks = metrics ? withLeaseMetrics(backend, metrics) : backend;
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: options.taskQueue ?? config.temporal.taskQueue,
    workflowBundle: { code: await workflowBundle(logger) },
    activities: createActivities({
      engines,
      s3,
      locks,
      replicas: new ReplicaRegistry(config.databases),
      storage: config.storage,
    }),
    interceptors: { activity: [archiverActivityInterceptors(metrics)] },
    // In-flight batches get time to finish on SIGTERM; what does not finish is retried from its deterministic keys.
    shutdownGraceTime: config.worker.shutdownGraceMs,
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    maxCachedWorkflows: 200,
    // Heartbeats reach the server at least every 500 ms, so a cancellation (a run's end releasing its lease, which
    // waits for the holder to see it) arrives within half a second.
    maxHeartbeatThrottleInterval: '500 milliseconds',
  });
  if (runtimeMetrics) {
    // Not `url`: that field is redacted in logs (database URLs carry passwords).
    logger.info({ endpoint: `http://${bindAddress(runtimeMetrics)}/metrics` }, 'Serving Prometheus metrics');
  }
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
