import type { Command } from 'commander';
import { connectClient } from '../temporal-client';
import { fetchProgress, formatProgress } from '../progress';
import { resolveTemporal, temporalOptions, type TemporalCliOptions } from '../temporal-options';

export function registerStatus(program: Command): void {
  temporalOptions(
    program
      .command('status <workflowId>')
      .description('show the progress of a run (or one database of it), and its report once finished'),
  )
    .option('--json', 'print as JSON: the progress so far, and the report once finished')
    .action(async (workflowId: string, options: TemporalCliOptions & { json?: boolean }) => {
      const client = await connectClient(resolveTemporal(options));
      try {
        const progress = await fetchProgress(client, workflowId);
        const report =
          progress.status === 'COMPLETED' ? await client.workflow.getHandle(workflowId).result() : undefined;
        if (options.json) process.stdout.write(`${JSON.stringify({ ...progress, report })}\n`);
        else process.stdout.write(formatProgress(progress).join('\n') + '\n');
      } finally {
        await client.connection.close();
      }
    });
}
