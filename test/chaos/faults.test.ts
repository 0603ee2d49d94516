/**
 * Every fault type, each at several points of a batch, on the chaos lab's own servers (test/chaos/lab): the
 * run finishes without anyone stepping in and the data-loss oracle finds nothing lost. A writer changes old
 * rows throughout, so without the delete guard the oracle would find deleted rows whose archive holds an
 * older version; where a fault breaks the step it hits, the test checks that the step failed and was retried
 * (so the fault really landed there), and for multipart uploads that the retry resumed the upload.
 */
import { openLab } from './lab/context';
import { describeResult, runScenario, type ScenarioOptions, type ScenarioResult } from './lab/scenario';

jest.setTimeout(300_000);

type Lab = Awaited<ReturnType<typeof openLab>>;
let lab: Lab;

beforeAll(async () => {
  lab = await openLab();
}, 180_000);

afterAll(async () => {
  await lab?.close();
});

/** Rows big and links slow enough that each step of a batch lasts long enough for a fault to land inside it. */
const BASE: Partial<ScenarioOptions> = {
  rows: 2_000,
  batchSize: 500,
  payloadBytes: 1_000,
  randomPayload: true,
  mutate: true,
  bandwidthKBps: 1_000,
  baseLatencyMs: 10,
};

/** Big incompressible rows: each batch is a multipart upload of three 5 MiB parts. */
const MULTIPART: Partial<ScenarioOptions> = {
  rows: 1_600,
  batchSize: 800,
  payloadBytes: 20_000,
  randomPayload: true,
  multipart: true,
  // Unchanged rows: a retry re-reads the batch and resumes only when its bytes match the parts already stored
  // (rows changed meanwhile make it start the object afresh, by design).
  mutate: false,
};

async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const result = await runScenario(lab, options);
  process.stdout.write(`${describeResult(result)}\n`);
  if (!result.completed || !result.clean) process.stdout.write(`worker log: ${result.workerLog}\n`);
  return result;
}

function expectSurvived(result: ScenarioResult): void {
  expect(result.injected).toBe(true);
  expect({ completed: result.completed, status: result.status, error: result.error }).toMatchObject({
    completed: true,
  });
  // The worker drained and exited when told to: no step was left hanging by the fault.
  expect(result.error).toBeUndefined();
  expect(result.verdict.lost).toEqual([]);
  expect(result.verdict.wrongVersion).toEqual([]);
  expect(result.verdict.deletedTwice).toEqual([]);
  expect(result.verdict.damagedObjects).toEqual([]);
  expect(result.verdict.unexplainedRemaining).toEqual([]);
  expect(result.clean).toBe(true);
}

/** The multipart upload that the fault interrupted was resumed: one upload per object, no part sent twice. */
function expectUploadsResumed(result: ScenarioResult): void {
  const creates = new Map<string, number>();
  const parts = new Map<string, number>();
  for (const r of result.s3Requests) {
    if (r.op === 'CreateMultipartUpload' && r.status === 200)
      creates.set(r.path, (creates.get(r.path) ?? 0) + 1);
    if (r.op === 'UploadPart' && r.status === 200) {
      const part = `${r.uploadId}#${r.partNumber}`;
      parts.set(part, (parts.get(part) ?? 0) + 1);
    }
  }
  expect(creates.size).toBeGreaterThan(0);
  expect([...creates].filter(([, n]) => n > 1)).toEqual([]);
  expect([...parts].filter(([, n]) => n > 1)).toEqual([]);
  // And the fault did break an upload part.
  expect(result.s3Requests.some((r) => r.op === 'UploadPart' && r.status !== 200)).toBe(true);
}

type Case = [
  ScenarioOptions['engine'],
  ScenarioOptions['fault'],
  ScenarioOptions['point'],
  { retried?: boolean },
];

