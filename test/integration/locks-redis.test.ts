/** What only the Redis lease backend does: Redis's own expiry is the TTL, and connection errors are typed. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import Redis from 'ioredis';
import { LockBackendUnavailableError } from '../../src/errors';
import type { Lease, LeaseOwner } from '../../src/locks';
import { RedisLockBackend } from '../../src/locks/redis-lock';
import { uniqueName } from '../helpers/services';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TTL = 60_000;

function owner(name: string): LeaseOwner {
  return { id: `${name}-${randomUUID()}`, host: hostname(), pid: process.pid };
}

describe('the redis lease backend', () => {
  const keyPrefix = `${uniqueName('test-locks')}:`;
  let redis: Redis;
  let backend: RedisLockBackend;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  beforeEach(() => {
    backend = new RedisLockBackend({ url: REDIS_URL, keyPrefix });
  });
  afterEach(() => backend.close());
  afterAll(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('stores the token, owner and heartbeat under a key that Redis expires by itself', async () => {
    const holder = owner('a');
    const lease = (await backend.acquire('db-archiver/shop', holder, TTL))!;
    const key = `${keyPrefix}db-archiver/shop`;
    expect(JSON.parse((await redis.get(key))!)).toMatchObject({ token: lease.token, owner: holder });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(TTL - 5_000);
    expect(ttl).toBeLessThanOrEqual(TTL);
  });

  it('leaves a value it did not write alone and lists only its own leases', async () => {
    await redis.set(`${keyPrefix}db-archiver/foreign`, 'not json', 'PX', TTL);
    expect(await backend.acquire('db-archiver/foreign', owner('a'), TTL)).toBeNull();
    expect((await backend.list()).map((l) => l.resource)).not.toContain('db-archiver/foreign');
    expect(await redis.get(`${keyPrefix}db-archiver/foreign`)).toBe('not json');
  });

  it('reports a connection error as LockBackendUnavailableError from every call', async () => {
    const down = new RedisLockBackend({ url: 'redis://127.0.0.1:1', keyPrefix });
    const lease: Lease = {
      resource: 'r',
      token: 't',
      owner: owner('a'),
      acquiredAt: 0,
      expiresAt: Date.now() + TTL,
    };
    try {
      await expect(down.acquire('r', owner('a'), TTL)).rejects.toMatchObject({
        name: 'LockBackendUnavailableError',
        backend: 'redis',
        cause: expect.objectContaining({ code: 'ECONNREFUSED' }),
      });
      for (const call of [
        () => down.refresh(lease, TTL),
        () => down.check(lease),
        () => down.release(lease),
        () => down.list(),
        () => down.forceRelease('r'),
      ]) {
        await expect(call()).rejects.toBeInstanceOf(LockBackendUnavailableError);
      }
    } finally {
      await down.close();
    }
  });
});
