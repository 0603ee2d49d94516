import { join } from 'node:path';
import { exec } from '../exec';
import { BENCH_DATABASE, BENCH_TABLE, PG } from '../settings';

/**
 * The PostgreSQL baselines, all plain psql with gzip: a keyset loop (the anchor), the read-side limit (one COPY
 * of every old row) and the delete-side limit (one DELETE of every old row).
 */

export interface PsqlRun {
  cutoff: string;
  batchSize: number;
  /** Upper bound for the loop's batches; the loop stops at the first short batch. */
  oldRows: number;
  outDir: string;
  log: string;
}

const TABLE = `public.${BENCH_TABLE}`;

function psql(script: string, log: string): Promise<string> {
  return exec(
    'psql',
    [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      PG.host,
      '-p',
      String(PG.port),
      '-U',
      PG.user,
      BENCH_DATABASE,
    ],
    { log, input: script, env: { ...process.env, PGTZ: 'UTC' } },
  );
}

/**
 * One psql session, one transaction per batch: COPY the next `batchSize` old rows after the last key through gzip
 * into a file, take the batch's first and last key, DELETE that key range (old rows only), COMMIT. psql has no
 * loop statement, so the script spells out one guarded block per possible batch; `\if :more` skips the rest
 * once a batch comes back short.
 */
export function keysetLoopScript({ cutoff, batchSize, oldRows, outDir }: PsqlRun): string {
  const batches = Math.floor(oldRows / batchSize) + 1;
  const old = `created_at < '${cutoff}'`;
  const lines = ['\\set last 0', '\\set more true'];
  for (let n = 1; n <= batches; n += 1) {
    const file = join(outDir, `batch-${String(n).padStart(6, '0')}.tsv.gz`);
    lines.push(
      '\\if :more',
      'BEGIN ISOLATION LEVEL REPEATABLE READ;',
      `COPY (SELECT * FROM ${TABLE} WHERE ${old} AND id > :last ORDER BY id LIMIT ${batchSize}) TO STDOUT \\g |gzip -c > '${file}'`,
      `SELECT count(*) = ${batchSize} AS more, coalesce(min(id), 0) AS first, coalesce(max(id), 0) AS hi FROM (SELECT id FROM ${TABLE} WHERE ${old} AND id > :last ORDER BY id LIMIT ${batchSize}) AS batch \\gset`,
      `DELETE FROM ${TABLE} WHERE id BETWEEN :first AND :hi AND ${old};`,
      'COMMIT;',
      '\\set last :hi',
      '\\endif',
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function keysetLoop(run: PsqlRun): Promise<void> {
  await psql(keysetLoopScript(run), run.log);
}

/** The read-side limit: every old row in one COPY through gzip to one file. */
export async function readLimit({ cutoff, outDir, log }: PsqlRun): Promise<void> {
  const file = join(outDir, 'all-old-rows.tsv.gz');
  await psql(
    `COPY (SELECT * FROM ${TABLE} WHERE created_at < '${cutoff}') TO STDOUT \\g |gzip -c > '${file}'\n`,
    log,
  );
}

/** The delete-side limit: every old row in one DELETE, one transaction. */
export async function deleteLimit({ cutoff, log }: PsqlRun): Promise<void> {
  await psql(`DELETE FROM ${TABLE} WHERE created_at < '${cutoff}';\n`, log);
}
