import { formatProgress, loadNote } from '../../../src/cli/progress';
import type { DatabaseProgressView } from '../../../src/shared';

const view = (extra: Partial<DatabaseProgressView>): DatabaseProgressView => ({
  database: 'shop',
  paused: false,
  tables: [],
  ...extra,
});

describe('load protection in the progress lines', () => {
  const now = Date.parse('2026-11-26T21:30:35Z');

  it('shows a wait for the replica with the lag, the limit and for how long', () => {
    const waiting = view({
      waiting: { reason: 'replica-lag', lagSeconds: 42, maxSeconds: 10, since: '2026-11-26T21:30:05.000Z' },
    });
    expect(loadNote(waiting, now)).toBe(
      ', waiting for the replica: lag 42s, limit 10s (maxReplicaLag), waiting 30s since 2026-11-26T21:30:05.000Z',
    );
  });

  it('shows an unknown lag with the reason', () => {
    const waiting = view({
      waiting: {
        reason: 'replica-lag',
        lagSeconds: null,
        maxSeconds: 10,
        since: '2026-11-26T21:30:35.000Z',
        problem: 'replication is not running (IO thread: Yes, SQL thread: No)',
      },
    });
    expect(loadNote(waiting, now)).toContain(
      'waiting for the replica: lag unknown (replication is not running (IO thread: Yes, SQL thread: No)), limit 10s',
    );
  });

  it('shows pacing sleeps and the time limit on the database line', () => {
    const lines = formatProgress({
      workflowId: 'archive-db-shop',
      workflowType: 'archiveDatabase',
      status: 'RUNNING',
      databases: [
        view({
          waiting: {
            reason: 'throttle',
            since: '2026-11-26T21:30:00.000Z',
            until: '2026-11-26T21:30:02.000Z',
          },
          stopsAt: '2026-11-27T01:00:00.000Z',
        }),
      ],
    });
    expect(lines[1]).toBe(
      '  shop: running, sleeping between batches until 2026-11-26T21:30:02.000Z, stops at 2026-11-27T01:00:00.000Z (maxRunTime)',
    );
  });
});
