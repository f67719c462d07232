import type { AggregateGroupKey, DateBucket } from './aggregate-query.js';

const DAY_MS = 86_400_000;

/**
 * The start (epoch milliseconds, UTC) of the bucket containing `ms`: 00:00 UTC
 * of its day, or Monday 00:00 UTC of its ISO week. Floors, so instants before
 * 1970 fall in the bucket that starts before them.
 *
 * @example
 * ```ts
 * new Date(dateBucketStart(Date.parse('2025-01-01T12:00:00Z'), 'week')).toISOString(); // '2024-12-30T00:00:00.000Z'
 * ```
 */
export function dateBucketStart(ms: number, bucket: DateBucket): number {
  // 1970-01-01 was a Thursday: shifting by three days puts Monday at a multiple of seven days.
  const [offset, width] = bucket === 'day' ? [0, DAY_MS] : [3 * DAY_MS, 7 * DAY_MS];
  return ms - (((ms + offset) % width) + width) % width;
}

/**
 * The field a group key reads.
 *
 * @example
 * ```ts
 * groupKeyField({ field: 'occurredAt', bucket: 'day' }); // 'occurredAt'
 * ```
 */
export function groupKeyField(key: AggregateGroupKey): string {
  return typeof key === 'string' ? key : key.field;
}

/**
 * The bucket of a group key, or `undefined` for a plain field.
 *
 * @example
 * ```ts
 * groupKeyBucket('customerId'); // undefined
 * ```
 */
export function groupKeyBucket(key: AggregateGroupKey): DateBucket | undefined {
  return typeof key === 'string' ? undefined : key.bucket;
}
