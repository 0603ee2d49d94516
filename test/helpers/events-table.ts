/**
 * An `events` table (id, created_at, payload) in a fresh database of either engine, with rows older and newer
 * than the 90-day cutoff the tests configure.
 */
import type { Client as PgClient } from 'pg';
import type { Connection as MysqlConnection } from 'mysql2/promise';
import { createMysqlDatabase, createPgDatabase, mysqlConnect, pgConnect } from './services';

export type EngineKind = 'postgres' | 'mysql';

export class EventsTable {
  private constructor(
    readonly engine: EngineKind,
    readonly database: string,
    readonly url: string,
    private readonly pg: PgClient | null,
    private readonly my: MysqlConnection | null,
  ) {}

  /** `admin` points at other servers than the shared ones (the chaos lab's). */
  static async create(
    engine: EngineKind,
    prefix: string,
    admin: { pg?: string; mysql?: string } = {},
  ): Promise<EventsTable> {
    if (engine === 'postgres') {
      const db = await createPgDatabase(prefix, admin.pg);
      const client = await pgConnect(db.url);
      await client.query(
        `CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, payload text)`,
      );
      return new EventsTable(engine, db.name, db.url, client, null);
    }
    const db = await createMysqlDatabase(prefix, admin.mysql);
    const conn = await mysqlConnect(db.url);
    await conn.query(
      `CREATE TABLE events (id BIGINT PRIMARY KEY, created_at DATETIME(6) NOT NULL, payload LONGTEXT)`,
    );
    return new EventsTable(engine, db.name, db.url, null, conn);
  }

  /** The table's name as a configuration names it. */
  get configName(): string {
    return this.engine === 'postgres' ? 'public.events' : 'events';
  }

  /** Inserts rows `from..to` (inclusive ids) created `ageDays` ago, one minute apart. */
  async insert(from: number, to: number, ageDays: number, payload: (id: number) => string): Promise<void> {
    const ids = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      if (this.pg) {
        await this.pg.query(
          `INSERT INTO events (id, created_at, payload)
           SELECT id, now() - make_interval(days => $2) + id * interval '1 minute', p
             FROM unnest($1::bigint[], $3::text[]) AS t(id, p)`,
          [chunk, ageDays, chunk.map(payload)],
        );
      } else {
        await this.my!.query(`INSERT INTO events (id, created_at, payload) VALUES ?`, [
          chunk.map((id) => [id, new Date(Date.now() - ageDays * 86_400_000 + id * 60_000), payload(id)]),
        ]);
      }
    }
  }

  /** Inserts the given ids with exact creation times. */
  async insertAt(ids: number[], createdAt: (id: number) => Date): Promise<void> {
    for (const id of ids) {
      if (this.pg) {
        await this.pg.query(`INSERT INTO events (id, created_at, payload) VALUES ($1, $2, $3)`, [
          id,
          createdAt(id).toISOString(),
          `row ${id}`,
        ]);
      } else {
        const ts = createdAt(id).toISOString().replace('T', ' ').replace('Z', '');
        await this.my!.query(`INSERT INTO events (id, created_at, payload) VALUES (?, ?, ?)`, [
          id,
          ts,
          `row ${id}`,
        ]);
      }
    }
  }

  async update(id: number, payload: string): Promise<void> {
    if (this.pg) await this.pg.query(`UPDATE events SET payload = $2 WHERE id = $1`, [id, payload]);
    else await this.my!.query(`UPDATE events SET payload = ? WHERE id = ?`, [payload, id]);
  }

  async deleteIds(ids: number[]): Promise<void> {
    if (this.pg) await this.pg.query(`DELETE FROM events WHERE id = ANY($1::bigint[])`, [ids]);
    else await this.my!.query(`DELETE FROM events WHERE id IN (?)`, [ids]);
  }

  async ids(): Promise<number[]> {
    if (this.pg)
      return (await this.pg.query<{ id: string }>(`SELECT id FROM events ORDER BY id`)).rows.map((r) =>
        Number(r.id),
      );
    const [rows] = await this.my!.query(`SELECT id FROM events ORDER BY id`);
    return (rows as { id: number }[]).map((r) => Number(r.id));
  }

  async payload(id: number): Promise<string | null> {
    if (this.pg)
      return (
        (await this.pg.query<{ payload: string }>(`SELECT payload FROM events WHERE id = $1`, [id])).rows[0]
          ?.payload ?? null
      );
    const [rows] = await this.my!.query(`SELECT payload FROM events WHERE id = ?`, [id]);
    return (rows as { payload: string }[])[0]?.payload ?? null;
  }

  async close(): Promise<void> {
    await this.pg?.end();
    await this.my?.end();
  }
}
