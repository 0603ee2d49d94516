import type { IndexInfo, TableInfo } from '../engines';

/** The part of a table's description that drift is judged on; kept in `_state/schema.json`. */
export interface SchemaSnapshot {
  columns: { name: string; dataType: string; nullable: boolean }[];
  primaryKey: string[];
  indexes: IndexInfo[];
}

export function snapshotOf(table: TableInfo): SchemaSnapshot {
  return { columns: table.columns, primaryKey: table.primaryKey, indexes: table.indexes };
}

/** Every difference between two snapshots, one readable phrase each; empty when they match. */
export function schemaDifferences(previous: SchemaSnapshot, current: SchemaSnapshot): string[] {
  const differences: string[] = [];
  const before = new Map(previous.columns.map((c) => [c.name, c]));
  const after = new Map(current.columns.map((c) => [c.name, c]));
  for (const [name, column] of after) {
    const old = before.get(name);
    if (!old) differences.push(`column ${name} added (${column.dataType})`);
    else {
      if (old.dataType !== column.dataType)
        differences.push(`column ${name} changed type from ${old.dataType} to ${column.dataType}`);
      if (old.nullable !== column.nullable)
        differences.push(`column ${name} became ${column.nullable ? 'nullable' : 'NOT NULL'}`);
    }
  }
  for (const name of before.keys()) if (!after.has(name)) differences.push(`column ${name} removed`);
  if (previous.primaryKey.join(',') !== current.primaryKey.join(',')) {
    differences.push(
      `primary key changed from (${previous.primaryKey.join(', ')}) to (${current.primaryKey.join(', ')})`,
    );
  }
  const indexKey = (i: IndexInfo) => `${i.unique ? 'unique ' : ''}(${i.columns.join(', ')})`;
  const oldIndexes = new Map(previous.indexes.map((i) => [i.name, indexKey(i)]));
  const newIndexes = new Map(current.indexes.map((i) => [i.name, indexKey(i)]));
  for (const [name, shape] of newIndexes) {
    const old = oldIndexes.get(name);
    if (old === undefined) differences.push(`index ${name} added ${shape}`);
    else if (old !== shape) differences.push(`index ${name} changed from ${old} to ${shape}`);
  }
  for (const name of oldIndexes.keys()) if (!newIndexes.has(name)) differences.push(`index ${name} removed`);
  return differences;
}
