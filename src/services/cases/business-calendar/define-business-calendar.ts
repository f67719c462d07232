import type * as z from 'zod';
import { ValidationError, type CrmIssue } from '../../../storage/errors.js';
import { canonicalTimeZone } from '../../../storage/time-zone.js';
import { businessCalendarSchema, type BusinessCalendar, type BusinessCalendarInput } from './business-calendar-schema.js';

/** Calendars already validated: the frozen results of {@link defineBusinessCalendar}. */
const defined = new WeakSet<object>();

/** zod's issues as crmkit issues; crmkit's own codes travel in a custom issue's params. */
export function crmIssuesOf(error: z.ZodError, prefix: readonly PropertyKey[] = []): CrmIssue[] {
  return error.issues.map((issue) => {
    const own = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    return { code: typeof own === 'string' ? own : issue.code, path: [...prefix, ...issue.path], message: issue.message };
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Validates a business calendar and returns it frozen, its time zone by its
 * canonical name. Bad input throws `ValidationError` whose issues say what
 * and where: `invalid_time_zone`, `overlapping_hours`, `empty_interval`,
 * `no_working_hours`, `invalid_closure`, or zod's codes for malformed times
 * and dates. {@link addBusinessMinutes} and {@link businessMinutesBetween}
 * take the result without validating it again.
 *
 * @example
 * ```ts
 * const support = defineBusinessCalendar({
 *   timeZone: 'Europe/Berlin',
 *   hours: {
 *     monday: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '17:00' }],
 *     friday: [{ start: '08:00', end: '14:00' }],
 *     sunday: [{ start: '22:00', end: '06:00' }], // the night shift into Monday
 *   },
 *   holidays: ['2025-12-25', '2025-12-26'],
 *   closures: [{ from: new Date('2025-07-04T10:00:00Z'), to: new Date('2025-07-04T16:00:00Z'), reason: 'team day' }],
 * });
 * ```
 */
export function defineBusinessCalendar(input: BusinessCalendarInput | BusinessCalendar): BusinessCalendar {
  if (typeof input === 'object' && input !== null && defined.has(input)) return input as BusinessCalendar;
  const result = businessCalendarSchema.safeParse(input);
  if (!result.success) {
    const issues = crmIssuesOf(result.error);
    throw new ValidationError(`Invalid business calendar: ${issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`, issues);
  }
  const calendar = deepFreeze({ ...result.data, timeZone: canonicalTimeZone(result.data.timeZone) ?? result.data.timeZone });
  defined.add(calendar);
  return calendar;
}
