/**
 * `npm run chaos -- --runs N --seed S [--engine postgres|mysql] [--faults a,b] [--json FILE]`: the randomized
 * soak on the chaos lab (test/chaos/lab/soak.ts). Prints one line per run and a summary; exits 1 if the
 * oracle found any run dirty (a row lost, archived in a wrong version, deleted twice, or unexplained).
 */
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import type { EngineKind } from '../helpers/events-table';
import { openLab } from './lab/context';
import { FAULT_KINDS, type FaultKind } from './lab/scenario';
import { formatSummary, runSoak } from './lab/soak';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function faultList(value: string): FaultKind[] {
  const faults = value.split(',').map((f) => f.trim());
  const unknown = faults.filter((f) => !(FAULT_KINDS as readonly string[]).includes(f));
  if (unknown.length > 0)
    throw new InvalidArgumentError(`unknown fault ${unknown.join(', ')} (known: ${FAULT_KINDS.join(', ')})`);
  return faults as FaultKind[];
}

async function main(): Promise<void> {
  const program = new Command('chaos')
    .description(
      'Randomized chaos soak: complete archivals with random faults, each checked by the data-loss oracle',
    )
    .option('--runs <n>', 'number of archival runs', positiveInteger, 20)
    .option('--seed <s>', 'seed of the random choices (same seed, same runs)', positiveInteger, 1)
    .option(
      '--from <n>',
      'start at run n of the seed (the runs before are drawn, not run)',
      positiveInteger,
      1,
    )
    .option('--engine <engine>', 'only postgres or only mysql', (v) => {
      if (v !== 'postgres' && v !== 'mysql') throw new InvalidArgumentError('must be postgres or mysql');
      return v as EngineKind;
    })
    .option('--faults <list>', `comma-separated subset of: ${FAULT_KINDS.join(', ')}`, faultList)
    .option('--json <file>', 'also write every run and the summary as JSON')
    .parse();
  const options = program.opts<{
    runs: number;
    seed: number;
    from: number;
    engine?: EngineKind;
    faults?: FaultKind[];
    json?: string;
  }>();
  const started = Date.now();
  const lab = await openLab();
  try {
    const summary = await runSoak(lab, {
      runs: options.runs,
      seed: options.seed,
      from: options.from,
      engines: options.engine ? [options.engine] : undefined,
      faults: options.faults,
      print: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(
      `${formatSummary(summary, options.seed)}\n  wall time: ${((Date.now() - started) / 60_000).toFixed(1)} min\n`,
    );
    if (options.json) {
      const runs = summary.runs.map((r) => ({
        ...r,
        result: { ...r.result, s3Requests: r.result.s3Requests.length },
      }));
      writeFileSync(options.json, JSON.stringify({ seed: options.seed, ...summary, runs }, null, 2));
    }
    process.exitCode = summary.dirtyRuns > 0 ? 1 : 0;
  } finally {
    await lab.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`chaos: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
