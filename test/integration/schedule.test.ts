/**
 * `archiver schedule …` against the Temporal dev server (the time-skipping test server has no schedules). No
 * worker polls the test's task queue, so a triggered fleet run stays Running until the test terminates it.
 */
import { Client, Connection, ScheduleNotFoundError, type ScheduleDescription } from '@temporalio/client';
import { TypedSearchAttributes, type SearchAttributePair } from '@temporalio/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScheduleView } from '../../src/schedules';
import { DATABASE_SEARCH_ATTRIBUTE, TABLE_SEARCH_ATTRIBUTE, type FleetInput } from '../../src/shared';
import { runCli } from '../helpers/cli';
import { eventually } from '../helpers/eventually';
import { S3_ENDPOINT, TEMPORAL_ADDRESS, uniqueName } from '../helpers/services';

const SECRET = 's3cr3t-pw';

function writeConfig(dir: string, taskQueue: string): string {
  const path = join(dir, `${taskQueue}.yaml`);
  writeFileSync(
    path,
    `temporal: { address: "${TEMPORAL_ADDRESS}", taskQueue: ${taskQueue} }
storage: { bucket: unused, prefix: t, endpoint: "${S3_ENDPOINT}", forcePathStyle: true }
databases:
  - name: shop
    engine: postgres
    url: "postgres://app:${SECRET}@127.0.0.1:5432/shop"
    tables:
      - { name: public.events, timestampColumn: created_at, olderThan: 90d }
      - { name: public.orders, timestampColumn: created_at, olderThan: 30d, delete: false }
  - name: billing
    engine: mysql
    url: "mysql://root:${SECRET}@127.0.0.1:3306/billing"
    tables:
      - { name: invoices, timestampColumn: issued_at, olderThan: 365d }
`,
  );
  return path;
}

/** Search attributes by name (a schedule's action holds them as pairs or as TypedSearchAttributes). */
function attributeValues(attributes: SearchAttributePair[] | TypedSearchAttributes | undefined) {
  const pairs = attributes instanceof TypedSearchAttributes ? attributes.getAll() : (attributes ?? []);
  return Object.fromEntries(pairs.map((pair) => [pair.key.name, pair.value]));
}

function hourIn(timeZone: string, iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(
    new Date(iso),
  );
}

