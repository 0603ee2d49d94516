import type { Command } from 'commander';
import { createLogger, type LogFormat } from '../../logging';
import { createWorker } from '../../worker';
import { loadConfigForCli } from '../load-config-or-exit';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a worker until SIGINT/SIGTERM, then drain gracefully')
    .requiredOption('-c, --config <file>', 'configuration file')
    .option('--log-format <format>', 'json or pretty', 'json')
    .action(async (options: { config: string; logFormat: LogFormat }) => {
      const config = loadConfigForCli(options.config);
      const logger = createLogger({ format: options.logFormat });
      const running = await createWorker(config, logger);
      logger.info(
        { taskQueue: config.temporal.taskQueue, address: config.temporal.address },
        'Worker started',
      );
      await running.run();
      logger.info('Worker stopped');
    });
}
