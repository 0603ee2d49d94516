import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_DESCRIPTIONS } from '../../../src/config/descriptions';
import { exampleOf, referenceEntries, renderConfigReference } from '../../../src/config/reference';

const REFERENCE = join(__dirname, '..', '..', '..', 'docs', 'config-reference.md');

describe('the configuration reference', () => {
  const entries = referenceEntries();

  it('docs/config-reference.md is what the schema generates', () => {
    const written = readFileSync(REFERENCE, 'utf8');
    if (written !== renderConfigReference()) {
      throw new Error(
        'docs/config-reference.md is stale: the configuration schema or its descriptions changed. ' +
          'Run `npm run docs:config` and commit docs/config-reference.md.',
      );
    }
  });

  it('lists every key with its full path', () => {
    const paths = entries.map((entry) => entry.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'temporal.address',
        'storage.bucket',
        'worker.metrics.port',
        'lock.refreshEvery',
        'databases[].url',
        'databases[].tables[].batchSize',
        'databases[].tables[].verify.samplePercent',
      ]),
    );
    expect(entries.find((entry) => entry.path === 'databases[].tables[].batchSize')).toMatchObject({
      type: 'integer',
      default: 5000,
      allowed: 'an integer from 1 to 1000000',
    });
    expect(entries.find((entry) => entry.path === 'lock.backend')).toMatchObject({
      allowed: '`redis`, `postgres`, `file`, `none`',
    });
  });

  it('describes every key in src/config/descriptions.ts, and nothing else', () => {
    const paths = new Set(entries.map((entry) => entry.path));
    const undescribed = [...paths].filter((path) => !CONFIG_DESCRIPTIONS[path]);
    const unknown = Object.keys(CONFIG_DESCRIPTIONS).filter((path) => !paths.has(path));
    expect({ undescribed, unknown }).toEqual({ undescribed: [], unknown: [] });
  });

  it('says in words what a key allows where the schema has only a pattern', () => {
    const regexes = entries.filter((entry) => entry.allowed.startsWith('text matching')).map((e) => e.path);
    // Add `allowed` to these keys in src/config/descriptions.ts.
    expect(regexes).toEqual([]);
  });

  it('gives every key a YAML example that parses', () => {
    const missing = entries.filter((entry) => exampleOf(entry) === undefined).map((entry) => entry.path);
    // Add `example` to these keys in src/config/descriptions.ts.
    expect(missing).toEqual([]);
    for (const entry of entries) {
      const parsed = parse(exampleOf(entry)!) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual([entry.key]);
    }
  });
});
