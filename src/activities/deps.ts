import type { S3Client } from '@aws-sdk/client-s3';
import type { EngineRegistry } from '../engines';
import type { LockBackend } from '../locks';
import type { ReplicaRegistry } from '../engines/replica-lag';
import type { Compression, SidecarCache } from '../storage';

/** What the activities need from the worker's composition root; nothing here is created by an activity. */
export interface ActivityDeps {
  engines: EngineRegistry;
  s3: S3Client;
  /** The configured lease backend (a no-op one for `lock.backend: none`). */
  locks: LockBackend;
  /**
   * The databases' replicas (`replicaUrl`) for the replica-lag check; without it a run that checks replica lag
   * fails with ReplicaNotConfiguredError.
   */
  replicas?: ReplicaRegistry;
  storage: {
    bucket: string;
    prefix: string;
    multipartThresholdBytes: number;
    partSizeBytes: number;
    /**
     * The worker's configured compression. A run's input says how its batches are compressed
     * (TableSpec.compression); a run started before it did goes on with gzip, at this level if this is gzip
     * (runCompression). Readers go by each object's key.
     */
    compression: Compression;
    /** Level of that compression (gzip 1–9, zstd 1–19). */
    compressionLevel: number;
  };
  /** The sidecars this worker wrote, so the delete and verification of a batch need not download them again. */
  sidecars?: SidecarCache;
}
