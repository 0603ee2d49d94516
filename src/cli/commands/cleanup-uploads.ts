import type { Command } from 'commander';
import { tryParseDuration } from '../../config/duration';
import { abortStaleUploads, createS3Client, type StaleUpload } from '../../storage';
import { loadConfigForCli, UsageError } from '../load-config-or-exit';

interface CleanupOptions {
  config: string;
  olderThan: string;
  dryRun?: boolean;
  json?: boolean;
}

/** `3h12m`, `45s`: ages the way durations are written in the configuration. */
function formatAge(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  let rest = Math.max(0, ms);
  const parts: string[] = [];
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 && parts.length < 2) parts.push(`${n}${unit}`);
  }
  return parts.join('') || '0s';
}

function location(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix === '' ? '' : `${prefix}/`}`;
}

async function cleanup(options: CleanupOptions): Promise<void> {
  const olderThanMs = tryParseDuration(options.olderThan);
  if (olderThanMs === undefined) {
    throw new UsageError(`--older-than ${options.olderThan} must be a duration like 24h, 30m, 0s`);
  }
  const config = loadConfigForCli(options.config);
  const { bucket, prefix } = config.storage;
  const s3 = createS3Client(config.storage);
  const dryRun = options.dryRun === true;
  let uploads: StaleUpload[];
  try {
    uploads = await abortStaleUploads(s3, { bucket, prefix, olderThanMs, dryRun });
  } catch (error) {
    if ((error as Error).name === 'NoSuchBucket') {
      throw new UsageError(`bucket ${bucket} does not exist (storage.bucket in ${options.config})`);
    }
    throw error;
  } finally {
    s3.destroy();
  }
  if (options.json) {
    const report = { bucket, prefix, olderThan: options.olderThan, dryRun, uploads };
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const verb = dryRun ? 'would abort' : 'aborted';
  for (const u of uploads) {
    process.stdout.write(
      `${verb} ${u.key} (upload ${u.uploadId}, started ${u.initiated}, ${formatAge(u.ageMs)} ago)\n`,
    );
  }
  process.stderr.write(
    `archiver: ${verb} ${uploads.length} multipart upload${uploads.length === 1 ? '' : 's'} older than ${options.olderThan} under ${location(bucket, prefix)}\n`,
  );
}

export function registerCleanupUploads(program: Command): void {
  program
    .command('cleanup-uploads')
    .description('abort unfinished multipart uploads under the storage prefix (left by crashed workers)')
    .requiredOption('-c, --config <file>', 'configuration file')
    .option('--older-than <duration>', 'only uploads started at least this long ago', '24h')
    .option('--dry-run', 'list what would be aborted, abort nothing')
    .option('--json', 'print {bucket, prefix, olderThan, dryRun, uploads: [...]} as JSON on stdout')
    .action(cleanup);
}
