import { describe, expect, it } from 'vitest';
import type { SortKey, StorageFilter } from '../../src/storage/index.js';
import { absenceSplit } from '../../adapters/sql/absence-split.js';
import { CollectionTable } from '../../adapters/sql/collection-table.js';
import { compileSqlFilter } from '../../adapters/sql/compile-sql-filter.js';
import { compileSqlKeyset } from '../../adapters/sql/compile-sql-keyset.js';
import { compileSqlSort } from '../../adapters/sql/compile-sql-sort.js';
import { postgresDialect } from '../../adapters/sql/dialects/postgres/postgres-dialect.js';
import { presentFields } from '../../adapters/sql/present-fields.js';
import { deriveTableLayout } from '../../adapters/sql/table-layout.js';
import { customersSchema } from './stored-schema.js';

const schema = customersSchema(
  { kind: { type: 'string', optional: false }, occurredAt: { type: 'date', optional: false }, 'custom.n': { type: 'number', optional: false } },
  'interactions',
  { indexes: [{ name: 'kind_time', fields: ['kind', 'occurredAt'] }, { name: 'time', fields: ['occurredAt'] }] },
);
const table = new CollectionTable(postgresDialect, { prefix: 'crm_' }, schema.collections.interactions!, deriveTableLayout(schema.collections.interactions!));
const since: StorageFilter = { and: [{ field: 'kind', op: 'eq', value: 'purchase' }, { field: 'occurredAt', op: 'gte', value: new Date(0) }] };
const sort: SortKey[] = [
  { field: 'occurredAt', direction: 'desc' },
  { field: 'id', direction: 'desc' },
];

describe('what a filter tells about presence keeps the plain index range', () => {
  it('presentFields: conditions outside any not, every branch of an or, any conjunct of an and', () => {
    expect(presentFields(since)).toEqual(new Set(['kind', 'occurredAt']));
    expect(presentFields({ or: [{ field: 'kind', op: 'eq', value: 'a' }, { and: [{ field: 'kind', op: 'in', value: ['b'] }, { field: 'custom.n', op: 'gt', value: 1 }] }] })).toEqual(
      new Set(['kind']),
    );
    expect(presentFields({ field: 'kind', op: 'ne', value: 'a' })).toEqual(new Set());
    expect(presentFields({ field: 'kind', op: 'nin', value: ['a'] })).toEqual(new Set());
    expect(presentFields({ field: 'kind', op: 'exists', value: false })).toEqual(new Set());
    expect(presentFields({ not: { field: 'kind', op: 'eq', value: 'a' } })).toEqual(new Set());
    expect(presentFields({ field: 'kind', op: 'exists', value: true })).toEqual(new Set(['kind']));
    expect(presentFields(undefined)).toEqual(new Set());
  });

  const keyset = (present: ReadonlySet<string>) =>
    compileSqlKeyset(postgresDialect, table, { sort, after: [new Date(5), 'x'] }, (condition) => compileSqlFilter(postgresDialect, table, condition), present);

  it('a page after a cursor, under a filter that requires the key, compiles with no NULL branch and no NULLS LAST', () => {
    expect(compileSqlFilter(postgresDialect, table, since).text).not.toMatch(/NULL/);
    expect(keyset(presentFields(since)).text).not.toMatch(/NULL/);
    expect(compileSqlSort(postgresDialect, table, sort, presentFields(since)).text).not.toMatch(/NULLS/);
    expect(absenceSplit(table, { filter: since, sort, limit: 50, after: [new Date(5), 'x'] })).toBeUndefined();
  });

  it('without such a filter, the key keeps its NULL branch (the catalogue is not trusted) and an indexed first key is split', () => {
    expect(keyset(new Set()).text).toMatch(/IS NULL OR/);
    expect(compileSqlSort(postgresDialect, table, sort, new Set()).text).toMatch(/NULLS LAST/);
    const split = absenceSplit(table, { sort, limit: 50, after: [new Date(5), 'x'] });
    expect(split?.map((part) => part.sort.length)).toEqual([2, 1]);
    expect(split?.map((part) => presentFields(part.filter).has('occurredAt'))).toEqual([true, false]);
    expect(split?.map((part) => part.after)).toEqual([[new Date(5), 'x'], [new Date(5), 'x']]);
    // A field no index names: not split.
    expect(absenceSplit(table, { sort: [{ field: 'custom.n', direction: 'desc' }, { field: 'id', direction: 'desc' }] })).toBeUndefined();
  });
});
