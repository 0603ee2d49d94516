import { Command, InvalidArgumentError } from 'commander';
import { COMPRESSIONS, compressionSpec, type Compression } from '../src/storage/compression';
import { TOOLS, type Tool } from './results';
import { ENGINES, type Engine } from './settings';
import type { LockBackend } from './tools/db-archiver';

/** `npm run bench -- [options]`: what to seed, which tools to run, how often. */

export interface BenchOptions {
  rows: number;
  batch: number;
  engines: Engine[];
  tools: Tool[];
  repeats: number;
  lock: LockBackend;
  json?: string;
  build: boolean;
  /** db-archiver's `storage.compression` and level; absent: its defaults. */
  compression?: CompressionChoice;
}

export interface CompressionChoice {
  compression: Compression;
  level: number;
}

/** `gzip-6`, `zstd-1`, or a bare `zstd` for its default level. */
export function compressionChoice(value: string): CompressionChoice {
  const [name, level, ...rest] = value.split('-');
  const compression = COMPRESSIONS.find((c) => c === name);
  if (compression === undefined || rest.length > 0)
    throw new InvalidArgumentError(
      `use ${COMPRESSIONS.join(' or ')}, optionally with a level: zstd-1, gzip-6`,
    );
  const { minLevel, maxLevel, defaultLevel } = compressionSpec(compression);
  if (level === undefined) return { compression, level: defaultLevel };
  const n = Number(level);
  if (!Number.isInteger(n) || n < minLevel || n > maxLevel)
    throw new InvalidArgumentError(
      `the ${compression} level must be a whole number from ${minLevel} to ${maxLevel}`,
    );
  return { compression, level: n };
}

/** A commander parser for a whole number from 1 to `max` (`_` separators allowed: `1_000_000`). */
export function positive(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
    return n;
  };
}

/** A commander parser that accepts only the given words. */
export function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value))
      throw new InvalidArgumentError(`use one of: ${allowed.join(', ')}`);
    return value as T;
  };
}

function toolList(value: string): Tool[] {
  const tools = value.split(',').map((t) => t.trim());
  const unknown = tools.filter((t) => !(TOOLS as readonly string[]).includes(t));
  if (unknown.length > 0 || tools.length === 0)
    throw new InvalidArgumentError(`unknown tool ${unknown.join(', ')}; known: ${TOOLS.join(', ')}`);
  return tools as Tool[];
}

export function parseOptions(argv: string[]): BenchOptions {
  const program = new Command('npm run bench --')
    .description(
      'Seeds the same table in MariaDB and PostgreSQL and archives its old rows with db-archiver and the anchors ' +
        '(pt-archiver; a psql keyset loop, and the read-side and delete-side limits), alternating, on identical data.',
    )
    .option(
      '--rows <n>',
      'rows to seed (77% of them older than 90 days)',
      positive('--rows', 100_000_000),
      100_000,
    )
    .option(
      '--batch <n>',
      'rows per batch, for every tool that batches',
      positive('--batch', 1_000_000),
      10_000,
    )
    .option(
      '--engine <engine>',
      'mariadb, postgres or all',
      oneOf(['mariadb', 'postgres', 'all'] as const),
      'all',
    )
    .option('--tools <list>', `comma-separated, from ${TOOLS.join(', ')} (default: all that apply)`, toolList)
    .option(
      '--repeats <n>',
      'runs of each tool; the order alternates between repeats',
      positive('--repeats', 100),
      1,
    )
    .option(
      '--lock <backend>',
      "db-archiver's lease lock: postgres, redis or none",
      oneOf(['postgres', 'redis', 'none'] as const),
      'postgres',
    )
    .option('--json <file>', 'also write the raw results, machine details included, to this file')
    .option('--no-build', 'do not run `npm run build` first (dist/ is what the worker runs)')
    .option(
      '--compression <choice>',
      "db-archiver's storage.compression and level: gzip-1 to gzip-9, zstd-1 to zstd-19 (default: its own, zstd-1)",
      compressionChoice,
    )
    .showHelpAfterError();
  program.parse(argv, { from: 'user' });
  const o = program.opts<{
    rows: number;
    batch: number;
    engine: Engine | 'all';
    tools?: Tool[];
    repeats: number;
    lock: LockBackend;
    json?: string;
    build: boolean;
    compression?: CompressionChoice;
  }>();
  return {
    rows: o.rows,
    batch: o.batch,
    engines: o.engine === 'all' ? [...ENGINES] : [o.engine],
    tools: o.tools ?? [...TOOLS],
    repeats: o.repeats,
    lock: o.lock,
    ...(o.json !== undefined ? { json: o.json } : {}),
    build: o.build,
    ...(o.compression !== undefined ? { compression: o.compression } : {}),
  };
}
