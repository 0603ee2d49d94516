import type { Command } from 'commander';
import { loadConfigForCli } from '../load-config-or-exit';
import { connectClient } from '../temporal-client';

export function registerStatus(program: Command): void {
  program
    .command('status <workflowId>')
    .description('show the state of a run, and its report once finished')
    .requiredOption('-c, --config <file>', 'configuration file (for the Temporal address)')
    .option('--json', 'print as JSON')
    .action(async (workflowId: string, options: { config: string; json?: boolean }) => {
      const config = loadConfigForCli(options.config);
      const client = await connectClient(config.temporal);
      try {
        const handle = client.workflow.getHandle(workflowId);
        const description = await handle.describe();
        const status = description.status.name;
        const result = status === 'COMPLETED' ? ((await handle.result()) as unknown) : undefined;
        if (options.json) process.stdout.write(`${JSON.stringify({ workflowId, status, report: result })}\n`);
        else process.stdout.write(`${workflowId}: ${status}\n`);
      } finally {
        await client.connection.close();
      }
    });
}
