import type { AggregateGroupKey, AggregateQuery, AggregateRow } from './aggregate-query.js';
import { compareSortValues } from './compare-records.js';
import { compareValues } from './compare-values.js';
import { dateBucketStarter } from './date-bucket.js';
import { ExactSum } from './exact-sum.js';
import type { ScalarValue } from './filter.js';
import { readPath } from './read-path.js';
import type { StoredRecord } from './stored-record.js';

type Accumulator = number | Date | string | ExactSum | null;

/**
 * Groups and aggregates records streamed in batches, with the semantics every
 * adapter's native `aggregate()` must match. The core falls back to it for
 * adapters without the `aggregate` capability. The filter is applied by the
 * caller; rows come out ordered by key. A bucketed key (`{ field, bucket }`)
 * groups dates by the calendar day or ISO week they fall in, in the query's
 * `timeZone` (UTC when absent); its key value is the bucket's start. A `sum`
 * follows {@link ExactSum}: exact over integers, and an `OutOfRangeError`
 * beyond ±`Number.MAX_SAFE_INTEGER`.
 *
 * @example
 * ```ts
 * const rows = await aggregateRecords(batches, {
 *   groupBy: ['customerId'],
 *   measures: [{ name: 'purchases', fn: 'count' }, { name: 'last', fn: 'max', field: 'occurredAt' }],
 * });
 * ```
 */
export async function aggregateRecords(
  batches: AsyncIterable<readonly StoredRecord[]> | Iterable<readonly StoredRecord[]>,
  query: Pick<AggregateQuery, 'groupBy' | 'measures' | 'timeZone'>,
): Promise<AggregateRow[]> {
  const groups = new Map<string, { key: (ScalarValue | null)[]; values: Accumulator[] }>();
  const { measures } = query;
  const readers = query.groupBy.map((key) => keyReader(key, query.timeZone));
  for await (const batch of batches) {
    for (const record of batch) {
      const key = readers.map((read) => read(record));
      const mapKey = JSON.stringify(key.map((part) => (part instanceof Date ? { d: part.getTime() } : part)));
      let group = groups.get(mapKey);
      if (group === undefined) {
        group = { key, values: measures.map((m) => (m.fn === 'count' ? 0 : m.fn === 'sum' ? new ExactSum(`sum ${m.name}`) : null)) };
        groups.set(mapKey, group);
      }
      for (let i = 0; i < measures.length; i++) {
        const measure = measures[i]!;
        const value = measure.field === undefined ? null : (readPath(record, measure.field) as ScalarValue | undefined);
        const current = group.values[i]!;
        switch (measure.fn) {
          case 'count':
            if (measure.field === undefined || value !== undefined) group.values[i] = (current as number) + 1;
            break;
          case 'sum':
            if (typeof value === 'number') (current as ExactSum).add(value);
            break;
          case 'min':
            if (value !== undefined && value !== null && (current === null || compareValues(value, current as ScalarValue) < 0)) {
              group.values[i] = value as Accumulator;
            }
            break;
          case 'max':
            if (value !== undefined && value !== null && (current === null || compareValues(value, current as ScalarValue) > 0)) {
              group.values[i] = value as Accumulator;
            }
            break;
        }
      }
    }
  }
  const rows = [...groups.values()].map(({ key, values }) => ({
    key,
    values: Object.fromEntries(measures.map((m, i) => [m.name, values[i] instanceof ExactSum ? values[i].total() : (values[i] ?? null)])),
  }));
  rows.sort((a, b) => compareAggregateKeys(a.key, b.key));
  return rows;
}

function keyReader(key: AggregateGroupKey, timeZone: string | undefined): (record: StoredRecord) => ScalarValue | null {
  if (typeof key === 'string') return (record) => (readPath(record, key) ?? null) as ScalarValue | null;
  const { field, bucket } = key;
  const bucketStart = dateBucketStarter(bucket, timeZone);
  return (record) => {
    const value = readPath(record, field);
    return value instanceof Date ? new Date(bucketStart(value.getTime())) : null;
  };
}

/**
 * Orders two aggregate keys part by part, absent (`null`) first.
 *
 * @example
 * ```ts
 * compareAggregateKeys(['a', null], ['a', 1]); // -1
 * ```
 */
export function compareAggregateKeys(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const comparison = compareSortValues(a[i] ?? undefined, b[i] ?? undefined);
    if (comparison !== 0) return comparison;
  }
  return 0;
}
