/**
 * `npm run docs:config`: writes docs/config-reference.md from the configuration schema (src/config/reference.ts).
 * `--check` only compares, and exits 1 when the file is stale.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigReference } from '../src/config/reference';

const ROOT = join(__dirname, '..');
const TARGET = 'docs/config-reference.md';

function current(): string {
  try {
    return readFileSync(join(ROOT, TARGET), 'utf8');
  } catch {
    return '';
  }
}

const wanted = renderConfigReference();
if (process.argv.includes('--check')) {
  if (current() !== wanted) {
    process.stderr.write(`${TARGET} is stale: run \`npm run docs:config\` and commit the result.\n`);
    process.exit(1);
  }
  process.stdout.write(`${TARGET} is up to date.\n`);
} else {
  writeFileSync(join(ROOT, TARGET), wanted);
  // The generator prints what prettier prints; a description or example that prettier would reflow breaks
  // `npm run lint`, so say which file to change rather than leave that to the lint run.
  const prettier = spawnSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--check', TARGET],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (prettier.status !== 0) {
    process.stderr.write(
      `${TARGET} was written, but prettier would format it differently (run \`npx prettier --write ${TARGET}\` ` +
        'and diff): reword the description or example in src/config/descriptions.ts so that it stays as written.\n',
    );
    process.exit(1);
  }
  process.stdout.write(`wrote ${TARGET}\n`);
}
