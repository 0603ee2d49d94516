import type { Command } from 'commander';
import type { restoreTable } from '../../workflows';
import { restoreWorkflowId, type RestoreInput, type RestoreReport } from '../../shared/restore';
import { timestampMicros } from '../../codec';
import { loadConfigForCli, UsageError } from '../load-config-or-exit';
import { connectClient } from '../temporal-client';
import { printRestoreSummary } from '../restore-summary';

interface RestoreOptions {
  config: string;
  database: string;
  table: string;
  into?: string;
  from?: string;
  to?: string;
  wait?: boolean;
  json?: boolean;
}

function checkInstant(flag: string, value: string | undefined): void {
  if (value !== undefined && timestampMicros(value) === null) {
    throw new UsageError(
      `${flag} ${value}: not an ISO 8601 date or time (e.g. 2026-01-31 or 2026-01-31T12:00:00Z)`,
    );
  }
}

/** What the restore workflow receives: names and the time range, never connection strings. */
export function buildRestoreInput(options: RestoreOptions, knownDatabases: readonly string[]): RestoreInput {
  if (!knownDatabases.includes(options.database)) {
    throw new UsageError(
      `--database ${options.database}: not in the configuration (known: ${knownDatabases.join(', ')})`,
    );
  }
  checkInstant('--from', options.from);
  checkInstant('--to', options.to);
  if (options.from && options.to && timestampMicros(options.from)! >= timestampMicros(options.to)!) {
    throw new UsageError(`--from ${options.from} is not before --to ${options.to}`);
  }
  return {
    database: options.database,
    table: options.table,
    ...(options.into ? { into: options.into } : {}),
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
  };
}

export function registerRestore(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('restore')
    .description("restore a table's archived rows, verifying every object's checksums before inserting")
    .requiredOption('-c, --config <file>', 'configuration file')
    .requiredOption('-d, --database <name>', 'configured database the table belongs to')
    .requiredOption('-t, --table <name>', 'archived table: schema.table, or a bare name')
    .option('--into <table>', 'restore into this table (created from the archived schema when missing)')
    .option('--from <iso>', 'only rows whose timestamp is at or after this instant')
    .option('--to <iso>', 'only rows whose timestamp is before this instant')
    .option('--wait', 'wait for the restore to finish, with a summary on stderr')
    .option('--json', 'print the final report as JSON on stdout (implies --wait)')
    .action(async (options: RestoreOptions) => {
      const config = loadConfigForCli(options.config);
      const input = buildRestoreInput(
        options,
        config.databases.map((d) => d.name),
      );
      const client = await connectClient(config.temporal);
      try {
        const workflowId = restoreWorkflowId(input.database, input.table, Date.now());
        const handle = await client.workflow.start<typeof restoreTable>('restoreTable', {
          workflowId,
          taskQueue: config.temporal.taskQueue,
          args: [input],
        });
        if (!options.json) process.stdout.write(`${workflowId}\n`);
        if (!options.wait && !options.json) return;
        process.stderr.write(`archiver: restore ${workflowId} started; waiting for it to finish\n`);
        const report: RestoreReport = await handle.result();
        if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        printRestoreSummary(report);
        setExitCode(report.status === 'completed' ? 0 : 1);
      } finally {
        await client.connection.close();
      }
    });
}
