/**
 * A short seeded soak (the long one is `npm run chaos -- --runs 200 --seed 1`, see docs/chaos.md): random
 * faults at random points of random batches, each run ending with the data-loss oracle. Every run must come
 * out clean; every run must also complete on its own, since each fault here is one a run must ride out.
 */
import { openLab } from './lab/context';
import { formatSummary, runSoak } from './lab/soak';

const RUNS = Number(process.env.CHAOS_SOAK_RUNS ?? 8);
const SEED = Number(process.env.CHAOS_SOAK_SEED ?? 1);

it(
  `soak: ${RUNS} runs with random faults (seed ${SEED}) lose nothing and all complete`,
  async () => {
    const lab = await openLab();
    try {
      const summary = await runSoak(lab, {
        runs: RUNS,
        seed: SEED,
        print: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(`${formatSummary(summary, SEED)}\n`);
      expect(summary.rowsLost).toBe(0);
      expect(summary.dirtyRuns).toBe(0);
      expect(
        summary.runs.filter((r) => !r.result.completed).map((r) => `${r.index}: ${r.result.error}`),
      ).toEqual([]);
    } finally {
      await lab.close();
    }
  },
  60 * 60_000,
);
