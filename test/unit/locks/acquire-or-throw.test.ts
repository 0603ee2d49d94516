import { LeaseHeldError } from '../../../src/errors';
import { acquireOrThrow, type Lease, type LeaseInfo, type LockBackend } from '../../../src/locks';

const holder = { id: 'archive-db-shop/run-1', host: 'worker-1', pid: 77 };
const me = { id: 'archive-db-shop/run-2', host: 'worker-2', pid: 88 };
const lease: Lease = { resource: 'db-archiver/shop', token: 't', owner: me, acquiredAt: 1, expiresAt: 2 };

function fakeBackend(acquired: (Lease | null)[], listed: LeaseInfo[][]): LockBackend & { acquires: number } {
  const backend = {
    name: 'fake',
    acquires: 0,
    acquire: async () => {
      backend.acquires++;
      return acquired.shift() ?? null;
    },
    list: async () => listed.shift() ?? [],
  };
  return backend as unknown as LockBackend & { acquires: number };
}

describe('acquireOrThrow', () => {
  it('returns the lease when the resource is free', async () => {
    await expect(acquireOrThrow(fakeBackend([lease], []), 'db-archiver/shop', me, 1000)).resolves.toBe(lease);
  });

  it('names the holder and its expiry when someone holds a live lease', async () => {
    const info: LeaseInfo = {
      resource: 'db-archiver/shop',
      owner: holder,
      heartbeatAt: 0,
      expiresAt: 1_000,
      stale: false,
    };
    const error = await acquireOrThrow(fakeBackend([null], [[info]]), 'db-archiver/shop', me, 1000).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(LeaseHeldError);
    expect(error).toMatchObject({ resource: 'db-archiver/shop', holder, expiresAt: 1_000 });
    expect(error.message).toBe(
      'The lease on db-archiver/shop is held by archive-db-shop/run-1 on worker-1 (pid 77) until 1970-01-01T00:00:01.000Z.',
    );
  });

  it('tries again when the holder let go between the acquire and the look-up', async () => {
    const backend = fakeBackend([null, lease], [[]]);
    await expect(acquireOrThrow(backend, 'db-archiver/shop', me, 1000)).resolves.toBe(lease);
    expect(backend.acquires).toBe(2);
  });
});
