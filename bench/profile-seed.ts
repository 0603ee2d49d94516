/**
 * The benchmark table of the stage profiler, seeded server-side in a database of its own (`perf`) on both
 * engines: id bigint primary key, created_at indexed, account_id, status, amount decimal, a 200-byte payload;
 * 77% of the rows are older than 90 days and sort first by id, as in an append-only events table.
 */
import { Client } from 'pg';
import { createConnection } from 'mysql2/promise';

export type ProfileEngine = 'postgres' | 'mariadb';

export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const PG_PERF_URL = 'postgres://postgres@127.0.0.1:5432/perf';
export const MARIADB_PERF_URL = 'mysql://root@127.0.0.1:3306/perf';

/** The configured table name and connection URL the archiver uses for the benchmark table. */
export function perfTarget(engine: ProfileEngine): {
  url: string;
  table: string;
  kind: 'postgres' | 'mysql';
} {
  return engine === 'postgres'
    ? { url: PG_PERF_URL, table: 'public.events', kind: 'postgres' }
    : { url: MARIADB_PERF_URL, table: 'perf.events', kind: 'mysql' };
}

/** Rows older than the 90-day cutoff: the first 77% of ids. */
export function oldRows(rows: number): number {
  return Math.floor(rows * 0.77);
}

export async function seedPerfTable(engine: ProfileEngine, rows: number): Promise<void> {
  if (engine === 'postgres') await seedPostgres(rows);
  else await seedMariadb(rows);
}

async function seedPostgres(rows: number): Promise<void> {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'perf'`);
  if (exists.rowCount === 0) await admin.query('CREATE DATABASE perf');
  await admin.end();
  const db = new Client({ connectionString: PG_PERF_URL });
  await db.connect();
  await db.query(`SET TimeZone = 'UTC'`);
  const old = oldRows(rows);
  await db.query('DROP TABLE IF EXISTS public.events');
  await db.query(`CREATE TABLE public.events (
      id bigint PRIMARY KEY, created_at timestamp NOT NULL, account_id bigint NOT NULL,
      status varchar(16) NOT NULL, amount numeric(12,2) NOT NULL, payload varchar(200) NOT NULL)`);
  // Old rows spread over 400..91 days ago, recent ones over the last 89 days, both rising with id.
  await db.query(
    `INSERT INTO public.events
     SELECT i,
            CASE WHEN i <= $2
              THEN now()::timestamp - interval '400 days' + (i::float8 / $2) * interval '309 days'
              ELSE now()::timestamp - interval '89 days' + ((i - $2)::float8 / greatest($1 - $2, 1)) * interval '89 days'
            END,
            (i * 7919) % 100000,
            (ARRAY['new','paid','shipped','done'])[1 + i % 4],
            ((i * 37) % 1000000) / 100.0,
            left(repeat(md5(i::text), 7), 200)
       FROM generate_series(1, $1::bigint) AS i`,
    [rows, old],
  );
  await db.query('CREATE INDEX events_created_at ON public.events (created_at)');
  await db.query('VACUUM ANALYZE public.events');
  await db.end();
}

async function seedMariadb(rows: number): Promise<void> {
  const admin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  await admin.query('CREATE DATABASE IF NOT EXISTS perf');
  await admin.query('DROP TABLE IF EXISTS perf.events');
  await admin.query(`CREATE TABLE perf.events (
      id bigint NOT NULL PRIMARY KEY, created_at datetime NOT NULL, account_id bigint NOT NULL,
      status varchar(16) NOT NULL, amount decimal(12,2) NOT NULL, payload varchar(200) NOT NULL,
      KEY events_created_at (created_at)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`);
  const old = oldRows(rows);
  // MariaDB's Sequence engine generates the ids server-side; chunks keep each transaction moderate.
  const chunk = 500_000;
  for (let start = 1; start <= rows; start += chunk) {
    const end = Math.min(rows, start + chunk - 1);
    await admin.query(
      `INSERT INTO perf.events
       SELECT seq,
              IF(seq <= ?, UTC_TIMESTAMP() - INTERVAL 400 DAY + INTERVAL FLOOR(seq / ? * 309 * 86400) SECOND,
                 UTC_TIMESTAMP() - INTERVAL 89 DAY + INTERVAL FLOOR((seq - ?) / GREATEST(? - ?, 1) * 89 * 86400) SECOND),
              (seq * 7919) % 100000,
              ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'done'),
              ((seq * 37) % 1000000) / 100,
              LEFT(REPEAT(MD5(seq), 7), 200)
         FROM perf.seq_${start}_to_${end}`,
      [old, old, old, rows, old],
    );
  }
  await admin.query('ANALYZE TABLE perf.events');
  await admin.end();
}
