import { parseConfig } from '../../../src/config';
import { buildFleetInput } from '../../../src/cli/fleet-input';

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
    const zstd = buildFleetInput(config(', compression: zstd'), { databases: [], dryRun: false });
    expect(zstd.databases[0]!.tables.map((t) => t.compression)).toEqual([
      { name: 'zstd', level: 1 },
      { name: 'zstd', level: 1 },
    ]);
    const gzip = buildFleetInput(config(', compressionLevel: 1'), { databases: [], dryRun: false });
    expect(gzip.databases[0]!.tables[0]!.compression).toEqual({ name: 'gzip', level: 1 });
  });
});
