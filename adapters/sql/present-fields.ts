import { isCondition, type StorageFilter } from '../../src/storage/index.js';

/** Operators whose match (outside any `not`) implies the field is present. */
const presentOps = new Set(['eq', 'lt', 'lte', 'gt', 'gte', 'in', 'contains', 'startsWith', 'endsWith']);

/**
 * The fields that every record matching `filter` has present (not absent), as
 * the filter itself tells: a comparison, `in`, a string test or `exists: true`
 * outside any `not`; every branch of an `or`; any conjunct of an `and`. The SQL
 * adapter never trusts the catalogue's `optional: false` for absent values
 * (stored data may predate a schema change), so this is how it knows that a
 * sort key or keyset bound needs no `IS NULL` branch and no `NULLS FIRST /
 * LAST`, which keeps the planners' index ranges and index order.
 *
 * @example
 * ```ts
 * presentFields({ and: [{ field: 'kind', op: 'eq', value: 'purchase' }, { field: 'occurredAt', op: 'gte', value: new Date(0) }] });
 * // Set { 'kind', 'occurredAt' }
 * ```
 */
export function presentFields(filter: StorageFilter | undefined): Set<string> {
  if (filter === undefined) return new Set();
  if (isCondition(filter)) {
    const present = filter.op === 'exists' ? filter.value === true : presentOps.has(filter.op);
    return present ? new Set([filter.field]) : new Set();
  }
  if ('and' in filter) {
    const union = new Set<string>();
    for (const part of filter.and) for (const field of presentFields(part)) union.add(field);
    return union;
  }
  if ('or' in filter) {
    if (filter.or.length === 0) return new Set();
    const [first, ...rest] = filter.or.map((part) => presentFields(part));
    return new Set([...first!].filter((field) => rest.every((set) => set.has(field))));
  }
  return new Set(); // under `not`, a condition tells nothing about presence
}
