/**
 * The local cron check refuses typos before the server is contacted; these tests hold it to the server's own
 * grammar by sending every expression to the Temporal dev server unchecked and comparing the verdicts.
 */
import { Client, Connection } from '@temporalio/client';
import {
  buildScheduleOptions,
  cronProblem,
  parseTiming,
  ScheduleRequestError,
  type ScheduleRequest,
} from '../../src/schedules';
import { buildFleetInput, fleetDisplay } from '../../src/cli/fleet-input';
import { parseConfig } from '../../src/config';
import { DATABASE_SEARCH_ATTRIBUTE, type FleetInput } from '../../src/shared';
import { TEMPORAL_ADDRESS, uniqueName } from '../helpers/services';

const ACCEPTED = [
  '0 2 * * *',
  '*/15 * * * *',
  '0 2 * * MON-FRI',
  '0 2 * * mon,wed,fri',
  '0 2 * * 7',
  '30 1 1,15 * *',
  '0 0 1 jan,jul *',
  '0 0 1 JANUARY *',
  '0 2 * * * 2030',
  '15 0 2 * * * *',
  '0 9-17/2 * * 1-5',
  '5/10 * * * *',
  '@daily',
  '@hourly',
  '@every 6h',
  'CRON_TZ=Europe/Berlin 0 2 * * *',
  'TZ=UTC 0 2 * * *',
  '0 2 * * * # nightly archive',
];

const REFUSED = [
  '0 2 * *',
  '0 2 * * * * * *',
  '60 2 * * *',
  '0 24 * * *',
  '0 2 0 * *',
  '0 2 32 * *',
  '0 2 * 13 *',
  '0 2 * * 8',
  '0 2 ? * *',
  '0 2 L * *',
  '0 2 * * m',
  '0 2 * ja *',
  '0 5-2 * * *',
  '0 1-2-3 * * *',
  '*/0 * * * *',
  '0 2 1/2/3 * *',
  '0 2 * * * 1999',
  '0 2 * * * 2101',
  '0 2,,3 * * *',
  '@fortnightly',
  'TZ=UTC',
];

describe('the local cron check agrees with the Temporal server', () => {
  let client: Client;
  const ids: string[] = [];

  beforeAll(async () => {
    client = new Client({ connection: await Connection.connect({ address: TEMPORAL_ADDRESS }) });
  });

  afterAll(async () => {
    for (const id of ids)
      await client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
    await client.connection.close();
  });

  async function serverAccepts(expression: string): Promise<boolean> {
    const scheduleId = uniqueName('cron');
    try {
      await client.schedule.create({
        scheduleId,
        spec: { cronExpressions: [expression] },
        action: { type: 'startWorkflow', workflowType: 'archiveFleet', taskQueue: 'cron-grammar-test' },
        state: { paused: true },
      });
      ids.push(scheduleId);
      return true;
    } catch {
      return false;
    }
  }

  it.each(ACCEPTED)('accepts %s, as the server does', async (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
    expect(await serverAccepts(expression)).toBe(true);
  });

  it.each(REFUSED)('refuses %s, as the server does', async (expression) => {
    expect(cronProblem(expression)).toEqual(expect.any(String));
    expect(await serverAccepts(expression)).toBe(false);
  });

  it('refuses a Quartz-style nth weekday that the server would read as every Monday plus a comment', async () => {
    expect(await serverAccepts('0 2 * * MON#2')).toBe(true);
    expect(cronProblem('0 2 * * MON#2')).toMatch(/inside the field "MON#2": nth-weekday is not supported/);
  });
});

