/**
 * The randomized soak: N complete archivals, each with one fault drawn from the whole catalogue at a random
 * point of a random batch, on tables of random size, with rows changing underneath. Every choice comes from one
 * seeded generator, so `--seed` reproduces a soak run for run. Each run ends with the data-loss oracle.
 */
import type { EngineKind } from '../../helpers/events-table';
import {
  BATCH_POINTS,
  describeResult,
  FAULT_KINDS,
  runScenario,
  seededRandom,
  type FaultKind,
  type LabContext,
  type ScenarioOptions,
  type ScenarioResult,
} from './scenario';

export interface SoakOptions {
  runs: number;
  seed: number;
  /** Start at this run (1-based): the earlier runs are drawn but not run, so run numbers keep their scenarios. */
  from?: number;
  engines?: EngineKind[];
  faults?: FaultKind[];
  /** Called with each finished run's line. */
  print?: (line: string) => void;
}

export interface SoakRun {
  index: number;
  options: ScenarioOptions;
  result: ScenarioResult;
}

export interface FaultStats {
  fault: FaultKind;
  runs: number;
  completed: number;
  recoveryMs: number[];
}

export interface SoakSummary {
  runs: SoakRun[];
  completed: number;
  successRate: number;
  rowsLost: number;
  dirtyRuns: number;
  byFault: FaultStats[];
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function between(random: () => number, low: number, high: number): number {
  return low + Math.floor(random() * (high - low + 1));
}

/** The scenario of run `index`, drawn from the generator. */
export function drawScenario(random: () => number, options: SoakOptions): ScenarioOptions {
  const fault = pick(random, options.faults ?? FAULT_KINDS);
  const engine = pick(random, options.engines ?? (['postgres', 'mysql'] as const));
  const rows = between(random, 800, 2_400);
  const batchSize = pick(random, [200, 300, 400, 500]);
  return {
    engine,
    fault,
    point: pick(random, BATCH_POINTS),
    batch: between(random, 1, Math.max(1, Math.min(3, Math.floor(rows / batchSize)))),
    delayMs: between(random, 0, 300),
    holdMs: fault === 's3-errors' ? between(random, 1_000, 6_000) : between(random, 300, 4_000),
    rows,
    batchSize,
    payloadBytes: pick(random, [100, 400, 1_000]),
    randomPayload: true,
    mutate: random() < 0.7,
    lock:
      fault === 'lock-backend-lost'
        ? pick(random, ['redis', 'postgres'] as const)
        : pick(random, ['none', 'none', 'redis', 'postgres'] as const),
    baseLatencyMs: pick(random, [0, 10, 20]),
    timeoutMs: 300_000,
  };
}

export async function runSoak(lab: LabContext, options: SoakOptions): Promise<SoakSummary> {
  const random = seededRandom(options.seed);
  const runs: SoakRun[] = [];
  for (let index = 1; index <= options.runs; index++) {
    const scenario = drawScenario(random, options);
    if (index < (options.from ?? 1)) continue;
    // The writer draws from its own generator, so a soak's scenarios do not depend on how many rows it changed.
    let result: ScenarioResult;
    try {
      result = await runScenario(lab, scenario, seededRandom(options.seed * 100_003 + index));
    } catch (error) {
      // The lab itself failed (a server that would not start, say): that run counts as not completed.
      options.print?.(`run ${index}/${options.runs}: the lab failed: ${String(error)}`);
      throw error;
    }
    runs.push({ index, options: scenario, result });
    const v = result.verdict;
    options.print?.(
      `run ${index}/${options.runs}: ${describeResult(result)}; oracle: ${
        result.clean
          ? 'clean'
          : `DIRTY lost=${v.lost.length} wrongVersion=${v.wrongVersion.length} deletedTwice=${v.deletedTwice.length} damaged=${v.damagedObjects.length} unexplained=${v.unexplainedRemaining.length} (worker log ${result.workerLog})`
      }`,
    );
  }
  return summarize(runs);
}

export function summarize(runs: SoakRun[]): SoakSummary {
  const byFault = new Map<FaultKind, FaultStats>();
  for (const { result } of runs) {
    const stats = byFault.get(result.fault) ?? { fault: result.fault, runs: 0, completed: 0, recoveryMs: [] };
    stats.runs += 1;
    if (result.completed) stats.completed += 1;
    if (result.recoveryMs !== null) stats.recoveryMs.push(result.recoveryMs);
    byFault.set(result.fault, stats);
  }
  const completed = runs.filter((r) => r.result.completed).length;
  return {
    runs,
    completed,
    successRate: runs.length === 0 ? 0 : completed / runs.length,
    rowsLost: runs.reduce(
      (n, r) => n + r.result.verdict.lost.length + r.result.verdict.wrongVersion.length,
      0,
    ),
    dirtyRuns: runs.filter((r) => !r.result.clean).length,
    byFault: [...byFault.values()].sort((a, b) => a.fault.localeCompare(b.fault)),
  };
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The summary as printed at the end of a soak. */
export function formatSummary(summary: SoakSummary, seed: number): string {
  const lines = [
    `soak: ${summary.runs.length} runs, seed ${seed}`,
    `  completed without an operator: ${summary.completed}/${summary.runs.length} (${(summary.successRate * 100).toFixed(2)}%)`,
    `  rows lost or archived in a wrong version: ${summary.rowsLost}; runs with a dirty oracle: ${summary.dirtyRuns}`,
    '  fault                    runs  completed  recovery median  p95      max',
  ];
  for (const s of summary.byFault) {
    const fmt = (ms: number) => (Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(1)} s`);
    lines.push(
      `  ${s.fault.padEnd(24)} ${String(s.runs).padStart(4)}  ${String(s.completed).padStart(9)}  ${fmt(percentile(s.recoveryMs, 50)).padStart(15)}  ${fmt(percentile(s.recoveryMs, 95)).padStart(7)}  ${fmt(s.recoveryMs.length > 0 ? Math.max(...s.recoveryMs) : NaN).padStart(7)}`,
    );
  }
  const failed = summary.runs.filter((r) => !r.result.completed);
  if (failed.length > 0) {
    lines.push('  runs that did not complete:');
    for (const r of failed)
      lines.push(
        `    run ${r.index}: ${r.result.fault} @${r.result.point}: ${r.result.error ?? r.result.status}`,
      );
  }
  return lines.join('\n');
}
