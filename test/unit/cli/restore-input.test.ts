import { buildRestoreInput } from '../../../src/cli/commands/restore';
import { UsageError } from '../../../src/cli/load-config-or-exit';
import { restoreWorkflowId } from '../../../src/shared/restore';

const base = { config: 'f.yaml', database: 'shop', table: 'public.events' };

describe('archiver restore arguments', () => {
  it('passes names and the time range, nothing else', () => {
    expect(
      buildRestoreInput(
        { ...base, into: 'public.events_back', from: '2026-01-01', to: '2026-02-01T00:00:00Z' },
        ['shop'],
      ),
    ).toEqual({
      database: 'shop',
      table: 'public.events',
      into: 'public.events_back',
      from: '2026-01-01',
      to: '2026-02-01T00:00:00Z',
    });
  });

  it('refuses a database the configuration does not have', () => {
    expect(() => buildRestoreInput({ ...base, database: 'nope' }, ['shop'])).toThrow(UsageError);
  });

  it('refuses times that are not ISO 8601, and an empty range', () => {
    expect(() => buildRestoreInput({ ...base, from: 'yesterday' }, ['shop'])).toThrow(/--from yesterday/);
    expect(() => buildRestoreInput({ ...base, from: '2026-02-01', to: '2026-01-01' }, ['shop'])).toThrow(
      /is not before/,
    );
  });

  it('names the workflow after the database, the table and the start time', () => {
    expect(restoreWorkflowId('shop', 'public.events', Date.parse('2026-11-26T14:00:00.123Z'))).toBe(
      'restore-shop-public.events-2026-11-26T14-00-00-123Z',
    );
  });
});
