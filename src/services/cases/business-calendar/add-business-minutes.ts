import { ValidationError } from '../../../storage/errors.js';
import type { BusinessCalendar, BusinessCalendarInput } from './business-calendar-schema.js';
import { defineBusinessCalendar } from './define-business-calendar.js';
import { workingWindows } from './working-windows.js';

/** `start` as epoch ms, or a `ValidationError` at `path`. */
export function instantOf(value: unknown, path: string): number {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ValidationError(`${path} must be a valid Date`, [{ code: 'invalid_type', path: [path], message: `${path} must be a valid Date` }]);
  }
  return value.getTime();
}

/**
 * The instant `minutes` business minutes after `start` on the calendar: the
 * earliest instant at which that much business time has passed since `start`.
 * Weekends, holidays, one-off closures, overnight shifts and clock changes are
 * taken into account (the calendar's hours are read on its zone's wall clock,
 * with date-fns' `TZDate`). `0` gives `start` back; a target that ends with a
 * working interval is due at the interval's end, not at the next opening.
 * Minutes may be fractional (to the millisecond). A negative or non-finite
 * `minutes`, or an invalid calendar, is a `ValidationError`.
 *
 * @example
 * ```ts
 * const calendar = defineBusinessCalendar({ timeZone: 'Europe/Berlin', hours: { friday: [{ start: '09:00', end: '17:00' }], monday: [{ start: '09:00', end: '17:00' }] } });
 * addBusinessMinutes(calendar, new Date('2025-03-07T15:00:00Z'), 120); // Monday 2025-03-10 10:00 Berlin (09:00Z)
 * ```
 */
export function addBusinessMinutes(calendar: BusinessCalendar | BusinessCalendarInput, start: Date, minutes: number): Date {
  const valid = defineBusinessCalendar(calendar);
  const from = instantOf(start, 'start');
  if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0) {
    throw new ValidationError('minutes must be a finite number, 0 or more', [
      { code: 'invalid_type', path: ['minutes'], message: 'minutes must be a finite number, 0 or more' },
    ]);
  }
  let remaining = Math.round(minutes * 60_000);
  if (remaining === 0) return new Date(from);
  for (const window of workingWindows(valid, from)) {
    const begin = Math.max(window.start, from);
    if (window.end <= begin) continue;
    const available = window.end - begin;
    if (remaining <= available) return new Date(begin + remaining);
    remaining -= available;
  }
  /* v8 ignore next */
  throw new Error('unreachable: workingWindows ends only by throwing');
}