describe('faults during a batch', () => {
  const cases: Case[] = [
    ['postgres', 'db-connections-killed', 'extract', { retried: true }],
    ['postgres', 'db-connections-killed', 'delete', {}],
    ['mysql', 'db-connections-killed', 'delete', {}],
    ['mysql', 'db-connections-killed', 'verify', {}],
    ['mysql', 'db-restart', 'extract', {}],
    ['postgres', 'db-restart', 'after-upload', {}],
    ['postgres', 'db-restart', 'delete', {}],
    ['postgres', 'db-net-cut', 'extract', { retried: true }],
    ['mysql', 'db-net-cut', 'delete', {}],
    ['mysql', 'db-net-slow', 'extract', {}],
    ['postgres', 'db-net-slow', 'delete', {}],
    ['mysql', 'db-net-reset', 'delete', {}],
    ['postgres', 'db-net-reset', 'verify', {}],
    ['postgres', 's3-net-cut', 'upload', { retried: true }],
    ['mysql', 's3-net-cut', 'verify', {}],
    ['mysql', 's3-net-slow', 'upload', {}],
    ['mysql', 's3-net-reset', 'upload', { retried: true }],
    ['postgres', 's3-net-reset', 'after-upload', {}],
    ['mysql', 's3-errors', 'verify', {}],
    ['postgres', 'minio-restart', 'delete', {}],
    ['postgres', 'temporal-restart', 'extract', {}],
    ['mysql', 'temporal-restart', 'after-upload', {}],
    ['postgres', 'temporal-restart', 'delete', {}],
    ['mysql', 'temporal-restart', 'verify', {}],
    ['postgres', 'worker-kill', 'extract', { retried: true }],
    ['mysql', 'worker-kill', 'upload', { retried: true }],
    ['postgres', 'worker-kill', 'after-upload', {}],
    ['mysql', 'worker-kill', 'delete', {}],
    ['postgres', 'worker-kill', 'verify', {}],
  ];
  // A retry is checked only where the step lasts long enough for a fault seen from the server to land inside it
  // every time (extract and upload of a bandwidth-limited batch); a delete or a verification of 500 rows is often
  // over before the server reports it running. Their runs still must complete cleanly with the fault injected.
  it.each(cases)('%s: %s during %s', async (engine, fault, point, expectation) => {
    const result = await run({
      ...BASE,
      engine,
      fault,
      point,
      holdMs: fault === 's3-errors' ? 6_000 : 2_000,
    });
    expectSurvived(result);
    if (expectation.retried) expect(result.retriedTarget).toBe(true);
  });
});

describe('faults in the middle of a multipart upload', () => {
  it.each([
    ['postgres', 's3-errors'],
    ['mysql', 'minio-restart'],
    ['postgres', 's3-net-cut'],
  ] as const)('%s: %s resumes the upload instead of restarting it', async (engine, fault) => {
    const result = await run({
      ...MULTIPART,
      engine,
      fault,
      point: 'upload',
      holdMs: fault === 's3-errors' ? 6_000 : 2_000,
    });
    expectSurvived(result);
    expect(result.retriedTarget).toBe(true);
    expectUploadsResumed(result);
  });
});

describe('the lock backend lost mid-run', () => {
  it.each([
    ['postgres', 'redis'],
    ['mysql', 'postgres'],
  ] as const)('%s with a %s lease: the holder takes it again and the run completes', async (engine, lock) => {
    const result = await run({ ...BASE, engine, fault: 'lock-backend-lost', point: 'delete', lock });
    expectSurvived(result);
  });

  it.each([
    ['mysql', 'redis'],
    ['postgres', 'postgres'],
  ] as const)(
    '%s with a %s lease taken by another run meanwhile: deletes stop, the database fails loudly, nothing is lost',
    async (engine, lock) => {
      const result = await run({
        ...BASE,
        engine,
        fault: 'lock-backend-lost',
        point: 'delete',
        lock,
        competitor: true,
        holdMs: 4_000,
      });
      expect(result.competitorHeld).toBe(true);
      expect(result.deletesWhileLeaseLost).toBe(0);
      expect(result.completed).toBe(false);
      expect(result.error).toMatch(/lease/i);
      expect(result.verdict.lost).toEqual([]);
      expect(result.verdict.wrongVersion).toEqual([]);
      expect(result.verdict.deletedTwice).toEqual([]);
      expect(result.clean).toBe(true);
    },
  );
});
