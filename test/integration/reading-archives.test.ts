/**
 * The DuckDB queries of docs/s3-layout.md ("Reading archives without db-archiver") run as written, taken from the
 * markdown, on a table archived to MinIO: once over s3:// through the httpfs extension, once over a local copy.
 * Only the location is put in (the test's bucket and database instead of the demo's). The first rows are
 * archived with gzip and the rest with zstd, so the queries read an archive that mixes both.
 *
 * Needs the DuckDB CLI and its httpfs extension: `bash scripts/install-duckdb.sh`.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Client as PgClient } from 'pg';
import { toolsHome } from '../../src/tools/find-binary';
import { startPipeline, type TestPipeline } from '../helpers/pipeline';
import {
  createBucket,
  createPgDatabase,
  pgConnect,
  S3_ENDPOINT,
  s3Client,
  TEMPORAL_ADDRESS,
  uniqueName,
} from '../helpers/services';

const DOC = join(__dirname, '..', '..', 'docs', 's3-layout.md');
const DOC_TABLE = 's3://archive/demo/shop/public.events/';
const DUCKDB = process.env.DUCKDB_PATH ?? join(toolsHome(), 'bin', 'duckdb');
const EXTENSIONS = process.env.DUCKDB_EXTENSION_DIR ?? join(toolsHome(), 'duckdb', 'extensions');

/** Rows every hour from 2025-01-14 00:30 UTC: 24 of them on 2025-01-15. Payloads with what JSON must escape. */
const ROWS = 72;
const createdAt = (id: number): Date => new Date(Date.UTC(2025, 0, 14, 0, 30) + (id - 1) * 3_600_000);
const payload = (id: number): string =>
  `order "${id}", né\tle ${id % 7 === 0 ? 'first\nsecond' : 'one line'}`;

describe('the DuckDB examples of docs/s3-layout.md', () => {
  let s3: S3Client;
  let pg: PgClient;
  let pipeline: TestPipeline;
  let tableLocation: string;
  let bucket: string;
  let database: string;

  beforeAll(async () => {
    try {
      accessSync(DUCKDB, constants.X_OK);
      accessSync(join(EXTENSIONS, 'v1.5.5', 'linux_amd64', 'httpfs.duckdb_extension'));
    } catch {
      throw new Error(
        `DuckDB is not installed (looked for ${DUCKDB} and its httpfs extension in ${EXTENSIONS}): run \`bash scripts/install-duckdb.sh\``,
      );
    }
    s3 = s3Client();
    const db = await createPgDatabase('duckdb_docs');
    database = db.name;
    pg = await pgConnect(db.url);
    await pg.query(
      `CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, payload text)`,
    );
    const insert = async (ids: number[]) =>
      pg.query(`INSERT INTO events SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[])`, [
        ids,
        ids.map((id) => createdAt(id).toISOString()),
        ids.map(payload),
      ]);
    bucket = await createBucket(s3, 'duckdb-docs');
    const archive = async (storageExtra: string) => {
      await pipeline?.stop();
      pipeline =
        await startPipeline(`temporal: { address: "${TEMPORAL_ADDRESS}", taskQueue: ${uniqueName('duckdb')} }
storage: { bucket: ${bucket}, prefix: demo, endpoint: "${S3_ENDPOINT}", forcePathStyle: true${storageExtra} }
databases:
  - name: ${database}
    engine: postgres
    url: "${db.url}"
    tables:
      - { name: public.events, timestampColumn: created_at, olderThan: 90d, batchSize: 30 }
`);
      return (await pipeline.runFleet()).report.databases[0]!.tables[0];
    };
    // One gzip batch of rows 1-30, then two zstd batches (the default) of rows 31-72: the day's rows 25-48 are
    // in both kinds.
    await insert(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(await archive(', compression: gzip')).toMatchObject({ archived: 30, deleted: 30, batches: 1 });
    await insert(Array.from({ length: ROWS - 30 }, (_, i) => i + 31));
    expect(await archive('')).toMatchObject({
      archived: ROWS - 30,
      deleted: ROWS - 30,
      batches: 2,
    });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'demo/' }));
    const suffixes = (listed.Contents ?? []).map((o) => /\.jsonl\.(?:gz|zst)$/.exec(o.Key!)?.[0]);
    expect(suffixes.filter(Boolean).sort()).toEqual(['.jsonl.gz', '.jsonl.zst', '.jsonl.zst']);
    tableLocation = `s3://${bucket}/demo/${database}/public.events/`;
  });

  afterAll(async () => {
    await pipeline?.stop();
    await pg?.end();
    s3?.destroy();
  });

  it("finds one day's rows, typed, over s3:// with httpfs", () => {
    const rows = duckdb([connectBlock(), docBlock('duckdb-day')], DOC_TABLE, tableLocation);
    expect(rows).toEqual(dayRows());
  });

  it("checks each batch's row count and SHA-256 against its .meta.json", () => {
    const rows = duckdb([connectBlock(), docBlock('duckdb-verify')], DOC_TABLE, tableLocation);
    // Batch numbers count per run: the gzip run's batch 0, the zstd run's 0 and 1.
    expect(rows).toEqual([
      { batch: 0, rows_recorded: 30, rows_found: 30, sha256_matches: true },
      { batch: 0, rows_recorded: 30, rows_found: 30, sha256_matches: true },
      { batch: 1, rows_recorded: 12, rows_found: 12, sha256_matches: true },
    ]);
  });

  it('runs the same query on a local copy of the objects, without httpfs', async () => {
    const local = mkdtempSync(join(tmpdir(), 'duckdb-docs-'));
    const prefix = `demo/${database}/public.events/`;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    for (const { Key } of listed.Contents ?? []) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: Key! }));
      const path = join(local, 'archive', 'shop', 'public.events', Key!.slice(prefix.length));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, await object.Body!.transformToByteArray());
    }
    const rows = duckdb([docBlock('duckdb-day')], DOC_TABLE, 'archive/shop/public.events/', local);
    expect(rows).toEqual(dayRows());
  });
});

