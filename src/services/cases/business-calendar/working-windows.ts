import { OutOfRangeError } from '../../../storage/errors.js';
import { minutesOfDay, type BusinessCalendar, type WorkingInterval } from './business-calendar-schema.js';
import { addLocalDays, formatLocalDate, isoWeekdayIndex } from './local-date.js';
import { firstInstantAt, wallClockAt } from './wall-clock.js';
import { weekdays } from './weekday.js';

/** A stretch of business time: `[start, end)` in epoch milliseconds. */
export interface WorkingWindow {
  readonly start: number;
  readonly end: number;
}

interface CompiledCalendar {
  readonly holidays: ReadonlySet<string>;
  /** Closures sorted by start and merged where they touch or overlap. */
  readonly closures: readonly WorkingWindow[];
  /** Per ISO weekday index, the intervals as minutes of the day, sorted by start. */
  readonly days: readonly (readonly { start: number; end: number; overnight: boolean }[])[];
}

const compiled = new WeakMap<BusinessCalendar, CompiledCalendar>();

function compile(calendar: BusinessCalendar): CompiledCalendar {
  const known = compiled.get(calendar);
  if (known !== undefined) return known;
  const closures: WorkingWindow[] = [];
  for (const closure of [...calendar.closures].sort((a, b) => a.from.getTime() - b.from.getTime())) {
    const [start, end] = [closure.from.getTime(), closure.to.getTime()];
    const last = closures.at(-1);
    if (last !== undefined && start <= last.end) closures[closures.length - 1] = { start: last.start, end: Math.max(last.end, end) };
    else closures.push({ start, end });
  }
  const days = weekdays.map((day) =>
    [...(calendar.hours[day] as readonly WorkingInterval[])]
      .map((interval) => ({ start: minutesOfDay(interval.start), end: minutesOfDay(interval.end) }))
      .map(({ start, end }) => ({ start, end, overnight: end < start }))
      .sort((a, b) => a.start - b.start),
  );
  const result = { holidays: new Set(calendar.holidays), closures, days };
  if (Object.isFrozen(calendar)) compiled.set(calendar, result);
  return result;
}

/** The last instant crmkit stores: windows past it are out of range. */
const lastStoredInstant = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** `window` minus the closures, as the pieces left, in order. */
function* openPieces(window: WorkingWindow, closures: readonly WorkingWindow[]): Generator<WorkingWindow> {
  // The first closure that ends after the window starts.
  let low = 0;
  let high = closures.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (closures[mid]!.end <= window.start) low = mid + 1;
    else high = mid;
  }
  let from = window.start;
  for (let i = low; i < closures.length && closures[i]!.start < window.end; i++) {
    const closure = closures[i]!;
    if (closure.start > from) yield { start: from, end: closure.start };
    from = Math.max(from, closure.end);
  }
  if (from < window.end) yield { start: from, end: window.end };
}

/**
 * The calendar's business time from the instant `fromMs` on, as disjoint
 * windows in time order (the first may start before `fromMs`; callers clip).
 * Each working interval of a local day that is not a holiday runs from the
 * first instant the zone's wall clock shows its start to the first instant it
 * shows its end (see {@link firstInstantAt}), less the one-off closures.
 * Throws `OutOfRangeError` when it runs past the year 9999.
 */
export function* workingWindows(calendar: BusinessCalendar, fromMs: number): Generator<WorkingWindow> {
  const { holidays, closures, days } = compile(calendar);
  const zone = calendar.timeZone;
  // The day before: an overnight shift that started then may still be running.
  let date = addLocalDays(wallClockAt(fromMs, zone).date, -1);
  for (;;) {
    if (!holidays.has(formatLocalDate(date))) {
      for (const interval of days[isoWeekdayIndex(date)]!) {
        const start = firstInstantAt(date, interval.start, zone);
        const end = interval.overnight ? firstInstantAt(addLocalDays(date, 1), interval.end, zone) : firstInstantAt(date, interval.end, zone);
        if (start > lastStoredInstant) throw new OutOfRangeError('business time runs past the year 9999');
        if (end <= start || end <= fromMs) continue;
        yield* openPieces({ start, end }, closures);
      }
    }
    date = addLocalDays(date, 1);
    if (date.year > 9999) throw new OutOfRangeError('business time runs past the year 9999');
  }
}
