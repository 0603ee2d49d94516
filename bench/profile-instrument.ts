/**
 * Timing probes for the stage profiler, attached from outside so the archiver's own code carries no profiling:
 * an S3 middleware that times every command by name, and an engine registry whose engines time their calls
 * (the extract as the time spent waiting for the next row) and hand the extracted rows to an observer.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { EngineRegistry, type Engine, type ExtractedRow } from '../src/engines';

/** Accumulated milliseconds and call counts per stage name. */
export class StageTimes {
  readonly ms = new Map<string, number>();
  readonly calls = new Map<string, number>();

  add(stage: string, ms: number): void {
    this.ms.set(stage, (this.ms.get(stage) ?? 0) + ms);
    this.calls.set(stage, (this.calls.get(stage) ?? 0) + 1);
  }

  async time<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }

  timeSync<T>(stage: string, fn: () => T): T {
    const start = performance.now();
    try {
      return fn();
    } finally {
      this.add(stage, performance.now() - start);
    }
  }
}

/** Times every S3 command as `s3.<CommandName>` (request and response headers; streamed bodies are not included). */
export function instrumentS3(s3: S3Client, times: StageTimes): void {
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const start = performance.now();
      try {
        return await next(args);
      } finally {
        times.add(`s3.${String(context.commandName).replace(/Command$/, '')}`, performance.now() - start);
      }
    },
    { step: 'initialize', name: 'profileTiming' },
  );
}

/** An engine whose calls are timed as `db.<method>`; streamed rows are timed as `db.extract` and observed. */
function instrumentEngine(engine: Engine, times: StageTimes, onRow: (row: ExtractedRow) => void): Engine {
  return new Proxy(engine, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const name = String(property);
      if (name === 'streamRows') {
        return (...args: Parameters<Engine['streamRows']>) =>
          timedRows(target.streamRows(...args), times, onRow);
      }
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return times.time(`db.${name}`, () => result);
      };
    },
  });
}

async function* timedRows(
  rows: AsyncIterable<ExtractedRow[]>,
  times: StageTimes,
  onRow: (row: ExtractedRow) => void,
): AsyncGenerator<ExtractedRow[]> {
  const iterator = rows[Symbol.asyncIterator]();
  try {
    for (;;) {
      const start = performance.now();
      const next = await iterator.next();
      times.ms.set('db.extract', (times.ms.get('db.extract') ?? 0) + performance.now() - start);
      if (next.done) break;
      next.value.forEach(onRow);
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

/** A registry whose engines are instrumented. */
export class InstrumentedRegistry extends EngineRegistry {
  readonly #wrapped = new Map<string, Engine>();

  constructor(
    databases: ConstructorParameters<typeof EngineRegistry>[0],
    readonly times: StageTimes,
    readonly onRow: (row: ExtractedRow) => void,
  ) {
    super(databases);
  }

  override get(database: string): Engine {
    const engine = super.get(database);
    let wrapped = this.#wrapped.get(database);
    if (!wrapped) {
      wrapped = instrumentEngine(engine, this.times, (row) => this.onRow(row));
      this.#wrapped.set(database, wrapped);
    }
    return wrapped;
  }
}
