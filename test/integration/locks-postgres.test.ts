/**
 * What only the PostgreSQL lease backend does: the advisory lock lives on a dedicated session, so PostgreSQL
 * frees it when that session dies, and the lease table tells a live holder from a dead one.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client } from 'pg';
import { LeaseLostError, LockBackendUnavailableError } from '../../src/errors';
import type { LeaseOwner } from '../../src/locks';
import { PostgresLockBackend } from '../../src/locks/postgres-lock';
import { PG_ADMIN_URL, pgConnect, uniqueName } from '../helpers/services';

const TTL = 60_000;

function owner(name: string): LeaseOwner {
  return { id: `${name}-${randomUUID()}`, host: hostname(), pid: process.pid };
}

describe('the postgres lease backend', () => {
  const schema = uniqueName('locks_pg').toLowerCase();
  let admin: Client;
  const backends: PostgresLockBackend[] = [];
  let resource: string;

  const open = (now?: () => number) => {
    const backend = new PostgresLockBackend({ url: PG_ADMIN_URL, schema, ...(now ? { now } : {}) });
    backends.push(backend);
    return backend;
  };
  const holderPid = async (res: string): Promise<number> => {
    const row = await admin.query<{ backend_pid: number }>(
      `SELECT backend_pid FROM "${schema}".db_archiver_leases WHERE resource = $1`,
      [res],
    );
    return row.rows[0]!.backend_pid;
  };

  beforeAll(async () => {
    admin = await pgConnect(PG_ADMIN_URL);
    await admin.query(`CREATE SCHEMA "${schema}"`);
  });
  beforeEach(() => {
    resource = `db-archiver/${uniqueName('db')}`;
  });
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('holds each lease on a session of its own, never on a pooled connection', async () => {
    const backend = open();
    await backend.acquire(resource, owner('a'), TTL);
    await backend.acquire(`${resource}-2`, owner('a'), TTL);
    const sessions = await admin.query<{ pid: number; application_name: string }>(
      `SELECT l.pid, a.application_name FROM "${schema}".db_archiver_leases lease
         JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.pid = lease.backend_pid
         JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE lease.resource IN ($1, $2)`,
      [resource, `${resource}-2`],
    );
    expect(sessions.rows).toHaveLength(2);
    expect(new Set(sessions.rows.map((s) => s.pid)).size).toBe(2);
    expect(sessions.rows.every((s) => s.application_name === 'db-archiver lease')).toBe(true);
  });

  it('frees the lease when its session is killed, and the old holder then fails its check', async () => {
    const holder = owner('killed');
    const a = open();
    const lease = (await a.acquire(resource, holder, TTL))!;
    await admin.query('SELECT pg_terminate_backend($1)', [await holderPid(resource)]);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const b = open();
    expect((await b.list()).find((l) => l.resource === resource)).toMatchObject({
      owner: holder,
      stale: true,
    });
    const taken = await b.acquire(resource, owner('next'), TTL);
    expect(taken).toMatchObject({ resource, takenOverFrom: holder });
    await expect(a.check(lease)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(a.refresh(lease, TTL)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(b.check(taken!)).resolves.toBeUndefined();
  });

  it('treats a live session whose heartbeat is older than its TTL as stale, and ends it to take over', async () => {
    const a = open();
    const lease = (await a.acquire(resource, owner('slow'), TTL))!;
    const later = open(() => Date.now() + TTL + 1_000);
    expect((await later.list()).find((l) => l.resource === resource)?.stale).toBe(true);
    expect(await open().acquire(resource, owner('early'), TTL)).toBeNull();

    const taken = await later.acquire(resource, owner('later'), TTL);
    expect(taken?.takenOverFrom?.id).toBe(lease.owner.id);
    await expect(a.check(lease)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('gives up its leases on close, so the next acquirer takes them over at once', async () => {
    const a = open();
    const holder = owner('closing');
    await a.acquire(resource, holder, TTL);
    await a.close();
    const taken = await open().acquire(resource, owner('next'), TTL);
    expect(taken?.takenOverFrom).toEqual(holder);
  });

  it('releases a lease held by another process by ending that session', async () => {
    const a = open();
    const lease = (await a.acquire(resource, owner('a'), TTL))!;
    await open().release(lease);
    await expect(a.check(lease)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await open().acquire(resource, owner('b'), TTL)).toMatchObject({ resource });
  });

  it('creates its table in the configured schema on the first acquire, and looking creates nothing', async () => {
    const tableExists = async (inSchema: string) =>
      (
        await admin.query(
          `SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'db_archiver_leases'`,
          [inSchema],
        )
      ).rowCount === 1;
    const bare = uniqueName('locks_bare').toLowerCase();
    await admin.query(`CREATE SCHEMA "${bare}"`);
    try {
      const looking = new PostgresLockBackend({ url: PG_ADMIN_URL, schema: bare });
      backends.push(looking);
      expect(await looking.list()).toEqual([]);
      expect(await looking.forceRelease(resource)).toBe(false);
      await looking.release({ resource, token: 't', owner: owner('a'), acquiredAt: 0, expiresAt: 0 });
      expect(await tableExists(bare)).toBe(false);

      await looking.acquire(resource, owner('a'), TTL);
      expect(await tableExists(bare)).toBe(true);
    } finally {
      await Promise.all(backends.splice(0).map((b) => b.close()));
      await admin.query(`DROP SCHEMA "${bare}" CASCADE`);
    }
  });

  it('lets two backends that create the table at once in a new schema both take their leases', async () => {
    // CREATE TABLE IF NOT EXISTS is not safe against itself: the loser of the race may see the table's row type
    // already created (duplicate_object), as happened on a new machine's first run.
    for (let round = 0; round < 60; round += 1) {
      const fresh = uniqueName('locks_race').toLowerCase();
      await admin.query(`CREATE SCHEMA "${fresh}"`);
      const pair = [0, 1].map(() => new PostgresLockBackend({ url: PG_ADMIN_URL, schema: fresh }));
      try {
        const leases = await Promise.all(
          pair.map((b, i) => b.acquire(`${resource}-${i}`, owner(`r${i}`), TTL)),
        );
        expect(leases.map((lease) => lease?.resource)).toEqual([`${resource}-0`, `${resource}-1`]);
      } finally {
        await Promise.all(pair.map((b) => b.close()));
        await admin.query(`DROP SCHEMA "${fresh}" CASCADE`);
      }
    }
  });

  it('reports an unreachable server as LockBackendUnavailableError', async () => {
    const down = new PostgresLockBackend({ url: 'postgres://postgres@127.0.0.1:1/postgres', schema });
    backends.push(down);
    await expect(down.acquire(resource, owner('a'), TTL)).rejects.toBeInstanceOf(LockBackendUnavailableError);
    await expect(down.list()).rejects.toMatchObject({
      name: 'LockBackendUnavailableError',
      backend: 'postgres',
    });
    await expect(
      down.check({ resource, token: 'x', owner: owner('a'), acquiredAt: 0, expiresAt: Date.now() + TTL }),
    ).rejects.toBeInstanceOf(LockBackendUnavailableError);
  });
});
