/**
 * The compression micro-benchmark: the CPU that compressing (and decompressing) one batch of the bench's rows
 * costs per row, and the ratio, for gzip and zstd at a few levels, side by side in one run. No services: the
 * rows are generated here as PostgreSQL returns the bench table's rows (bench/seed.ts, the same pure function of
 * i), encoded as the codec writes them, and compressed through the same stream in the same runs of lines
 * (STREAM_CHUNK_BYTES) as the archive step (src/activities/archive-batch.ts). CPU is process.cpuUsage(), which
 * counts zlib's thread pool too.
 *
 *   bash scripts/with-node.sh tsx bench/compression.ts [--rows 200000] [--repeats 5] [--choices gzip-1,zstd-1]
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import { rowEncoder } from '../src/codec';
import {
  compressionSpec,
  createCompressor,
  createDecompressor,
  STREAM_CHUNK_BYTES,
} from '../src/storage/compression';
import { compressionChoice, positive, type CompressionChoice } from './options';
import { OLD_FRACTION } from './settings';

const DAY_S = 86_400;
const COLUMNS = ['id', 'created_at', 'account_id', 'status', 'amount', 'payload'];
const STATUS = (i: number) => ['failed', 'open', 'open'][i % 10] ?? 'done';

/** PostgreSQL's text form of `timestamp` (whole seconds): `2026-01-15 10:00:00`. */
function timestampText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Row i of n, as bench/seed.ts seeds it and the PostgreSQL engine extracts it. */
function benchRow(i: number, n: number, nowMs: number): Record<string, string> {
  const old = Math.round(n * OLD_FRACTION);
  const young = Math.max(n - old, 1);
  const age =
    i <= old
      ? 92 * DAY_S + Math.trunc(((old - i) * 300 * DAY_S) / Math.max(old, 1))
      : 88 * DAY_S - Math.trunc(((i - old) * 87 * DAY_S) / young);
  const md5 = createHash('md5').update(String(i)).digest('hex');
  return {
    id: String(i),
    created_at: timestampText(nowMs - age * 1000),
    account_id: String((i * 7919) % 100_000),
    status: STATUS(i),
    amount: (((i * 104_729) % 1_000_000) / 100).toFixed(2),
    payload: md5.repeat(7).slice(0, 200),
  };
}

/** The rows' JSON lines in the chunks archive-batch hands the compressor. */
function benchChunks(rows: number): Buffer[] {
  const encode = rowEncoder(COLUMNS);
  const nowMs = Math.trunc(Date.now() / 1000) * 1000;
  const chunks: Buffer[] = [];
  let pending = '';
  for (let i = 1; i <= rows; i++) {
    pending += encode(benchRow(i, rows, nowMs)) + '\n';
    if (pending.length >= STREAM_CHUNK_BYTES) {
      chunks.push(Buffer.from(pending, 'utf8'));
      pending = '';
    }
  }
  if (pending.length > 0) chunks.push(Buffer.from(pending, 'utf8'));
  return chunks;
}

interface Sample {
  cpuUs: number;
  wallMs: number;
  bytes: number;
  out: Buffer[];
}

/** One pass of `chunks` through `stream`, with the process's CPU time it took. */
async function measure(stream: Transform, chunks: Buffer[]): Promise<Sample> {
  const out: Buffer[] = [];
  let bytes = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await pipeline(Readable.from(chunks), stream, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      out.push(chunk);
      bytes += chunk.length;
    }
  });
  const used = process.cpuUsage(cpu);
  return { cpuUs: used.user + used.system, wallMs: performance.now() - start, bytes, out };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const label = (c: CompressionChoice) => `${c.compression}-${c.level}`;

interface Result {
  choice: CompressionChoice;
  compressUs: number[];
  decompressUs: number[];
  bytes: number;
}

async function run(choices: CompressionChoice[], rows: number, repeats: number): Promise<Result[]> {
  const chunks = benchChunks(rows);
  const results = choices.map((choice) => ({ choice, compressUs: [], decompressUs: [], bytes: 0 }) as Result);
  // The first round warms up (JIT, zlib's and zstd's allocations) and is not counted; later rounds alternate
  // the order so that no choice always runs first.
  for (let round = 0; round <= repeats; round++) {
    const order = round % 2 === 0 ? results : [...results].reverse();
    for (const result of order) {
      const { compression, level } = result.choice;
      const compressed = await measure(createCompressor(compression, level), chunks);
      const key = `batch-000000${compressionSpec(compression).suffix}`;
      const decompressed = await measure(createDecompressor(key), compressed.out);
      if (round === 0) continue;
      result.compressUs.push(compressed.cpuUs / rows);
      result.decompressUs.push(decompressed.cpuUs / rows);
      result.bytes = compressed.bytes;
    }
  }
  return results;
}

function table(results: Result[], rows: number, uncompressed: number): string {
  const base = results.find((r) => label(r.choice) === 'gzip-6') ?? results[0]!;
  const header = [
    'compression',
    'compress CPU µs/row (median, min)',
    'vs gzip-6',
    'decompress CPU µs/row',
    'bytes/row',
    'ratio',
  ];
  const lines = results.map((r) => [
    label(r.choice),
    `${median(r.compressUs).toFixed(2)} (${Math.min(...r.compressUs).toFixed(2)})`,
    `${(median(r.compressUs) / median(base.compressUs)).toFixed(2)}×`,
    median(r.decompressUs).toFixed(2),
    (r.bytes / rows).toFixed(1),
    `${(uncompressed / r.bytes).toFixed(2)}`,
  ]);
  const all = [header, header.map(() => '---'), ...lines];
  return all.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const program = new Command('tsx bench/compression.ts')
    .option('--rows <n>', 'rows to compress per pass', positive('--rows', 10_000_000), 200_000)
    .option(
      '--repeats <n>',
      'measured passes of each choice (median reported)',
      positive('--repeats', 100),
      5,
    )
    .option('--choices <list>', 'comma-separated', 'gzip-1,gzip-6,zstd-1,zstd-3')
    .parse(process.argv.slice(2), { from: 'user' });
  const o = program.opts<{ rows: number; repeats: number; choices: string }>();
  const choices = o.choices.split(',').map((c) => compressionChoice(c.trim()));
  const uncompressed = benchChunks(o.rows).reduce((n, c) => n + c.length, 0);
  const results = await run(choices, o.rows, o.repeats);
  process.stdout.write(
    `${o.rows} rows of the bench table (${(uncompressed / o.rows).toFixed(1)} bytes per JSON line), ` +
      `${o.repeats} passes each, Node ${process.version}\n\n${table(results, o.rows, uncompressed)}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
