import { deterministicQueryErrorCode, type EngineRegistry } from '../engines';
import { ArchiverError, BucketNotFoundError, QueryFailedError } from '../errors';

type AnyActivity = (...args: never[]) => Promise<unknown>;

/**
 * Wraps every activity at the database boundary: a fatal connection error discards that database's pool before
 * Temporal retries the activity, and a statement the database rejected for good becomes a QueryFailedError,
 * which is not retried, as does a missing bucket (BucketNotFoundError). Activities without a `database` in their
 * input only get the last two. The archiver's own errors pass through as they are.
 */
export function withPoolRecovery<T extends Record<string, AnyActivity>>(
  engines: EngineRegistry,
  bucket: string,
  activities: T,
): T {
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, activity] of Object.entries(activities)) {
    // A named function keeps the activity's type name, which Temporal registers it under.
    wrapped[name] = {
      async [name](...args: never[]) {
        try {
          return await activity(...args);
        } catch (error) {
          const database = (args[0] as { database?: unknown } | undefined)?.database;
          if (typeof database === 'string') await engines.noteFailure(database, error);
          // The archiver's own errors already say what went wrong and whether a retry helps (a ReplicaCheckError
          // carries the driver's code too, and must reach the workflow under its own name, which fails the table).
          if (error instanceof ArchiverError) throw error;
          const code = deterministicQueryErrorCode(error);
          if (code) throw new QueryFailedError((error as Error).message, code, { cause: error });
          if ((error as { name?: string }).name === 'NoSuchBucket') throw new BucketNotFoundError(bucket);
          throw error;
        }
      },
    }[name]!;
  }
  return wrapped as T;
}
