import type { Transform } from 'node:stream';
import {
  constants,
  createGunzip,
  createGzip,
  createZstdCompress,
  createZstdDecompress,
  gunzipSync,
  gzipSync,
  zstdCompressSync,
  zstdDecompressSync,
} from 'node:zlib';
import type { BatchCompression, CompressionName } from '../shared/types';

/**
 * The compressions of batch data objects, and everything that depends on the choice: the data key's suffix,
 * the content type, the level range, and the streams. A data object's compression is read from its key, so an
 * archive may mix both (a table archived with gzip, then with zstd) and every reader handles each batch by itself.
 */

export type Compression = CompressionName;
export const COMPRESSIONS = ['gzip', 'zstd'] as const satisfies readonly Compression[];

interface CompressionSpec {
  /** The data key's ending after `batch-NNNNNN`. */
  suffix: string;
  contentType: string;
  minLevel: number;
  maxLevel: number;
  defaultLevel: number;
}

const SPECS: Record<Compression, CompressionSpec> = {
  // The content type gzip objects have always had; changing it would change nothing for readers.
  gzip: {
    suffix: '.jsonl.gz',
    contentType: 'application/x-ndjson',
    minLevel: 1,
    maxLevel: 9,
    defaultLevel: 6,
  },
  // zstd levels above 19 ("ultra") need a large window that readers must opt into; they are not offered.
  zstd: { suffix: '.jsonl.zst', contentType: 'application/zstd', minLevel: 1, maxLevel: 19, defaultLevel: 1 },
};

export function compressionSpec(compression: Compression): Readonly<CompressionSpec> {
  return SPECS[compression];
}

/**
 * How a batch's data object is compressed: as its run's input says (TableSpec.compression), or gzip for a run
 * that does not say. Such a run was started by a version from before runs carried their compression, and all of
 * those wrote gzip: a retried batch of it must write the .jsonl.gz key its first attempt may have written, never a
 * second data object of the worker's own compression under another key. The level is the configured one when the
 * worker is configured with gzip, else gzip's default.
 */
export function runCompression(
  spec: BatchCompression | undefined,
  storage: { compression: Compression; compressionLevel: number },
): BatchCompression {
  if (spec) return spec;
  const level = storage.compression === 'gzip' ? storage.compressionLevel : SPECS.gzip.defaultLevel;
  return { name: 'gzip', level };
}

/** Matches the ending of any data key (`.jsonl.gz`, `.jsonl.zst`), for patterns that take a key apart. */
export const DATA_SUFFIX_PATTERN = /\.jsonl\.(?:gz|zst)/.source;
const DATA_SUFFIX = new RegExp(`${DATA_SUFFIX_PATTERN}$`);

/** Whether `key` names a data object of either compression. */
export function isDataKey(key: string): boolean {
  return DATA_SUFFIX.test(key);
}

/** The data key without its suffix (`…/batch-000001`); a key that is not a data key comes back unchanged. */
export function dataKeyBase(key: string): string {
  return key.replace(DATA_SUFFIX, '');
}

/**
 * The compression of a data object, from its key's suffix.
 * @throws Error when the key names no data object.
 */
export function compressionOfKey(key: string): Compression {
  if (key.endsWith(SPECS.zstd.suffix)) return 'zstd';
  if (key.endsWith(SPECS.gzip.suffix)) return 'gzip';
  throw new Error(`${key} is not a data object key (it ends neither in .jsonl.gz nor in .jsonl.zst)`);
}

// The frame checksum makes a damaged object fail to decompress, as gzip's CRC does, also for readers that never
// see the metadata's SHA-256 (`zstd -d`, DuckDB).
const zstdParams = (level: number) => ({
  params: { [constants.ZSTD_c_compressionLevel]: level, [constants.ZSTD_c_checksumFlag]: 1 },
});

/**
 * What one job on libuv's thread pool moves through a compression stream: the output buffer the streams fill (zlib's
 * default is 16 KiB), and the runs of lines the archive step writes into them (archive-batch.ts). Every write and
 * every buffer filled is a hand-off between the thread pool and the main thread: written a row at a time they cost
 * more than the compression itself, in 64 KiB runs still 40% of its CPU, and decompressing a 3 MB batch into 16 KiB
 * buffers took 200 of them and three times the CPU (bench/RESULTS.md). The bytes are the same whatever the size.
 */
export const STREAM_CHUNK_BYTES = 256 * 1024;

/** The compressing stream the archive step writes a data object through. */
export function createCompressor(compression: Compression, level: number): Transform {
  return compression === 'gzip'
    ? createGzip({ level, chunkSize: STREAM_CHUNK_BYTES })
    : createZstdCompress({ ...zstdParams(level), chunkSize: STREAM_CHUNK_BYTES });
}

/** The same bytes as createCompressor's, at once (hand-written archives in tests, benchmarks). */
export function compressSync(compression: Compression, level: number, data: Buffer): Buffer {
  return compression === 'gzip' ? gzipSync(data, { level }) : zstdCompressSync(data, zstdParams(level));
}

/** The decompressing stream for the data object at `key`. */
export function createDecompressor(key: string): Transform {
  const options = { chunkSize: STREAM_CHUNK_BYTES };
  return compressionOfKey(key) === 'zstd' ? createZstdDecompress(options) : createGunzip(options);
}

/** The whole data object at `key`, decompressed. @throws zlib's errors for damaged bytes (isDecompressionError). */
export function decompressSync(key: string, compressed: Buffer): Buffer {
  return compressionOfKey(key) === 'zstd' ? zstdDecompressSync(compressed) : gunzipSync(compressed);
}

/**
 * An error raised by the decompressor itself (zlib's `Z_DATA_ERROR`, `Z_BUF_ERROR` for a truncated stream; zstd's
 * `ZSTD_error_…`): the bytes are damaged. A failed download also reaches the decompressing stream, destroyed with
 * the download's error, so where an error surfaced says nothing; its code does.
 */
export function isDecompressionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ZSTD_'));
}
