import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, type MetricMeter, type MetricTags } from '@temporalio/common';
import { createLockBackend, processOwner } from '../../../src/locks';
import { ArchiverMetrics, bindAddress, withLeaseMetrics } from '../../../src/metrics';
import { activityContext } from '../../../src/metrics/activity-context';
import { errorType } from '../../../src/metrics/activity-interceptor';

/** A meter that keeps what was recorded, keyed `name{label=value,…}` (sorted labels), like the exposition. */
function recordingMeter() {
  const values = new Map<string, number>();
  const key = (name: string, tags: MetricTags = {}) =>
    `${name}{${Object.entries(tags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',')}}`;
  const instrument = (name: string, mode: 'add' | 'set' | 'observe') => {
    const record = (value: number, tags?: MetricTags) => {
      const k = key(name, tags);
      values.set(k, mode === 'set' ? value : (values.get(k) ?? 0) + (mode === 'observe' ? 1 : value));
    };
    return {
      name,
      unit: '',
      description: '',
      add: record,
      set: record,
      record,
      withTags: () => instrument(name, mode),
    };
  };
  const meter = {
    createCounter: (name: string) => instrument(name, 'add'),
    createHistogram: (name: string) => instrument(name, 'observe'),
    createGauge: (name: string) => instrument(name, 'set'),
    withTags: () => meter,
  } as unknown as MetricMeter;
  return { meter, get: (name: string, tags: MetricTags) => values.get(key(name, tags)), values };
}

describe('activityContext', () => {
  it('reads database, table, run and batch from archiveBatch input', () => {
    const input = { database: 'shop', runId: 'r1', batchSeq: 7, table: { name: 'public.events' } };
    expect(activityContext([input])).toEqual({
      database: 'shop',
      table: 'public.events',
      runId: 'r1',
      batch: 7,
    });
  });

  it('reads run and batch from the data key of deleteBatch, verifyBatch and restoreBatch input', () => {
    const dataKey = 'prod/shop/public.events/runs/01abc/batch-000012.jsonl.gz';
    expect(activityContext([{ database: 'shop', table: { name: 'events' }, dataKey }])).toEqual({
      database: 'shop',
      table: 'events',
      runId: '01abc',
      batch: 12,
    });
    expect(activityContext([{ database: 'shop', target: 'public.events_back', dataKey }])).toMatchObject({
      table: 'public.events',
      runId: '01abc',
      batch: 12,
    });
  });

  it('reads them from a zstd data key too', () => {
    const dataKey = 'prod/shop/public.events/runs/01abc/batch-000012.jsonl.zst';
    expect(activityContext([{ database: 'shop', dataKey }])).toEqual({
      database: 'shop',
      table: 'public.events',
      runId: '01abc',
      batch: 12,
    });
  });

  it('is empty for inputs that name none of them', () => {
    expect(activityContext([])).toEqual({});
    expect(activityContext(['text'])).toEqual({});
    expect(activityContext([{ status: 'completed', runId: 'r9' }])).toEqual({ runId: 'r9' });
  });
});

describe('errorType', () => {
  it('is the failure type Temporal records: the ApplicationFailure type or the class name', () => {
    expect(errorType(ApplicationFailure.nonRetryable('x', 'ChecksumMismatchError'))).toBe(
      'ChecksumMismatchError',
    );
    class TableNotFoundError extends Error {
      override name = 'TableNotFoundError';
    }
    expect(errorType(new TableNotFoundError('gone'))).toBe('TableNotFoundError');
    expect(errorType('a string')).toBe('string');
  });
});

describe('ArchiverMetrics', () => {
  const context = { database: 'shop', table: 'public.events', runId: 'r', batch: 0 };
  const tags = { database: 'shop', table: 'public.events' };

  it('counts rows, bytes and batches from archiveBatch results, and times the batch', () => {
    const recorded = recordingMeter();
    const metrics = new ArchiverMetrics(recorded.meter);
    metrics.succeeded('archiveBatch', context, { rows: 50, compressedBytes: 1234 }, 0.2);
    metrics.succeeded('archiveBatch', context, { rows: 20, compressedBytes: 600 }, 0.1);
    metrics.succeeded('archiveBatch', context, null, 0.01); // the table had nothing left: not a batch
    expect(recorded.get('archiver_rows_archived_total', tags)).toBe(70);
    expect(recorded.get('archiver_bytes_uploaded_total', tags)).toBe(1834);
    expect(recorded.get('archiver_batches_archived_total', tags)).toBe(2);
    expect(recorded.get('archiver_batch_duration_seconds', { activity: 'archiveBatch', ...tags })).toBe(2);
  });

  it('counts deleted, kept and verified rows, and failures by error type', () => {
    const recorded = recordingMeter();
    const metrics = new ArchiverMetrics(recorded.meter);
    metrics.succeeded('deleteBatch', context, { deleted: 48, skippedChanged: 2, alreadyGone: 0 }, 0.3);
    metrics.succeeded('verifyBatch', context, { verified: 10 }, 0.1);
    metrics.failed('deleteBatch', context, 'LeaseLostError');
    expect(recorded.get('archiver_rows_deleted_total', tags)).toBe(48);
    expect(recorded.get('archiver_rows_skipped_changed_total', tags)).toBe(2);
    expect(recorded.get('archiver_rows_verified_total', tags)).toBe(10);
    expect(
      recorded.get('archiver_activity_failures_total', {
        activity: 'deleteBatch',
        database: 'shop',
        error_type: 'LeaseLostError',
      }),
    ).toBe(1);
  });
});

describe('withLeaseMetrics', () => {
  it('reports leases acquired, refused and released by a real backend, and whether one is held', async () => {
    const recorded = recordingMeter();
    const backend = createLockBackend({
      backend: 'file',
      path: mkdtempSync(join(tmpdir(), 'lease-metrics-')),
      ttl: '1m',
      ttlMs: 60_000,
      refreshEvery: '10s',
      refreshMs: 10_000,
    });
    const locks = withLeaseMetrics(backend, new ArchiverMetrics(recorded.meter));
    const resource = 'db-archiver/shop';
    const lease = await locks.acquire(resource, processOwner('run-1'), 60_000);
    expect(lease).not.toBeNull();
    expect(recorded.get('archiver_lease_held', { resource })).toBe(1);
    expect(await locks.acquire(resource, processOwner('run-2'), 60_000)).toBeNull();
    await locks.refresh(lease!, 60_000);
    await locks.release(lease!);
    await locks.close();
    for (const event of ['acquired', 'refused', 'refreshed', 'released']) {
      expect(recorded.get('archiver_lease_events_total', { resource, event })).toBe(1);
    }
    expect(recorded.get('archiver_lease_held', { resource })).toBe(0);
  });
});

describe('bindAddress', () => {
  it('brackets IPv6 hosts', () => {
    expect(bindAddress({ host: '0.0.0.0', port: 9464 })).toBe('0.0.0.0:9464');
    expect(bindAddress({ host: '::', port: 9464 })).toBe('[::]:9464');
  });
});
