/** Units in which recency, age (T) and horizons are measured. */
export const timeUnits = ['days', 'weeks', 'months'] as const;

/** One of {@link timeUnits}. */
export type TimeUnit = (typeof timeUnits)[number];

/**
 * Calendar periods (UTC) within which purchases are merged into one purchase occasion: two orders
 * on the same day count as one repeat purchase when the period is `'day'`. Weeks start on Monday.
 */
export const purchasePeriods = ['day', 'week', 'month'] as const;

/** One of {@link purchasePeriods}. */
export type PurchasePeriod = (typeof purchasePeriods)[number];

const DAY_MS = 86_400_000;
/** The mean Gregorian month, 365.2425 / 12 days, used to express day-based durations in months. */
export const DAYS_PER_MONTH = 365.2425 / 12;

/**
 * The index of the UTC period containing `instant`: days since 1970-01-01, ISO weeks (Monday
 * start) since the week of 1970-01-01, or months since January 1970. Equal indexes mean "same
 * purchase occasion". An SQL adapter can compute the same key (for days: the UTC date).
 *
 * @example
 * ```ts
 * periodIndex(new Date('1970-01-02T23:59:00Z'), 'day'); // 1
 * periodIndex(new Date('1997-09-30T00:00:00Z'), 'month'); // 27 * 12 + 8
 * ```
 */
export function periodIndex(instant: Date | number, period: PurchasePeriod): number {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const day = Math.floor(ms / DAY_MS);
  if (period === 'day') return day;
  if (period === 'week') return Math.floor((day + 3) / 7); // 1970-01-01 was a Thursday
  const date = new Date(ms);
  return (date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth();
}

/**
 * The UTC instant (ms since epoch) at which period `index` begins; inverse of {@link periodIndex}.
 *
 * @example
 * ```ts
 * new Date(periodStart(1, 'day')).toISOString(); // '1970-01-02T00:00:00.000Z'
 * ```
 */
export function periodStart(index: number, period: PurchasePeriod): number {
  if (period === 'day') return index * DAY_MS;
  if (period === 'week') return (index * 7 - 3) * DAY_MS;
  const year = 1970 + Math.floor(index / 12);
  const month = index - Math.floor(index / 12) * 12;
  return Date.UTC(year, month, 1);
}

/**
 * The length of the span from period `from` to period `to` (their starts) in `unit`. Month
 * periods measured in months give whole numbers; otherwise days are converted with 7 days per week
 * and {@link DAYS_PER_MONTH} days per month.
 *
 * @example
 * ```ts
 * periodSpan(0, 14, 'day', 'weeks'); // 2
 * ```
 */
export function periodSpan(from: number, to: number, period: PurchasePeriod, unit: TimeUnit): number {
  if (period === 'month' && unit === 'months') return to - from;
  const days = (periodStart(to, period) - periodStart(from, period)) / DAY_MS;
  return unit === 'days' ? days : unit === 'weeks' ? days / 7 : days / DAYS_PER_MONTH;
}

/**
 * How many `unit`s there are in `days` days (7 per week, {@link DAYS_PER_MONTH} per month).
 *
 * @example
 * ```ts
 * daysToUnit(30, 'weeks'); // 4.285714…
 * ```
 */
export function daysToUnit(days: number, unit: TimeUnit): number {
  return unit === 'days' ? days : unit === 'weeks' ? days / 7 : days / DAYS_PER_MONTH;
}
