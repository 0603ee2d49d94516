/**
 * `archiver worker` serves Prometheus metrics by default on 127.0.0.1:9464; `--metrics-port 0` or
 * `worker.metrics: false` turns them off, and the flags override the file.
 */
import { createServer, type Server } from 'node:net';
import { chooseMetrics, endpointIsTaken } from '../../../src/cli/commands/worker-metrics';
import { ConfigError, parseConfig } from '../../../src/config';

function config(workerSection = ''): ReturnType<typeof parseConfig> {
  return parseConfig(
    `storage: { bucket: archive }
${workerSection}
databases:
  - name: shop
    engine: postgres
    url: postgres://postgres@127.0.0.1:5432/shop
    tables: [{ name: public.events, timestampColumn: created_at, olderThan: 90d }]
`,
    'test.yaml',
    {},
  );
}

describe('the worker metrics endpoint', () => {
  it('is on by default at 127.0.0.1:9464', () => {
    expect(chooseMetrics(config(), {})).toEqual({
      kind: 'default',
      endpoint: { host: '127.0.0.1', port: 9464 },
    });
  });

  it('is off with --metrics-port 0 or worker.metrics: false', () => {
    expect(chooseMetrics(config(), { metricsPort: '0' })).toEqual({ kind: 'off' });
    expect(chooseMetrics(config('worker: { metrics: false }'), {})).toEqual({ kind: 'off' });
  });

  it('takes the file section, with defaults for the keys left out', () => {
    expect(chooseMetrics(config('worker: { metrics: { port: 9500 } }'), {})).toEqual({
      kind: 'chosen',
      endpoint: { host: '127.0.0.1', port: 9500 },
    });
    expect(chooseMetrics(config('worker: { metrics: {} }'), {})).toEqual({
      kind: 'chosen',
      endpoint: { host: '127.0.0.1', port: 9464 },
    });
  });

  it('lets the flags override the file, and --metrics-port turn on what the file turned off', () => {
    const file = config('worker: { metrics: { port: 9500, host: 127.0.0.1 } }');
    expect(chooseMetrics(file, { metricsHost: '0.0.0.0' })).toEqual({
      kind: 'chosen',
      endpoint: { host: '0.0.0.0', port: 9500 },
    });
    expect(chooseMetrics(config('worker: { metrics: false }'), { metricsPort: '9600' })).toEqual({
      kind: 'chosen',
      endpoint: { host: '127.0.0.1', port: 9600 },
    });
  });

  it('refuses a bad port, a host name, and a host for an endpoint that is off, naming the flag', () => {
    expect(() => chooseMetrics(config(), { metricsPort: '70000' })).toThrow(
      /--metrics-port must be an integer/,
    );
    expect(() => chooseMetrics(config(), { metricsHost: 'localhost' })).toThrow(
      /--metrics-host must be an IP/,
    );
    expect(() => chooseMetrics(config('worker: { metrics: false }'), { metricsHost: '0.0.0.0' })).toThrow(
      /--metrics-host has no endpoint to apply to/,
    );
  });

  it('refuses worker.metrics that is neither false nor a section, naming the key', () => {
    let problems: unknown;
    try {
      config('worker: { metrics: yes }');
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      {
        path: 'worker.metrics',
        message: 'must be false (no metrics endpoint) or a mapping with port and host',
      },
    ]);
  });

  it('tells a taken port from a free one', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      expect(await endpointIsTaken({ host: '127.0.0.1', port })).toBe(true);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
    expect(await endpointIsTaken({ host: '127.0.0.1', port })).toBe(false);
  });
});
