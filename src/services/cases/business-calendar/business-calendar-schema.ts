import * as z from 'zod';
import { canonicalTimeZone } from '../../../storage/time-zone.js';
import { weekdays, type Weekday } from './weekday.js';

/** `HH:MM` on a 24-hour clock, `00:00` to `23:59`. */
const clockTime = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * One working interval of a weekday, in the calendar's local wall-clock time:
 * `{ start: '09:00', end: '17:00' }`. `end` may be `'24:00'` (midnight at the
 * day's end). An `end` before `start` is an overnight shift: `{ start: '22:00',
 * end: '06:00' }` on Monday runs from Monday 22:00 to Tuesday 06:00 and belongs
 * to Monday (a holiday on Monday cancels it, one on Tuesday does not).
 *
 * @example
 * ```ts
 * workingIntervalSchema.parse({ start: '22:00', end: '06:00' }); // a night shift
 * ```
 */
export const workingIntervalSchema = z.strictObject({
  start: z.string().regex(clockTime, 'a time of day is HH:MM, 00:00 to 23:59'),
  end: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'an end time is HH:MM, 00:01 to 24:00'),
});

/**
 * A working interval (see {@link workingIntervalSchema}).
 *
 * @example
 * ```ts
 * const morning: WorkingInterval = { start: '08:00', end: '12:30' };
 * ```
 */
export type WorkingInterval = z.output<typeof workingIntervalSchema>;

/**
 * A span when the business is closed outside its holidays: `[from, to)`, two instants.
 *
 * @example
 * ```ts
 * closureSchema.parse({ from: new Date('2025-06-13T12:00:00Z'), to: new Date('2025-06-13T17:00:00Z') });
 * ```
 */
export const closureSchema = z.strictObject({
  from: z.date(),
  to: z.date(),
  /** Why (a staff outing, a system migration), for people reading it. */
  reason: z.string().max(500).optional(),
});

/**
 * A one-off closure (see {@link closureSchema}).
 *
 * @example
 * ```ts
 * const outing: Closure = { from: new Date('2025-06-13T12:00:00Z'), to: new Date('2025-06-13T17:00:00Z'), reason: 'team day' };
 * ```
 */
export type Closure = z.output<typeof closureSchema>;

const weeklyHoursShape = Object.fromEntries(weekdays.map((day) => [day, z.array(workingIntervalSchema).max(48).default([])])) as {
  [K in Weekday]: z.ZodDefault<z.ZodArray<typeof workingIntervalSchema>>;
};

/** @internal Minutes since midnight of an `HH:MM` (or `24:00`). */
export function minutesOfDay(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

const minutesPerWeek = 7 * 1440;

/** The week-minute spans `[from, to)` of the weekly hours, overnight shifts wrapped past Sunday into Monday. */
function weekSpans(hours: Readonly<Record<Weekday, readonly WorkingInterval[]>>) {
  const spans: { from: number; to: number; day: Weekday; index: number }[] = [];
  weekdays.forEach((day, dayIndex) => {
    hours[day].forEach((interval, index) => {
      const start = minutesOfDay(interval.start);
      const end = minutesOfDay(interval.end);
      if (start === end) return; // reported as empty
      const from = dayIndex * 1440 + start;
      const to = dayIndex * 1440 + (end > start ? end : 1440 + end);
      if (to <= minutesPerWeek) spans.push({ from, to, day, index });
      else {
        spans.push({ from, to: minutesPerWeek, day, index });
        spans.push({ from: 0, to: to - minutesPerWeek, day, index });
      }
    });
  });
  return spans.sort((a, b) => a.from - b.from || a.to - b.to);
}

function addIssue(ctx: z.RefinementCtx, code: string, path: PropertyKey[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message, params: { code } });
}

/**
 * A business calendar as data: the IANA time zone its hours are read in, the
 * working intervals of each weekday (several a day, overnight shifts
 * included), holidays (local dates, `YYYY-MM-DD`, that cancel the intervals
 * starting on them) and one-off closures (spans of instants). Validated: an
 * unknown time zone (`invalid_time_zone`), intervals that overlap on the
 * week's wall clock (`overlapping_hours`, an overnight shift included), an
 * interval that starts when it ends (`empty_interval`), a week with no
 * working time (`no_working_hours`), a closure that does not end after it
 * starts (`invalid_closure`). {@link defineBusinessCalendar} runs it, throws a
 * `ValidationError`, and gives the time zone its canonical name.
 *
 * @example
 * ```ts
 * businessCalendarSchema.safeParse({ timeZone: 'Mars/Olympus', hours: {} }).success; // false
 * ```
 */
export const businessCalendarSchema = z
  .strictObject({
    timeZone: z.string().min(1).max(100),
    hours: z.strictObject(weeklyHoursShape),
    holidays: z.array(z.iso.date()).max(10_000).default([]),
    closures: z.array(closureSchema).max(10_000).default([]),
  })
  .superRefine((calendar, ctx) => {
    if (canonicalTimeZone(calendar.timeZone) === undefined) {
      addIssue(ctx, 'invalid_time_zone', ['timeZone'], `unknown time zone ${JSON.stringify(calendar.timeZone)}: give an IANA name such as 'Europe/Berlin'`);
    }
    let working = 0;
    for (const day of weekdays) {
      calendar.hours[day].forEach((interval, index) => {
        if (minutesOfDay(interval.start) === minutesOfDay(interval.end)) {
          addIssue(ctx, 'empty_interval', ['hours', day, index], `${day} ${interval.start}-${interval.end} starts when it ends (use 00:00-24:00 for a whole day)`);
        } else working++;
      });
    }
    if (working === 0) addIssue(ctx, 'no_working_hours', ['hours'], 'a business calendar needs at least one working interval a week');
    const spans = weekSpans(calendar.hours);
    for (let i = 1; i < spans.length; i++) {
      const [before, span] = [spans[i - 1]!, spans[i]!];
      if (span.from < before.to) {
        const other = calendar.hours[before.day][before.index]!;
        addIssue(
          ctx,
          'overlapping_hours',
          ['hours', span.day, span.index],
          `${span.day} ${calendar.hours[span.day][span.index]!.start}-${calendar.hours[span.day][span.index]!.end} overlaps ${before.day} ${other.start}-${other.end}`,
        );
      }
    }
    calendar.closures.forEach((closure, index) => {
      if (!(closure.to.getTime() > closure.from.getTime())) {
        addIssue(ctx, 'invalid_closure', ['closures', index, 'to'], 'a closure ends after it starts');
      }
    });
  });

/**
 * A validated business calendar (see {@link businessCalendarSchema}).
 *
 * @example
 * ```ts
 * const calendar: BusinessCalendar = defineBusinessCalendar({
 *   timeZone: 'Europe/Berlin',
 *   hours: { monday: [{ start: '09:00', end: '17:00' }], friday: [{ start: '09:00', end: '13:00' }] },
 *   holidays: ['2025-12-25'],
 * });
 * ```
 */
export type BusinessCalendar = z.output<typeof businessCalendarSchema>;

/**
 * What {@link businessCalendarSchema} accepts: weekdays without hours, holidays and closures may be left out.
 *
 * @example
 * ```ts
 * const input: BusinessCalendarInput = { timeZone: 'Asia/Kolkata', hours: { monday: [{ start: '10:00', end: '18:30' }] } };
 * ```
 */
export type BusinessCalendarInput = z.input<typeof businessCalendarSchema>;
