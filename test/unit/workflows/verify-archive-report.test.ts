import {
  emptyVerifyReport,
  finishVerifyReport,
  PROBLEMS_LISTED_LIMIT,
  recordBatch,
  recordTableProblem,
  recordUncheckedBatch,
} from '../../../src/workflows/verify-archive-report';

const input = { databases: [{ database: 'shop', tables: ['public.events', 'public.orders'] }] };

describe('the verify report', () => {
  it('is ok when every batch checked out, with the counts of every table and in total', () => {
    const report = emptyVerifyReport(input);
    const events = report.databases[0]!.tables[0]!;
    recordBatch(report, events, { dataKey: 'a', rows: 10, bytes: 100, problems: [] });
    recordBatch(report, events, { dataKey: 'b', rows: 5, bytes: 50, problems: [] });
    expect(finishVerifyReport(report, 'verify-archive-1')).toMatchObject({
      status: 'ok',
      workflowId: 'verify-archive-1',
      batches: 2,
      rows: 15,
      bytes: 150,
      problems: 0,
      databases: [
        {
          name: 'shop',
          tables: [
            { table: 'public.events', batches: 2, rows: 15, bytes: 150, problems: [] },
            { table: 'public.orders', batches: 0, problems: [] },
          ],
        },
      ],
    });
  });

  it('lists every problem of a batch, and one that could not be checked, under its table', () => {
    const report = emptyVerifyReport(input);
    const orders = report.databases[0]!.tables[1]!;
    const problems = [
      { key: 'b.meta.json', problem: 'the metadata is missing' },
      { key: 'b.jsonl.gz', problem: 'the data object does not decompress (incorrect header check)' },
    ];
    recordBatch(report, orders, { dataKey: 'b.jsonl.gz', rows: 3, bytes: 9, problems });
    recordUncheckedBatch(report, orders, 'c.jsonl.gz', 'connect ECONNREFUSED');
    recordTableProblem(report, orders, 'shop/public.orders', 'its archived batches could not be listed: x');
    finishVerifyReport(report, 'w');
    expect(report).toMatchObject({ status: 'problems', batches: 2, batchesWithProblems: 2, problems: 4 });
    expect(orders.problems).toEqual([
      ...problems,
      { key: 'c.jsonl.gz', problem: 'the batch could not be checked: connect ECONNREFUSED' },
      { key: 'shop/public.orders', problem: 'its archived batches could not be listed: x' },
    ]);
  });

  it('stops listing problems at the limit but keeps counting them', () => {
    const report = emptyVerifyReport(input);
    const [events, orders] = report.databases[0]!.tables;
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, problem: 'p' }));
    recordBatch(report, events!, {
      dataKey: 'a',
      rows: 0,
      bytes: 0,
      problems: many(PROBLEMS_LISTED_LIMIT - 1),
    });
    recordBatch(report, orders!, { dataKey: 'b', rows: 0, bytes: 0, problems: many(3) });
    expect(orders!.problems).toHaveLength(1);
    expect(orders!.problemsOmitted).toBe(2);
    expect(report.problems).toBe(PROBLEMS_LISTED_LIMIT + 2);
  });
});
