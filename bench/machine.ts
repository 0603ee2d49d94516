import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { SERVICES_HOME } from './settings';

/** The machine and the versions behind a set of figures, for bench/RESULTS.md and the --json output. */

export interface MachineInfo {
  date: string;
  nproc: number;
  cpuModel: string;
  ramGiB: number;
  kernel: string;
  loadAverage: number[];
  versions: Record<string, string>;
}

function firstLine(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')[0]!
      .trim();
  } catch {
    return 'not found';
  }
}

/** MinIO is built with `go install`, which stamps no version: the pin in scripts/lib/versions.sh names it. */
function minioVersion(): string {
  const pins = readFileSync(resolve(__dirname, '..', 'scripts', 'lib', 'versions.sh'), 'utf8');
  return `${/^MINIO_VERSION=(\S+)/m.exec(pins)?.[1] ?? 'unknown'} (go install)`;
}

export function machineInfo(): MachineInfo {
  const bin = (name: string) => join(SERVICES_HOME, 'bin', name);
  return {
    date: new Date().toISOString(),
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    versions: {
      node: process.version,
      postgres: firstLine('psql', [
        '-h',
        '127.0.0.1',
        '-U',
        'postgres',
        '-XAtc',
        'SHOW server_version',
        'postgres',
      ]),
      mariadb: firstLine('mariadb', ['-h', '127.0.0.1', '-u', 'root', '-N', '-e', 'SELECT VERSION()']),
      minio: minioVersion(),
      temporalCli: firstLine(bin('temporal'), ['--version']),
      ptArchiver: firstLine('pt-archiver', ['--version']),
      gzip: firstLine('gzip', ['--version']),
    },
  };
}
