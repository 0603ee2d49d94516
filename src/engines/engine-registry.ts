import type { Engine, EngineKind } from './engine';
import { createEngine } from './create-engine';
import { isFatalConnectionError } from './connection-errors';
import { UnknownDatabaseError } from '../errors';

export interface DatabaseConnectionConfig {
  name: string;
  engine: EngineKind;
  url: string;
  pool: number;
}

/**
 * One engine (and so one connection pool) per configured database, created on first use so a worker that never
 * touches a database never connects to it, and isolated so one database's trouble never blocks another's pool.
 * A pool that saw a fatal connection error is closed and rebuilt on next use.
 */
export class EngineRegistry {
  readonly #configs: Map<string, DatabaseConnectionConfig>;
  readonly #engines = new Map<string, Engine>();

  constructor(databases: readonly DatabaseConnectionConfig[]) {
    this.#configs = new Map(databases.map((d) => [d.name, d]));
  }

  get(database: string): Engine {
    const existing = this.#engines.get(database);
    if (existing) return existing;
    const config = this.#configs.get(database);
    if (!config) throw new UnknownDatabaseError(database);
    const engine = createEngine({ engine: config.engine, url: config.url, poolSize: config.pool });
    this.#engines.set(database, engine);
    return engine;
  }

  /**
   * Called with an activity's failure: after a fatal connection error the database's pool is closed and
   * forgotten, so the next use (the retry) builds a fresh one instead of reusing dead connections.
   */
  async noteFailure(database: string, error: unknown): Promise<void> {
    const engine = this.#engines.get(database);
    if (!engine || !isFatalConnectionError(error)) return;
    this.#engines.delete(database);
    await engine.close().catch(() => undefined);
  }

  /** Pool use per database that has an open pool. */
  stats(): Record<string, { total: number; idle: number; waiting: number }> {
    return Object.fromEntries([...this.#engines].map(([name, engine]) => [name, engine.poolStats()]));
  }

  async closeAll(): Promise<void> {
    const engines = [...this.#engines.values()];
    this.#engines.clear();
    await Promise.allSettled(engines.map((e) => e.close()));
  }
}
