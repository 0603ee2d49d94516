import { UsageError } from '../../../src/cli/load-config-or-exit';
import {
  describeHolder,
  formatDuration,
  formatLeaseTable,
  releaseTarget,
} from '../../../src/cli/commands/locks';
import type { LeaseInfo } from '../../../src/locks';

const now = Date.parse('2026-03-01T12:00:00Z');
const lease = (over: Partial<LeaseInfo> = {}): LeaseInfo => ({
  resource: 'db-archiver/shop',
  owner: { id: 'archive-db-shop/run-1', host: 'worker-1', pid: 4242 },
  heartbeatAt: now - 12_000,
  expiresAt: now + 108_000,
  stale: false,
  ...over,
});

describe('archiver locks', () => {
  it('writes durations people read at a glance', () => {
    expect(formatDuration(950)).toBe('950ms');
    expect(formatDuration(42_400)).toBe('42s');
    expect(formatDuration(108_000)).toBe('1m48s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2h05m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d04h');
    expect(formatDuration(-5)).toBe('0ms');
  });

  it('lists leases as an aligned table with heartbeat age, expiry and staleness', () => {
    const table = formatLeaseTable(
      [lease(), lease({ resource: 'db-archiver/billing', expiresAt: now - 5_000, stale: true })],
      now,
    );
    expect(table.split('\n')).toEqual([
      'RESOURCE             OWNER                  HOST      PID   HEARTBEAT  EXPIRES   STALE',
      'db-archiver/shop     archive-db-shop/run-1  worker-1  4242  12s ago    in 1m48s  no',
      'db-archiver/billing  archive-db-shop/run-1  worker-1  4242  12s ago    5s ago    yes',
      '',
    ]);
    expect(formatLeaseTable([], now)).toBe('No leases are held.\n');
  });

  it('describes a holder for the refusal message', () => {
    expect(describeHolder(lease(), now)).toBe(
      'archive-db-shop/run-1 on worker-1 (pid 4242), last heartbeat 12s ago, expires in 1m48s',
    );
  });

  it('takes a RESOURCE or --database NAME, exactly one', () => {
    expect(releaseTarget('db-archiver/x', undefined)).toBe('db-archiver/x');
    expect(releaseTarget(undefined, 'shop')).toBe('db-archiver/shop');
    expect(() => releaseTarget(undefined, undefined)).toThrow(UsageError);
    expect(() => releaseTarget('db-archiver/x', 'shop')).toThrow(/not both/);
  });
});
