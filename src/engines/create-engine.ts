import type { Engine, EngineKind } from './engine';
import { MysqlEngine } from './mysql/mysql-engine';
import { PostgresEngine } from './postgres/postgres-engine';

export interface EngineOptions {
  engine: EngineKind;
  url: string;
  poolSize: number;
}

export function createEngine(options: EngineOptions): Engine {
  switch (options.engine) {
    case 'postgres':
      return new PostgresEngine(options);
    case 'mysql':
      return new MysqlEngine(options);
  }
}
