import { parseConfig } from '../../../src/config';
import { buildFleetInput } from '../../../src/cli/fleet-input';
import { UsageError } from '../../../src/cli/load-config-or-exit';

function config(tables: { shop: string; audit: string }) {
  return parseConfig(
    `storage: { bucket: archive }
databases:
  - name: shop
    engine: postgres
    url: "postgres://archiver@db/shop"
    tables: [{ name: events, timestampColumn: created_at, olderThan: 90d${tables.shop} }]
  - name: audit
    engine: mysql
    url: "mysql://archiver@db/audit"
    tables: [{ name: log, timestampColumn: created_at, olderThan: 90d${tables.audit} }]
`,
    'test.yaml',
    {},
  );
}

describe('archiver run --full-scan', () => {
  it('asks every database workflow for a full scan', () => {
    const input = buildFleetInput(config({ shop: ', delete: false', audit: '' }), {
      databases: [],
      dryRun: false,
      fullScan: true,
    });
    expect(input.fullScan).toBe(true);
    expect(
      buildFleetInput(config({ shop: '', audit: '' }), { databases: [], dryRun: false }),
    ).not.toHaveProperty('fullScan');
  });

  it('is refused, naming the flag, when no selected table is archive-only', () => {
    const both = config({ shop: ', delete: false', audit: '' });
    const run = () => buildFleetInput(both, { databases: ['audit'], dryRun: false, fullScan: true });
    expect(run).toThrow(UsageError);
    expect(run).toThrow(/^--full-scan: no selected table is archive-only \(delete: false\)/);
    expect(() => buildFleetInput(both, { databases: ['shop'], dryRun: false, fullScan: true })).not.toThrow();
  });
});
