import { createServer, isIP } from 'node:net';
import { DEFAULT_METRICS_HOST, DEFAULT_METRICS_PORT, type Config, type MetricsConfig } from '../../config';
import { UsageError } from '../load-config-or-exit';

export interface MetricsFlags {
  metricsPort?: string;
  metricsHost?: string;
}

/** Where the worker serves metrics, and whether the operator asked for that address or it is the default. */
export type MetricsChoice =
  | { kind: 'off' }
  | { kind: 'chosen'; endpoint: MetricsConfig }
  | { kind: 'default'; endpoint: MetricsConfig };

/**
 * The metrics endpoint of `archiver worker`: on by default at 127.0.0.1:9464, as operators expect of an
 * exporter. `--metrics-port 0` or `worker.metrics: false` turns it off; `--metrics-port`/`--metrics-host` override
 * the file's `worker.metrics`.
 * @throws UsageError for a port or host that cannot be used, naming the flag.
 */
export function chooseMetrics(config: Config, flags: MetricsFlags): MetricsChoice {
  const port = flags.metricsPort === undefined ? undefined : parsePort(flags.metricsPort);
  const host = flags.metricsHost === undefined ? undefined : parseHost(flags.metricsHost);
  const file = config.worker.metrics;
  if (port === 0 || (port === undefined && file === false)) {
    if (host !== undefined) {
      throw new UsageError(
        '--metrics-host has no endpoint to apply to: metrics are off (--metrics-port 0 or worker.metrics: false); pass --metrics-port too.',
      );
    }
    return { kind: 'off' };
  }
  const endpoint: MetricsConfig = {
    port: port ?? (file ? file.port : DEFAULT_METRICS_PORT),
    host: host ?? (file ? file.host : DEFAULT_METRICS_HOST),
  };
  const chosen = port !== undefined || host !== undefined || file !== undefined;
  return { kind: chosen ? 'chosen' : 'default', endpoint };
}

/** Whether something else already listens on the endpoint (another worker on this host, say). */
export function endpointIsTaken(endpoint: MetricsConfig): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(endpoint.port, endpoint.host, () => probe.close(() => resolve(false)));
  });
}

/** The configuration the worker is built from: `worker.metrics` set to the endpoint to serve, or off. */
export function withMetrics(config: Config, endpoint: MetricsConfig | false): Config {
  return { ...config, worker: { ...config.worker, metrics: endpoint } };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(
      `--metrics-port must be an integer between 1 and 65535, or 0 for none (got "${text}").`,
    );
  }
  return port;
}

function parseHost(text: string): string {
  if (isIP(text) === 0) {
    throw new UsageError(`--metrics-host must be an IP address to listen on, e.g. 0.0.0.0 (got "${text}").`);
  }
  return text;
}
