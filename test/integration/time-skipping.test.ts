import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { startTimeSkippingEnvironment } from '../helpers/runtime';

describe('the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await startTimeSkippingEnvironment();
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
