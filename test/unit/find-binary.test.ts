import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../../src/tools/find-binary';

function fakeExecutable(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

describe('findBinary', () => {
  const root = mkdtempSync(join(tmpdir(), 'find-binary-'));

  it('prefers the environment variable over PATH and the cache', () => {
    const fromEnv = fakeExecutable(join(root, 'env'), 'tool');
    fakeExecutable(join(root, 'path'), 'tool');
    const env = { TOOL_PATH: fromEnv, PATH: join(root, 'path'), DB_ARCHIVER_HOME: join(root, 'home') };
    expect(findBinary('tool', 'TOOL_PATH', env)).toBe(fromEnv);
  });

  it('falls back to the project tool cache when PATH has nothing', () => {
    const cached = fakeExecutable(join(root, 'home2', 'bin'), 'tool');
    expect(findBinary('tool', 'TOOL_PATH', { PATH: '', DB_ARCHIVER_HOME: join(root, 'home2') })).toBe(cached);
  });

  it('names the install command when the binary is nowhere', () => {
    expect(() => findBinary('tool', 'TOOL_PATH', { PATH: '', DB_ARCHIVER_HOME: join(root, 'none') })).toThrow(
      /npm run services:up/,
    );
  });
});
