import { commandsOf, splitComment } from '../../helpers/doc-commands';

const fence = '```';

describe('the example commands found in a doc', () => {
  it('takes every command of a shell block, continuation lines joined and comments split off', () => {
    const markdown = [
      'Text.',
      '',
      `${fence}sh`,
      '# a comment line is not a command',
      'npx archiver run --config archiver.yaml --wait   # follow it',
      'npx archiver restore --config archiver.yaml \\',
      '  --from 2026-01-15 --to 2026-01-16',
      fence,
    ].join('\n');
    expect(commandsOf('x.md', markdown)).toEqual([
      {
        file: 'x.md',
        line: 5,
        command: 'npx archiver run --config archiver.yaml --wait',
        comment: 'follow it',
        kind: 'block',
      },
      {
        file: 'x.md',
        line: 6,
        command: 'npx archiver restore --config archiver.yaml --from 2026-01-15 --to 2026-01-16',
        kind: 'block',
      },
    ]);
  });

  it('takes only the `$ ` lines of a console block, and nothing from yaml or text blocks', () => {
    const markdown = [
      `${fence}console`,
      '$ npm run demo',
      '{"status": "completed"}',
      fence,
      `${fence}yaml`,
      'databases: []',
      fence,
      `${fence}`,
      'npx archiver run',
      fence,
    ].join('\n');
    expect(commandsOf('x.md', markdown).map((c) => c.command)).toEqual(['npm run demo']);
  });

  it('takes inline archiver, npm run and bash scripts/ commands, not other code spans', () => {
    const markdown =
      'Run `npx archiver status WORKFLOW_ID`, `archiver run`, `npm run compose:check` or\n' +
      '`bash scripts/services.sh env`; not `archiver_rows_archived_total`, `--json` or `jq -c .`.';
    expect(commandsOf('x.md', markdown).map((c) => [c.line, c.command])).toEqual([
      [1, 'npx archiver status WORKFLOW_ID'],
      [1, 'archiver run'],
      [1, 'npm run compose:check'],
      [2, 'bash scripts/services.sh env'],
    ]);
  });

  it('applies a marker to the block or paragraph right after it, or the paragraph it stands in', () => {
    const markdown = [
      '<!-- docs-test: not run: needs a Docker engine -->',
      '',
      `${fence}sh`,
      'docker compose up -d',
      fence,
      '',
      `${fence}sh`,
      'npm run services:up',
      fence,
      '',
      'The soak: `npm run chaos -- --runs 200`.',
      '<!-- docs-test: not run: takes 48 minutes -->',
    ].join('\n');
    expect(commandsOf('x.md', markdown).map((c) => [c.command, c.notRun])).toEqual([
      ['docker compose up -d', 'needs a Docker engine'],
      ['npm run services:up', undefined],
      ['npm run chaos -- --runs 200', 'takes 48 minutes'],
    ]);
  });

  it('applies a marker with a quoted prefix only to the commands that start with it', () => {
    const markdown = [
      '<!-- docs-test: not run "npm run services:down": stops shared services -->',
      '',
      `${fence}sh`,
      'npm run services:up',
      'npm run services:down',
      fence,
    ].join('\n');
    expect(commandsOf('x.md', markdown).map((c) => [c.command, c.notRun])).toEqual([
      ['npm run services:up', undefined],
      ['npm run services:down', 'stops shared services'],
    ]);
  });

  it('does not read commands out of a marker that quotes one', () => {
    const markdown = 'Text `npm run demo`. <!-- docs-test: not run: `npm run compose:check` checks it -->';
    expect(commandsOf('x.md', markdown).map((c) => c.command)).toEqual(['npm run demo']);
  });
});

describe('splitComment', () => {
  it('splits at a # that starts a word outside quotes', () => {
    expect(splitComment('a --cron "0 2 * * * # not" b # yes')).toEqual({
      code: 'a --cron "0 2 * * * # not" b ',
      comment: 'yes',
    });
    expect(splitComment("grep 'a#b' x#y")).toEqual({ code: "grep 'a#b' x#y" });
  });
});
