import { spawn, type SpawnOptions } from 'node:child_process';
import { appendFileSync } from 'node:fs';

/** Running the tools under test as child processes, with their output kept in a log for when they fail. */

export class CommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly log: string,
    readonly tail: string,
  ) {
    super(`${command} exited with ${exitCode ?? 'a signal'}; log: ${log}\n${tail}`);
    this.name = 'CommandFailedError';
  }
}

export interface ExecOptions {
  /** Appended to this file: the command line, stderr, and stdout unless captured. */
  log: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written to the process's stdin, which is then closed. */
  input?: string;
  /** Return stdout instead of logging it. */
  capture?: boolean;
  /** Sees stdout as it arrives (with capture). */
  onStdout?: (chunk: string) => void;
}

/** Runs a command to completion (and reaps it, so its CPU time counts as this process's children's). */
export function exec(file: string, args: string[], options: ExecOptions): Promise<string> {
  const line = [file, ...args].map((a) => (/^[\w./:=,@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
  appendFileSync(options.log, `\n=== ${new Date().toISOString()} ${line}\n`);
  const spawnOptions: SpawnOptions = {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  };
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, spawnOptions);
    const out: Buffer[] = [];
    let tail = '';
    const keep = (chunk: Buffer) => {
      appendFileSync(options.log, chunk);
      tail = (tail + chunk.toString()).slice(-2000);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      if (!options.capture) return keep(chunk);
      out.push(chunk);
      options.onStdout?.(chunk.toString());
    });
    child.stderr!.on('data', keep);
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(`${file} is not installed or not on PATH (see bench/RESULTS.md, "Running it")`)
          : error,
      ),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString());
      else reject(new CommandFailedError(line, code, options.log, tail));
    });
    child.stdin!.end(options.input ?? '');
  });
}
