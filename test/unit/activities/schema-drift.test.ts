import { schemaDifferences, type SchemaSnapshot } from '../../../src/activities/schema-drift';

const base: SchemaSnapshot = {
  columns: [
    { name: 'id', dataType: 'bigint', nullable: false },
    { name: 'created_at', dataType: 'timestamp with time zone', nullable: false },
    { name: 'payload', dataType: 'text', nullable: true },
  ],
  primaryKey: ['id'],
  indexes: [{ name: 'events_pkey', columns: ['id'], unique: true }],
};

describe('schema differences', () => {
  it('are empty for the same schema', () => {
    expect(schemaDifferences(base, structuredClone(base))).toEqual([]);
  });

  it('name added and removed columns, type and nullability changes', () => {
    const changed = structuredClone(base);
    changed.columns = [
      { name: 'id', dataType: 'numeric', nullable: false },
      { name: 'created_at', dataType: 'timestamp with time zone', nullable: true },
      { name: 'note', dataType: 'text', nullable: true },
    ];
    expect(schemaDifferences(base, changed)).toEqual([
      'column id changed type from bigint to numeric',
      'column created_at became nullable',
      'column note added (text)',
      'column payload removed',
    ]);
  });

  it('name primary-key and index changes', () => {
    const changed = structuredClone(base);
    changed.primaryKey = ['id', 'created_at'];
    changed.indexes = [
      { name: 'events_pkey', columns: ['id', 'created_at'], unique: true },
      { name: 'events_created_at_idx', columns: ['created_at'], unique: false },
    ];
    expect(schemaDifferences(base, changed)).toEqual([
      'primary key changed from (id) to (id, created_at)',
      'index events_pkey changed from unique (id) to unique (id, created_at)',
      'index events_created_at_idx added (created_at)',
    ]);
  });
});
