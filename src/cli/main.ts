import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../version';
import { registerCleanupUploads } from './commands/cleanup-uploads';
import { registerLocks } from './commands/locks';
import { registerRestore } from './commands/restore';
import { registerRun } from './commands/run';
import { registerSchedule } from './commands/schedule';
import { registerStatus } from './commands/status';
import { registerControl } from './commands/control';
import { registerWorker } from './commands/worker';
import { registerVerify } from './commands/verify';
import { EXIT_USAGE, UsageError } from './load-config-or-exit';

/** Runs the CLI and resolves to the process exit code: 0 success, 1 a failed run, 2 bad usage or configuration. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('archiver')
    .version(TOOL_VERSION)
    .description('Archive old rows from PostgreSQL and MySQL/MariaDB into S3, durably, on Temporal.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerWorker(program);
  registerRun(program, (code) => (exitCode = code));
  registerStatus(program);
  registerControl(program);
  registerRestore(program, (code) => (exitCode = code));
  registerVerify(program, (code) => (exitCode = code));
  registerSchedule(program);
  registerCleanupUploads(program);
  registerLocks(program, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`archiver: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}
