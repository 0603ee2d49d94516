import { ConfigError, loadConfig, type Config } from '../config';

/** Exit code for bad usage or invalid configuration: nothing was contacted or changed. */
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

/** Loads the configuration, turning every problem into a UsageError whose message lists them all. */
export function loadConfigForCli(path: string): Config {
  try {
    return loadConfig(path);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.format());
    throw error;
  }
}
