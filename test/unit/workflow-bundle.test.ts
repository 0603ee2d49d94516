import { bundleWorkflowCode } from '@temporalio/worker';

describe('the workflow bundle', () => {
  it('builds from src/workflows without any Node module or I/O library leaking into the sandbox', async () => {
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    });
    expect(bundle.code).toContain('archiveFleet');
    expect(bundle.code).toContain('archiveDatabase');
    expect(bundle.code).not.toMatch(/require\(["'](pg|mysql2|@aws-sdk\/client-s3|zod|pino)["']\)/);
  });
});
