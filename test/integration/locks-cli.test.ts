/** `archiver locks list|release`, run as the built command (`npm run build` first) against real backends. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeaseLostError } from '../../src/errors';
import { createLockBackend, type LockBackend, type LeaseOwner } from '../../src/locks';
import { parseConfig } from '../../src/config';
import { ARCHIVER_BIN, runCli } from '../helpers/cli';
import { writeConfig } from '../helpers/restore-cli';
import { uniqueName } from '../helpers/services';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function configYaml(lock: string): string {
  return `storage: { bucket: archive }
lock: ${lock}
databases:
  - name: shop
    engine: postgres
    url: postgres://postgres@127.0.0.1:5432/shop
    tables: [{ name: events, timestampColumn: created_at, olderThan: 90d }]
`;
}

function holder(id: string): LeaseOwner {
  return { id, host: hostname(), pid: process.pid };
}

describe('archiver locks', () => {
  let dir: string;
  let configPath: string;
  let backend: LockBackend;

  beforeAll(() => {
    if (!existsSync(join(ARCHIVER_BIN, '..', '..', 'dist', 'cli', 'commands', 'locks.js'))) {
      throw new Error('dist/ has no locks command: run `npm run build`.');
    }
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'archiver-locks-cli-'));
    const yaml = configYaml(`{ backend: file, path: "${dir}", ttl: 1m, refreshEvery: 10s }`);
    configPath = writeConfig(yaml);
    backend = createLockBackend(parseConfig(yaml, configPath).lock);
  });
  afterEach(async () => {
    await backend.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists nothing when no lease is held', async () => {
    const text = await runCli(['locks', 'list', '--config', configPath]);
    expect(text).toMatchObject({ code: 0, stdout: 'No leases are held.\n' });
    const json = await runCli(['locks', 'list', '--config', configPath, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ backend: 'file', leases: [] });
  });

  it('lists each lease with its holder, host, pid, heartbeat, expiry and staleness', async () => {
    await backend.acquire('db-archiver/shop', holder('archive-db-shop/run-1'), 60_000);
    const text = await runCli(['locks', 'list', '--config', configPath]);
    expect(text.code).toBe(0);
    const [header, row] = text.stdout.split('\n');
    expect(header!.split(/\s+/)).toEqual([
      'RESOURCE',
      'OWNER',
      'HOST',
      'PID',
      'HEARTBEAT',
      'EXPIRES',
      'STALE',
    ]);
    expect(row!.split(/\s+/)).toEqual([
      'db-archiver/shop',
      'archive-db-shop/run-1',
      hostname(),
      String(process.pid),
      expect.stringMatching(/^\d+ms$|^\ds$/),
      'ago',
      'in',
      // The CLI's start takes a moment, more on a loaded machine; the heartbeat column allows up to 9s too.
      expect.stringMatching(/^(5\ds|1m00s)$/),
      'no',
    ]);

    const json = JSON.parse((await runCli(['locks', 'list', '--config', configPath, '--json'])).stdout);
    expect(json.leases).toEqual([
      expect.objectContaining({
        resource: 'db-archiver/shop',
        owner: holder('archive-db-shop/run-1'),
        stale: false,
        heartbeatAt: expect.stringMatching(/Z$/),
        expiresAt: expect.stringMatching(/Z$/),
      }),
    ]);
  });

  it('refuses to release a live lease without --force, naming its holder, and releases it with --force', async () => {
    const lease = (await backend.acquire('db-archiver/shop', holder('archive-db-shop/run-1'), 60_000))!;
    const refused = await runCli(['locks', 'release', '--config', configPath, '--database', 'shop']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`db-archiver/shop is held by archive-db-shop/run-1 on ${hostname()}`);
    expect(refused.stderr).toContain('--force');
    await expect(backend.check(lease)).resolves.toBeUndefined();

    const forced = await runCli([
      'locks',
      'release',
      '--config',
      configPath,
      '--database',
      'shop',
      '--force',
    ]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Released the live lease on db-archiver/shop');
    await expect(backend.check(lease)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('releases a stale lease without --force, by resource name', async () => {
    await backend.acquire('db-archiver/shop', holder('archive-db-shop/run-1'), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const released = await runCli(['locks', 'release', '--config', configPath, 'db-archiver/shop']);
    expect(released).toMatchObject({ code: 0 });
    expect(released.stdout).toContain('Released the stale lease on db-archiver/shop');
    expect(await backend.list()).toEqual([]);

    const again = await runCli(['locks', 'release', '--config', configPath, 'db-archiver/shop']);
    expect(again).toMatchObject({ code: 0, stdout: 'No lease on db-archiver/shop; nothing to release.\n' });
  });

  it('exits 2 on bad usage, changing nothing', async () => {
    await backend.acquire('db-archiver/shop', holder('archive-db-shop/run-1'), 60_000);
    for (const args of [
      ['locks', 'release', '--config', configPath],
      ['locks', 'release', '--config', configPath, 'db-archiver/shop', '--database', 'shop'],
      ['locks', 'list'],
      ['locks', 'release', '--config', writeConfig(configYaml('{ backend: none }')), '--database', 'shop'],
    ]) {
      const result = await runCli(args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
    }
    expect(await backend.list()).toHaveLength(1);
  });

  it('lists the leases of the redis backend too', async () => {
    const yaml = configYaml(`{ backend: redis, url: "${REDIS_URL}" }`);
    const redis = createLockBackend(parseConfig(yaml, 'redis.yaml').lock);
    const resource = `db-archiver/${uniqueName('cli')}`;
    const lease = (await redis.acquire(resource, holder('archive-db-cli/run-1'), 60_000))!;
    try {
      const json = JSON.parse(
        (await runCli(['locks', 'list', '--config', writeConfig(yaml), '--json'])).stdout,
      );
      expect(json.backend).toBe('redis');
      expect(json.leases).toContainEqual(expect.objectContaining({ resource, stale: false }));
    } finally {
      await redis.release(lease);
      await redis.close();
    }
  });

  it('reports an unreachable backend on stderr with exit code 1', async () => {
    const down = writeConfig(configYaml('{ backend: redis, url: "redis://127.0.0.1:1" }'));
    const result = await runCli(['locks', 'list', '--config', down]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The redis lock backend is unavailable');
  });
});
