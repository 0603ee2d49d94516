import { startNote } from '../../../src/cli/progress';

describe('where an archive-only table started, in the progress lines', () => {
  it('names the last archived row the scan started after', () => {
    expect(
      startNote({ after: { timestamp: '2026-05-17 08:48:06+00', key: ['7', '42'] }, notBefore: null }),
    ).toBe(', started after 2026-05-17 08:48:06+00 ["7","42"]');
  });

  it("names a migrated watermark's cutoff, and a scan from the beginning", () => {
    expect(startNote({ after: null, notBefore: '2026-01-01T00:00:00.000Z' })).toBe(
      ', started at 2026-01-01T00:00:00.000Z (migrated watermark)',
    );
    expect(startNote({ after: null, notBefore: null })).toBe(', started from the beginning');
  });

  it('says when a full scan skips the rows already archived', () => {
    expect(startNote({ after: null, notBefore: null, fullScan: true })).toBe(
      ', started from the beginning (full scan, skipping rows already archived)',
    );
    expect(
      startNote({
        after: { timestamp: '2026-05-17 08:48:06+00', key: ['9'] },
        notBefore: null,
        fullScan: true,
      }),
    ).toBe(', started after 2026-05-17 08:48:06+00 ["9"] (full scan, skipping rows already archived)');
  });

  it('says nothing for tables whose rows are deleted', () => {
    expect(startNote(undefined)).toBe('');
  });
});
