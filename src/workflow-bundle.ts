import { Worker as Thread } from 'node:worker_threads';

/**
 * The thread's program. Plain JavaScript, so it runs the same from `dist/` and from the TypeScript sources (the
 * bundler compiles the workflow files itself). It bundles, posts the code, and ends.
 */
const BUNDLE_IN_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { bundleWorkflowCode } = require('@temporalio/worker/lib/workflow/bundler');
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
bundleWorkflowCode({ workflowsPath: workerData.workflowsPath, logger: quiet }).then(
  (bundle) => parentPort.postMessage(bundle.code),
  (error) => { throw error; },
);
`;

/**
 * Builds the workflow bundle (webpack) in a worker thread of its own and returns its code. Webpack leaves
 * about 100 MB of heap and module state behind in the process that runs it, which a worker keeps for its whole
 * life; in a thread, all of it is freed when the thread ends, and the worker process only holds the 2 MB bundle.
 * @throws whatever the bundler throws (a workflow file that does not compile, an import the sandbox forbids).
 */
export function bundleWorkflowsInThread(workflowsPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const thread = new Thread(BUNDLE_IN_THREAD, { eval: true, workerData: { workflowsPath } });
    let code: string | undefined;
    thread.once('message', (message: string) => {
      code = message;
      // Nothing in the thread is needed any more; ending it frees its heap at once.
      void thread.terminate();
    });
    thread.once('error', reject);
    thread.once('exit', (exitCode) => {
      if (code !== undefined) resolve(code);
      else reject(new Error(`the workflow bundler thread exited with code ${exitCode} and no bundle`));
    });
  });
}
