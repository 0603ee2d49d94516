import { parseConfig } from '../../../src/config';
import { createLockBackend } from '../../../src/locks';

const base = `
storage: { bucket: archive }
databases:
  - { name: shop, engine: postgres, url: "postgres://postgres@127.0.0.1:5432/shop",
      tables: [{ name: events, timestampColumn: created_at, olderThan: 90d }] }
`;

describe('createLockBackend', () => {
  it.each([
    ['none', 'lock: { backend: none }'],
    ['file', 'lock: { backend: file, path: /tmp/archiver-locks }'],
    ['redis', 'lock: { backend: redis, url: "redis://127.0.0.1:1" }'],
    ['postgres', 'lock: { backend: postgres, url: "postgres://postgres@127.0.0.1:1/postgres" }'],
  ])('builds the %s backend from the configuration without contacting anything', async (name, lock) => {
    const backend = createLockBackend(parseConfig(`${base}${lock}\n`, 'test.yaml').lock);
    expect(backend.name).toBe(name);
    await backend.close();
  });
});
