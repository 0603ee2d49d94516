/**
 * The project runs on the Node.js that package.json's "engines" names; the pinned version the setup installs
 * (scripts/lib/versions.sh), the version files other tools read (.node-version, .nvmrc) and the re-exec in
 * bin/archiver.js must all agree with it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

function parse(version: string): number[] {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n))) throw new Error(`not x.y.z: ${version}`);
  return parts;
}

function atLeast(version: string, minimum: string): boolean {
  const [a, b] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

function shellPin(name: string): string {
  const match = new RegExp(`^${name}=(\\S+)$`, 'm').exec(read('scripts/lib/versions.sh'));
  if (!match) throw new Error(`${name} is not set in scripts/lib/versions.sh`);
  return match[1]!;
}

const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
const minimum = /^>=(\d+\.\d+\.\d+)$/.exec(engines)?.[1];

describe('the Node.js runtime', () => {
  it('is declared in package.json as a minimum version', () => {
    expect(minimum).toBeDefined();
  });

  it('running these tests is at least what package.json "engines" asks for', () => {
    expect({ running: process.version, atLeast: atLeast(process.version, minimum!) }).toEqual({
      running: process.version,
      atLeast: true,
    });
  });

  it('is pinned once: versions.sh, .node-version and .nvmrc name the same version, which satisfies engines', () => {
    const pinned = shellPin('NODE_VERSION');
    expect(read('.node-version').trim()).toBe(pinned);
    expect(read('.nvmrc').trim()).toBe(pinned);
    expect(atLeast(pinned, minimum!)).toBe(true);
    expect(shellPin('NODE_MIN_VERSION')).toBe(minimum);
  });

  it('bin/archiver.js re-runs itself under the pinned Node.js below the same minimum', () => {
    const declared = /const MINIMUM = \[(\d+), (\d+), (\d+)\];/.exec(read('bin/archiver.js'));
    expect(declared?.slice(1).join('.')).toBe(minimum);
  });

  it('the worker image is built on the same major version', () => {
    const major = parse(minimum!)[0];
    const bases = [...read('Dockerfile').matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(bases.length).toBeGreaterThan(0);
    expect(bases.every((base) => base === major)).toBe(true);
  });
});
