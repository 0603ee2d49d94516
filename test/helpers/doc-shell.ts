/**
 * Runs the example commands of the docs as written, in bash from the repository root, with only the placeholders
 * put in that a reader puts in too (a config file's path, a workflow id a previous command printed, their own
 * database's name). Records which doc commands ran, so that docs-commands.test.ts can tell which did not.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT, type DocCommand } from './doc-commands';

export interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Placeholder → value; a placeholder is replaced where it stands as a whole word. */
export type Substitutions = Record<string, string>;

export function substitute(text: string, substitutions: Substitutions): string {
  let out = text;
  for (const [placeholder, value] of Object.entries(substitutions)) {
    const escaped = placeholder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const before = /^\w/.test(placeholder) ? '\\b' : '';
    const after = /\w$/.test(placeholder) ? '\\b' : '';
    out = out.replace(new RegExp(`${before}${escaped}${after}`, 'g'), () => value);
  }
  return out;
}

export class DocShell {
  /** Doc command texts that were run (as written, or as the variant the caller names). */
  readonly ran = new Set<string>();
  private readonly background = new Set<ChildProcess>();
  /** Commands still running (a test that failed midway may leave some, waiting on a worker that is gone). */
  private readonly running = new Set<ChildProcess>();

  constructor(
    private readonly commands: DocCommand[],
    /** The environment every command runs in, as the docs' setup lines leave it. */
    public env: NodeJS.ProcessEnv,
  ) {}

  /** The doc command with this exact text; throws if no doc has it (a stale test step). */
  claim(text: string): string {
    if (!this.commands.some((c) => c.command === text)) {
      throw new Error(`no doc has the command \`${text}\` (changed or removed?)`);
    }
    this.ran.add(text);
    return text;
  }

  /**
   * Runs the doc command `text` with its placeholders replaced, or `variant` when the doc's line is a pattern
   * (`[--json]`, `[SERVICE...]`) and one concrete form of it is run. Fails on a timeout, never on an exit code:
   * the caller checks that.
   */
  async run(
    text: string,
    substitutions: Substitutions = {},
    options: { variant?: string; stdin?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
  ): Promise<ShellResult> {
    const command = substitute(options.variant ?? this.claim(text), substitutions);
    if (options.variant !== undefined) this.claim(text);
    return this.exec(command, options);
  }

  /** Runs a shell line that is not a doc command (a check the docs suggest in prose, a query). */
  exec(
    command: string,
    options: { stdin?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
  ): Promise<ShellResult> {
    return new Promise((resolve, reject) => {
      // A group of its own, so that a timeout or the test's cleanup ends npx's node child too.
      const child = spawn('bash', ['-c', `set -o pipefail\n${command}`], {
        cwd: REPO_ROOT,
        env: { ...this.env, ...options.env },
        detached: true,
      });
      this.running.add(child);
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => {
        signalGroup(child.pid!, 'SIGKILL');
        reject(new Error(`\`${command}\` did not finish in ${options.timeoutMs ?? 120_000} ms:\n${stderr}`));
      }, options.timeoutMs ?? 120_000);
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        this.running.delete(child);
        resolve({ code, stdout, stderr });
      });
      child.stdin.on('error', () => undefined); // a command that does not read its input may exit first
      child.stdin.end(options.stdin ?? '');
    });
  }

  /**
   * Starts a long-running doc command (a worker) in a process group of its own and resolves once its output
   * contains `ready`. `stop` ends the whole group, as Ctrl-C in a terminal does (npx does not pass a signal on).
   */
  start(
    text: string,
    substitutions: Substitutions,
    ready: RegExp,
    options: { variant?: string } = {},
  ): Promise<Background> {
    const command = substitute(options.variant ?? this.claim(text), substitutions);
    if (options.variant !== undefined) this.claim(text);
    const child = spawn('bash', ['-c', `exec ${command}`], { cwd: REPO_ROOT, env: this.env, detached: true });
    this.background.add(child);
    let output = '';
    return new Promise((resolve, reject) => {
      const onData = (d: Buffer): void => {
        output += d.toString();
        if (ready.test(output)) resolve(new Background(child, () => output, this.background));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', reject);
      child.on('exit', (code) =>
        reject(new Error(`\`${command}\` exited with ${code} before it was ready:\n${output}`)),
      );
    });
  }

  /** Ends every command and background command still running (test cleanup). */
  async stopAll(): Promise<void> {
    for (const child of this.running) signalGroup(child.pid!, 'SIGKILL');
    await Promise.all(
      [...this.background].map((child) => new Background(child, () => '', this.background).stop()),
    );
  }
}

export class Background {
  constructor(
    private readonly child: ChildProcess,
    readonly output: () => string,
    private readonly owner: Set<ChildProcess>,
  ) {}

  /** SIGTERM to the process group, then waits until every process of it is gone (a worker drains first). */
  async stop(timeoutMs = 60_000): Promise<void> {
    const group = this.child.pid!;
    this.owner.delete(this.child);
    if (!signalGroup(group, 'SIGTERM')) return;
    const deadline = Date.now() + timeoutMs;
    while (signalGroup(group, 0)) {
      if (Date.now() > deadline) {
        signalGroup(group, 'SIGKILL');
        throw new Error(`process group ${group} did not stop within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Signals a process group; false when none of it is left. */
function signalGroup(group: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch {
    return false;
  }
}
