/**
 * Every example command of README.md and docs/ (test/helpers/doc-commands.ts says which spans count) is either
 * run here, on the real services, with its exit code and an output that shows it did what the doc says; or run
 * by another test that the ELSEWHERE registry names (checked: that file passes the same arguments); or marked in
 * the doc as not run, with the reason. A new command that is none of these fails the last test.
 *
 * The walk follows README.md's quick start as a new user would: `npm run demo`, then a table of one's own
 * archived with a worker serving metrics, watched, paused, resumed, and a day of it restored. Placeholders are
 * put in as a reader would: `archiver.yaml` is the test's config file (the README's YAML, with a task queue, an
 * S3 prefix and a database name of its own), `shop` is that database's unique name, `9464` a free port,
 * `WORKFLOW_ID`/`RUN`/`42`/`nightly` what an earlier command printed or a unique schedule id. Commands with
 * optional parts (`[--json]`) run in a concrete form, named next to them.
 *
 * Needs `npm run build` (the commands run bin/archiver.js through npx) and the services; it starts its own
 * workers on its own task queue and stops them.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { createLockBackend, type Lease, type LockBackend } from '../../src/locks';
import { docCommands, docFiles, REPO_ROOT, where } from '../helpers/doc-commands';
import { DocShell, type Background, type Substitutions } from '../helpers/doc-shell';
import { eventually } from '../helpers/eventually';
import { PG_ADMIN_URL, TEMPORAL_ADDRESS, uniqueName } from '../helpers/services';

/** Doc commands another test runs with the same arguments (the config file's path put in). */
const ELSEWHERE: { command: string; test: string }[] = [
  { command: 'npx archiver locks list --config archiver.yaml', test: 'test/integration/locks-cli.test.ts' },
  {
    command: 'npx archiver locks release --config archiver.yaml --database shop',
    test: 'test/integration/locks-cli.test.ts',
  },
  {
    command: 'npx archiver locks release --config archiver.yaml db-archiver/shop',
    test: 'test/integration/locks-cli.test.ts',
  },
  {
    command: 'npx archiver locks release --config archiver.yaml --database shop --force',
    test: 'test/integration/locks-cli.test.ts',
  },
  {
    command: 'npx archiver run --config archiver.yaml --max-run-time 2h --wait',
    test: 'test/integration/run-max-run-time-cli.test.ts',
  },
  {
    command: 'npx archiver run --config archiver.yaml --full-scan --wait',
    test: 'test/integration/run-full-scan-cli.test.ts',
  },
];

const ROWS = 30_000;
const RECENT = 100;
/** Row `id` (1..ROWS) was created 3 minutes after the one before, from 2025-12-17 00:00 UTC: 480 rows a day. */
const FIRST = Date.UTC(2025, 11, 17);
const createdAt = (id: number): number => FIRST + (id - 1) * 180_000;
const rowsBetween = (from: number, to: number): number =>
  Array.from({ length: ROWS }, (_, i) => createdAt(i + 1)).filter((t) => t >= from && t < to).length;

/** Each cancel round starts a run over rows of its own, enough that it is still going when the pause comes. */
const CANCEL_ROWS = 15_000;
const CANCEL_ROUNDS = [
  ['database', 300_001],
  ['run', 320_001],
] as const;

const commands = docCommands();