describe('archiver schedule on the Temporal dev server', () => {
  let client: Client;
  let config: string;
  let otherConfig: string;
  let taskQueue: string;
  const created = new Set<string>();
  const started = new Set<string>();

  const newId = (label: string): string => {
    const id = uniqueName(label);
    created.add(id);
    return id;
  };
  const describe_ = (id: string): Promise<ScheduleDescription> => client.schedule.getHandle(id).describe();
  const listed = async (path = config): Promise<ScheduleView[]> => {
    const result = await runCli(['schedule', 'list', '--config', path, '--json']);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as ScheduleView[];
  };
  /** The schedule as `schedule list` shows it, once the server's visibility has it. */
  const listedView = (id: string): Promise<ScheduleView> =>
    eventually(
      async () => (await listed()).find((v) => v.scheduleId === id),
      'the schedule to be listed',
      15_000,
    );
  /** `archiver schedule create --id ID FLAGS…` with the test's configuration, or the one given. */
  const createSchedule = (id: string, flags: string[], path = config) =>
    runCli(['schedule', 'create', '--config', path, '--id', id, ...flags]);

  beforeAll(async () => {
    const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
    client = new Client({ connection });
    const dir = mkdtempSync(join(tmpdir(), 'schedule-'));
    taskQueue = uniqueName('sched');
    config = writeConfig(dir, taskQueue);
    otherConfig = writeConfig(dir, uniqueName('sched_other'));
  });

  afterAll(async () => {
    for (const id of created)
      await client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
    for (const id of started) {
      await client.workflow
        .getHandle(id)
        .terminate('schedule test cleanup')
        .catch(() => undefined);
    }
    await client.connection.close();
  });

  it('creates a cron schedule that list shows with its next action times, SKIP overlap and a 1h catch-up window', async () => {
    const id = newId('nightly');
    const result = await createSchedule(id, ['--cron', '0 2 * * *', '--timezone', 'Europe/Berlin']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(
      new RegExp(`^created schedule ${id}: cron 0 2 \\* \\* \\* \\(Europe/Berlin\\)`),
    );

    const view = await listedView(id);
    expect(view).toMatchObject({
      paused: false,
      timing: 'cron 0 2 * * * (Europe/Berlin)',
      databases: ['shop', 'billing'],
      tables: 3,
      taskQueue,
      workflowIdPrefix: `archive-fleet-scheduled-${id}`,
      overlap: 'SKIP',
      catchupWindowMs: 3_600_000,
    });
    expect(view.nextActionTimes.length).toBeGreaterThan(1);
    for (const time of view.nextActionTimes) expect(hourIn('Europe/Berlin', time)).toBe('02:00');

    const description = await describe_(id);
    expect(description.policies.overlap).toBe('SKIP');
    expect(description.policies.catchupWindow).toBe(3_600_000);
    expect(description.action).toMatchObject({
      workflowType: 'archiveFleet',
      taskQueue,
      workflowId: `archive-fleet-scheduled-${id}`,
    });
    expect(description.memo).toMatchObject({ databases: ['shop', 'billing'], tables: 3, taskQueue });
  });

  it('puts names and table settings into the schedule, never connection strings', async () => {
    const id = newId('nosecret');
    expect((await createSchedule(id, ['--cron', '@daily'])).code).toBe(0);
    const description = await describe_(id);
    const input = description.action.args![0] as FleetInput;
    expect(input.databases.map((d) => d.database)).toEqual(['shop', 'billing']);
    expect(input.databases[0]!.tables[1]).toMatchObject({ name: 'public.orders', delete: false });
    expect(input.dryRun).toBe(false);
    const everything = JSON.stringify(description.raw);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('127.0.0.1:5432');
  });

  it('creates an interval schedule with --every for the chosen databases and catch-up window', async () => {
    const id = newId('every');
    const result = await createSchedule(id, [
      '--every',
      '6h',
      '--database',
      'shop',
      '--catchup-window',
      '30m',
    ]);
    expect(result).toMatchObject({ code: 0 });
    const description = await describe_(id);
    expect(description.spec.intervals?.map((i) => i.every)).toEqual([6 * 3_600_000]);
    expect(description.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 30 * 60_000 });
    expect((description.action.args![0] as FleetInput).databases.map((d) => d.database)).toEqual(['shop']);
    const [first, second] = description.info.nextActionTimes;
    expect(second!.getTime() - first!.getTime()).toBe(6 * 3_600_000);
    const view = await listedView(id);
    expect(view).toMatchObject({ timing: 'every 6h (UTC)', databases: ['shop'], tables: 2 });
  });

  it('refuses to create an existing schedule (exit 2, unchanged) unless --update, which changes it in place and keeps it paused', async () => {
    const id = newId('twice');
    expect((await createSchedule(id, ['--cron', '0 2 * * *'])).code).toBe(0);

    const again = await createSchedule(id, ['--cron', '0 4 * * *', '--database', 'shop']);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(
      `archiver: Schedule "${id}" already exists; pass --update to change it in place, or delete it first.`,
    );
    const unchanged = await describe_(id);
    expect(unchanged.spec.calendars?.[0]?.hour).toEqual([{ start: 2, end: 2, step: 1 }]);
    expect((unchanged.action.args![0] as FleetInput).databases).toHaveLength(2);

    expect((await runCli(['schedule', 'pause', '--config', config, id, '--note', 'maintenance'])).code).toBe(
      0,
    );
    const updated = await createSchedule(id, ['--cron', '30 4 * * *', '--database', 'shop', '--update']);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(new RegExp(`^updated schedule ${id}: cron 30 4 \\* \\* \\* \\(UTC\\)`));
    const after = await describe_(id);
    expect(after.info.createdAt).toEqual(unchanged.info.createdAt);
    expect(after.spec.calendars?.[0]).toMatchObject({
      hour: [{ start: 4, end: 4, step: 1 }],
      minute: [{ start: 30, end: 30, step: 1 }],
    });
    expect((after.action.args![0] as FleetInput).databases.map((d) => d.database)).toEqual(['shop']);
    expect(after.state).toMatchObject({ paused: true, note: 'maintenance' });
    expect(after.policies.overlap).toBe('SKIP');
    const view = await listedView(id);
    expect(view).toMatchObject({ timing: 'cron 30 4 * * * (UTC)', databases: ['shop'], paused: true });
  });

  it('pauses and unpauses, with the notes visible in describe', async () => {
    const id = newId('pausing');
    expect((await createSchedule(id, ['--every', '1d'])).code).toBe(0);

    const paused = await runCli([
      'schedule',
      'pause',
      '--config',
      config,
      id,
      '--note',
      'PostgreSQL upgrade',
    ]);
    expect(paused).toMatchObject({ code: 0, stdout: `paused schedule ${id}\n` });
    expect((await describe_(id)).state).toMatchObject({ paused: true, note: 'PostgreSQL upgrade' });

    const unpaused = await runCli(['schedule', 'unpause', '--config', config, id]);
    expect(unpaused.code).toBe(0);
    expect((await describe_(id)).state.paused).toBe(false);
  });

  it('creates a schedule paused with --paused', async () => {
    const id = newId('startpaused');
    const note = 'waiting for sign-off';
    const result = await createSchedule(id, ['--cron', '0 2 * * *', '--paused', '--note', note]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('paused: no runs until `archiver schedule unpause`');
    expect((await describe_(id)).state).toMatchObject({ paused: true, note });
  });

  it('triggers a fleet run with the scheduled id prefix, and skips a second trigger while that run is going', async () => {
    const id = newId('trigger');
    expect((await createSchedule(id, ['--cron', '0 2 * * *'])).code).toBe(0);

    const first = await runCli(['schedule', 'trigger', '--config', config, id]);
    expect(first.code).toBe(0);
    const workflowId = first.stdout.trim();
    started.add(workflowId);
    expect(workflowId.startsWith(`archive-fleet-scheduled-${id}-`)).toBe(true);

    const execution = await client.workflow.getHandle(workflowId).describe();
    expect(execution).toMatchObject({ type: 'archiveFleet', taskQueue, status: { name: 'RUNNING' } });
    const description = await describe_(id);
    expect(description.info.recentActions.map((a) => a.action.workflow.workflowId)).toContain(workflowId);
    expect(description.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([workflowId]);

    const second = await runCli(['schedule', 'trigger', '--config', config, id]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain(`schedule ${id} is still running ${workflowId}; nothing was started`);
    const after = await describe_(id);
    expect(after.info.numActionsSkippedOverlap).toBe(1);
    expect(after.info.runningActions.map((a) => a.workflow.workflowId)).toEqual([workflowId]);
    expect(after.info.numActionsTaken).toBe(1);
  });

  it('gives each scheduled run the memo, summary and search attributes of an `archiver run`', async () => {
    const id = newId('display');
    const cron = ['--cron', '0 2 * * *'];
    expect((await createSchedule(id, [...cron, '--database', 'billing'])).code).toBe(0);

    const action = (await describe_(id)).action;
    const memo = {
      mode: 'archive',
      archive: 's3://unused/t/',
      endpoint: S3_ENDPOINT,
      lock: 'none',
      databases: {
        billing: {
          engine: 'mysql',
          tables: { invoices: 'older than 365d by issued_at, batches of 5000, delete, drift warn' },
        },
      },
      schedule: id,
      timing: 'cron 0 2 * * * (UTC)',
    };
    const summary = `Archive 1 database (billing) to s3://unused/t/ (schedule ${id})`;
    expect(action.memo).toMatchObject(memo);
    expect(action.staticSummary).toBe(summary);
    const searchAttributes = {
      [DATABASE_SEARCH_ATTRIBUTE.name]: 'billing',
      [TABLE_SEARCH_ATTRIBUTE.name]: 'invoices',
    };
    expect(attributeValues(action.typedSearchAttributes)).toEqual(searchAttributes);
    // The fleet passes them on to its database workflows, as it does for `archiver run`.
    expect((action.args![0] as FleetInput).searchAttributes).toBe(true);

    const trigger = await runCli(['schedule', 'trigger', '--config', config, id]);
    expect(trigger.code).toBe(0);
    const workflowId = trigger.stdout.trim();
    started.add(workflowId);
    const run = await client.workflow.getHandle(workflowId).describe();
    expect(run.memo).toMatchObject(memo);
    expect(await run.staticSummary()).toBe(summary);
    expect(attributeValues(run.typedSearchAttributes)).toMatchObject(searchAttributes);
    expect(JSON.stringify(run.raw)).not.toContain(SECRET);

    // --update rebuilds them from the new selection: two databases, so no single database to filter by.
    expect((await createSchedule(id, [...cron, '--update'])).code).toBe(0);
    const updated = (await describe_(id)).action;
    expect(updated.staticSummary).toBe(
      `Archive 2 databases (shop, billing) to s3://unused/t/ (schedule ${id})`,
    );
    expect(Object.keys(updated.memo?.databases as object)).toEqual(['shop', 'billing']);
    expect(attributeValues(updated.typedSearchAttributes)).toEqual({});
  });

  it('deletes a schedule; a second delete exits 2', async () => {
    const id = newId('deleting');
    expect((await createSchedule(id, ['--every', '12h'])).code).toBe(0);

    const deleted = await runCli(['schedule', 'delete', '--config', config, id]);
    expect(deleted).toMatchObject({ code: 0, stdout: `deleted schedule ${id}\n` });
    await expect(describe_(id)).rejects.toBeInstanceOf(ScheduleNotFoundError);

    const again = await runCli(['schedule', 'delete', '--config', config, id]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toBe(
      `archiver: Schedule "${id}" does not exist in Temporal namespace "default".`,
    );
    expect((await runCli(['schedule', 'pause', '--config', config, id])).code).toBe(2);
    expect((await runCli(['schedule', 'trigger', '--config', config, id])).code).toBe(2);
  });

  it("lists only the schedules on the configuration's task queue", async () => {
    const mine = newId('mine');
    const theirs = newId('theirs');
    expect((await createSchedule(mine, ['--every', '1d'])).code).toBe(0);
    expect((await createSchedule(theirs, ['--every', '1d'], otherConfig)).code).toBe(0);
    await eventually(
      async () => ((await listed(otherConfig)).some((v) => v.scheduleId === theirs) ? true : undefined),
      'the other schedule to be listed',
      15_000,
    );
    const ids = (await listed()).map((v) => v.scheduleId);
    expect(ids).toContain(mine);
    expect(ids).not.toContain(theirs);

    const text = await runCli(['schedule', 'list', '--config', config]);
    expect(text.stdout).toContain(`${mine}  active  every 1d (UTC)`);
    expect(text.stdout).toContain('archives shop, billing (3 tables)');
  });

  describe('refusals, each one sentence with exit 2 and nothing created', () => {
    const cases: [string, string[], RegExp][] = [
      ['an hour out of range', ['--cron', '0 25 * * *'], /--cron "0 25 \* \* \*" hour field "25" is not/],
      ['too few fields', ['--cron', '0 2 * *'], /has 4 fields; expected 5/],
      ['an unsupported character', ['--cron', '0 2 ? * MON'], /day of month field "\?" is not/],
      [
        'both --cron and --every',
        ['--cron', '@daily', '--every', '1d'],
        /exactly one of --cron EXPR or --every/,
      ],
      ['neither --cron nor --every', [], /exactly one of --cron EXPR or --every/],
      [
        'an unknown time zone',
        ['--every', '1d', '--timezone', 'Mars/Olympus'],
        /--timezone Mars\/Olympus is not/,
      ],
      [
        'an unknown database',
        ['--every', '1d', '--database', 'nope'],
        /--database nope: not in the configuration/,
      ],
      ['a tiny catch-up window', ['--every', '1d', '--catchup-window', '1s'], /at least 10s/],
      [
        'an interval below a second',
        ['--every', '500ms'],
        /--every 500ms must be a duration of whole seconds/,
      ],
      [
        'a spec the server rejects',
        ['--cron', '@every banana'],
        /^archiver: The Temporal server rejected schedule "[^"]+": invalid schedule spec: .*banana.*\.$/,
      ],
    ];
    it.each(cases)('%s', async (_label, flags, message) => {
      const id = newId('refused');
      const result = await createSchedule(id, flags);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr.trim()).toMatch(message);
      await expect(describe_(id)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    });
  });
});
