import { TZDate } from '@date-fns/tz';
import type { Duration } from 'date-fns';
import { add, sub } from 'date-fns';
import { defaultTimeZone } from './time-zone.js';

/**
 * A date given relative to "now", resolved by the core against its clock before
 * a filter reaches an adapter. Build one with {@link ago} or {@link fromNow}.
 */
export interface RelativeDate {
  /** Marks the object as a relative date. */
  readonly relative: 'ago' | 'fromNow';
  /** The distance from now, in date-fns {@link Duration} units. */
  readonly duration: Duration;
}

/**
 * A moment `duration` before now, resolved when the query runs.
 *
 * @example
 * ```ts
 * // interactions within the last 30 days
 * crm.interactions.find({ where: where('occurredAt', 'gte', ago({ days: 30 })) });
 * ```
 */
export function ago(duration: Duration): RelativeDate {
  return { relative: 'ago', duration };
}

/**
 * A moment `duration` after now, resolved when the query runs.
 *
 * @example
 * ```ts
 * // cases due within the next 4 hours
 * where('dueAt', 'lte', fromNow({ hours: 4 }));
 * ```
 */
export function fromNow(duration: Duration): RelativeDate {
  return { relative: 'fromNow', duration };
}

/**
 * True when `value` is a {@link RelativeDate}.
 *
 * @example
 * ```ts
 * isRelativeDate(ago({ days: 1 })); // true
 * isRelativeDate(new Date()); // false
 * ```
 */
export function isRelativeDate(value: unknown): value is RelativeDate {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Date) &&
    ((value as RelativeDate).relative === 'ago' || (value as RelativeDate).relative === 'fromNow') &&
    typeof (value as RelativeDate).duration === 'object'
  );
}

/**
 * The instant a relative date names, measured from `now` by calendar arithmetic
 * in `timeZone` (an IANA name, UTC by default, never the host process's zone):
 * years, months, weeks and days move the local calendar date and keep the
 * local time of day, so `ago({ days: 1 })` is 23 or 25 hours on a daylight
 * saving day in Europe/Berlin and always 24 hours in UTC; hours, minutes and
 * seconds are exact durations. A local time that does not exist (skipped by a
 * clock change) moves forward by the gap. Months clamp to the month's last day
 * (March 31 minus one month is February 28 or 29).
 *
 * @example
 * ```ts
 * resolveRelativeDate(ago({ days: 1 }), new Date('2024-01-02T00:00:00Z')); // 2024-01-01T00:00:00Z
 * resolveRelativeDate(ago({ days: 1 }), new Date('2024-03-31T12:00:00Z'), 'Europe/Berlin'); // 2024-03-30T13:00:00Z (23 h)
 * ```
 */
export function resolveRelativeDate(value: RelativeDate, now: Date, timeZone: string = defaultTimeZone): Date {
  const zoned = new TZDate(now.getTime(), timeZone);
  const moved = value.relative === 'ago' ? sub(zoned, value.duration) : add(zoned, value.duration);
  return new Date(moved.getTime());
}