describe('the example commands of README.md and docs/', () => {
  let shell: DocShell;
  let temporal: Client;
  let pg: PgClient;
  let database: string;
  let configPath: string;
  let metricsPort: number;
  let worker: Background | undefined;
  let workflowId = '';
  const terminate = new Set<string>();
  const schedules = new Set<string>();

  /** What every quick-start command gets put in. */
  const subs = (extra: Substitutions = {}): Substitutions => ({
    'archiver.yaml': configPath,
    shop: database,
    '9464': String(metricsPort),
    ...extra,
  });
  const count = async (table = 'public.events', where = 'true'): Promise<number> =>
    Number((await pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)).rows[0]!.n);

  beforeAll(async () => {
    const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
    temporal = new Client({ connection });
    database = uniqueName('shop').toLowerCase();
    const admin = new PgClient({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    pg = new PgClient({ connectionString: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${database}`) });
    await pg.connect();
    await pg.query(
      `CREATE TABLE public.events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, payload text)`,
    );
    await pg.query(
      `INSERT INTO public.events
       SELECT g, to_timestamp(${FIRST / 1000}) + (g - 1) * interval '3 minutes', 'event ' || g
         FROM generate_series(1, ${ROWS}) g
       UNION ALL
       SELECT 1000000 + g, now() - g * interval '1 minute', 'recent ' || g FROM generate_series(1, ${RECENT}) g`,
    );

    // The README's configuration, with a task queue, prefix and database name of this test's own.
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const yaml = /<!-- tested: quickstart-config -->\s*```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    if (!yaml)
      throw new Error('README.md has no quick-start configuration (<!-- tested: quickstart-config -->)');
    const dir = mkdtempSync(join(tmpdir(), 'docs-commands-'));
    configPath = join(dir, 'archiver.yaml');
    writeFileSync(
      configPath,
      yaml
        .replace('taskQueue: archiver', `taskQueue: ${uniqueName('docs')}`)
        .replace('prefix: prod', `prefix: ${uniqueName('docs')}`)
        .replace('name: shop', `name: ${database}`),
    );
    metricsPort = await freePort();

    // The README's setup lines, run as written (the database name put in); the environment they leave is the
    // one every other command runs in. The temporal CLI is where docs/runbooks/recovering-runs.md says.
    shell = new DocShell(commands, process.env);
    const setup = await shell.exec(
      [
        shell.claim('eval "$(bash scripts/services.sh env)"'),
        `${shell.claim('export SHOP_DB_URL=postgres://postgres@127.0.0.1:5432/shop').replace(/shop$/, database)}`,
        'env -0',
      ].join('\n'),
    );
    expect(setup.code).toBe(0);
    const env = Object.fromEntries(
      setup.stdout
        .split('\0')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: 'minioadmin',
      SHOP_DB_URL: expect.stringContaining(database),
    });
    shell.env = { ...env, PATH: `${env.DB_ARCHIVER_HOME}/bin:${env.PATH}` };
  });

  afterAll(async () => {
    await shell?.stopAll();
    for (const id of schedules)
      await temporal.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
    // Whatever a failed step left running: its restores, and the database workflow.
    const leftover = `ExecutionStatus = "Running" AND (WorkflowId STARTS_WITH "restore-${database}-" OR WorkflowId = "archive-db-${database}")`;
    for await (const w of temporal.workflow.list({ query: leftover })) terminate.add(w.workflowId);
    for (const id of terminate)
      await temporal.workflow
        .getHandle(id)
        .terminate('docs test')
        .catch(() => undefined);
    await pg?.end();
    await temporal?.connection.close();
  });

  it('brings the services up and reports them (README.md, docs/services.md)', async () => {
    const up = await shell.run('npm run services:up');
    expect(up.code).toBe(0);
    for (const service of ['postgres', 'mariadb', 'redis', 'minio', 'temporal']) {
      expect(up.stderr).toMatch(new RegExp(`^services: ${service} \\.\\.\\. ok`, 'm'));
    }
    const status = await shell.run('npm run services:status');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^postgres\s+127\.0\.0\.1:5432\s+up/m);
    expect(status.stdout).toMatch(/^temporal\s+127\.0\.0\.1:7233\s+up/m);

    const one = await shell.run(
      'bash scripts/services.sh up [SERVICE...]',
      {},
      {
        variant: 'bash scripts/services.sh up redis',
      },
    );
    expect(one.code).toBe(0);
    expect(one.stderr).toMatch(/^services: redis \.\.\. ok/m);
    expect(one.stderr).not.toMatch(/^services: postgres/m);
    const oneStatus = await shell.run(
      'bash scripts/services.sh status [SERVICE...]',
      {},
      {
        variant: 'bash scripts/services.sh status redis',
      },
    );
    expect(oneStatus).toMatchObject({ code: 0 });
    expect(oneStatus.stdout.trim()).toMatch(/^redis\s+127\.0\.0\.1:6379\s+up/);
    const env = await shell.run('bash scripts/services.sh env');
    expect(env.stdout).toContain('export AWS_ACCESS_KEY_ID=minioadmin');
    const tools = await shell.run('bash scripts/services.sh up tools toxiproxy');
    expect(tools.code).toBe(0);
    expect(tools.stderr).toMatch(/^services: toxiproxy \.\.\. ok/m);

    const compose = await shell.run('npm run compose:check');
    expect(compose).toMatchObject({ code: 0 });
    expect(compose.stdout).toContain('docker-compose.yml is valid');
    const resolved = await shell.run(
      'bash scripts/compose-check.sh [--profile worker] [FILE]',
      {},
      {
        variant: 'bash scripts/compose-check.sh --profile worker docker-compose.yml',
      },
    );
    expect(resolved.code).toBe(0);
    expect(Object.keys(JSON.parse(resolved.stdout).services)).toEqual(
      expect.arrayContaining(['postgres', 'mariadb', 'redis', 'minio', 'temporal', 'worker']),
    );
  });

  it('runs the demo, which lists the run and its two database workflows in Temporal (README.md)', async () => {
    const demo = await shell.run('npm run demo', {}, { timeoutMs: 300_000 });
    expect(demo.code).toBe(0);
    const report = JSON.parse(demo.stdout.slice(demo.stdout.indexOf('{')));
    expect(report).toMatchObject({ status: 'completed', dryRun: false });
    expect(report.databases.map((d: { name: string }) => d.name)).toEqual(['shop', 'billing']);
    expect(demo.stderr).toContain('http://127.0.0.1:8233');
    const fleetId = /run (archive-fleet-\S+) started/.exec(demo.stderr)![1]!;
    const children: string[] = [];
    for await (const w of temporal.workflow.list({ query: `ParentWorkflowId = "${fleetId}"` })) {
      children.push(w.workflowId);
    }
    expect(children.sort()).toEqual(['archive-db-billing', 'archive-db-shop']);

    // docs/s3-layout.md: one object checked by hand with the AWS CLI, against the demo's archive.
    const location = { RUN: report.runId as string };
    await shell.exec(`${shell.claim('export AWS_ENDPOINT_URL=http://127.0.0.1:9000')}`);
    shell.env = { ...shell.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9000' };
    const listed = await shell.run('aws s3 ls s3://archive/demo/shop/public.events/runs/');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`PRE ${report.runId}/`));
    // The demo's batches are zstd, the default; the zstd CLI is the one the doc says installs it.
    const zstd = await shell.run('bash scripts/install-zstd.sh');
    expect(zstd.code).toBe(0);
    expect(zstd.stderr).toMatch(/^services: zstd \.\.\. ok/m);
    const data = await shell.run(
      'aws s3 cp s3://archive/demo/shop/public.events/runs/RUN/batch-000000.jsonl.zst - | zstd -dc | sha256sum',
      location,
    );
    const meta = await shell.run(
      'aws s3 cp s3://archive/demo/shop/public.events/runs/RUN/batch-000000.meta.json - | jq -r .sha256',
      location,
    );
    expect([data.code, meta.code]).toEqual([0, 0]);
    expect(meta.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(data.stdout.split(/\s/)[0]).toBe(meta.stdout.trim());
  });

  describe('archiving a table of your own, as the quick start does (README.md)', () => {
    it('starts a worker that serves metrics on the given port', async () => {
      worker = await shell.start(
        'npx archiver worker --config archiver.yaml --metrics-port 9464',
        subs(),
        /Worker started/,
      );
      const metrics = await shell.run('curl -s http://127.0.0.1:9464/metrics', subs());
      expect(metrics.code).toBe(0);
      expect(metrics.stdout).toMatch(/^temporal_/m);
    });

    it('shows what a dry run would archive, changing nothing', async () => {
      const dry = await shell.run('npx archiver run --config archiver.yaml --dry-run --json', subs());
      expect(dry.code).toBe(0);
      const report = JSON.parse(dry.stdout);
      expect(report).toMatchObject({ status: 'completed', dryRun: true });
      expect(report.databases[0].tables[0]).toMatchObject({
        table: 'public.events',
        archived: ROWS,
        deleted: 0,
      });
      expect(await count()).toBe(ROWS + RECENT);
    });

    it('starts the run, pauses it after the batch in flight, shows it paused, and resumes it to the end', async () => {
      const started = await shell.run('npx archiver run --config archiver.yaml', subs());
      expect(started.code).toBe(0);
      workflowId = started.stdout.trim();
      expect(workflowId).toMatch(/^archive-fleet-\d{4}-\d\d-\d\dT[\d-]+Z$/);
      terminate.add(workflowId);
      const id = { WORKFLOW_ID: workflowId };

      const paused = await shell.run('npx archiver pause WORKFLOW_ID', id);
      expect(paused).toMatchObject({ code: 0, stderr: `archiver: pause sent to ${workflowId}\n` });
      const view = await eventually(async () => {
        const status = await shell.run('npx archiver status WORKFLOW_ID --json', id);
        expect(status.code).toBe(0);
        const progress = JSON.parse(status.stdout);
        return progress.fleet?.paused && progress.databases[0]?.paused ? progress : undefined;
      }, 'the run to say it is paused');
      expect(view).toMatchObject({ status: 'RUNNING', fleet: { paused: true } });
      await sleep(1_500); // the batch in flight finishes
      const before = await count();
      await sleep(2_000);
      expect(await count()).toBe(before);
      expect(before).toBeGreaterThan(RECENT);

      // docs/runbooks: the database workflow on its own, by the name the docs give it.
      const [text, child, named] = await Promise.all([
        shell.run('npx archiver status WORKFLOW_ID', id),
        shell.run('npx archiver status archive-db-shop', subs()),
        shell.run(
          'npx archiver status archive-db-<name> --config archiver.yaml',
          subs({ '<name>': database }),
        ),
      ]);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`${workflowId} (archiveFleet): RUNNING, paused`);
      expect(text.stdout).toContain(`  ${database}: running, paused`);
      expect(text.stdout).toMatch(/ {4}public\.events: running, \d+ batches, \d+ rows/);
      expect(child.stdout).toContain(`archive-db-${database} (archiveDatabase): RUNNING`);
      expect(named.stdout).toContain(`archive-db-${database} (archiveDatabase): RUNNING`);

      const resumed = await shell.run('npx archiver resume WORKFLOW_ID', id);
      expect(resumed).toMatchObject({ code: 0, stderr: `archiver: resume sent to ${workflowId}\n` });
      await temporal.workflow.getHandle(workflowId).result();
      const [final, plain, fromRunbook] = await Promise.all([
        shell.run('npx archiver status WORKFLOW_ID [--json]', id, {
          variant: 'npx archiver status WORKFLOW_ID --json',
        }),
        shell.run('npx archiver status WORKFLOW_ID [--json]', id, {
          variant: 'npx archiver status WORKFLOW_ID',
        }),
        // docs/runbooks/recovering-runs.md: the same for a run id it made up.
        shell.run('npx archiver status archive-fleet-2026-11-26T02-00-00-000Z --json', {
          'archive-fleet-2026-11-26T02-00-00-000Z': workflowId,
        }),
      ]);
      const done = JSON.parse(final.stdout);
      expect(done.status).toBe('COMPLETED');
      expect(done.report.databases[0].tables[0]).toMatchObject({
        archived: ROWS,
        deleted: ROWS,
        batches: 30,
      });
      expect(await count()).toBe(RECENT);
      expect(plain.stdout).toContain(`${workflowId} (archiveFleet): COMPLETED`);
      expect(JSON.parse(fromRunbook.stdout).report).toMatchObject({ status: 'completed' });
    });

    it('shows the run in Prometheus and finds it by database, as the Web UI does', async () => {
      const metrics = await shell.run(
        "curl -s http://127.0.0.1:9464/metrics | grep '^archiver_rows_archived_total'",
        subs(),
      );
      expect(metrics.code).toBe(0);
      expect(metrics.stdout).toMatch(
        new RegExp(`^archiver_rows_archived_total\\{[^}]*database="${database}"[^}]*\\} ${ROWS}$`, 'm'),
      );
      const found: string[] = [];
      for await (const w of temporal.workflow.list({ query: `ArchiverDatabase = "${database}"` })) {
        found.push(w.workflowId);
      }
      expect(found).toEqual(expect.arrayContaining([`archive-db-${database}`, workflowId]));
      const ui = await fetch(`http://127.0.0.1:8233/namespaces/default/workflows`);
      expect(ui.status).toBe(200);
    });
  });

  describe('operating it (README.md "Using it", docs/runbooks)', () => {
    /** Inserts `n` rows older than the cutoff with ids from `from`, one a minute from 2026-03-01. */
    const insertOld = (from: number, n: number): Promise<unknown> =>
      pg.query(
        `INSERT INTO public.events SELECT ${from} + g, timestamptz '2026-03-01' + g * interval '1 minute', 'more'
           FROM generate_series(0, ${n - 1}) g`,
      );

    it('runs and waits, with the summary on stderr or the report as JSON, for all or one database', async () => {
      await insertOld(200_001, 10);
      const waited = await shell.run('npx archiver run --config archiver.yaml --wait', subs());
      expect(waited.code).toBe(0);
      expect(waited.stdout).toMatch(/^archive-fleet-\S+\n$/);
      expect(waited.stderr).toMatch(/^run \S+: completed$/m);
      expect(waited.stderr).toMatch(/^ {4}public\.events: completed archived=10 deleted=10 /m);

      await insertOld(200_101, 10);
      const json = await shell.run('npx archiver run --config archiver.yaml --json', subs());
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout).databases[0].tables[0]).toMatchObject({ archived: 10, deleted: 10 });

      const dry = await shell.run(
        'npx archiver run --config archiver.yaml --database shop --dry-run --wait',
        subs(),
      );
      expect(dry.code).toBe(0);
      expect(dry.stderr).toMatch(/^run \S+: completed \(dry run\)$/m);
      const one = await shell.run('npx archiver run --config archiver.yaml --database shop --wait', subs());
      expect(one.code).toBe(0);
      expect(one.stderr).toMatch(new RegExp(`^ {2}${database}: completed$`, 'm'));
      expect(await count()).toBe(RECENT);
    });

    it('creates, lists, pauses, unpauses, triggers and deletes schedules (README.md, docs/schedules.md)', async () => {
      const readmeId = uniqueName('nightly');
      const docId = uniqueName('nightly');
      schedules.add(readmeId).add(docId);
      const mine = subs({ nightly: docId });
      const [created, doc] = await Promise.all([
        shell.run(
          'npx archiver schedule create --config archiver.yaml --id nightly --cron "0 2 * * *" --timezone Europe/Berlin',
          subs({ nightly: readmeId }),
        ),
        shell.run(
          'npx archiver schedule create --config archiver.yaml --id nightly --cron "0 1 * * *" --timezone Europe/Berlin',
          mine,
        ),
      ]);
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(
        new RegExp(`^created schedule ${readmeId}: cron 0 2 \\* \\* \\* \\(Europe/Berlin\\)`),
      );
      expect(doc.code).toBe(0);
      // As the comment under it in docs/schedules.md shows; 01:00 in Berlin is 00:00 UTC in winter.
      expect(doc.stdout).toMatch(
        new RegExp(
          `^created schedule ${docId}: cron 0 1 \\* \\* \\* \\(Europe/Berlin\\); archives ${database}; next run \\d{4}-\\d\\d-\\d\\dT(00|23):00:00\\.000Z\\n$`,
        ),
      );
      const list = await eventually(async () => {
        const text = await shell.run('npx archiver schedule list --config archiver.yaml', mine);
        return text.stdout.includes(docId) && text.stdout.includes(readmeId) ? text : undefined;
      }, 'both schedules to be listed');
      expect(list.stdout).toContain(`${docId}  active  cron 0 1 * * * (Europe/Berlin)`);
      const [json, paused, again] = await Promise.all([
        shell.run('npx archiver schedule list --config archiver.yaml --json', mine),
        shell.run(
          'npx archiver schedule pause --config archiver.yaml nightly --note "PostgreSQL 16 upgrade, CHG-1234"',
          mine,
        ),
        // docs/runbooks/credentials.md: pausing the schedules while credentials change.
        shell.run('npx archiver schedule pause --config archiver.yaml ID', subs({ ID: readmeId })),
      ]);
      expect(JSON.parse(json.stdout)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ scheduleId: docId, databases: [database], tables: 1 }),
        ]),
      );
      expect(paused).toMatchObject({ code: 0, stdout: `paused schedule ${docId}\n` });
      expect(again).toMatchObject({ code: 0, stdout: `paused schedule ${readmeId}\n` });
      const listed = await shell.run('npx archiver schedule list --config archiver.yaml', mine);
      expect(listed.stdout).toContain(`${docId}  paused (PostgreSQL 16 upgrade, CHG-1234)`);

      // A run now, on the worker (a trigger works while paused), then the schedule taken up again.
      const [triggered, unpaused] = await Promise.all([
        shell.run('npx archiver schedule trigger --config F ID', { F: configPath, ID: docId }),
        shell.run('npx archiver schedule unpause --config archiver.yaml nightly', mine),
      ]);
      expect(unpaused).toMatchObject({ code: 0, stdout: `unpaused schedule ${docId}\n` });
      expect(triggered.code).toBe(0);
      const runId = triggered.stdout.trim();
      expect(runId.startsWith(`archive-fleet-scheduled-${docId}-`)).toBe(true);
      terminate.add(runId);
      expect(await temporal.workflow.getHandle(runId).result()).toMatchObject({ status: 'completed' });

      await Promise.all(
        [readmeId, docId].map(async (id) => {
          const deleted = await shell.run('npx archiver schedule delete --config F ID', {
            F: configPath,
            ID: id,
          });
          expect(deleted).toMatchObject({ code: 0, stdout: `deleted schedule ${id}\n` });
          schedules.delete(id);
        }),
      );
    });

    it('shows and resets a database workflow with the temporal CLI (docs/runbooks/recovering-runs.md)', async () => {
      const child = `archive-db-${database}`;
      const shown = await shell.run('temporal workflow show --workflow-id archive-db-shop | less', subs());
      expect(shown.code).toBe(0);
      const completedTasks = [...shown.stdout.matchAll(/^\s*(\d+)\s+\S+\s+WorkflowTaskCompleted\b/gm)].map(
        (m) => m[1]!,
      );
      expect(completedTasks.length).toBeGreaterThan(1);
      const before = (await temporal.workflow.getHandle(child).describe()).runId;

      const resetTo = await shell.run(
        'temporal workflow reset --workflow-id archive-db-shop --event-id 42 --reason "retry after fix CHG-1234"',
        subs({ '42': completedTasks.at(-1)! }),
      );
      expect(resetTo.code).toBe(0);
      const first = await temporal.workflow.getHandle(child).describe();
      expect(first.runId).not.toBe(before);
      await temporal.workflow.getHandle(child, first.runId).result();

      const resetLast = await shell.run(
        'temporal workflow reset --workflow-id archive-db-shop --type LastWorkflowTask --reason "retry after fix"',
        subs(),
      );
      expect(resetLast.code).toBe(0);
      const second = await temporal.workflow.getHandle(child).describe();
      expect(second.runId).not.toBe(first.runId);
      await temporal.workflow.getHandle(child, second.runId).result();
    });

    it('verifies the archive: every batch checks out (README.md, docs/verify.md, docs/runbooks)', async () => {
      // Four verifications at once, started a little apart (their workflow ids carry the start time).
      const [text, one, ...json] = await Promise.all(
        [
          ['npx archiver verify --config archiver.yaml'],
          ['npx archiver verify --config archiver.yaml --database shop'],
          [
            'npx archiver verify --config archiver.yaml [--database shop] [--json]',
            'npx archiver verify --config archiver.yaml --database shop --json',
          ],
          ['npx archiver verify --config archiver.yaml --database shop --table public.events --json'],
        ].map(async ([command, variant], i) => {
          await sleep(i * 50);
          return shell.run(command!, subs(), variant ? { variant } : {});
        }),
      );
      expect(text!.code).toBe(0);
      expect(text!.stdout).toMatch(
        new RegExp(`^ok\\s+${database} public\\.events: \\d+ batches, ${ROWS + 20} rows, \\d+ bytes$`, 'm'),
      );
      expect(one!.code).toBe(0);
      expect(one!.stdout).toMatch(new RegExp(`^ok\\s+${database} public\\.events:`, 'm'));
      for (const result of json) {
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ status: 'ok', rows: ROWS + 20, problems: 0 });
      }
    });

    it('cancels a paused run, by its database workflow and by the run (README.md, docs/runbooks)', async () => {
      for (const [target, from] of CANCEL_ROUNDS) {
        await insertOld(from, CANCEL_ROWS);
        const started = await shell.run('npx archiver run --config archiver.yaml', subs());
        const id = { WORKFLOW_ID: started.stdout.trim() };
        terminate.add(id.WORKFLOW_ID);
        expect(started).toMatchObject({ code: 0 });
        expect(await shell.run('npx archiver pause WORKFLOW_ID', id)).toMatchObject({ code: 0 });
        const child = temporal.workflow.getHandle(`archive-db-${database}`);
        if (target === 'database') {
          const cancelled = await shell.run('npx archiver cancel archive-db-<name>', { '<name>': database });
          expect(cancelled).toMatchObject({
            code: 0,
            stderr: `archiver: cancel sent to archive-db-${database}\n`,
          });
          await eventually(async () => {
            const status = (await child.describe()).status.name;
            return status === 'RUNNING' ? undefined : status;
          }, 'the database workflow to stop').then((status) => expect(status).toBe('CANCELLED'));
          await temporal.workflow
            .getHandle(id.WORKFLOW_ID)
            .result()
            .catch(() => undefined);
        } else {
          const cancelled = await shell.run('npx archiver cancel WORKFLOW_ID', id);
          expect(cancelled).toMatchObject({
            code: 0,
            stderr: `archiver: cancel sent to ${id.WORKFLOW_ID}\n`,
          });
          const status = await eventually(async () => {
            const view = JSON.parse((await shell.run('npx archiver status WORKFLOW_ID --json', id)).stdout);
            return view.status === 'RUNNING' ? undefined : view.status;
          }, 'the run to stop');
          expect(status).toBe('CANCELLED');
        }
        expect((await child.describe()).status.name).toBe('CANCELLED');
        // Stopped early: rows of this round are left for the next run.
        expect(
          await count('public.events', `id BETWEEN ${from} AND ${from + CANCEL_ROWS - 1}`),
        ).toBeGreaterThan(0);
      }
    });

    it('restores a day, a month, everything into a new table, and everything in place (README.md, docs/restore.md)', async () => {
      // Three restores into tables of their own at once, started a little apart (their ids carry the time).
      const [day, month, back] = await Promise.all(
        [
          'npx archiver restore --config archiver.yaml --database shop --table public.events --into public.events_day --from 2026-01-15 --to 2026-01-16 --wait',
          'npx archiver restore --config archiver.yaml --database shop --table public.events --into public.events_restored --from 2026-01-01 --to 2026-02-01T00:00:00Z --json',
          'npx archiver restore --config archiver.yaml --database shop --table public.events --into public.events_back --wait',
        ].map(async (command, i) => {
          await sleep(i * 50);
          return shell.run(command, subs());
        }),
      );
      expect(day!.code).toBe(0);
      expect(day!.stdout).toMatch(/^restore-\S+\n$/);
      const oneDay = rowsBetween(Date.UTC(2026, 0, 15), Date.UTC(2026, 0, 16));
      expect(day!.stderr).toContain(`rows inserted=${oneDay} `);
      expect(await count('public.events_day')).toBe(oneDay);
      expect(
        await count(
          'public.events_day',
          `created_at < '2026-01-15T00:00:00Z' OR created_at >= '2026-01-16T00:00:00Z'`,
        ),
      ).toBe(0);

      expect(month!.code).toBe(0);
      const january = rowsBetween(Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1));
      expect(JSON.parse(month!.stdout)).toMatchObject({ status: 'completed', rowsInserted: january });
      expect(await count('public.events_restored')).toBe(january);

      const inserted = ROWS + RECENT + 20 + CANCEL_ROUNDS.length * CANCEL_ROWS;
      expect(back!.code).toBe(0);
      // Every row is in the table or in the archive: none was deleted without its archived copy.
      const lost = await count(
        `(${[[1, ROWS] as const, ...CANCEL_ROUNDS.map(([, from]) => [from, from + CANCEL_ROWS - 1] as const)]
          .map(([from, to]) => `SELECT generate_series(${from}, ${to})`)
          .join(' UNION ALL ')}) AS g(id)
           LEFT JOIN public.events e ON e.id = g.id LEFT JOIN public.events_back b ON b.id = g.id`,
        'e.id IS NULL AND b.id IS NULL',
      );
      expect(lost).toBe(0);
      const missing = await count(
        'public.events_back b',
        'NOT EXISTS (SELECT 1 FROM public.events e WHERE e.id = b.id)',
      );
      expect(missing).toBe(inserted - (await count()));

      const inPlace = await shell.run(
        'npx archiver restore --config archiver.yaml --database shop --table public.events --wait',
        subs(),
      );
      expect(inPlace.code).toBe(0);
      expect(inPlace.stderr).toContain(`rows inserted=${missing} `);
      expect(await count()).toBe(inserted);
    });

    it('aborts old unfinished uploads under the prefix (README.md, docs/schedules.md)', async () => {
      for (const [command, values] of [
        ['npx archiver cleanup-uploads --config archiver.yaml --older-than 24h', subs()],
        ['npx archiver cleanup-uploads --config F', { F: configPath }],
      ] as const) {
        const result = await shell.run(command, values);
        expect(result.code).toBe(0);
        expect(result.stderr).toMatch(
          /^archiver: aborted 0 multipart uploads older than 24h under s3:\/\/archive\//m,
        );
      }
    });

    it('drains a worker on SIGTERM, and logs pretty and at debug level when asked (README.md, docs/metrics.md)', async () => {
      await worker!.stop();
      expect(worker!.output()).toMatch(/"msg":"Worker stopped"/);
      const port = await freePort();
      const [plain, pretty, open] = await Promise.all([
        shell.start('npx archiver worker --config archiver.yaml', subs(), /Worker started/),
        shell.start(
          'npx archiver worker --config archiver.yaml --log-format pretty --log-level debug',
          subs(),
          /Worker started/,
        ),
        shell.start(
          'npx archiver worker --config archiver.yaml --metrics-port 9464 [--metrics-host 0.0.0.0]',
          subs({ '9464': String(port) }),
          /Worker started/,
          {
            variant: 'npx archiver worker --config archiver.yaml --metrics-port 9464 --metrics-host 0.0.0.0',
          },
        ),
      ]);
      const metrics = await shell.exec(`curl -s http://127.0.0.1:${port}/metrics`);
      expect(metrics.stdout).toMatch(/^temporal_/m);
      await Promise.all([plain.stop(), pretty.stop(), open.stop()]);
      expect(plain.output()).toMatch(/"state":"DRAINED"/);
      expect(plain.output()).toMatch(/"msg":"Worker stopped"/);
      expect(pretty.output()).toMatch(/DEBUG/);
      expect(pretty.output()).toMatch(/INFO.*Worker started/);
      expect(
        pretty
          .output()
          .split('\n')
          .filter((line) => line.startsWith('{')),
      ).toEqual([]);
    });
  });

  it('shows a lease as each lock backend stores it (docs/runbooks/locks.md)', async () => {
    const resource = `db-archiver/${database}`;
    const owner = { id: `archive-db-${database}/docs-test`, host: hostname(), pid: process.pid };
    const lockDir = mkdtempSync(join(tmpdir(), 'docs-locks-'));
    const lockUrl = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${database}`);
    const common = { ttl: '2m', ttlMs: 120_000, refreshEvery: '30s', refreshMs: 30_000 };
    const backends = [
      createLockBackend({ backend: 'redis', url: 'redis://127.0.0.1:6379', ...common }),
      createLockBackend({ backend: 'postgres', url: lockUrl, ...common }),
      createLockBackend({ backend: 'file', path: lockDir, ...common }),
    ];
    const leases: [LockBackend, Lease][] = [];
    try {
      for (const backend of backends) {
        const lease = await backend.acquire(resource, owner, 120_000);
        expect(lease).not.toBeNull();
        leases.push([backend, lease!]);
      }
      const redis = await shell.run(
        "redis-cli --scan --pattern 'db-archiver:lease:*'; redis-cli GET db-archiver:lease:db-archiver/shop; redis-cli PTTL …",
        subs({ '…': `db-archiver:lease:${resource}` }),
      );
      expect(redis.code).toBe(0);
      const [value, pttl] = redis.stdout.trim().split('\n').slice(-2);
      expect(redis.stdout).toContain(`db-archiver:lease:${resource}\n`);
      expect(JSON.parse(value!)).toMatchObject({ owner: { id: owner.id } });
      expect(Number(pttl)).toBeGreaterThan(60_000);

      const env = { env: { LOCK_URL: lockUrl } };
      const rows = await shell.run(
        'psql "$LOCK_URL" -c \'SELECT resource, owner, heartbeat_at, expires_at, backend_pid FROM db_archiver_leases\'',
        {},
        env,
      );
      expect(rows.code).toBe(0);
      expect(rows.stdout).toContain(resource);
      expect(rows.stdout).toContain(owner.id);
      const sessions = await shell.run(
        `psql "$LOCK_URL" -c "SELECT pid, application_name, backend_start FROM pg_stat_activity WHERE application_name = 'db-archiver lease'"`,
        {},
        env,
      );
      expect(sessions.code).toBe(0);
      expect(sessions.stdout).toMatch(/db-archiver lease/);

      const files = await shell.run('ls -l /var/lib/archiver/locks', { '/var/lib/archiver/locks': lockDir });
      expect(files.code).toBe(0);
      expect(files.stdout).toContain(`${encodeURIComponent(resource)}.`);
    } finally {
      for (const [backend, lease] of leases) await backend.release(lease);
      for (const backend of backends) {
        await backend.close();
      }
    }
  });

  it('reads an archive with the DuckDB CLI and its httpfs extension installed from PyPI (docs/s3-layout.md)', async () => {
    const install = await shell.run('bash scripts/install-duckdb.sh');
    expect(install.code).toBe(0);
    expect(install.stderr).toMatch(/duckdb\/httpfs \.\.\. ok/);
    const cli = await shell.run(
      `~/.cache/db-archiver/bin/duckdb -cmd "SET extension_directory = '$HOME/.cache/db-archiver/duckdb/extensions'"`,
      {},
      {
        stdin: `INSTALL httpfs; LOAD httpfs;
.mode csv
SELECT extension_name, installed, loaded FROM duckdb_extensions() WHERE extension_name = 'httpfs';`,
      },
    );
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('httpfs,true,true');
  });

  it("installs the benchmark's pt-archiver and accepts the README's benchmark arguments (README.md)", async () => {
    const setup = await shell.run('bash bench/setup.sh');
    expect(setup.code).toBe(0);
    expect(setup.stderr).toMatch(/pt-archiver \.\.\. ok/);
    // The benchmark itself is marked not run (most of an hour); its arguments are parsed by bench/options.ts.
    const bench = commands.find((c) => c.command.startsWith('npm run bench -- '))!;
    const args = bench.command.replace('npm run bench -- ', '').split(' ');
    const parsed = await shell.exec(
      `npx tsx -e 'console.log(JSON.stringify(require("./bench/options").parseOptions(JSON.parse(process.env.BENCH_ARGS))))'`,
      { env: { BENCH_ARGS: JSON.stringify(args) } },
    );
    expect(parsed.code).toBe(0);
    expect(JSON.parse(parsed.stdout)).toMatchObject({
      rows: 1_000_000,
      batch: 10_000,
      engines: ['mariadb', 'postgres'],
      repeats: 1,
      json: '/tmp/bench.json',
    });
  });

  it('regenerates docs/config-reference.md without a change: it is what the schema says (README.md, docs/)', async () => {
    const path = join(REPO_ROOT, 'docs', 'config-reference.md');
    const before = readFileSync(path, 'utf8');
    const result = await shell.run('npm run docs:config');
    const after = readFileSync(path, 'utf8');
    if (after !== before) writeFileSync(path, before); // a test leaves the checkout as it found it
    expect(result.code).toBe(0);
    expect(after === before ? 'unchanged' : 'docs/config-reference.md was stale').toBe('unchanged');
  });

  it('names only commands and options that exist, where a doc names one in passing', async () => {
    const elsewhere = new Set(ELSEWHERE.map((e) => e.command));
    const references = commands.filter(
      (c) => !c.notRun && !shell.ran.has(c.command) && !elsewhere.has(c.command) && reference(c.command),
    );
    expect(references.length).toBeGreaterThan(10);
    const checks = [...new Set(references.map((c) => c.command))].map(async (text) => {
      const { words, flags } = reference(text)!;
      const help = await shell.exec(`node bin/archiver.js ${words.join(' ')} --help`);
      const problems = [
        ...(help.code === 0 && help.stdout.startsWith(`Usage: archiver ${words.join(' ')}`)
          ? []
          : [`\`archiver ${words.join(' ')}\` is not a command`]),
        ...flags
          .filter((flag) => !new RegExp(`(^|[ ,])${flag}\\b`, 'm').test(help.stdout))
          .map((flag) => `\`archiver ${words.join(' ')}\` has no ${flag}`),
      ];
      return problems.map(
        (p) =>
          `${references
            .filter((c) => c.command === text)
            .map(where)
            .join(', ')}: ${p}`,
      );
    });
    expect((await Promise.all(checks)).flat()).toEqual([]);
  });

  it('names, for each command another test runs, a test that passes those very arguments', () => {
    const problems = ELSEWHERE.flatMap(({ command, test }) => {
      if (!commands.some((c) => c.command === command)) return [`\`${command}\`: no doc has it any more`];
      const tokens = command.replace(/^npx archiver /, '').split(' ');
      const argv = tokens.map((t) =>
        t === 'archiver.yaml' ? '[A-Za-z_$][\\w$]*' : `'${t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`,
      );
      const pattern = new RegExp(`runCli\\(\\[\\s*${argv.join('\\s*,\\s*')}\\s*,?\\s*\\]`);
      return pattern.test(readFileSync(join(REPO_ROOT, test), 'utf8'))
        ? []
        : [`${test} does not run \`${command}\``];
    });
    expect(problems).toEqual([]);
  });

  it('links every page under docs/ from README.md', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const unlinked = docFiles().filter((file) => file !== 'README.md' && !readme.includes(`](${file}`));
    expect(unlinked).toEqual([]);
  });

  it('runs, or has run elsewhere, or finds marked with a reason, every example command of the docs', () => {
    const elsewhere = new Set(ELSEWHERE.map((e) => e.command));
    const unaccounted = commands
      .filter((c) => !(c.notRun && c.notRun.split(' ').length >= 3))
      .filter((c) => !shell.ran.has(c.command) && !elsewhere.has(c.command) && !reference(c.command))
      .map(
        (c) =>
          `${where(c)}: \`${c.command}\`${c.notRun !== undefined ? ` (marked, but "${c.notRun}" gives no reason)` : ''}`,
      );
    expect(unaccounted).toEqual([]);
  });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A command named in passing rather than shown to be run: `archiver SUBCOMMAND…` with at most option names
 * after it (`archiver restore --into`), no values. Checked against the command's --help.
 */
function reference(command: string): { words: string[]; flags: string[] } | undefined {
  const match = /^(?:npx )?archiver((?: [a-z][a-z-]*)*)((?: --[a-z][a-z-]*)*)(?: …)?$/.exec(command);
  if (!match) return undefined;
  return {
    words: match[1]!.trim().split(' ').filter(Boolean),
    flags: match[2]!.trim().split(' ').filter(Boolean),
  };
}

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
