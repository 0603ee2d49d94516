import type { Readable } from 'node:stream';

/**
 * Reads a mysql2 query stream a chunk at a time: every row already buffered (up to `max`) is taken in one
 * synchronous pass, so a chunk costs one await instead of one per row. The stream's error is kept from the
 * moment the reader exists, so an error between two chunks is thrown by the next one instead of going
 * unhandled.
 */
export class RowChunkReader {
  #error: Error | undefined;

  constructor(
    private readonly stream: Readable,
    private readonly max: number,
  ) {
    stream.on('error', (error: Error) => (this.#error ??= error));
  }

  /** The next rows, or null once the result has ended. */
  next(): Promise<unknown[] | null> {
    const { stream, max } = this;
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        stream.off('readable', take);
        stream.off('end', ended);
        stream.off('error', failed);
      };
      const failed = (error: Error) => {
        cleanup();
        reject(error);
      };
      const ended = () => {
        cleanup();
        resolve(null);
      };
      function take() {
        const rows: unknown[] = [];
        let row: unknown;
        while (rows.length < max && (row = stream.read()) !== null) rows.push(row);
        if (rows.length === 0) return;
        cleanup();
        resolve(rows);
      }
      if (this.#error) return reject(this.#error);
      if (stream.readableEnded) return resolve(null);
      stream.on('readable', take);
      stream.on('end', ended);
      stream.on('error', failed);
      take();
    });
  }
}
