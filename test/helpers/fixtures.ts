/** Loads the every-type fixtures (test/fixtures/types) into fresh databases. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMysqlDatabase, createPgDatabase, mysqlConnect, pgConnect } from './services';

const FIXTURES = join(__dirname, '..', 'fixtures', 'types');

/** The fixture tables and their primary keys, the same for both engines' files. */
export const FIXTURE_TABLES = ['every_type', 'composite_key'] as const;

export async function createPgTypesDatabase(prefix: string): Promise<{ name: string; url: string }> {
  const db = await createPgDatabase(prefix);
  const client = await pgConnect(db.url);
  try {
    await client.query(readFileSync(join(FIXTURES, 'postgres.sql'), 'utf8'));
  } finally {
    await client.end();
  }
  return db;
}

export async function createMysqlTypesDatabase(prefix: string): Promise<{ name: string; url: string }> {
  const db = await createMysqlDatabase(prefix);
  const conn = await mysqlConnect(db.url);
  try {
    await conn.query(readFileSync(join(FIXTURES, 'mysql.sql'), 'utf8'));
  } finally {
    await conn.end();
  }
  return db;
}
