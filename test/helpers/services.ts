/**
 * Addresses of the real services `npm run services:up` starts (scripts/services.sh), and small helpers the
 * integration tests share. Every test works in databases and buckets of its own, named with a random suffix.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { createConnection, type Connection } from 'mysql2/promise';

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_ADMIN_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const S3_ENDPOINT = process.env.TEST_S3_ENDPOINT ?? 'http://127.0.0.1:9000';
export const TEMPORAL_ADDRESS = process.env.TEST_TEMPORAL_ADDRESS ?? '127.0.0.1:7233';

/** MinIO's root credentials, as the AWS SDK's default chain reads them from the environment. */
export const S3_ENV = {
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'minioadmin',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'minioadmin',
  AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
};
Object.assign(process.env, S3_ENV);

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export function s3Client(): S3Client {
  return new S3Client({ endpoint: S3_ENDPOINT, region: S3_ENV.AWS_REGION, forcePathStyle: true });
}

export async function createBucket(s3: S3Client, prefix: string): Promise<string> {
  const bucket = uniqueName(prefix).replace(/_/g, '-').toLowerCase();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Creates a fresh PostgreSQL database and returns its URL. */
export async function createPgDatabase(
  prefix: string,
  adminUrl = PG_ADMIN_URL,
): Promise<{ name: string; url: string }> {
  const name = uniqueName(prefix).toLowerCase();
  const admin = new PgClient({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return { name, url: adminUrl.replace(/\/[^/]*$/, `/${name}`) };
}

export async function pgConnect(url: string): Promise<PgClient> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  return client;
}

/** Creates a fresh MariaDB database and returns its URL. */
export async function createMysqlDatabase(
  prefix: string,
  adminUrl = MYSQL_ADMIN_URL,
): Promise<{ name: string; url: string }> {
  const name = uniqueName(prefix).toLowerCase();
  const admin = await createConnection(adminUrl);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await admin.end();
  }
  return { name, url: `${adminUrl}/${name}` };
}

export async function mysqlConnect(url: string): Promise<Connection> {
  return createConnection({ uri: url, multipleStatements: true, timezone: 'Z' });
}
