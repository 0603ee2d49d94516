/**
 * scripts/lib/zstd.sh pins Debian's zstd by release line, as browser.sh pins chromium (whose install logic
 * chromium-install.test.ts runs against a fake archive): Debian 12's build and its security updates are of the
 * line, a new upstream line is not.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function inLine(version: string): boolean {
  const result = spawnSync(
    'bash',
    [
      '-c',
      'source scripts/lib/common.sh; source scripts/lib/zstd.sh; apt_version_in_line "$1" "$ZSTD_LINE"',
      '_',
      version,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return result.status === 0;
}

describe("zstd's release line", () => {
  it("holds Debian 12's zstd and the security archive's rebuilds of it", () => {
    expect(['1.5.4+dfsg2-5', '1.5.4+dfsg2-5+deb12u1', '1.5.7+dfsg-1'].map(inLine)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('holds no other upstream line', () => {
    expect(['1.6.0-1', '1.4.8+dfsg-3', '1.50.0-1'].map(inLine)).toEqual([false, false, false]);
  });
});
