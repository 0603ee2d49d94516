import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { runProcess, type ProcessResult } from './process';
import { S3_ENV } from './services';

export const ARCHIVER_BIN = join(__dirname, '..', '..', 'bin', 'archiver.js');

/** Runs the built `archiver` command to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [ARCHIVER_BIN, ...args], { ...process.env, ...S3_ENV, ...env });
}

/** Starts `archiver worker` in the background; resolves once it logs that it polls its task queue. */
export function startWorkerProcess(
  configPath: string,
  extraArgs: string[] = [],
): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ARCHIVER_BIN,
        'worker',
        '--config',
        configPath,
        ...extraArgs,
        ...(process.env.TEST_WORKER_LOG_LEVEL ? ['--log-level', process.env.TEST_WORKER_LOG_LEVEL] : []),
      ],
      {
        env: { ...process.env, ...S3_ENV },
      },
    );
    let output = '';
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('Worker started')) resolve({ child, output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`worker exited with ${code} before starting:\n${output}`)));
  });
}

export function stopProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
