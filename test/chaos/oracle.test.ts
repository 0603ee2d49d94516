/**
 * The data-loss oracle on real runs: it passes a run with a row changed mid-batch, and it catches a lost row
 * and an archived copy that is not the deleted version, so a chaos test that ends with it can fail.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createEngine, type Engine } from '../../src/engines';
import { getJson, sidecarKeys, tablePrefix, type BatchManifest } from '../../src/storage';
import { eventsConfigYaml } from '../helpers/config-yaml';
import { EventsTable, type EngineKind } from '../helpers/events-table';
import { startPipeline } from '../helpers/pipeline';
import { createBucket, s3Client } from '../helpers/services';
import { checkNothingLost, isClean, snapshotTable } from './oracle';

const ENGINES: EngineKind[] = ['postgres', 'mysql'];

describe.each(ENGINES)('%s: the data-loss oracle', (kind) => {
  let s3: S3Client;
  beforeAll(() => {
    s3 = s3Client();
  });
  afterAll(() => s3.destroy());

  async function archived(prefixName: string, onDelete?: (table: EventsTable) => Promise<void>) {
    const table = await EventsTable.create(kind, prefixName);
    const bucket = await createBucket(s3, prefixName);
    await table.insert(1, 120, 200, (id) => `v1 of ${id}`);
    await table.insert(500, 509, 1, (id) => `new ${id}`);
    const engine: Engine = createEngine({ engine: kind, url: table.url, poolSize: 2 });
    const info = await engine.introspect(table.configName);
    const before = await snapshotTable(engine, info, 'created_at');
    let once = false;
    const pipeline = await startPipeline(eventsConfigYaml([table], { bucket, batchSize: 25 }), (real) => ({
      async deleteBatch(ref) {
        if (!once && onDelete) {
          once = true;
          await onDelete(table);
        }
        return real.deleteBatch(ref);
      },
    }));
    const started = Date.now();
    await pipeline.runFleet();
    await pipeline.stop();
    const oracle = {
      engine,
      table: info,
      timestampColumn: 'created_at',
      s3,
      bucket,
      tablePrefix: tablePrefix('t', table.database, info.qualifiedName),
      before,
      cutoff: new Date(started - 90 * 86_400_000 - 60_000),
    };
    return { table, engine, oracle };
  }

  it('finds nothing lost after a run in which a row changed between archive and delete', async () => {
    const { table, engine, oracle } = await archived('oracleok', (t) => t.update(3, 'v2 of 3'));
    const now = await snapshotTable(engine, oracle.table, 'created_at');
    const changedDuringRun = new Map([['["3"]', now.get('["3"]')!]]);
    const verdict = await checkNothingLost({ ...oracle, changedDuringRun });
    expect(verdict).toMatchObject({ snapshotRows: 130, remainingRows: 11, deletedRows: 119 });
    expect(isClean(verdict)).toBe(true);
    await engine.close();
    await table.close();
  });

  it('reports a row that vanished without an archive, and an archived copy that is not the deleted version', async () => {
    const { table, engine, oracle } = await archived('oraclebad');
    // A row removed behind the archiver's back is lost as far as the archive knows.
    const remaining = await table.ids();
    expect(remaining).toEqual(Array.from({ length: 10 }, (_, i) => 500 + i));
    await table.deleteIds([505]);
    // And a manifest whose fingerprint no longer matches what was deleted.
    const { Contents = [] } = await s3.send(
      new (await import('@aws-sdk/client-s3')).ListObjectsV2Command({ Bucket: oracle.bucket }),
    );
    const dataKey = Contents.map((o) => o.Key!).find((k) => /batch-000000\.jsonl\.(gz|zst)$/.test(k))!;
    const manifestKey = sidecarKeys(dataKey).manifest;
    const manifest = await getJson<BatchManifest>(s3, oracle.bucket, manifestKey);
    manifest.rowHash[0] = '0'.repeat(32);
    await s3.send(
      new PutObjectCommand({ Bucket: oracle.bucket, Key: manifestKey, Body: JSON.stringify(manifest) }),
    );

    const verdict = await checkNothingLost(oracle);
    expect(verdict.lost).toEqual(['["505"]']);
    expect(verdict.wrongVersion).toEqual(['["1"]']);
    expect(isClean(verdict)).toBe(false);
    await engine.close();
    await table.close();
  });
});
