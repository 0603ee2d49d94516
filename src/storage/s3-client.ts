import { S3Client } from '@aws-sdk/client-s3';

export interface S3Settings {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
}

/** A connection to S3 that is not established within this long fails (and the step is retried). */
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * A request whose connection carries no bytes in either direction for this long fails. Without it, a network
 * that drops a connection silently leaves a request (and the worker's shutdown) waiting forever.
 */
const IDLE_TIMEOUT_MS = 60_000;

/** Credentials come from the AWS SDK's default chain (environment, profile, role); none are configured here. */
export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: IDLE_TIMEOUT_MS },
  });
}
