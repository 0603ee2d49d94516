import { buildVerifyInput, formatVerifyReport } from '../../../src/cli/commands/verify';
import { UsageError } from '../../../src/cli/load-config-or-exit';
import { parseConfig } from '../../../src/config';
import { verifyWorkflowId, type VerifyReport } from '../../../src/shared/verify';

const config = parseConfig(
  `storage: { bucket: archive }
databases:
  - name: shop
    engine: postgres
    url: postgres://postgres@127.0.0.1:5432/shop
    tables:
      - { name: events, timestampColumn: created_at, olderThan: 90d }
      - { name: audit.log, timestampColumn: at, olderThan: 365d }
  - name: billing
    engine: mysql
    url: mysql://root@127.0.0.1:3306/billing
    tables:
      - { name: invoices, timestampColumn: created_at, olderThan: 90d }
`,
  'test',
);

describe('archiver verify arguments', () => {
  it('checks every configured table by its archived schema.table name when nothing is selected', () => {
    expect(buildVerifyInput(config, { databases: [], tables: [] })).toEqual({
      databases: [
        { database: 'shop', tables: ['public.events', 'audit.log'] },
        { database: 'billing', tables: ['billing.invoices'] },
      ],
    });
  });

  it('selects databases, and tables by their configured or qualified name', () => {
    expect(buildVerifyInput(config, { databases: ['billing'], tables: [] })).toEqual({
      databases: [{ database: 'billing', tables: ['billing.invoices'] }],
    });
    expect(buildVerifyInput(config, { databases: [], tables: ['public.events', 'invoices'] })).toEqual({
      databases: [
        { database: 'shop', tables: ['public.events'] },
        { database: 'billing', tables: ['billing.invoices'] },
      ],
    });
  });

  it('selects a table by its bare name in whichever schema it is configured', () => {
    expect(buildVerifyInput(config, { databases: ['shop'], tables: ['log'] })).toEqual({
      databases: [{ database: 'shop', tables: ['audit.log'] }],
    });
  });

  it('refuses an unknown database, and a table the selected databases do not configure', () => {
    expect(() => buildVerifyInput(config, { databases: ['nope'], tables: [] })).toThrow(UsageError);
    expect(() => buildVerifyInput(config, { databases: ['shop'], tables: ['invoices'] })).toThrow(
      /--table invoices: not a configured table of shop/,
    );
  });

  it('names the workflow after its start time', () => {
    expect(verifyWorkflowId(Date.parse('2026-11-26T14:00:00.123Z'))).toBe(
      'verify-archive-2026-11-26T14-00-00-123Z',
    );
  });
});

describe('the verify text report', () => {
  it('prints one line per table and one per problem', () => {
    const report: VerifyReport = {
      status: 'problems',
      batches: 3,
      batchesWithProblems: 1,
      rows: 30,
      bytes: 300,
      problems: 3,
      databases: [
        {
          name: 'shop',
          tables: [
            {
              table: 'public.events',
              batches: 2,
              batchesWithProblems: 1,
              rows: 20,
              bytes: 200,
              problems: [{ key: 'k.jsonl.gz', problem: 'the data object is missing' }],
              problemsOmitted: 2,
            },
            {
              table: 'audit.log',
              batches: 1,
              batchesWithProblems: 0,
              rows: 10,
              bytes: 100,
              problems: [],
              problemsOmitted: 0,
            },
          ],
        },
      ],
    };
    expect(formatVerifyReport(report)).toEqual([
      'PROBLEMS shop public.events: 2 batches (1 with problems), 20 rows, 200 bytes',
      '  k.jsonl.gz: the data object is missing',
      '  … and 2 more problems, not listed',
      'ok       shop audit.log: 1 batches, 10 rows, 100 bytes',
    ]);
  });
});
