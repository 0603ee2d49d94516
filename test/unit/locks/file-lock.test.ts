/** The file backend's staleness rules on a controlled clock, and its generation files, without waiting. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeaseLostError } from '../../../src/errors';
import type { LeaseOwner } from '../../../src/locks';
import { FileLockBackend } from '../../../src/locks/file-lock';

const TTL = 60_000;
const here = (id: string, pid = 4242): LeaseOwner => ({ id, host: hostname(), pid });
const elsewhere = (id: string): LeaseOwner => ({ id, host: 'some-other-host', pid: 4242 });

describe('the file lease backend', () => {
  let dir: string;
  let clock: number;
  let alive: Set<number>;
  const open = () => new FileLockBackend({ path: dir, now: () => clock, isAlive: (pid) => alive.has(pid) });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'archiver-file-lock-unit-'));
    clock = Date.parse('2026-03-01T00:00:00Z');
    alive = new Set([4242]);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps a lease live until its TTL has passed since the last heartbeat, then lets it be taken over', async () => {
    const a = open();
    const lease = (await a.acquire('db-archiver/shop', here('a'), TTL))!;
    clock += TTL - 1;
    expect(await open().acquire('db-archiver/shop', here('b'), TTL)).toBeNull();
    expect((await open().list())[0]).toMatchObject({ stale: false, heartbeatAt: lease.acquiredAt });

    clock += 1;
    expect((await open().list())[0]).toMatchObject({ stale: true });
    const taken = await open().acquire('db-archiver/shop', here('b'), TTL);
    expect(taken?.takenOverFrom).toEqual(here('a'));
    await expect(a.check(lease)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('moves the expiry forward on refresh and records the heartbeat', async () => {
    const a = open();
    const lease = (await a.acquire('db-archiver/shop', here('a'), TTL))!;
    clock += TTL / 2;
    const refreshed = await a.refresh(lease, TTL);
    expect(refreshed.expiresAt).toBe(clock + TTL);
    clock += TTL - 1;
    expect(await open().acquire('db-archiver/shop', here('b'), TTL)).toBeNull();
    expect((await open().list())[0]).toMatchObject({ heartbeatAt: clock - TTL + 1, stale: false });
  });

  it('refuses to refresh a lease that expired, even when nobody took it', async () => {
    const a = open();
    const lease = (await a.acquire('db-archiver/shop', here('a'), TTL))!;
    clock += TTL;
    await expect(a.refresh(lease, TTL)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(a.check(lease)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('treats the lease of a dead process on this host as stale at once', async () => {
    await open().acquire('db-archiver/shop', here('dead', 999_999), TTL);
    expect((await open().list())[0]).toMatchObject({ stale: true });
    expect((await open().acquire('db-archiver/shop', here('b'), TTL))?.takenOverFrom?.id).toBe('dead');
  });

  it('cannot judge a process on another host, so waits for the TTL there', async () => {
    alive.clear();
    await open().acquire('db-archiver/shop', elsewhere('remote'), TTL);
    expect(await open().acquire('db-archiver/shop', here('b'), TTL)).toBeNull();
  });

  it('lets exactly one of many concurrent takers replace a stale lease', async () => {
    await open().acquire('db-archiver/shop', here('stopped'), TTL);
    clock += TTL;
    const takers = Array.from({ length: 10 }, (_, i) =>
      open().acquire('db-archiver/shop', here(`taker-${i}`), TTL),
    );
    const won = (await Promise.all(takers)).filter((lease) => lease !== null);
    expect(won).toHaveLength(1);
    await expect(open().check(won[0]!)).resolves.toBeUndefined();
  });

  it('takes over a lock file it cannot read, and lists it as stale meanwhile', async () => {
    await writeFile(join(dir, `${encodeURIComponent('db-archiver/shop')}.000000000001.lock`), 'garbage');
    expect(await open().list()).toEqual([
      expect.objectContaining({
        resource: 'db-archiver/shop',
        stale: true,
        owner: expect.objectContaining({ pid: 0 }),
      }),
    ]);
    expect(await open().acquire('db-archiver/shop', here('b'), TTL)).not.toBeNull();
  });

  it('keeps one file per resource, a released marker once released, and lists only held leases', async () => {
    const a = open();
    const first = (await a.acquire('db-archiver/shop', here('a'), TTL))!;
    await a.release(first);
    const second = (await a.acquire('db-archiver/shop', here('a'), TTL))!;
    await a.acquire('db-archiver/billing', here('a'), TTL);
    await a.release(second);

    const files = (await readdir(dir)).sort();
    expect(files).toEqual([
      'db-archiver%2Fbilling.000000000001.lock',
      'db-archiver%2Fshop.000000000004.lock',
    ]);
    expect((await a.list()).map((l) => l.resource)).toEqual(['db-archiver/billing']);
  });

  it('ignores a release of a lease that was already taken over', async () => {
    const a = open();
    const old = (await a.acquire('db-archiver/shop', here('a'), TTL))!;
    clock += TTL;
    const current = (await open().acquire('db-archiver/shop', here('b'), TTL))!;
    await a.release(old);
    await expect(open().check(current)).resolves.toBeUndefined();
  });

  it('frees a live lease on forceRelease and reports whether there was one', async () => {
    const lease = (await open().acquire('db-archiver/shop', here('a'), TTL))!;
    expect(await open().forceRelease('db-archiver/shop')).toBe(true);
    expect(await open().forceRelease('db-archiver/shop')).toBe(false);
    await expect(open().check(lease)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('reports a directory it cannot use as LockBackendUnavailableError', async () => {
    await writeFile(join(dir, 'not-a-dir'), '');
    const broken = new FileLockBackend({ path: join(dir, 'not-a-dir', 'locks') });
    await expect(broken.acquire('db-archiver/shop', here('a'), TTL)).rejects.toMatchObject({
      name: 'LockBackendUnavailableError',
      backend: 'file',
    });
  });
});
