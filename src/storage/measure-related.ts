import type { RecordPredicate } from './compile-filter.js';
import { ExactSum } from './exact-sum.js';
import { readPath } from './read-path.js';
import type { StorageRelatedSpec } from './related-filter.js';
import type { StoredRecord } from './stored-record.js';

/**
 * A related filter's aggregate per outer record id, over the related records
 * given: those matching `matches` (the compiled `where`) and naming an outer
 * record in `via` are grouped by it, and `count` / `sum` / `min` / `max` of
 * `having.field` computed with the semantics of `aggregate()` (an exact sum;
 * `min` / `max` over present values, absent when there are none). Ids without
 * related records are missing from the map: their value is the zero value.
 *
 * @example
 * ```ts
 * const counts = measureRelated(interactions, spec, compileFilter(spec.where, lookup));
 * counts.get(customerId); // 3
 * ```
 */
export function measureRelated(records: Iterable<StoredRecord>, spec: StorageRelatedSpec, matches: RecordPredicate): Map<string, number | Date> {
  const { fn, field } = spec.having;
  const sums = new Map<string, ExactSum>();
  const values = new Map<string, number | Date>();
  for (const record of records) {
    const link = readPath(record, spec.via);
    if (typeof link !== 'string' || !matches(record)) continue;
    if (fn === 'count') {
      values.set(link, ((values.get(link) as number | undefined) ?? 0) + 1);
      continue;
    }
    const value = readPath(record, field!);
    if (fn === 'sum') {
      let sum = sums.get(link);
      if (sum === undefined) sums.set(link, (sum = new ExactSum(`sum ${field}`)));
      if (typeof value === 'number') sum.add(value);
      continue;
    }
    if (typeof value !== 'number' && !(value instanceof Date)) continue;
    const current = values.get(link);
    const x = value instanceof Date ? value.getTime() : value;
    const c = current instanceof Date ? current.getTime() : current;
    if (c === undefined || (fn === 'min' ? x < c : x > c)) values.set(link, value);
  }
  for (const [link, sum] of sums) values.set(link, sum.total());
  return values;
}
