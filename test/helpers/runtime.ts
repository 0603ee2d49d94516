import { DefaultLogger, Runtime } from '@temporalio/worker';

/**
 * Installs the Temporal runtime once per process. Jest gives each test file a fresh module registry but the
 * native runtime is process-wide, so a second install throws; that one is expected and ignored.
 */
export function ensureRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch (error) {
    if ((error as Error).name !== 'IllegalStateError') throw error;
  }
}
