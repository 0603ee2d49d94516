/**
 * The file lease backend across real processes: `node -e` children built from dist/ (run `npm run build`
 * first) race for the same lock files in one directory.
 */
import { spawn } from 'node:child_process';
import { statSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLockBackend } from '../../src/locks/file-lock';

const ROOT = join(__dirname, '..', '..');
const DIST_LOCKS = join(ROOT, 'dist', 'locks', 'index.js');
const TTL = 60_000;

// Each child loads the library, says it is ready, tries once when told to go, prints whether it won, and stays
// alive (holding what it won) until its stdin closes, so a winner is never mistaken for a dead holder.
const CHILD = `
const [dist, dir, resource] = process.argv.slice(1);
const { createLockBackend, processOwner } = require(dist);
const config = { backend: 'file', path: dir, ttl: '1m', ttlMs: ${TTL}, refreshEvery: '30s', refreshMs: 30000 };
const backend = createLockBackend(config);
process.stdin.once('data', async () => {
  const lease = await backend.acquire(resource, processOwner('child-' + process.pid), ${TTL});
  process.stdout.write(JSON.stringify({ pid: process.pid, won: lease !== null }) + '\\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdout.write('ready\\n');
`;

interface ChildResult {
  pid: number;
  won: boolean;
}

interface Child {
  /** Resolves once the child has loaded the library. */
  ready: Promise<void>;
  /** Tells it to try; resolves to what it got. */
  go(): Promise<ChildResult>;
  /** Closes its stdin and waits for it to exit. */
  stop(): Promise<void>;
}

function child(dir: string, resource: string): Child {
  const proc = spawn(process.execPath, ['-e', CHILD, DIST_LOCKS, dir, resource]);
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  const line = (n: number) =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const lines = out.split('\n');
        if (lines.length > n + 1) resolve(lines[n]!);
      };
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        look();
      });
      look();
      void exited.then((code) => reject(new Error(`child exited ${code}: ${err}`)));
    });
  return {
    ready: line(0).then(() => undefined),
    async go() {
      proc.stdin.write('go\n');
      return JSON.parse(await line(1)) as ChildResult;
    },
    async stop() {
      proc.stdin.end();
      await exited;
    },
  };
}

/** Two children per resource, told to go at the same instant once all are ready; the winners per resource. */
async function race(dir: string, resources: string[]): Promise<ChildResult[][]> {
  const children = resources.map((resource) => [child(dir, resource), child(dir, resource)]);
  const all = children.flat();
  try {
    await Promise.all(all.map((c) => c.ready));
    const results = await Promise.all(children.map((pair) => Promise.all(pair.map((c) => c.go()))));
    return results.map((pair) => pair.filter((r) => r.won));
  } finally {
    await Promise.all(all.map((c) => c.stop()));
  }
}

function assertBuilt(): void {
  const src = join(ROOT, 'src', 'locks');
  const newestSource = Math.max(...readdirSync(src).map((f) => statSync(join(src, f)).mtimeMs));
  let built = 0;
  try {
    built = statSync(DIST_LOCKS).mtimeMs;
  } catch {
    // not built at all
  }
  if (built < newestSource)
    throw new Error('dist/locks is missing or older than src/locks: run `npm run build`.');
}

describe('the file lease backend across processes', () => {
  let dir: string;

  beforeAll(assertBuilt);
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'archiver-file-locks-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lets exactly one of two processes racing for a free lease win', async () => {
    const winners = await race(dir, ['db-archiver/a', 'db-archiver/b', 'db-archiver/c', 'db-archiver/d']);
    expect(winners.map((w) => w.length)).toEqual([1, 1, 1, 1]);
  });

  it('lets exactly one of two processes racing to take over a stale lease win', async () => {
    const resources = ['db-archiver/a', 'db-archiver/b', 'db-archiver/c', 'db-archiver/d'];
    const local = new FileLockBackend({ path: dir });
    for (const resource of resources) {
      await local.acquire(resource, { id: 'stopped', host: hostname(), pid: process.pid }, 1);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await local.list()).every((l) => l.stale)).toBe(true);

    const winners = await race(dir, resources);
    expect(winners.map((w) => w.length)).toEqual([1, 1, 1, 1]);
    const holders = await local.list();
    expect(holders.map((l) => l.owner.pid)).toEqual(winners.map((w) => w[0]!.pid));
  });

  it('treats the lease of a process that died on this host as stale before its TTL', async () => {
    const [winners] = await race(dir, ['db-archiver/shop']);
    const dead = winners![0]!;
    const local = new FileLockBackend({ path: dir });
    expect(await local.list()).toEqual([
      expect.objectContaining({
        resource: 'db-archiver/shop',
        owner: expect.objectContaining({ pid: dead.pid }),
        stale: true,
      }),
    ]);
    const taken = await local.acquire(
      'db-archiver/shop',
      { id: 'next', host: hostname(), pid: process.pid },
      TTL,
    );
    expect(taken?.takenOverFrom?.pid).toBe(dead.pid);
  });
});
