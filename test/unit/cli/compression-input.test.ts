import { parseConfig } from '../../../src/config';
import { buildFleetInput } from '../../../src/cli/fleet-input';
import { runCompression } from '../../../src/storage';

const config = (storage: string) =>
  parseConfig(
    `storage: { bucket: archive${storage} }
databases:
  - name: shop
    engine: postgres
    url: "postgres://archiver@db/shop"
    tables:
      - { name: events, timestampColumn: created_at, olderThan: 90d }
      - { name: orders, timestampColumn: created_at, olderThan: 90d }
`,
    'test.yaml',
    {},
  );

describe("a run's compression", () => {
  it('travels with every table in the run input, so every attempt of a batch writes the same data key', () => {
    const zstd = buildFleetInput(config(''), { databases: [], dryRun: false });
    expect(zstd.databases[0]!.tables.map((t) => t.compression)).toEqual([
      { name: 'zstd', level: 1 },
      { name: 'zstd', level: 1 },
    ]);
    const gzip = buildFleetInput(config(', compression: gzip, compressionLevel: 1'), {
      databases: [],
      dryRun: false,
    });
    expect(gzip.databases[0]!.tables[0]!.compression).toEqual({ name: 'gzip', level: 1 });
  });

  it("is the run's own whatever the worker is configured with", () => {
    const worker = { compression: 'gzip', compressionLevel: 9 } as const;
    expect(runCompression({ name: 'zstd', level: 3 }, worker)).toEqual({ name: 'zstd', level: 3 });
    expect(runCompression({ name: 'gzip', level: 1 }, { compression: 'zstd', compressionLevel: 1 })).toEqual({
      name: 'gzip',
      level: 1,
    });
  });

  it('stays gzip for a run started before runs carried it, as every version before then wrote gzip', () => {
    // A retried batch of such a run writes the .jsonl.gz key its first attempt may have written.
    expect(runCompression(undefined, { compression: 'zstd', compressionLevel: 7 })).toEqual({
      name: 'gzip',
      level: 6,
    });
    expect(runCompression(undefined, { compression: 'gzip', compressionLevel: 1 })).toEqual({
      name: 'gzip',
      level: 1,
    });
  });
});
