import { createLockBackend, processOwner } from '../../../src/locks';

describe('the none lease backend', () => {
  const none = createLockBackend({
    backend: 'none',
    ttl: '2m',
    ttlMs: 120_000,
    refreshEvery: '30s',
    refreshMs: 30_000,
  });

  it('grants every acquirer, keeps nothing and never reports a lease lost', async () => {
    const a = await none.acquire('db-archiver/shop', processOwner('a'), 1_000);
    const b = await none.acquire('db-archiver/shop', processOwner('b'), 1_000);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(a!.token).not.toBe(b!.token);
    await expect(none.check(a!)).resolves.toBeUndefined();
    expect((await none.refresh(a!, 5_000)).expiresAt).toBeGreaterThan(a!.expiresAt);
    expect(await none.list()).toEqual([]);
    expect(await none.forceRelease('db-archiver/shop')).toBe(false);
    await none.release(a!);
    await none.close();
  });
});
