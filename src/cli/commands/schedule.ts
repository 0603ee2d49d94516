import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { tryParseDuration } from '../../config/duration';
import type { Config } from '../../config';
import {
  buildScheduleOptions,
  createOrUpdateSchedule,
  DEFAULT_CATCHUP_WINDOW,
  deleteSchedule,
  describeSchedule,
  formatScheduleView,
  listFleetSchedules,
  MIN_CATCHUP_WINDOW_MS,
  parseTiming,
  pauseSchedule,
  ScheduleRequestError,
  type ScheduleTiming,
  scheduleView,
  triggerSchedule,
  unpauseSchedule,
} from '../../schedules';
import { buildFleetInput, fleetDisplay } from '../fleet-input';
import { loadConfigForCli, UsageError } from '../load-config-or-exit';
import { checkSearchAttributes } from '../search-attributes';
import { connectClient } from '../temporal-client';

interface CreateOptions {
  config: string;
  id: string;
  cron?: string;
  every?: string;
  database: string[];
  timezone?: string;
  catchupWindow: string;
  paused?: boolean;
  note?: string;
  update?: boolean;
}

const SCHEDULE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function checkScheduleId(id: string): string {
  if (!SCHEDULE_ID.test(id)) {
    throw new UsageError(
      `schedule id "${id}" must be 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return id;
}

/** Operator mistakes found in src/schedules become UsageError: one sentence, exit 2. */
function asUsageError(error: unknown): unknown {
  return error instanceof ScheduleRequestError ? new UsageError(error.message, { cause: error }) : error;
}

/** Connects, runs `body`, closes. */
async function withTemporal(config: Config, body: (client: Client) => Promise<void>): Promise<void> {
  const client = await connectClient(config.temporal);
  try {
    await body(client);
  } catch (error) {
    throw asUsageError(error);
  } finally {
    await client.connection.close();
  }
}

function catchupWindowMs(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined || ms < MIN_CATCHUP_WINDOW_MS) {
    throw new UsageError(`--catchup-window ${text} must be a duration of at least 10s, like 1h or 30m`);
  }
  return ms;
}

async function create(options: CreateOptions): Promise<void> {
  const id = checkScheduleId(options.id);
  let timing: ScheduleTiming;
  try {
    timing = parseTiming(options);
  } catch (error) {
    throw asUsageError(error);
  }
  const window = catchupWindowMs(options.catchupWindow);
  const config = loadConfigForCli(options.config);
  const fleet = buildFleetInput(config, { databases: options.database, dryRun: false });
  await withTemporal(config, async (client) => {
    // As `archiver run` does: the runs set the search attributes only if the namespace has them registered.
    const attributes = await checkSearchAttributes(client, config.temporal.namespace);
    if (!attributes.registered) process.stderr.write(`archiver: warning: ${attributes.warning}\n`);
    const input = { ...fleet, searchAttributes: attributes.registered };
    const scheduleOptions = buildScheduleOptions({
      scheduleId: id,
      timing,
      input,
      taskQueue: config.temporal.taskQueue,
      catchupWindowMs: window,
      paused: options.paused === true,
      ...(options.note !== undefined ? { note: options.note } : {}),
      run: fleetDisplay(config, input),
    });
    const done = await createOrUpdateSchedule(client, scheduleOptions, options.update === true);
    const view = scheduleView(await describeSchedule(client, id));
    const next = view.paused
      ? 'paused: no runs until `archiver schedule unpause`'
      : `next run ${view.nextActionTimes[0] ?? 'none'}`;
    process.stdout.write(
      `${done.outcome} schedule ${id}: ${view.timing}; archives ${view.databases.join(', ')}; ${next}\n`,
    );
    if (done.outcome === 'updated' && !done.memoUpdated) {
      process.stderr.write(
        'archiver: this Temporal server cannot change a schedule memo, so the memo still shows the summary from creation; `archiver schedule list` shows the current settings\n',
      );
    }
  });
}

function collect(value: string, all: string[]): string[] {
  return [...all, value];
}

function registerCreate(schedule: Command): void {
  schedule
    .command('create')
    .description('create (or with --update change) a schedule that starts fleet runs')
    .requiredOption('-c, --config <file>', 'configuration file')
    .requiredOption('--id <id>', 'schedule id, e.g. nightly')
    .option('--cron <expr>', 'cron expression, e.g. "0 2 * * *" (5 to 7 fields, @daily, …)')
    .option('--every <duration>', 'fixed interval instead of cron, e.g. 12h')
    .option('-d, --database <name>', 'only this database (repeatable; default all)', collect, [])
    .option('--timezone <tz>', 'IANA time zone the cron expression is read in (default UTC)')
    .option(
      '--catchup-window <duration>',
      'after a Temporal outage, still take runs missed by at most this much',
      DEFAULT_CATCHUP_WINDOW,
    )
    .option('--paused', 'create it paused')
    .option('--note <text>', 'note shown with the schedule (e.g. why it is paused)')
    .option('--update', 'if the schedule exists, change it in place (keeps its pause state)')
    .action(create);
}

function registerList(schedule: Command): void {
  schedule
    .command('list')
    .description("list the fleet schedules on the configuration's task queue")
    .requiredOption('-c, --config <file>', 'configuration file')
    .option('--json', 'print a JSON array')
    .action(async (options: { config: string; json?: boolean }) => {
      const config = loadConfigForCli(options.config);
      await withTemporal(config, async (client) => {
        const views = await listFleetSchedules(client, config.temporal.taskQueue);
        if (options.json) process.stdout.write(`${JSON.stringify(views)}\n`);
        else if (views.length === 0) process.stderr.write('archiver: no schedules on this task queue\n');
        else process.stdout.write(`${views.map(formatScheduleView).join('\n')}\n`);
      });
    });
}

function registerPauseAndUnpause(schedule: Command): void {
  for (const verb of ['pause', 'unpause'] as const) {
    schedule
      .command(`${verb} <id>`)
      .description(
        verb === 'pause'
          ? 'stop taking scheduled runs (a running one continues)'
          : 'take scheduled runs again',
      )
      .requiredOption('-c, --config <file>', 'configuration file')
      .option('--note <text>', 'why (shown with the schedule)')
      .action(async (id: string, options: { config: string; note?: string }) => {
        await withTemporal(loadConfigForCli(options.config), async (client) => {
          const note = options.note ?? `${verb}d with archiver schedule ${verb}`;
          if (verb === 'pause') await pauseSchedule(client, id, note);
          else await unpauseSchedule(client, id, note);
          process.stdout.write(`${verb}d schedule ${id}\n`);
        });
      });
  }
}

function registerDelete(schedule: Command): void {
  schedule
    .command('delete <id>')
    .description('delete a schedule (runs it started keep going)')
    .requiredOption('-c, --config <file>', 'configuration file')
    .action(async (id: string, options: { config: string }) => {
      await withTemporal(loadConfigForCli(options.config), async (client) => {
        const running = await deleteSchedule(client, id);
        process.stdout.write(`deleted schedule ${id}\n`);
        for (const workflowId of running) {
          process.stderr.write(
            `archiver: run ${workflowId} it started is still running; \`archiver cancel --config ${options.config} ${workflowId}\` stops it\n`,
          );
        }
      });
    });
}

function registerTrigger(schedule: Command): void {
  schedule
    .command('trigger <id>')
    .description('start a run now, unless a run of this schedule is still going (overlap SKIP)')
    .requiredOption('-c, --config <file>', 'configuration file')
    .action(async (id: string, options: { config: string }) => {
      await withTemporal(loadConfigForCli(options.config), async (client) => {
        const result = await triggerSchedule(client, id);
        if (result.outcome === 'started') process.stdout.write(`${result.workflowId}\n`);
        else if (result.outcome === 'skipped') {
          process.stderr.write(
            `archiver: schedule ${id} is still running ${result.runningWorkflowIds.join(', ') || 'a run'}; nothing was started\n`,
          );
        } else {
          process.stderr.write(
            `archiver: trigger sent; schedule ${id} has not started the run yet (see \`archiver schedule list\`)\n`,
          );
        }
      });
    });
}

export function registerSchedule(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('Temporal schedules for recurring fleet runs (see docs/schedules.md)');
  registerCreate(schedule);
  registerList(schedule);
  registerPauseAndUnpause(schedule);
  registerDelete(schedule);
  registerTrigger(schedule);
}
