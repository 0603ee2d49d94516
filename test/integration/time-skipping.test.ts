import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ensureRuntime } from '../helpers/runtime';
import { findBinary } from '../../src/tools/find-binary';

describe('the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  const executable = findBinary('temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH');

  beforeAll(async () => {
    ensureRuntime();
    // existing-path: the SDK starts the installed binary and never tries to download one.
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: executable } },
    });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('starts from the installed binary and skips a week of workflow time in moments', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'time-skipping',
      workflowsPath: require.resolve('../fixtures/workflows/timer-workflow'),
    });
    const started = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute('sleepAWeek', {
        taskQueue: 'time-skipping',
        workflowId: `sleep-${started}`,
      }),
    );
    expect(result).toBe('woke up');
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