describe('parseTiming', () => {
  it('reads a cron expression in UTC unless a zone is given', () => {
    expect(parseTiming({ cron: ' 0 2 * * * ' })).toEqual({
      kind: 'cron',
      expression: '0 2 * * *',
      timezone: 'UTC',
    });
    expect(parseTiming({ cron: '0 2 * * *', timezone: 'America/New_York' }).timezone).toBe(
      'America/New_York',
    );
  });

  it('takes the zone from a TZ= prefix and refuses a second one from --timezone', () => {
    expect(parseTiming({ cron: 'CRON_TZ=Asia/Tokyo 0 2 * * *' }).timezone).toBe('Asia/Tokyo');
    expect(() => parseTiming({ cron: 'TZ=Asia/Tokyo 0 2 * * *', timezone: 'UTC' })).toThrow(/give only one/);
  });

  it('reads --every as whole seconds of at least one', () => {
    expect(parseTiming({ every: '1d' })).toMatchObject({ kind: 'every', everyMs: 86_400_000 });
    for (const every of ['0s', '1500ms', '90', 'soon']) {
      expect(() => parseTiming({ every })).toThrow(ScheduleRequestError);
    }
  });
});

describe('buildScheduleOptions', () => {
  const config = parseConfig(
    `storage: { bucket: archive }
databases:
  - name: shop
    engine: postgres
    url: postgres://app:pw@db/shop
    tables:
      - { name: public.events, timestampColumn: created_at, olderThan: 90d }
      - { name: public.orders, timestampColumn: created_at, olderThan: 30d }
  - name: billing
    engine: mysql
    url: mysql://root:pw@db/billing
    tables:
      - { name: invoices, timestampColumn: issued_at, olderThan: 365d }
`,
    'test.yaml',
  );
  const input: FleetInput = buildFleetInput(config, { databases: [], dryRun: false });
  const request: ScheduleRequest = {
    scheduleId: 'nightly',
    timing: { kind: 'cron', expression: '0 2 * * *', timezone: 'Europe/Berlin' },
    input,
    taskQueue: 'archiver',
    catchupWindowMs: 3_600_000,
    paused: false,
    run: fleetDisplay(config, input),
  };

  it('starts archiveFleet with SKIP overlap, the catch-up window and the scheduled id prefix', () => {
    const options = buildScheduleOptions(request);
    expect(options.spec).toEqual({ cronExpressions: ['0 2 * * *'], timezone: 'Europe/Berlin' });
    expect(options.policies).toEqual({ overlap: 'SKIP', catchupWindow: 3_600_000, pauseOnFailure: false });
    expect(options.action).toMatchObject({
      workflowType: 'archiveFleet',
      workflowId: 'archive-fleet-scheduled-nightly',
      taskQueue: 'archiver',
      args: [input],
    });
    expect(options.state).toEqual({ paused: false });
  });

  it('summarises the databases and tables in the memo', () => {
    expect(buildScheduleOptions(request).memo).toMatchObject({
      createdBy: 'db-archiver',
      taskQueue: 'archiver',
      timing: 'cron 0 2 * * * (Europe/Berlin)',
      databases: ['shop', 'billing'],
      tables: 3,
      summary: '2 databases (shop, billing), 3 tables',
    });
  });

  it("gives each run the memo and summary of an `archiver run`, with the schedule's id and timing", () => {
    const action = buildScheduleOptions(request).action;
    expect(action.memo).toEqual({
      ...fleetDisplay(config, input).memo,
      schedule: 'nightly',
      timing: 'cron 0 2 * * * (Europe/Berlin)',
    });
    expect(action.memo).toMatchObject({ mode: 'archive', archive: 's3://archive/' });
    expect(action.staticSummary).toBe(
      'Archive 2 databases (shop, billing) to s3://archive/ (schedule nightly)',
    );
    expect(action.typedSearchAttributes).toBeUndefined();
  });

  it('gives the runs of a one-database schedule its ArchiverDatabase, when the namespace has it', () => {
    const shopOnly = buildFleetInput(config, { databases: ['shop'], dryRun: false });
    const withAttributes = { ...shopOnly, searchAttributes: true };
    const action = buildScheduleOptions({
      ...request,
      input: withAttributes,
      run: fleetDisplay(config, withAttributes),
    }).action;
    expect(action.args).toEqual([withAttributes]);
    expect(action.typedSearchAttributes).toEqual([{ key: DATABASE_SEARCH_ATTRIBUTE, value: 'shop' }]);
    const without = buildScheduleOptions({
      ...request,
      input: shopOnly,
      run: fleetDisplay(config, shopOnly),
    });
    expect(without.action.typedSearchAttributes).toBeUndefined();
  });
});
