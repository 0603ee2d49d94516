import { S3Client } from '@aws-sdk/client-s3';

export interface S3Settings {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
}

/** Credentials come from the AWS SDK's default chain (environment, profile, role); none are configured here. */
export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    endpoint: settings.endpoint,
    forcePathStyle: settings.forcePathStyle,
  });
}
