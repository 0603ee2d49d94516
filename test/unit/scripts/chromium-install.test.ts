/**
 * scripts/lib/browser.sh installs Debian's chromium by release line: the archive's current build of the pinned
 * major version, whatever its point release. These tests run the real install logic (scripts/lib/common.sh and
 * browser.sh in bash, the real `dpkg --compare-versions`) against a fake archive: stand-ins for apt-cache,
 * apt-get and dpkg-query that serve a listing and record what was asked, so nothing on this machine changes.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const LINE = /^CHROMIUM_LINE=(\d+)$/m.exec(readFileSync(join(ROOT, 'scripts/lib/browser.sh'), 'utf8'))![1]!;

interface FakeArchive {
  /** Versions of chromium the archive offers, as `apt-cache madison` lists them. */
  offered: string[];
  /** The version dpkg reports installed, if any. */
  installed?: string;
}

interface InstallRun {
  status: number | null;
  stderr: string;
  /** Every apt-get call, one line each. */
  aptGet: string[];
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chromium-install-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): void {
  writeFileSync(join(dir, 'bin', name), `#!/usr/bin/env bash\n${body}\n`);
  chmodSync(join(dir, 'bin', name), 0o755);
}

function runInstall(archive: FakeArchive): InstallRun {
  spawnSync('mkdir', ['-p', join(dir, 'bin'), join(dir, 'home')]);
  const state = join(dir, 'installed');
  const browser = join(dir, 'chromium');
  if (archive.installed) {
    writeFileSync(state, `${archive.installed}\n`);
    writeFileSync(browser, '');
    chmodSync(browser, 0o755);
  }
  const listing = archive.offered
    .map(
      (v) =>
        `  chromium | ${v} | http://deb.debian.org/debian-security bookworm-security/main amd64 Packages`,
    )
    .join('\n');
  writeFileSync(join(dir, 'listing'), `${listing}\n`);
  script('apt-cache', `[[ $1 == madison && $2 == chromium ]] && cat ${join(dir, 'listing')}`);
  script('dpkg-query', `[[ -s ${state} ]] || exit 1\nprintf 'installed %s\\n' "$(cat ${state})"`);
  // apt-get install chromium=V ... records V as installed and puts a browser in place, as the real one would.
  script(
    'apt-get',
    [
      `echo "$*" >>${join(dir, 'apt-get.log')}`,
      'for arg; do case $arg in chromium=*)',
      `  echo "\${arg#chromium=}" >${state}; : >${browser}; chmod 755 ${browser} ;; esac; done`,
    ].join('\n'),
  );
  const result = spawnSync(
    'bash',
    [
      '-c',
      'set -euo pipefail; source scripts/lib/common.sh; source scripts/lib/browser.sh; chromium_install',
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
        DB_ARCHIVER_HOME: join(dir, 'home'),
        CHROMIUM_BIN: browser,
        APT_POLICY_RC: join(dir, 'policy-rc.d'),
      },
    },
  );
  const log = join(dir, 'apt-get.log');
  return {
    status: result.status,
    stderr: result.stderr,
    aptGet: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [],
  };
}

describe('installing chromium by release line', () => {
  it("installs the archive's newer point release when the one once pinned is gone, and says which", () => {
    const newer = `${LINE}.0.8078.215-1~deb12u1`;
    const run = runInstall({ offered: [newer, `${Number(LINE) - 1}.0.7999.1-1~deb12u1`] });

    expect(run.status).toBe(0);
    expect(run.aptGet).toContain(
      `install -y --no-install-recommends chromium=${newer} chromium-common=${newer}`,
    );
    expect(run.stderr).toContain(`chromium ... ok (${newer} installed`);
  });

  it('takes the newest of several builds of the line, compared as Debian versions', () => {
    const builds = [
      `${LINE}.0.8078.9-1~deb12u1`,
      `${LINE}.0.8078.108-1~deb12u1`,
      `${LINE}.0.8078.108-1~deb12u2`,
    ];
    const run = runInstall({ offered: builds });

    expect(run.status).toBe(0);
    expect(run.aptGet.find((call) => call.startsWith('install'))).toContain(`chromium=${builds[2]}`);
  });

  it('keeps an installed build of the line without asking the archive', () => {
    const run = runInstall({ offered: [], installed: `${LINE}.0.8078.73-1~deb12u1` });

    expect(run.status).toBe(0);
    expect(run.aptGet).toEqual([]);
    expect(run.stderr).toContain('already installed (pinned line');
  });

  it('fails with a hint naming what to change when the line itself is gone', () => {
    const next = `${Number(LINE) + 1}.0.8200.1-1~deb12u1`;
    const run = runInstall({ offered: [next] });

    expect(run.status).toBe(1);
    expect(run.aptGet.some((call) => call.startsWith('install'))).toBe(false);
    expect(run.stderr).toContain(`offers no build of chromium ${LINE} (it offers ${next})`);
    expect(run.stderr).toContain('CHROMIUM_LINE in scripts/lib/browser.sh');
  });

  it('does not take a longer major version that merely starts with the same digits', () => {
    const run = runInstall({ offered: [`${LINE}0.0.1-1`] });

    expect(run.status).toBe(1);
  });
});
