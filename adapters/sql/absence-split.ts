import type { SortKey, StorageFilter, StorageQuery } from '../../src/storage/index.js';
import type { CollectionTable } from './collection-table.js';
import { presentFields } from './present-fields.js';

/**
 * Splits a query whose first sort key may be absent into two queries run one
 * after the other: the records without the key and those with it, in the
 * order of the sort (absent first in `asc`, last in `desc`). Each part tells
 * the database whether the key is present, so the part with values is a plain
 * index range in index order (no `IS NULL OR …` branch, no `NULLS FIRST /
 * LAST` that PostgreSQL's default index order cannot serve), and the part
 * without is an `IS NULL` lookup ordered by the remaining keys. Only a first
 * key stored in an indexed real column is split: without an index either
 * form reads the table, and splitting would read it twice. `undefined` when
 * the query needs no split (the key is `id`, or a field every stored record
 * has, or one the filter already requires present).
 *
 * @example
 * ```ts
 * const parts = absenceSplit(table, { sort: [{ field: 'closedAt', direction: 'desc' }, { field: 'id', direction: 'desc' }], limit: 50 });
 * // [{ filter: closedAt exists, sort }, { filter: closedAt absent, sort: [id desc] }]
 * ```
 */
export function absenceSplit(table: CollectionTable, query: StorageQuery): [StorageQuery, StorageQuery] | undefined {
  const first = query.sort[0];
  if (first === undefined || first.field === 'id') return undefined;
  const field = table.fields.get(first.field);
  if (field === undefined || !field.nullable || field.storage.kind !== 'column') return undefined;
  const column = field.storage.column;
  if (!table.layout.indexes.some((index) => index.columns.includes(column))) return undefined;
  if (presentFields(query.filter).has(first.field)) return undefined;
  const also = (condition: StorageFilter): StorageFilter => (query.filter === undefined ? condition : { and: [query.filter, condition] });
  const rest: readonly SortKey[] = query.sort.slice(1);
  const withValue: StorageQuery = { ...query, filter: also({ field: first.field, op: 'exists', value: true }) };
  const without: StorageQuery = { ...query, filter: also({ field: first.field, op: 'exists', value: false }), sort: rest };
  return first.direction === 'asc' ? [without, withValue] : [withValue, without];
}
