import { TZDate } from '@date-fns/tz';
import { startOfDay, startOfISOWeek, startOfMonth, startOfQuarter, startOfYear } from 'date-fns';
import type { AggregateGroupKey, DateBucket } from './aggregate-query.js';
import { isUtcTimeZone } from './time-zone.js';

const DAY_MS = 86_400_000;

/**
 * The start (epoch milliseconds) of the bucket containing `ms`: the first
 * instant of its calendar day, ISO week (Monday), month, quarter or year, in
 * `timeZone` (an IANA name; UTC when absent). Floors, so instants before 1970
 * fall in the bucket that starts before them.
 *
 * In UTC a day or week is integer arithmetic, `ms - ((ms + offset) % width + width) % width`
 * with a width of one day (offset 0) or seven days (offset three days:
 * 1970-01-01 was a Thursday); months, quarters and years are calendar dates
 * (date-fns on a `TZDate`). In another zone a day lasts 23 to 25 hours across
 * daylight saving changes, and a day whose midnight is skipped starts at the
 * skip. For every stored date (years 0001 to 9999 UTC, see `storedDateRange`)
 * the result is a valid `Date`: 0001-01-01 is a Monday and the first day of a
 * month, quarter and year, so a UTC bucket never starts before the range, and
 * a zone's bucket at most a year before it.
 *
 * @example
 * ```ts
 * new Date(dateBucketStart(Date.parse('2025-01-01T12:00:00Z'), 'week')).toISOString(); // '2024-12-30T00:00:00.000Z'
 * new Date(dateBucketStart(Date.parse('2024-03-31T12:00:00Z'), 'day', 'Europe/Berlin')).toISOString(); // '2024-03-30T23:00:00.000Z'
 * new Date(dateBucketStart(Date.parse('2024-05-20T12:00:00Z'), 'quarter')).toISOString(); // '2024-04-01T00:00:00.000Z'
 * new Date(dateBucketStart(Date.parse('2024-01-01T00:30:00Z'), 'year', 'Europe/Berlin')).toISOString(); // '2023-12-31T23:00:00.000Z'
 * ```
 */
export function dateBucketStart(ms: number, bucket: DateBucket, timeZone?: string): number {
  const utc = isUtcTimeZone(timeZone);
  if (utc && (bucket === 'day' || bucket === 'week')) {
    // 1970-01-01 was a Thursday: shifting by three days puts Monday at a multiple of seven days.
    const [offset, width] = bucket === 'day' ? [0, DAY_MS] : [3 * DAY_MS, 7 * DAY_MS];
    return ms - (((ms + offset) % width) + width) % width;
  }
  if (utc) {
    // A month, quarter or year in UTC: its first day at 00:00 (setUTCFullYear, since Date.UTC maps years 0-99 to 1900-1999).
    const date = new Date(ms);
    const month = date.getUTCMonth();
    const first = bucket === 'month' ? month : bucket === 'quarter' ? month - (month % 3) : 0;
    const start = new Date(0);
    start.setUTCFullYear(date.getUTCFullYear(), first, 1);
    return start.getTime();
  }
  const local = new TZDate(ms, timeZone!);
  switch (bucket) {
    case 'day':
      return startOfDay(local).getTime();
    case 'week':
      return startOfISOWeek(local).getTime();
    case 'month':
      return startOfMonth(local).getTime();
    case 'quarter':
      return startOfQuarter(local).getTime();
    case 'year':
      return startOfYear(local).getTime();
  }
}

/** 1.5 times a bucket's shortest length, in days: from a bucket's start, always inside the next bucket. */
const probeDays: Readonly<Record<DateBucket, number>> = { day: 1.5, week: 10.5, month: 45, quarter: 135, year: 500 };

/**
 * A function giving {@link dateBucketStart} for many instants of one bucket and
 * zone, remembering the last bucket it found so that instants close together
 * (the usual case in a scan) cost no time-zone lookup.
 *
 * @example
 * ```ts
 * const weekOf = dateBucketStarter('week', 'Europe/Berlin');
 * weekOf(Date.parse('2024-03-31T12:00:00Z')); // Monday 2024-03-25 00:00 in Berlin, as epoch ms
 * ```
 */
export function dateBucketStarter(bucket: DateBucket, timeZone?: string): (ms: number) => number {
  if (isUtcTimeZone(timeZone)) return (ms) => dateBucketStart(ms, bucket);
  // A day lasts 23 to 25 hours, a month 28 to 31 days: the bucket 1.5 widths after a start is the next one.
  const probe = probeDays[bucket] * DAY_MS;
  // Buckets found so far, filed under the coarse UTC keys (days, weeks, months or years) they cover,
  // so instants in any order cost one zone lookup per bucket, not per instant.
  const coarse = coarseKey(bucket);
  const found = new Map<number, [number, number][]>();
  let start = Number.NaN;
  let end = Number.NaN;
  return (ms) => {
    if (ms >= start && ms < end) return start;
    const filed = found.get(coarse(ms));
    const hit = filed?.find(([from, to]) => ms >= from && ms < to);
    if (hit !== undefined) {
      [start, end] = hit;
      return start;
    }
    start = dateBucketStart(ms, bucket, timeZone);
    end = dateBucketStart(start + probe, bucket, timeZone);
    const interval: [number, number] = [start, end];
    for (let key = coarse(start); key <= coarse(end - 1); key++) {
      const list = found.get(key);
      if (list === undefined) found.set(key, [interval]);
      else list.push(interval);
    }
    return start;
  };
}

/** A UTC key, increasing with time, that changes at most a few times within one bucket of `bucket`. */
function coarseKey(bucket: DateBucket): (ms: number) => number {
  switch (bucket) {
    case 'day':
      return (ms) => Math.floor(ms / DAY_MS);
    case 'week':
      return (ms) => Math.floor(ms / (7 * DAY_MS));
    case 'month':
    case 'quarter':
      return (ms) => {
        const date = new Date(ms);
        return date.getUTCFullYear() * 12 + date.getUTCMonth();
      };
    case 'year':
      return (ms) => new Date(ms).getUTCFullYear();
  }
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
