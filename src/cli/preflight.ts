import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { redactUrl } from '../config/redact';
import { createEngine } from '../engines';
import { ConditionalWritesIgnoredError } from '../errors';
import { createS3Client, probeConditionalWrites } from '../storage';

/**
 * Errors that only concern one table: the run reports them for that table and goes on with the others, so they
 * do not stop a run from starting.
 */
const TABLE_PROBLEMS = new Set([
  'TableNotFoundError',
  'ColumnNotFoundError',
  'MissingPrimaryKeyError',
  'TimestampColumnTypeError',
]);

function describe(error: unknown): string {
  const e = error as {
    message?: string;
    code?: string;
    name?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const text = e.message || e.code || e.name || String(error);
  return e.$metadata?.httpStatusCode ? `${text} (HTTP ${e.$metadata.httpStatusCode})` : text;
}

/**
 * Before a run starts: can this machine reach every selected database (connect, log in, read the catalog) and
 * the bucket, and does the store refuse to overwrite an object (batch objects are written once)? A run would
 * otherwise start and retry an unreachable database for many minutes (as it should when a server goes away in
 * the middle of a run) before the table fails. Returns one line per problem, each naming the configuration key;
 * nothing is changed anywhere but the few bytes of the write-once probe object (storage/write-once-probe.ts).
 */
export async function preflight(config: Config, selected: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const databases = config.databases
    .map((db, index) => ({ db, index }))
    .filter(({ db }) => selected.length === 0 || selected.includes(db.name));
  const checks = databases.map(async ({ db, index }) => {
    const engine = createEngine({ engine: db.engine, url: db.url, poolSize: 1 });
    try {
      await engine.introspect(db.tables[0]!.name);
    } catch (error) {
      if (!TABLE_PROBLEMS.has((error as Error).name)) {
        problems.push(`databases[${index}].url (${db.name}, ${redactUrl(db.url)}): ${describe(error)}`);
      }
    } finally {
      await engine.close().catch(() => undefined);
    }
  });
  const s3 = createS3Client(config.storage);
  checks.push(
    s3
      .send(new HeadBucketCommand({ Bucket: config.storage.bucket }), {
        abortSignal: AbortSignal.timeout(15_000),
      })
      .then(
        // Batch objects are written once: a store that would let a stale attempt overwrite one is refused here.
        () => probeConditionalWrites(s3, config.storage.bucket, config.storage.prefix),
      )
      .then(
        () => undefined,
        (error: unknown) => {
          const where = config.storage.endpoint ?? `AWS S3, region ${config.storage.region}`;
          const missing = (error as { name?: string }).name === 'NotFound';
          const problem = missing ? 'the bucket does not exist' : describe(error);
          const key = error instanceof ConditionalWritesIgnoredError ? 'storage.endpoint' : 'storage.bucket';
          problems.push(`${key} (${config.storage.bucket} at ${where}): ${problem}`);
        },
      )
      .finally(() => s3.destroy()),
  );
  await Promise.all(checks);
  return problems.sort();
}
