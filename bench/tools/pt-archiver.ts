import { join } from 'node:path';
import { exec } from '../exec';
import { BENCH_DATABASE, BENCH_TABLE, MARIADB } from '../settings';

/**
 * The MariaDB anchor, Percona's pt-archiver (installed pinned by bench/setup.sh): old rows to a local file,
 * bulk deletes, a commit per batch. A=utf8mb4 matches the table's character set (pt-archiver refuses a mismatch).
 */

export interface PtArchiverRun {
  cutoff: string;
  batchSize: number;
  outDir: string;
  log: string;
}

export function ptArchiverArgs({ cutoff, batchSize, outDir }: PtArchiverRun): string[] {
  const dsn = `h=${MARIADB.host},P=${MARIADB.port},u=${MARIADB.user},D=${BENCH_DATABASE},t=${BENCH_TABLE},A=utf8mb4`;
  return [
    '--source',
    dsn,
    '--where',
    `created_at < '${cutoff}'`,
    '--file',
    join(outDir, '%D.%t.txt'),
    '--bulk-delete',
    '--commit-each',
    '--limit',
    String(batchSize),
    '--statistics',
  ];
}

export async function ptArchiver(run: PtArchiverRun): Promise<void> {
  await exec('pt-archiver', ptArchiverArgs(run), { log: run.log });
}
