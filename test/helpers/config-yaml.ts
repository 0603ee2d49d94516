import type { EventsTable } from './events-table';
import { S3_ENDPOINT, TEMPORAL_ADDRESS, uniqueName } from './services';

export interface YamlOptions {
  bucket: string;
  namespace?: string;
  /** Extra top-level sections, e.g. a `lock:` block. */
  sections?: string;
  batchSize?: number;
  storageExtra?: string;
  /** Extra flow-mapping entries for a table, e.g. `, where: "status = 1"`. */
  tableExtra?: (table: EventsTable) => string;
  urlFor?: (table: EventsTable) => string;
  /** Other servers than the shared ones (the chaos lab's). */
  temporalAddress?: string;
  s3Endpoint?: string;
}

/** A configuration archiving the `events` table of each given database, with a task queue of its own. */
export function eventsConfigYaml(tables: EventsTable[], options: YamlOptions): string {
  const databases = tables.map(
    (t) => `  - name: ${t.database}
    engine: ${t.engine}
    url: "${options.urlFor ? options.urlFor(t) : t.url}"
    tables:
      - { name: ${t.configName}, timestampColumn: created_at, olderThan: 90d, batchSize: ${options.batchSize ?? 50}${options.tableExtra?.(t) ?? ''} }`,
  );
  return `temporal: { address: "${options.temporalAddress ?? TEMPORAL_ADDRESS}", namespace: ${options.namespace ?? 'default'}, taskQueue: ${uniqueName('test')} }
${options.sections ?? ''}
storage: { bucket: ${options.bucket}, prefix: t, endpoint: "${options.s3Endpoint ?? S3_ENDPOINT}", forcePathStyle: true${options.storageExtra ?? ''} }
databases:
${databases.join('\n')}
`;
}
