import type { Command } from 'commander';
import type { TemporalConfig } from '../config';
import { loadConfigForCli } from './load-config-or-exit';

export interface TemporalCliOptions {
  config?: string;
  address?: string;
  namespace?: string;
}

/** Adds the ways a command that only talks to Temporal can be pointed at it. */
export function temporalOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'configuration file (for the Temporal address and namespace)')
    .option('--address <host:port>', 'Temporal frontend (default: $TEMPORAL_ADDRESS or 127.0.0.1:7233)')
    .option('--namespace <name>', 'Temporal namespace (default: $TEMPORAL_NAMESPACE or default)');
}

/** Flags win over the configuration file, which wins over the environment and the defaults. */
export function resolveTemporal(options: TemporalCliOptions): TemporalConfig {
  const fromConfig = options.config ? loadConfigForCli(options.config).temporal : undefined;
  return {
    address: options.address ?? fromConfig?.address ?? process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: options.namespace ?? fromConfig?.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: fromConfig?.taskQueue ?? 'archiver',
  };
}
