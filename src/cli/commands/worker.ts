import { Option, type Command } from 'commander';
import type { MetricsConfig } from '../../config';
import type { Logger } from 'pino';
import type { LogFormat } from '../../logging';
import { bindAddress, MetricsEndpointError } from '../../metrics';
import { loadConfigForCli, UsageError } from '../load-config-or-exit';
import { chooseMetrics, endpointIsTaken, withMetrics, type MetricsChoice } from './worker-metrics';

interface WorkerOptions {
  config: string;
  logFormat: LogFormat;
  logLevel?: string;
  metricsPort?: string;
  metricsHost?: string;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a worker until SIGINT/SIGTERM, then drain gracefully')
    .requiredOption('-c, --config <file>', 'configuration file')
    .addOption(
      new Option('--log-format <format>', 'log lines on stderr: one JSON object each, or pretty text')
        .choices(['json', 'pretty'])
        .default('json'),
    )
    .addOption(
      new Option('--log-level <level>', 'lowest level logged (default: $LOG_LEVEL or info)').choices([
        'trace',
        'debug',
        'info',
        'warn',
        'error',
      ]),
    )
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics on this port, 0 for none (overrides worker.metrics.port; default 9464)',
    )
    .option(
      '--metrics-host <ip>',
      'address the metrics endpoint listens on (overrides worker.metrics.host; default 127.0.0.1)',
    )
    .action(async (options: WorkerOptions) => {
      const loaded = loadConfigForCli(options.config);
      const choice = chooseMetrics(loaded, options);
      // Loaded here, not at the top: the worker's modules (the SDK's worker, pino-pretty) take about a second to
      // load, which every other command would pay for on each start.
      const [{ createLogger }, { createWorker }] = await Promise.all([
        import('../../logging'),
        import('../../worker'),
      ]);
      const logger = createLogger({ format: options.logFormat, level: options.logLevel });
      const config = withMetrics(loaded, await metricsToServe(choice, logger));
      let running;
      try {
        running = await createWorker(config, logger);
      } catch (error) {
        // A taken port is a setting to change, like an invalid configuration: exit 2, nothing was started.
        if (error instanceof MetricsEndpointError) throw new UsageError(error.message);
        throw error;
      }
      logger.info(
        { taskQueue: config.temporal.taskQueue, address: config.temporal.address },
        'Worker started',
      );
      await running.run();
      logger.info('Worker stopped');
    });
}

/**
 * The endpoint to serve. The default one, when another process on this host already listens there (a second
 * worker, typically), is left out with a warning instead of stopping the worker; an address the operator chose
 * and cannot have stops it (exit 2, MetricsEndpointError).
 */
async function metricsToServe(choice: MetricsChoice, logger: Logger): Promise<MetricsConfig | false> {
  if (choice.kind === 'off') {
    logger.info('Metrics endpoint off (--metrics-port 0 or worker.metrics: false)');
    return false;
  }
  if (choice.kind === 'default' && (await endpointIsTaken(choice.endpoint))) {
    logger.warn(
      { address: bindAddress(choice.endpoint) },
      'Metrics not served: the default port is taken (another worker on this host?); set worker.metrics.port or --metrics-port to a free port, or --metrics-port 0 to turn metrics off',
    );
    return false;
  }
  return choice.endpoint;
}
