import type { Measurement } from './measure';
import type { Engine } from './settings';
import type { TemporalShare } from './temporal-share';

/** What one measured run produced, and the anchor each engine's figures are compared with. */

export const TOOLS = ['db-archiver', 'pt-archiver', 'psql-loop', 'read-limit', 'delete-limit'] as const;
export type Tool = (typeof TOOLS)[number];

export const TOOLS_BY_ENGINE: Record<Engine, readonly Tool[]> = {
  mariadb: ['db-archiver', 'pt-archiver'],
  postgres: ['db-archiver', 'psql-loop', 'read-limit', 'delete-limit'],
};

export const ANCHOR: Record<Engine, Tool> = { mariadb: 'pt-archiver', postgres: 'psql-loop' };

export interface S3Usage {
  /** Requests the bench bucket received during the run, per S3 API. */
  requests: Record<string, number>;
  totalRequests: number;
  /** Objects the run left in the bucket (data, manifests, metadata, state, report). */
  objects: number;
  requestsPerMillionRows: number;
  objectsPerMillionRows: number;
}

export interface ToolResult extends Measurement {
  repeat: number;
  engine: Engine;
  tool: Tool;
  /** Rows per batch; null for the single-statement limits. */
  batch: number | null;
  /** Old rows the tool moved (or read, for the read-side limit). */
  rows: number;
  rowsPerS: number;
  temporal?: TemporalShare & { shareOfWall: number };
  s3?: S3Usage;
}
