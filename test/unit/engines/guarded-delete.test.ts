import type { GuardedDeleteEntry, GuardedDeleteResult } from '../../../src/engines';
import { runGuardedDelete, unchangedKeys } from '../../../src/engines/guarded-delete';

const entries: GuardedDeleteEntry[] = [1, 2, 3, 4, 5].map((n) => ({ key: [String(n)], rowHash: `h${n}` }));

/** A transaction that writes what it is asked to do into `steps`. */
function recordingTransaction(steps: string[]) {
  return {
    begin: async () => steps.push('begin'),
    commit: async () => steps.push('commit'),
    rollback: async () => steps.push('rollback'),
  };
}

describe('runGuardedDelete', () => {
  it('deletes chunk by chunk, shows the whole result to beforeCommit, then commits', async () => {
    const steps: string[] = [];
    const result = await runGuardedDelete(
      recordingTransaction(steps),
      entries,
      2,
      async (chunk, outcome) => {
        steps.push(`chunk ${chunk.map((e) => e.key[0]).join(',')}`);
        outcome.deleted.push(...chunk.map((e) => e.key));
      },
      async (outcome) => {
        steps.push(`before commit ${outcome.deleted.length}`);
      },
    );
    expect(steps).toEqual(['begin', 'chunk 1,2', 'chunk 3,4', 'chunk 5', 'before commit 5', 'commit']);
    expect(result).toEqual({
      deleted: [['1'], ['2'], ['3'], ['4'], ['5']],
      skippedChanged: [],
      alreadyGone: [],
    });
  });

  it('rolls back and rethrows when beforeCommit fails, so nothing is deleted without its record', async () => {
    const steps: string[] = [];
    const lost = new Error('lease lost');
    await expect(
      runGuardedDelete(
        recordingTransaction(steps),
        entries,
        10,
        async () => undefined,
        async () => {
          throw lost;
        },
      ),
    ).rejects.toBe(lost);
    expect(steps).toEqual(['begin', 'rollback']);
  });

  it('rolls back and rethrows the chunk failure, not one of the rollback', async () => {
    const steps: string[] = [];
    const failure = new Error('deleted 3 rows of 2 locked ones; rolled back');
    const transaction = {
      ...recordingTransaction(steps),
      rollback: async () => {
        steps.push('rollback');
        throw new Error('connection gone');
      },
    };
    await expect(
      runGuardedDelete(transaction, entries, 2, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(steps).toEqual(['begin', 'rollback']);
  });
});

describe('unchangedKeys', () => {
  it('returns the unchanged keys and records the changed and the gone ones in order', () => {
    const result: GuardedDeleteResult = { deleted: [], skippedChanged: [], alreadyGone: [] };
    const locked = new Map<string, string | null>([
      ['["1"]', 'h1'],
      ['["2"]', 'changed'],
      ['["4"]', 'h4'],
      ['["5"]', null],
    ]);
    expect(unchangedKeys(entries, locked, result)).toEqual([['1'], ['4']]);
    expect(result).toEqual({ deleted: [], skippedChanged: [['2'], ['5']], alreadyGone: [['3']] });
  });
});
