import { performance } from 'node:perf_hooks';
import { peakRssBytes, processCpuS, reapedChildrenCpuS, resetPeakRss } from './proc';
import { infraCpuS, serverCpuS } from './services';
import type { Engine } from './settings';

/**
 * Wall time and CPU of one measured run. Client CPU is what the tool itself burns: the child processes this
 * harness started and waited for (psql and gzip, pt-archiver, `archiver run`) plus the db-archiver worker's own
 * time. Server CPU is the database server's whole process tree; Temporal and MinIO are counted apart.
 */

export interface Measurement {
  wallS: number;
  clientCpuS: number;
  serverCpuS: number;
  /** Temporal dev server + MinIO. */
  infraCpuS: number;
  temporalCpuS: number;
  minioCpuS: number;
  /** The worker's peak RSS during the run (VmHWM, reset just before), when a worker was measured. */
  workerPeakRssMb: number | null;
  /** False when the peak could not be reset and covers the worker's whole life. */
  peakRssReset: boolean;
}

export async function measure(
  engine: Engine,
  workerPid: number | null,
  body: () => Promise<number | void>,
): Promise<Measurement> {
  const peakRssReset = workerPid !== null && resetPeakRss(workerPid);
  const before = {
    children: reapedChildrenCpuS(),
    worker: workerPid !== null ? processCpuS(workerPid) : 0,
    server: serverCpuS(engine),
    infra: infraCpuS(),
  };
  const start = performance.now();
  // A body may end the clock before it returns (db-archiver: at the workflow result, not at the CLI's exit).
  const end = (await body()) ?? performance.now();
  const wallS = (end - start) / 1000;
  const after = {
    children: reapedChildrenCpuS(),
    worker: workerPid !== null ? processCpuS(workerPid) : 0,
    server: serverCpuS(engine),
    infra: infraCpuS(),
  };
  const peak = workerPid !== null ? peakRssBytes(workerPid) : null;
  return {
    wallS,
    clientCpuS: after.children - before.children + (after.worker - before.worker),
    serverCpuS: after.server - before.server,
    infraCpuS: after.infra.temporal - before.infra.temporal + (after.infra.minio - before.infra.minio),
    temporalCpuS: after.infra.temporal - before.infra.temporal,
    minioCpuS: after.infra.minio - before.infra.minio,
    workerPeakRssMb: peak !== null ? peak / 2 ** 20 : null,
    peakRssReset,
  };
}
