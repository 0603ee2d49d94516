/**
 * docker-compose.yml, checked without a Docker engine: compose-go (the loader of Docker Compose itself, built from
 * tools/compose-check by scripts/compose-check.sh) validates it against the Compose specification and resolves
 * it; these tests then hold the resolved project to what the README and docs/services.md promise.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, type ProcessResult } from '../helpers/process';

const ROOT = join(__dirname, '..', '..');
const CHECK = join(ROOT, 'scripts', 'compose-check.sh');

interface Port {
  host_ip?: string;
  target: number;
  published?: string;
}
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  ports?: Port[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  command?: string[];
  profiles?: string[];
  volumes?: { source: string; target: string; read_only?: boolean }[];
}
interface Project {
  services: Record<string, Service>;
}

function composeCheck(args: string[]): Promise<ProcessResult> {
  // Only PATH and HOME: the file must not depend on the caller's environment (ARCHIVER_CONFIG and so on).
  return runProcess('bash', [CHECK, ...args], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DB_ARCHIVER_HOME: process.env.DB_ARCHIVER_HOME,
  });
}

async function load(args: string[]): Promise<Project> {
  const result = await composeCheck(args);
  if (result.code !== 0)
    throw new Error(`compose-check ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Project;
}

function published(service: Service): string[] {
  return (service.ports ?? []).map((p) => `${p.host_ip}:${p.published}:${p.target}`);
}

describe('docker-compose.yml', () => {
  let project: Project;
  let withoutWorker: Project;

  beforeAll(async () => {
    // The first call builds the checker (Go modules from the proxy, cached under ~/.cache/db-archiver/go).
    project = await load(['--profile', 'worker', join(ROOT, 'docker-compose.yml')]);
    withoutWorker = await load([join(ROOT, 'docker-compose.yml')]);
  }, 600_000);

  it('is a valid Compose project with the services the docs list', () => {
    expect(Object.keys(project.services).sort()).toEqual([
      'mariadb',
      'minio',
      'minio-setup',
      'postgres',
      'redis',
      'temporal',
      'temporal-setup',
      'temporal-ui',
      'worker',
    ]);
    // The worker comes only with its profile.
    expect(Object.keys(withoutWorker.services)).not.toContain('worker');
    expect(project.services.worker!.profiles).toEqual(['worker']);
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(project.services)) {
      if (name === 'worker') continue;
      expect(service.image).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(service.image).not.toMatch(/:latest$/);
    }
    expect(project.services.temporal!.image).toMatch(/^temporalio\/auto-setup:/);
    expect(project.services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
    expect(project.services.postgres!.image).toBe('postgres:15');
    expect(project.services.mariadb!.image).toBe('mariadb:10.11');
  });

  it('publishes the ports of scripts/services.sh, on loopback only', () => {
    const ports = Object.fromEntries(Object.entries(project.services).map(([n, s]) => [n, published(s)]));
    expect(ports).toEqual({
      postgres: ['127.0.0.1:5432:5432'],
      mariadb: ['127.0.0.1:3306:3306'],
      redis: ['127.0.0.1:6379:6379'],
      minio: ['127.0.0.1:9000:9000', '127.0.0.1:9001:9001'],
      'minio-setup': [],
      temporal: ['127.0.0.1:7233:7233'],
      'temporal-setup': [],
      'temporal-ui': ['127.0.0.1:8233:8080'],
      worker: ['127.0.0.1:9464:9464'],
    });
  });

  it('health-checks every long-running service and starts each after what it needs', () => {
    for (const name of ['postgres', 'mariadb', 'redis', 'minio', 'temporal', 'worker']) {
      expect(project.services[name]!.healthcheck?.test?.[0]).toMatch(/^CMD(-SHELL)?$/);
    }
    const dependsOn = Object.fromEntries(
      Object.entries(project.services).map(([name, s]) => [
        name,
        Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([d, v]) => [d, v.condition])),
      ]),
    );
    expect(dependsOn).toEqual({
      postgres: {},
      mariadb: {},
      redis: {},
      minio: {},
      'minio-setup': { minio: 'service_healthy' },
      // Temporal keeps its history in the postgres service (databases temporal and temporal_visibility).
      temporal: { postgres: 'service_healthy' },
      'temporal-setup': { temporal: 'service_healthy' },
      'temporal-ui': { temporal: 'service_healthy' },
      worker: {
        postgres: 'service_healthy',
        mariadb: 'service_healthy',
        redis: 'service_healthy',
        'minio-setup': 'service_completed_successfully',
        'temporal-setup': 'service_completed_successfully',
      },
    });
    expect(project.services.temporal!.environment).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgres',
    });
  });

  it('builds the worker from the Dockerfile and serves its metrics where the healthcheck looks', () => {
    const worker = project.services.worker!;
    expect(worker.build).toEqual({ context: ROOT, dockerfile: 'Dockerfile' });
    expect(worker.command).toEqual(expect.arrayContaining(['worker', '--metrics-host', '0.0.0.0']));
    const port = worker.command![worker.command!.indexOf('--metrics-port') + 1];
    expect(port).toBe('9464');
    expect(worker.healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${port}/metrics`);
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(new RegExp(`^EXPOSE ${port}$`, 'm'));
    expect(worker.volumes).toEqual([
      expect.objectContaining({
        source: join(ROOT, 'examples', 'demo.yaml'),
        target: '/config/archiver.yaml',
        read_only: true,
      }),
    ]);
  });

  it('points every placeholder of examples/demo.yaml at the containers', () => {
    const demo = readFileSync(join(ROOT, 'examples', 'demo.yaml'), 'utf8');
    const placeholders = [...demo.matchAll(/\$\{(\w+)(?::-[^}]*)?\}/g)].map((m) => m[1]!);
    expect(placeholders.length).toBeGreaterThan(0);
    const environment = project.services.worker!.environment!;
    for (const name of placeholders) expect(environment[name]).toEqual(expect.any(String));
    expect(environment).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      S3_ENDPOINT: 'http://minio:9000',
    });
  });

  describe('a broken file is rejected with the reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-check-'));
    const cases: [string, string, RegExp][] = [
      [
        'a depends_on naming a missing service',
        'services:\n  worker:\n    image: busybox:1.36\n    depends_on: [temporal]\n',
        /depends on undefined service "temporal"/,
      ],
      [
        'a key the Compose specification does not have',
        'services:\n  worker:\n    image: busybox:1.36\n    helthcheck: { test: [CMD, "true"] }\n',
        /helthcheck/,
      ],
      [
        'ports that are not a list',
        'services:\n  worker:\n    image: busybox:1.36\n    ports: "9464"\n',
        /ports/,
      ],
      ['a YAML syntax error', 'services:\n  worker:\n    image: [busybox\n', /yaml|did not find|flow/i],
      [
        'a named volume that is never declared',
        'services:\n  worker:\n    image: busybox:1.36\n    volumes: [data:/data]\n',
        /undefined volume/,
      ],
    ];
    it.each(cases)('%s', async (_name, text, reason) => {
      const file = join(dir, `${_name.replace(/\W+/g, '-')}.yml`);
      writeFileSync(file, text);
      const result = await composeCheck([file]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(reason);
    });
  });
});
