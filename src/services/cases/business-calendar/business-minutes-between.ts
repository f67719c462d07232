import type { BusinessCalendar, BusinessCalendarInput } from './business-calendar-schema.js';
import { instantOf } from './add-business-minutes.js';
import { defineBusinessCalendar } from './define-business-calendar.js';
import { workingWindows } from './working-windows.js';

/**
 * How many business minutes of the calendar lie between two instants (to the
 * millisecond, so possibly fractional): the working time of `[from, to)` less
 * weekends, holidays and closures, read on the calendar zone's wall clock
 * across clock changes. Negative when `to` is before `from`.
 * `businessMinutesBetween(c, start, addBusinessMinutes(c, start, m)) === m`.
 *
 * @example
 * ```ts
 * const calendar = defineBusinessCalendar({ timeZone: 'UTC', hours: { monday: [{ start: '09:00', end: '17:00' }] } });
 * businessMinutesBetween(calendar, new Date('2025-03-10T08:00:00Z'), new Date('2025-03-10T10:30:00Z')); // 90
 * ```
 */
export function businessMinutesBetween(calendar: BusinessCalendar | BusinessCalendarInput, from: Date, to: Date): number {
  const valid = defineBusinessCalendar(calendar);
  const [start, end] = [instantOf(from, 'from'), instantOf(to, 'to')];
  if (end < start) return 0 - businessMinutesBetween(valid, to, from);
  if (end === start) return 0;
  let total = 0;
  for (const window of workingWindows(valid, start)) {
    if (window.start >= end) break;
    const overlap = Math.min(window.end, end) - Math.max(window.start, start);
    if (overlap > 0) total += overlap;
  }
  return total / 60_000;
}
