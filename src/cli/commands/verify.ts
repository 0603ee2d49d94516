import type { Command } from 'commander';
import type { Config } from '../../config';
import type { verifyArchive } from '../../workflows';
import { verifyWorkflowId, type VerifyInput, type VerifyReport } from '../../shared/verify';
import { loadConfigForCli, UsageError } from '../load-config-or-exit';
import { connectClient } from '../temporal-client';

interface VerifyOptions {
  config: string;
  database: string[];
  table: string[];
  wait?: boolean;
  json?: boolean;
}

/**
 * What the verify workflow receives: the selected databases and their tables as archived (`schema.table`, as in
 * object keys). `--table` matches a table as configured, schema-qualified, or by its bare name in any schema; a
 * name that matches nothing in the selected databases is a usage error, so a typo never passes as "nothing to
 * check".
 */
export function buildVerifyInput(
  config: Config,
  options: { databases: string[]; tables: string[] },
): VerifyInput {
  const known = config.databases.map((d) => d.name);
  const unknown = options.databases.filter((d) => !known.includes(d));
  if (unknown.length > 0) {
    throw new UsageError(
      `--database ${unknown.join(', ')}: not in the configuration (known: ${known.join(', ')})`,
    );
  }
  const selected = config.databases.filter(
    (d) => options.databases.length === 0 || options.databases.includes(d.name),
  );
  const matches = (name: string, t: { name: string; qualifiedName: string }) =>
    name === t.name ||
    name === t.qualifiedName ||
    (!name.includes('.') && t.qualifiedName.endsWith(`.${name}`));
  const wanted = (t: { name: string; qualifiedName: string }) =>
    options.tables.length === 0 || options.tables.some((name) => matches(name, t));
  const unmatched = options.tables.filter(
    (name) => !selected.some((d) => d.tables.some((t) => matches(name, t))),
  );
  if (unmatched.length > 0) {
    throw new UsageError(
      `--table ${unmatched.join(', ')}: not a configured table of ${selected.map((d) => d.name).join(', ')}`,
    );
  }
  return {
    databases: selected
      .map((d) => ({
        database: d.name,
        tables: [...new Set(d.tables.filter(wanted).map((t) => t.qualifiedName))],
      }))
      .filter((d) => d.tables.length > 0),
  };
}

/** The text report: one line per table, then one line per problem of that table. */
export function formatVerifyReport(report: VerifyReport): string[] {
  const lines: string[] = [];
  for (const database of report.databases) {
    for (const table of database.tables) {
      const flawed = table.problems.length + table.problemsOmitted > 0;
      const batches =
        table.batchesWithProblems > 0
          ? `${table.batches} batches (${table.batchesWithProblems} with problems)`
          : `${table.batches} batches`;
      lines.push(
        `${flawed ? 'PROBLEMS' : 'ok      '} ${database.name} ${table.table}: ${batches}, ${table.rows} rows, ${table.bytes} bytes`,
      );
      for (const p of table.problems) lines.push(`  ${p.key}: ${p.problem}`);
      if (table.problemsOmitted > 0) lines.push(`  … and ${table.problemsOmitted} more problems, not listed`);
    }
  }
  return lines;
}

function summary(report: VerifyReport): string {
  const counts = `${report.batches} batches, ${report.rows} rows, ${report.bytes} bytes`;
  if (report.status === 'ok') return `ok: ${counts}`;
  return `problems: ${report.problems} found, ${report.batchesWithProblems} of ${report.batches} batches affected; ${report.rows} rows, ${report.bytes} bytes`;
}

export function registerVerify(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('verify')
    .description('re-read archived objects and check their checksums, manifests and metadata')
    .requiredOption('-c, --config <file>', 'configuration file')
    .option(
      '-d, --database <name>',
      'only this database (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option(
      '-t, --table <name>',
      'only this table (repeatable)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--wait', 'wait for the verification to finish (always the case)')
    .option('--json', 'print the report as JSON on stdout')
    .action(async (options: VerifyOptions) => {
      const config = loadConfigForCli(options.config);
      const input = buildVerifyInput(config, { databases: options.database, tables: options.table });
      const client = await connectClient(config.temporal);
      try {
        const workflowId = verifyWorkflowId(Date.now());
        const handle = await client.workflow.start<typeof verifyArchive>('verifyArchive', {
          workflowId,
          taskQueue: config.temporal.taskQueue,
          args: [input],
        });
        process.stderr.write(`archiver: verify ${workflowId} started; waiting for it to finish\n`);
        const report = await handle.result();
        const out = options.json ? [JSON.stringify(report)] : formatVerifyReport(report);
        if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
        process.stderr.write(`archiver: verify ${workflowId}: ${summary(report)}\n`);
        setExitCode(report.status === 'ok' ? 0 : 1);
      } finally {
        await client.connection.close();
      }
    });
}
