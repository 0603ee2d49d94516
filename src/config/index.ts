/**
 * Configuration: YAML with `${ENV}` interpolation, validated once at start into a frozen Config with every
 * default filled. Workflows never import this; they receive the values they need in their input.
 */
export { loadConfig, parseConfig } from './load';
export { ConfigError } from './errors';
export { DEFAULT_METRICS_HOST, DEFAULT_METRICS_PORT } from './schema';
export { parseDuration, tryParseDuration, DURATION_HINT } from './duration';
export { loadProtectionOf } from './load-protection';
export { redactUrl, LOG_REDACT_PATHS } from './redact';
export type {
  Config,
  DatabaseConfig,
  TableConfig,
  StorageConfig,
  LockConfig,
  TemporalConfig,
  RunConfig,
  WorkerConfig,
  MetricsConfig,
} from './types';
