import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';
import { BENCH_TABLE, MARIADB, OLD_FRACTION, PG, type Engine } from './settings';

/**
 * The benchmark table, the same shape and the same rows in both engines: id bigint, created_at datetime
 * (indexed), account_id, status, amount decimal, a 200-byte payload. Row i of N is old (created 92 to 392 days
 * ago) when i <= round(0.77 N), else young (88 days to 1 day ago): the two days around the 90-day cutoff are
 * empty, so every tool sees exactly the same old rows whatever second it computes its cutoff in. Keys grow with
 * time, as in an append-only events table. Every value is a pure function of i.
 */

export interface SeedShape {
  rows: number;
  oldRows: number;
}

export function seedShape(rows: number): SeedShape {
  return { rows, oldRows: Math.round(rows * OLD_FRACTION) };
}

const DAY_S = 86_400;

/** Seconds before the seed time, as SQL over the integer column `i`; `div` is the engine's integer division. */
function ageSeconds({ rows, oldRows }: SeedShape, div: string): string {
  const young = Math.max(rows - oldRows, 1);
  return `CASE WHEN i <= ${oldRows}
    THEN ${92 * DAY_S} + ((${oldRows} - i) * ${300 * DAY_S}) ${div} ${Math.max(oldRows, 1)}
    ELSE ${88 * DAY_S} - ((i - ${oldRows}) * ${87 * DAY_S}) ${div} ${young} END`;
}

const STATUS = `CASE i % 10 WHEN 0 THEN 'failed' WHEN 1 THEN 'open' WHEN 2 THEN 'open' ELSE 'done' END`;

export async function seedPostgres(database: string, shape: SeedShape): Promise<void> {
  const admin = new Client({ ...PG, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const db = new Client({ ...PG, database });
  await db.connect();
  try {
    await db.query(`SET TimeZone = 'UTC'`);
    await db.query(`DROP TABLE IF EXISTS public.${BENCH_TABLE}`);
    await db.query(`CREATE TABLE public.${BENCH_TABLE} (
      id bigint NOT NULL, created_at timestamp NOT NULL, account_id integer NOT NULL,
      status varchar(16) NOT NULL, amount numeric(12,2) NOT NULL, payload varchar(200) NOT NULL)`);
    await db.query(`INSERT INTO public.${BENCH_TABLE}
      SELECT i, date_trunc('second', localtimestamp) - interval '1 second' * (${ageSeconds(shape, '/')}),
             (i * 7919) % 100000, ${STATUS}, ((i * 104729) % 1000000) / 100.0, left(repeat(md5(i::text), 7), 200)
        FROM generate_series(1::bigint, ${shape.rows}::bigint) AS i`);
    await db.query(`ALTER TABLE public.${BENCH_TABLE} ADD PRIMARY KEY (id)`);
    await db.query(`CREATE INDEX ${BENCH_TABLE}_created_at ON public.${BENCH_TABLE} (created_at)`);
    // Hint bits and the visibility map set now, so no tool pays for the first read after the load.
    await db.query(`VACUUM (ANALYZE) public.${BENCH_TABLE}`);
  } finally {
    await db.end();
  }
}

export async function seedMariadb(database: string, shape: SeedShape): Promise<void> {
  const db = await createConnection({ ...MARIADB, multipleStatements: false });
  try {
    await db.query(`SET time_zone = '+00:00'`);
    await db.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
    await db.query(`USE \`${database}\``); // seq_1_to_N exists only inside a database
    await db.query(`DROP TABLE IF EXISTS \`${database}\`.${BENCH_TABLE}`);
    await db.query(`CREATE TABLE \`${database}\`.${BENCH_TABLE} (
      id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, created_at datetime NOT NULL, account_id int NOT NULL,
      status varchar(16) NOT NULL, amount decimal(12,2) NOT NULL, payload varchar(200) NOT NULL) ENGINE=InnoDB`);
    // The Sequence engine's seq_1_to_N; its values are unsigned, and i - oldRows must be allowed to go negative.
    await db.query(`INSERT INTO \`${database}\`.${BENCH_TABLE}
      SELECT i, UTC_TIMESTAMP() - INTERVAL (${ageSeconds(shape, 'DIV')}) SECOND,
             (i * 7919) % 100000, ${STATUS}, ((i * 104729) % 1000000) / 100, LEFT(REPEAT(MD5(i), 7), 200)
        FROM (SELECT CAST(seq AS SIGNED) AS i FROM seq_1_to_${shape.rows}) AS s`);
    await db.query(`ALTER TABLE \`${database}\`.${BENCH_TABLE} ADD INDEX created_at (created_at)`);
    await db.query(`ANALYZE TABLE \`${database}\`.${BENCH_TABLE}`);
  } finally {
    await db.end();
  }
}

export function seed(engine: Engine, database: string, shape: SeedShape): Promise<void> {
  return engine === 'postgres' ? seedPostgres(database, shape) : seedMariadb(database, shape);
}

/** Rows left in the table, and how many of them are older than the cutoff (both checked after every run). */
export async function countRows(
  engine: Engine,
  database: string,
  cutoff: string,
): Promise<{ total: number; old: number }> {
  const sql = `SELECT COUNT(*) AS total, COUNT(CASE WHEN created_at < '${cutoff}' THEN 1 END) AS old FROM `;
  if (engine === 'postgres') {
    const db = new Client({ ...PG, database });
    await db.connect();
    try {
      const { rows } = await db.query<{ total: string; old: string }>(`${sql} public.${BENCH_TABLE}`);
      return { total: Number(rows[0]!.total), old: Number(rows[0]!.old) };
    } finally {
      await db.end();
    }
  }
  const db = await createConnection({ ...MARIADB, database });
  try {
    const [rows] = await db.query(`${sql} ${BENCH_TABLE}`);
    const row = (rows as Array<{ total: number | string; old: number | string }>)[0]!;
    return { total: Number(row.total), old: Number(row.old) };
  } finally {
    await db.end();
  }
}
