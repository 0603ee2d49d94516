/** A JSON document this worker wrote, as parsed, with the S3 checksum of the exact bytes it wrote. */
interface Entry {
  value: unknown;
  checksumSha256: string;
  bytes: number;
}

/** Sidecars larger than this are not kept (a very large batch's manifest is read back from S3 instead). */
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;

/**
 * The manifests, metadata and deletion records this worker wrote recently, kept parsed so the delete and the
 * verification of the same batch do not download and parse them again. An entry is only ever used after a HEAD
 * has shown S3 still holds an object with the same SHA-256 checksum as the bytes written (see `getJson`), so a
 * cached document is exactly the stored one; an object rewritten or removed since is read from S3 (or reported
 * missing) as without the cache. Bounded in bytes of JSON, oldest dropped first.
 */
export class SidecarCache {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  /**
   * The default holds what one table's run has in flight at batch size 10,000 (the manifest and metadata of the
   * batch being deleted and of the one archived ahead, and a deletion record) with room to spare: about 1 MB of
   * JSON per manifest, a few times that once parsed, so the worker's memory stays flat.
   */
  constructor(private readonly maxBytes = 3 * 1024 * 1024) {}

  remember(key: string, value: unknown, checksumSha256: string, bytes: number): void {
    this.forget(key);
    if (bytes > MAX_ENTRY_BYTES || bytes > this.maxBytes) return;
    this.#entries.set(key, { value, checksumSha256, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  /** The document written under `key`, with the checksum it must still have in S3; undefined if not kept. */
  lookup(key: string): { value: unknown; checksumSha256: string } | undefined {
    return this.#entries.get(key);
  }

  forget(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
