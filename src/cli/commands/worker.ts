import { isIP } from 'node:net';
import { Option, type Command } from 'commander';
import type { Config, MetricsConfig } from '../../config';
import type { LogFormat } from '../../logging';
import { MetricsEndpointError } from '../../metrics';
import { loadConfigForCli, UsageError } from '../load-config-or-exit';

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
    .option('--metrics-port <port>', 'serve Prometheus metrics on this port (overrides worker.metrics.port)')
    .option('--metrics-host <ip>', 'address the metrics endpoint listens on (overrides worker.metrics.host)')
    .action(async (options: WorkerOptions) => {
      const config = withMetricsOverrides(loadConfigForCli(options.config), options);
      // Loaded here, not at the top: the worker's modules (the SDK's worker, pino-pretty) take about a second to
      // load, which every other command would pay for on each start.
      const [{ createLogger }, { createWorker }] = await Promise.all([
        import('../../logging'),
        import('../../worker'),
      ]);
      const logger = createLogger({ format: options.logFormat, level: options.logLevel });
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

/** `--metrics-port` turns metrics on (or moves them); `--metrics-host` alone only applies when they are on. */
function withMetricsOverrides(config: Config, options: WorkerOptions): Config {
  if (options.metricsPort === undefined && options.metricsHost === undefined) return config;
  const port =
    options.metricsPort === undefined ? config.worker.metrics?.port : parsePort(options.metricsPort);
  if (port === undefined) {
    throw new UsageError(
      '--metrics-host needs a port: pass --metrics-port too, or set worker.metrics.port in the configuration.',
    );
  }
  const host = options.metricsHost ?? config.worker.metrics?.host ?? '127.0.0.1';
  if (isIP(host) === 0) {
    throw new UsageError(`--metrics-host must be an IP address to listen on, e.g. 0.0.0.0 (got "${host}").`);
  }
  const metrics: MetricsConfig = { port, host };
  return { ...config, worker: { ...config.worker, metrics } };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new UsageError(`--metrics-port must be an integer between 1 and 65535 (got "${text}").`);
  }
  return port;
}
