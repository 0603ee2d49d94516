export { createS3Client, type S3Settings } from './s3-client';
export {
  COMPRESSIONS,
  compressionOfKey,
  compressionSpec,
  compressSync,
  createCompressor,
  createDecompressor,
  DATA_SUFFIX_PATTERN,
  dataKeyBase,
  decompressSync,
  isDataKey,
  isDecompressionError,
  runCompression,
  STREAM_CHUNK_BYTES,
  type Compression,
} from './compression';
export { batchKeys, reportKey, tablePrefix, tableRunsPrefix, sidecarKeys } from './keys';
export {
  getJson,
  getJsonIfExists,
  getObjectBytes,
  headObject,
  objectExists,
  putJson,
  isPreconditionFailed,
  ObjectExistsError,
  putObject,
  sha256Hex,
} from './objects';
export { SidecarCache } from './sidecar-cache';
export { probeConditionalWrites } from './write-once-probe';
export {
  ObjectUpload,
  UploadResumeMismatchError,
  type UploadCheckpoint,
  type UploadResult,
  type UploadTarget,
} from './upload';
export type { BatchManifest, BatchMeta, ColumnSchema, DeletionRecord } from './formats';
export { abortStaleUploads, type AbortStaleUploadsOptions, type StaleUpload } from './cleanup-uploads';
export {
  loadState,
  s3StateStore,
  saveState,
  sealState,
  stateKey,
  unsealState,
  type StateLoad,
  type StateStore,
} from './state';