/** The 24 rows of 2025-01-15 as DuckDB's JSON output shows them. */
function dayRows(): Record<string, unknown>[] {
  return Array.from({ length: 24 }, (_, i) => i + 25).map((id) => ({
    id,
    created_at: `${createdAt(id).toISOString().replace('T', ' ').replace('.000Z', '')}+00`,
    payload: payload(id),
  }));
}

/** The connect block, pointed at the MinIO the tests use (another port than the doc's on a second instance). */
function connectBlock(): string {
  return docBlock('duckdb-connect').replace(
    "ENDPOINT '127.0.0.1:9000'",
    `ENDPOINT '${new URL(S3_ENDPOINT).host}'`,
  );
}

/** The SQL of the code block after `<!-- tested: NAME -->` in docs/s3-layout.md. */
function docBlock(name: string): string {
  const doc = readFileSync(DOC, 'utf8');
  const match = new RegExp(`<!-- tested: ${name} -->\\s*\`\`\`sql\\n([^]*?)\`\`\``).exec(doc);
  if (!match) throw new Error(`docs/s3-layout.md has no \`\`\`sql block after <!-- tested: ${name} -->`);
  return match[1]!;
}

/**
 * Runs SQL blocks in the DuckDB CLI (stopping at the first error) and returns the last block's rows. The blocks'
 * `from` location is replaced by `to`; the output of every block but the last goes to /dev/null.
 */
function duckdb(blocks: string[], from: string, to: string, cwd = process.cwd()): Record<string, unknown>[] {
  const script = blocks
    .map((block) => block.split(from).join(to))
    .map((block, i) => `${i === blocks.length - 1 ? '.output' : '.output /dev/null'}\n${block}`)
    .join('\n');
  const run = spawnSync(
    DUCKDB,
    ['-bail', '-jsonlines', '-cmd', `SET extension_directory = '${EXTENSIONS}'`],
    {
      input: `${script}\n`,
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (run.status !== 0)
    throw new Error(`duckdb exited with ${run.status}: ${run.stderr}\n--- script:\n${script}`);
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
