import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { findBinary } from '../../src/tools/find-binary';

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

/**
 * Starts the time-skipping test server installed by `npm run services:up` (existing-path: the SDK starts that
 * binary and never tries to download one), with the runtime installed first.
 */
export async function startTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  ensureRuntime();
  const path = findBinary('temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH');
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
}
