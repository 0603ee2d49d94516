import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchProgress, formatProgress } from './progress';

const TTY_INTERVAL_MS = 1_000;
const PLAIN_INTERVAL_MS = 10_000;

/**
 * Shows a run's progress on stderr until `done` settles: on a terminal a block redrawn in place, otherwise plain
 * lines every ten seconds, printed only when something changed (friendly to CI logs).
 */
export async function followProgress<T>(client: Client, workflowId: string, done: Promise<T>): Promise<T> {
  const tty = process.stderr.isTTY === true;
  let finished = false;
  const result = done.finally(() => {
    finished = true;
  });
  let drawn = 0;
  let last = '';
  // The pause between polls is cancelled when the run ends: a pending timer would keep the process alive.
  const stop = new AbortController();
  void result.then(
    () => stop.abort(),
    () => stop.abort(),
  );
  while (!finished) {
    await sleep(tty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS, undefined, { signal: stop.signal }).catch(
      () => undefined,
    );
    if (finished) break;
    const lines = await fetchProgress(client, workflowId)
      .then(formatProgress)
      .catch(() => null);
    if (!lines) continue;
    const text = lines.join('\n');
    if (tty) {
      // Move up over the previous block and clear it before drawing the new one.
      process.stderr.write((drawn > 0 ? `\x1b[${drawn}A\x1b[J` : '') + text + '\n');
      drawn = lines.length;
    } else if (text !== last) {
      process.stderr.write(text + '\n');
    }
    last = text;
  }
  return result;
}
