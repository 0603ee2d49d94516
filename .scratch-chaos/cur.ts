import { Pool, Client } from 'pg';
import Cursor from 'pg-cursor';
(async () => {
  const pool = new Pool({ connectionString: 'postgres://postgres@127.0.0.1:15432/postgres', max: 2 });
  pool.on('error', () => undefined);
  pool.on('connect', (c) => c.on('error', () => undefined));
  const client = await pool.connect();
  const pid = (await client.query('select pg_backend_pid() as p')).rows[0].p;
  const cursor = client.query(new Cursor('select g, repeat(\'x\', 100) from generate_series(1, 100000) g'));
  console.log('first', (await cursor.read(10)).length);
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:15432/postgres' }); await admin.connect();
  await admin.query('select pg_terminate_backend($1)', [pid]); await admin.end();
  const t = setTimeout(() => { console.log('HANG: read never settled'); process.exit(1); }, 5000);
  try { console.log('second', (await cursor.read(10)).length); } catch (e) { console.log('rejected', String(e)); }
  clearTimeout(t);
  client.release(true); await pool.end();
})();
