/**
 * The lease contract (src/locks/lock.ts), run against every backend on the real services: Redis, PostgreSQL and
 * a real directory. Each `open()` builds a backend with connections of its own, as another process would have.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { LeaseHeldError, LeaseLostError } from '../../src/errors';
import { acquireOrThrow, type Lease, type LeaseOwner, type LockBackend } from '../../src/locks';
import { FileLockBackend } from '../../src/locks/file-lock';
import { PostgresLockBackend } from '../../src/locks/postgres-lock';
import { RedisLockBackend } from '../../src/locks/redis-lock';
import { PG_ADMIN_URL, pgConnect, uniqueName } from '../helpers/services';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LONG_TTL = 30_000;
const SHORT_TTL = 500;

interface Subject {
  name: string;
  /** Creates what the backends need (a schema, a directory) before the first open(). */
  prepare(): Promise<void>;
  /** A backend with connections of its own, as a separate process would have. */
  open(): LockBackend;
  /** List shows a lapsed lease as stale (file, postgres); Redis drops it by itself. */
  listsStaleLeases: boolean;
  /** A takeover names the previous owner; Redis no longer knows it once the key expired. */
  namesPreviousOwner: boolean;
  teardown(): Promise<void>;
}

function redisSubject(): Subject {
  const keyPrefix = `${uniqueName('test-locks')}:`;
  return {
    name: 'redis',
    prepare: async () => undefined,
    open: () => new RedisLockBackend({ url: REDIS_URL, keyPrefix }),
    listsStaleLeases: false,
    namesPreviousOwner: false,
    async teardown() {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${keyPrefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

function postgresSubject(): Subject {
  const schema = uniqueName('locks').toLowerCase();
  const admin = async (sql: string) => {
    const client = await pgConnect(PG_ADMIN_URL);
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgres',
    prepare: () => admin(`CREATE SCHEMA "${schema}"`),
    open: () => new PostgresLockBackend({ url: PG_ADMIN_URL, schema }),
    listsStaleLeases: true,
    namesPreviousOwner: true,
    teardown: () => admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  };
}

function fileSubject(): Subject {
  let dir = '';
  return {
    name: 'file',
    prepare: async () => {
      dir = await mkdtemp(join(tmpdir(), 'archiver-locks-'));
    },
    open: () => new FileLockBackend({ path: dir }),
    listsStaleLeases: true,
    namesPreviousOwner: true,
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function owner(name: string): LeaseOwner {
  return { id: `${name}-${randomUUID()}`, host: hostname(), pid: process.pid, description: `test ${name}` };
}

describe.each([redisSubject(), postgresSubject(), fileSubject()])('the $name lease backend', (subject) => {
  const open: LockBackend[] = [];
  let a: LockBackend;
  let b: LockBackend;
  let resource: string;

  const backend = () => {
    const created = subject.open();
    open.push(created);
    return created;
  };

  beforeEach(() => {
    a = backend();
    b = backend();
    resource = `db-archiver/${uniqueName('db')}`;
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((x) => x.close()));
  });

  beforeAll(() => subject.prepare());
  afterAll(() => subject.teardown());

  it('grants exactly one of two concurrent acquirers, race after race', async () => {
    for (let race = 0; race < 10; race++) {
      const contested = `${resource}-${race}`;
      const results = await Promise.all([
        a.acquire(contested, owner('a'), LONG_TTL),
        b.acquire(contested, owner('b'), LONG_TTL),
      ]);
      expect(results.filter((lease) => lease !== null)).toHaveLength(1);
    }
  });

  it('refuses a live lease to another owner, and acquireOrThrow names the holder', async () => {
    const holder = owner('holder');
    const lease = await a.acquire(resource, holder, LONG_TTL);
    expect(lease).toMatchObject({ resource, owner: holder });
    expect(lease!.expiresAt - lease!.acquiredAt).toBe(LONG_TTL);
    expect(await b.acquire(resource, owner('other'), LONG_TTL)).toBeNull();

    const refused = acquireOrThrow(b, resource, owner('other'), LONG_TTL);
    await expect(refused).rejects.toBeInstanceOf(LeaseHeldError);
    await expect(refused).rejects.toMatchObject({ resource, holder: { id: holder.id, pid: process.pid } });
  });

  it('extends a lease on refresh, past its first expiry', async () => {
    const lease = (await a.acquire(resource, owner('a'), SHORT_TTL))!;
    const refreshed = await a.refresh(lease, LONG_TTL);
    expect(refreshed.token).toBe(lease.token);
    expect(refreshed.expiresAt).toBeGreaterThan(lease.expiresAt);

    await sleep(SHORT_TTL + 200);
    await expect(a.check(refreshed)).resolves.toBeUndefined();
    expect(await b.acquire(resource, owner('b'), LONG_TTL)).toBeNull();
  });

  it('checks and refreshes a lease from another process than the one that acquired it', async () => {
    const lease = (await a.acquire(resource, owner('a'), LONG_TTL))!;
    await expect(b.check(lease)).resolves.toBeUndefined();
    const refreshed = await b.refresh(lease, LONG_TTL);
    await expect(a.check(refreshed)).resolves.toBeUndefined();
  });

  it('lets a released lease be acquired again, and releasing twice is harmless', async () => {
    const lease = (await a.acquire(resource, owner('a'), LONG_TTL))!;
    await a.release(lease);
    await a.release(lease);
    await expect(a.check(lease)).rejects.toBeInstanceOf(LeaseLostError);

    const next = await b.acquire(resource, owner('b'), LONG_TTL);
    expect(next).not.toBeNull();
    expect(next!.takenOverFrom).toBeUndefined();
    expect(next!.token).not.toBe(lease.token);
  });

  it('refuses refresh and check with a foreign token, and a foreign release changes nothing', async () => {
    const lease = (await a.acquire(resource, owner('a'), LONG_TTL))!;
    const foreign: Lease = { ...lease, token: randomUUID() };

    await expect(b.refresh(foreign, LONG_TTL)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(b.check(foreign)).rejects.toMatchObject({
      name: 'LeaseLostError',
      resource,
      token: foreign.token,
    });
    await b.release(foreign);

    await expect(a.check(lease)).resolves.toBeUndefined();
    expect(await b.acquire(resource, owner('b'), LONG_TTL)).toBeNull();
  });

  it('takes over a lease whose holder stopped refreshing, and the old holder then fails its check', async () => {
    const first = owner('first');
    const stopped = (await a.acquire(resource, first, SHORT_TTL))!;
    expect(await b.acquire(resource, owner('second'), LONG_TTL)).toBeNull();

    await sleep(SHORT_TTL + 200);
    const taken = await b.acquire(resource, owner('second'), LONG_TTL);
    expect(taken).not.toBeNull();
    if (subject.namesPreviousOwner) expect(taken!.takenOverFrom).toEqual(first);

    await expect(a.check(stopped)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(a.refresh(stopped, LONG_TTL)).rejects.toBeInstanceOf(LeaseLostError);
    await a.release(stopped);
    await expect(b.check(taken!)).resolves.toBeUndefined();
  });

  it('fails the check of a lease that expired even when nobody took it', async () => {
    const lease = (await a.acquire(resource, owner('a'), SHORT_TTL))!;
    await sleep(SHORT_TTL + 200);
    await expect(a.check(lease)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(a.refresh(lease, LONG_TTL)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('lists the holder, its host and pid, heartbeat, expiry and staleness', async () => {
    const holder = owner('listed');
    const before = Date.now();
    const lease = (await a.acquire(resource, holder, LONG_TTL))!;
    const lapsing = `${resource}-lapsing`;
    await a.acquire(lapsing, owner('lapsing'), SHORT_TTL);

    const listed = (await b.list()).find((l) => l.resource === resource);
    expect(listed).toMatchObject({ resource, owner: holder, stale: false });
    expect(listed!.heartbeatAt).toBeGreaterThanOrEqual(before - 50);
    expect(Math.abs(listed!.expiresAt - lease.expiresAt)).toBeLessThan(1000);

    await sleep(SHORT_TTL + 200);
    const lapsed = (await b.list()).find((l) => l.resource === lapsing);
    if (subject.listsStaleLeases) expect(lapsed).toMatchObject({ resource: lapsing, stale: true });
    else expect(lapsed).toBeUndefined();
  });

  it('frees a lease on forceRelease, whoever holds it, and the holder then fails its check', async () => {
    const lease = (await a.acquire(resource, owner('a'), LONG_TTL))!;
    expect(await b.forceRelease(resource)).toBe(true);
    await expect(a.check(lease)).rejects.toBeInstanceOf(LeaseLostError);

    expect(await b.acquire(resource, owner('b'), LONG_TTL)).not.toBeNull();
    expect(await b.forceRelease(`${resource}-never-held`)).toBe(false);
  });

  it('gives a retried acquire by the same owner a new lease that voids the earlier one', async () => {
    const run = owner('run');
    const first = (await a.acquire(resource, run, LONG_TTL))!;
    const retried = await b.acquire(resource, run, LONG_TTL);
    expect(retried).not.toBeNull();
    expect(retried!.token).not.toBe(first.token);
    expect(retried!.takenOverFrom).toBeUndefined();

    await expect(a.check(first)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(b.check(retried!)).resolves.toBeUndefined();
  });
});
