import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RestoreReport } from '../../src/shared/restore';
import { runCli } from './cli';

/** Writes a configuration to a file of its own, for commands that take `--config`. */
export function writeConfig(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'archiver-')), 'archiver.yaml');
  writeFileSync(path, yaml);
  return path;
}

/** Runs `archiver restore … --json` and returns its exit code, report and diagnostics. */
export async function restoreCli(
  configPath: string,
  args: string[],
): Promise<{ code: number | null; report: RestoreReport; stderr: string }> {
  const result = await runCli(['restore', '--config', configPath, '--json', ...args]);
  let report: RestoreReport;
  try {
    report = JSON.parse(result.stdout) as RestoreReport;
  } catch {
    throw new Error(`restore printed no report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { code: result.code, report, stderr: result.stderr };
}
