import type { Command } from 'commander';
import { WorkflowFailedError } from '@temporalio/client';
import { failureMessage } from '../../workflows/failure-message';
import type { archiveFleet } from '../../workflows';
import { fleetWorkflowId, type FleetReport } from '../../shared';
import { buildFleetInput, fleetDisplay } from '../fleet-input';
import { loadConfigForCli, UsageError } from '../load-config-or-exit';
import { DURATION_HINT, tryParseDuration } from '../../config';
import { connectClient } from '../temporal-client';
import { printReportSummary } from '../report-summary';
import { followProgress } from '../follow';
import { checkSearchAttributes } from '../search-attributes';
import { preflight } from '../preflight';

interface RunOptions {
  config: string;
  database: string[];
  dryRun?: boolean;
  wait?: boolean;
  json?: boolean;
  preflight: boolean;
  maxRunTime?: string;
  fullScan?: boolean;
}

/** `--max-run-time 2h` in milliseconds; a UsageError (exit 2) names the flag when it is not a duration. */
function maxRunTimeFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = tryParseDuration(text);
  if (ms === undefined || ms === 0) {
    throw new UsageError(
      `--max-run-time ${JSON.stringify(text)}: ${ms === 0 ? 'must be longer than zero' : DURATION_HINT}, e.g. --max-run-time 2h`,
    );
  }
  return ms;
}

export function registerRun(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('run')
    .description('start an archival run of the configured databases')
    .requiredOption('-c, --config <file>', 'configuration file')
    .option(
      '-d, --database <name>',
      'only this database (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--dry-run', 'report what would be archived, change nothing')
    .option('--wait', 'wait for the run to finish, with progress on stderr')
    .option('--json', 'print the final report as JSON on stdout (implies --wait)')
    .option(
      '--max-run-time <duration>',
      'stop at a batch boundary once the run is this old (e.g. 2h); overrides run.maxRunTime',
    )
    .option(
      '--full-scan',
      'archive-only tables: read the whole old range again and archive the rows not yet in the archive ' +
        '(late rows behind the watermark, rows changed since); rows already archived are skipped',
    )
    .option('--no-preflight', 'start without first checking that the databases and the bucket are reachable')
    .action(async (options: RunOptions) => {
      const maxRunTimeMs = maxRunTimeFlag(options.maxRunTime);
      const config = loadConfigForCli(options.config);
      const fleet = {
        ...buildFleetInput(config, {
          databases: options.database,
          dryRun: options.dryRun ?? false,
          fullScan: options.fullScan ?? false,
        }),
        ...(maxRunTimeMs !== undefined ? { maxRunTimeMs } : {}),
      };
      const client = await connectClient(config.temporal);
      try {
        if (options.preflight) {
          const problems = await preflight(config, options.database);
          if (problems.length > 0) {
            throw new Error(
              `cannot start the run, nothing was started or changed:\n  ${problems.join('\n  ')}\n` +
                'Fix the address, credentials or network above, or pass --no-preflight to start anyway ' +
                '(a run retries an unreachable database with backoff for several minutes before the table fails).',
            );
          }
        }
        const attributes = await checkSearchAttributes(client, config.temporal.namespace);
        if (!attributes.registered) process.stderr.write(`archiver: warning: ${attributes.warning}\n`);
        const input = { ...fleet, searchAttributes: attributes.registered };
        const workflowId = fleetWorkflowId(Date.now());
        const handle = await client.workflow.start<typeof archiveFleet>('archiveFleet', {
          workflowId,
          taskQueue: config.temporal.taskQueue,
          args: [input],
          ...fleetDisplay(config, input),
        });
        if (!options.json) process.stdout.write(`${workflowId}\n`);
        if (!options.wait && !options.json) return;
        process.stderr.write(`archiver: run ${workflowId} started; waiting for it to finish\n`);
        let report: FleetReport;
        try {
          report = await followProgress(client, workflowId, handle.result());
        } catch (error) {
          // A run that could not even start its databases (a missing bucket, say) ends as a failed workflow.
          if (!(error instanceof WorkflowFailedError)) throw error;
          throw new Error(`run ${workflowId} failed: ${failureMessage(error)}`, { cause: error });
        }
        if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else printReportSummary(report);
        // A run the time limit stopped is not a failure: the next run goes on where it stopped.
        setExitCode(report.status === 'completed' || report.status === 'stopped' ? 0 : 1);
      } finally {
        await client.connection.close();
      }
    });
}
