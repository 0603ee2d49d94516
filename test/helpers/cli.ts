import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { S3_ENV } from './services';

export const ARCHIVER_BIN = join(__dirname, '..', '..', 'bin', 'archiver.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `archiver` command to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ARCHIVER_BIN, ...args], {
      env: { ...process.env, ...S3_ENV, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `archiver worker` in the background; resolves once it logs that it polls its task queue. */
export function startWorkerProcess(
  configPath: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ARCHIVER_BIN,
        'worker',
        '--config',
        configPath,
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
