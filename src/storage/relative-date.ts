import type { Duration } from 'date-fns';
import { add, sub } from 'date-fns';

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
 * The instant a relative date names, measured from `now`.
 *
 * @example
 * ```ts
 * resolveRelativeDate(ago({ days: 1 }), new Date('2024-01-02T00:00:00Z')); // 2024-01-01T00:00:00Z
 * ```
 */
export function resolveRelativeDate(value: RelativeDate, now: Date): Date {
  return value.relative === 'ago' ? sub(now, value.duration) : add(now, value.duration);
}
