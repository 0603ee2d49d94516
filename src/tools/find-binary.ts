import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where `npm run services:up` installs pinned tools (scripts/services.sh). */
export function toolsHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.DB_ARCHIVER_HOME ?? join(homedir(), '.cache', 'db-archiver');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds an installed binary: the environment variable first, then PATH, then the project's tool cache. Nothing is
 * ever downloaded, so tests and `archiver dev` work on a machine without internet.
 * @throws Error naming every place looked at and the command that installs the binary.
 */
export function findBinary(name: string, envVar: string, env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [
    ...(env[envVar] ? [env[envVar]] : []),
    ...(env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, name)),
    join(toolsHome(env), 'bin', name),
  ];
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new Error(
    `${name} is not installed: looked in $${envVar}, PATH and ${join(toolsHome(env), 'bin')}; run \`npm run services:up\` to install it.`,
  );
}
