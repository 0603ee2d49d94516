import type { Command } from 'commander';
import { pauseSignal, resumeSignal } from '../../shared';
import { connectClient } from '../temporal-client';
import { resolveTemporal, temporalOptions, type TemporalCliOptions } from '../temporal-options';

const ACTIONS = {
  pause: 'pause after the batch in flight (a fleet pauses its running databases and starts no new ones)',
  resume: 'resume a paused run',
  cancel:
    'stop at a safe point: an upload in progress is aborted, a batch already archived finishes its delete',
} as const;

/** `archiver pause|resume|cancel WORKFLOW_ID`. */
export function registerControl(program: Command): void {
  for (const [action, description] of Object.entries(ACTIONS) as [keyof typeof ACTIONS, string][]) {
    temporalOptions(program.command(`${action} <workflowId>`).description(description)).action(
      async (workflowId: string, options: TemporalCliOptions) => {
        const client = await connectClient(resolveTemporal(options));
        try {
          const handle = client.workflow.getHandle(workflowId);
          if (action === 'pause') await handle.signal(pauseSignal);
          else if (action === 'resume') await handle.signal(resumeSignal);
          else await handle.cancel();
          process.stderr.write(`archiver: ${action} sent to ${workflowId}\n`);
        } finally {
          await client.connection.close();
        }
      },
    );
  }
}
