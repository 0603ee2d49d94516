import type { EventEmitter } from 'node:events';

/** A promise that rejects once a connection fails or ends, for racing reads against; `dispose` detaches it. */
export interface ConnectionLost {
  promise: Promise<never>;
  dispose(): void;
}

/** What to watch: the driver's connection object, its socket if the driver hides socket closes, a failure already recorded. */
export interface ConnectionWatch {
  connection: EventEmitter;
  socket?: EventEmitter | undefined;
  alreadyFailed?: Error | null | undefined;
  /** The message of the error raised when the connection ends. */
  endedMessage: string;
}

/**
 * Watches one database connection for `error` and `end` (and its socket, when given, for `close`). Drivers do not
 * always settle a read in flight when the connection breaks (pg-cursor waits forever; a mysql2 query stream is
 * never told); their connection objects are, so every read races this.
 */
export function connectionLost(watch: ConnectionWatch): ConnectionLost {
  let fail: (error: Error) => void = () => undefined;
  const promise = new Promise<never>((_, reject) => (fail = reject));
  promise.catch(() => undefined); // only ever awaited through Promise.race
  const onError = (error: Error) => fail(error);
  const onEnd = () => fail(new Error(watch.endedMessage));
  watch.connection.on('error', onError);
  watch.connection.on('end', onEnd);
  watch.socket?.on('close', onEnd);
  if (watch.alreadyFailed) fail(watch.alreadyFailed);
  return {
    promise,
    dispose() {
      watch.connection.off('error', onError);
      watch.connection.off('end', onEnd);
      watch.socket?.off('close', onEnd);
    },
  };
}

/** The rows of a chunked stream one by one, for callers that do not need the chunks. */
export async function* eachRow<T>(chunks: AsyncIterable<readonly T[]>): AsyncIterable<T> {
  for await (const chunk of chunks) yield* chunk;
}
