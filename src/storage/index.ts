export { createS3Client, type S3Settings } from './s3-client';
export { batchKeys, reportKey, tablePrefix } from './keys';
export { getJson, getObjectBytes, headObject, putJson, putObject, sha256Hex } from './objects';
