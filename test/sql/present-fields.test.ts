import { describe, expect, it } from 'vitest';
import { keysetFilter, type SortKey, type StorageFilter } from '../../src/storage/index.js';
import { absenceSplit } from '../../adapters/sql/absence-split.js';
import { CollectionTable } from '../../adapters/sql/collection-table.js';
import { compileSqlFilter } from '../../adapters/sql/compile-sql-filter.js';
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

  it('a page after a cursor, under a filter that requires the key, compiles with no NULL branch and no NULLS LAST', () => {
    const page: StorageFilter = { and: [since, keysetFilter(sort, [new Date(5), 'x'])] };
    expect(compileSqlFilter(postgresDialect, table, page).text).not.toMatch(/NULL/);
    expect(compileSqlSort(postgresDialect, table, sort, presentFields(page)).text).not.toMatch(/NULLS/);
    expect(absenceSplit(table, { filter: page, sort, limit: 50 })).toBeUndefined();
  });

  it('without such a filter, the key keeps its NULL branch (the catalogue is not trusted) and an indexed first key is split', () => {
    const page = keysetFilter(sort, [new Date(5), 'x']);
    expect(compileSqlFilter(postgresDialect, table, page).text).toMatch(/IS NULL OR/);
    expect(compileSqlSort(postgresDialect, table, sort, presentFields(page)).text).toMatch(/NULLS LAST/);
    const split = absenceSplit(table, { filter: page, sort, limit: 50 });
    expect(split?.map((part) => part.sort.length)).toEqual([2, 1]);
    expect(split?.map((part) => presentFields(part.filter).has('occurredAt'))).toEqual([true, false]);
    // A field no index names: not split.
    expect(absenceSplit(table, { sort: [{ field: 'custom.n', direction: 'desc' }, { field: 'id', direction: 'desc' }] })).toBeUndefined();
  });
});
