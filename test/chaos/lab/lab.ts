/**
 * The chaos lab: a second, private set of the real services (PostgreSQL, MariaDB, Redis, MinIO, the Temporal dev
 * server, toxiproxy), started by the project's own scripts/services.sh with DB_ARCHIVER_INSTANCE=chaos and every
 * port moved up by 10000, so the faults the chaos suite injects (restarts, crashes, cut networks) never touch
 * the services other tests use. The archiver reaches the databases and MinIO through toxiproxy (and MinIO
 * through an S3 fault proxy in front of that), so the network between them can be cut, slowed and reset.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from './toxiproxy';

// A second lab can run beside the first (say a soak while the suite runs): CHAOS_LAB_INSTANCE=chaos2
// CHAOS_LAB_OFFSET=20000.
const OFFSET = Number(process.env.CHAOS_LAB_OFFSET ?? 10_000);
export const LAB_ENV = {
  DB_ARCHIVER_INSTANCE: process.env.CHAOS_LAB_INSTANCE ?? 'chaos',
  DB_ARCHIVER_PORT_OFFSET: String(OFFSET),
};

const port = (base: number) => base + OFFSET;

/** Where the lab's servers listen (direct, for the tests' own setup and checks). */
export const LAB = {
  pgAdmin: `postgres://postgres@127.0.0.1:${port(5432)}/postgres`,
  mysqlAdmin: `mysql://root@127.0.0.1:${port(3306)}`,
  s3: `http://127.0.0.1:${port(9000)}`,
  temporal: `127.0.0.1:${port(7233)}`,
  redis: `redis://127.0.0.1:${port(6379)}`,
  toxiproxyApi: `http://127.0.0.1:${port(8474)}`,
};

/** The proxies the archiver goes through: name → listen port and upstream. */
export const PROXIES = {
  postgres: { listen: port(5500), upstream: port(5432) },
  mysql: { listen: port(3400), upstream: port(3306) },
  s3: { listen: port(9100), upstream: port(9000) },
} as const;
export type ProxyName = keyof typeof PROXIES;

/** The S3 fault proxy (an HTTP server in the test process) listens here and forwards to the `s3` toxiproxy. */
export const S3_FAULT_PROXY_PORT = port(9200);

/** What the archiver's configuration points at. */
export const ARCHIVER_VIEW = {
  pgAdmin: `postgres://postgres@127.0.0.1:${PROXIES.postgres.listen}/postgres`,
  mysqlAdmin: `mysql://root@127.0.0.1:${PROXIES.mysql.listen}`,
  s3: `http://127.0.0.1:${S3_FAULT_PROXY_PORT}`,
  temporal: LAB.temporal,
  redis: LAB.redis,
};

/** The URL the archiver uses for a database the test created at `directUrl` on the lab's servers. */
export function throughProxy(directUrl: string): string {
  return directUrl
    .replace(`127.0.0.1:${PROXIES.postgres.upstream}/`, `127.0.0.1:${PROXIES.postgres.listen}/`)
    .replace(`127.0.0.1:${PROXIES.mysql.upstream}/`, `127.0.0.1:${PROXIES.mysql.listen}/`);
}

export type LabService = 'postgres' | 'mariadb' | 'redis' | 'minio' | 'temporal' | 'toxiproxy';
export const ALL_LAB_SERVICES: LabService[] = [
  'postgres',
  'mariadb',
  'redis',
  'minio',
  'temporal',
  'toxiproxy',
];

const SERVICES_SH = join(__dirname, '..', '..', '..', 'scripts', 'services.sh');
const HOME = process.env.DB_ARCHIVER_HOME ?? join(homedir(), '.cache', 'db-archiver');
const RUN_DIR = join(HOME, `run-${LAB_ENV.DB_ARCHIVER_INSTANCE}`);
const DATA_DIR = join(HOME, `data-${LAB_ENV.DB_ARCHIVER_INSTANCE}`);

/** `scripts/services.sh up|down SERVICE...` for the lab's instance; rejects with its output on failure. */
export function labServices(action: 'up' | 'down', names: LabService[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SERVICES_SH, action, ...names], {
      env: { ...process.env, ...LAB_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`services.sh ${action} ${names.join(' ')} (lab) exited ${code}:\n${output}`)),
    );
  });
}

/** The pid of a lab service's main process, from the file services.sh (or the server itself) keeps. */
function servicePid(name: 'postgres' | 'mariadb' | 'redis' | 'minio' | 'temporal'): number {
  const file =
    name === 'postgres'
      ? join(DATA_DIR, 'postgres', 'postmaster.pid')
      : name === 'mariadb'
        ? join(RUN_DIR, 'mariadb', 'mariadbd.pid')
        : join(RUN_DIR, `${name}.pid`);
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in ${file}`);
  return pid;
}

/** Kills a lab service with SIGKILL (a crash: nothing is flushed, no client is told). */
export async function crashService(
  name: 'postgres' | 'mariadb' | 'redis' | 'minio' | 'temporal',
): Promise<void> {
  const pid = servicePid(name);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} (pid ${pid}) still alive 30 s after SIGKILL`);
}

export const toxiproxy = new Toxiproxy(LAB.toxiproxyApi);

/** Starts every lab service (a no-op for those already up) and (re)creates the proxies, healthy and clean. */
export async function ensureLab(): Promise<void> {
  await labServices('up', ALL_LAB_SERVICES);
  await toxiproxy.ensureProxies(
    Object.entries(PROXIES).map(([name, p]) => ({
      name,
      listen: `127.0.0.1:${p.listen}`,
      upstream: `127.0.0.1:${p.upstream}`,
    })),
  );
}
