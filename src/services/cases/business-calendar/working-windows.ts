import { OutOfRangeError } from '../../../storage/errors.js';
import { minutesOfDay, type BusinessCalendar, type WorkingInterval } from './business-calendar-schema.js';
import { addLocalDays, formatLocalDate, isoWeekdayIndex, type LocalDate } from './local-date.js';
import { firstInstantAt } from './wall-clock.js';
import { weekdays } from './weekday.js';

/** A stretch of business time: `[start, end)` in epoch milliseconds. */
export interface WorkingWindow {
  readonly start: number;
  readonly end: number;
}

interface CompiledCalendar {
  readonly holidays: ReadonlySet<string>;
  /** The working intervals of each local day already resolved to instants (before closures), by day number. */
  readonly dayWindows: Map<number, readonly WorkingWindow[]>;
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
  const result = { holidays: new Set(calendar.holidays), dayWindows: new Map<number, readonly WorkingWindow[]>(), closures, days };
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

const dayMs = 86_400_000;
const maxCachedDays = 50_000;

/** The Gregorian date of a day number (days since 1970-01-01), by the calendar alone. */
function dateOfDay(dayNumber: number): LocalDate {
  const at = new Date(dayNumber * dayMs);
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() };
}

/** The working intervals of the local day `dayNumber` as instants, empty on a holiday. */
function windowsOfDay(compiledCalendar: CompiledCalendar, zone: string, dayNumber: number): readonly WorkingWindow[] {
  const known = compiledCalendar.dayWindows.get(dayNumber);
  if (known !== undefined) return known;
  const date = dateOfDay(dayNumber);
  const windows: WorkingWindow[] = [];
  if (!compiledCalendar.holidays.has(formatLocalDate(date))) {
    for (const interval of compiledCalendar.days[isoWeekdayIndex(date)]!) {
      const start = firstInstantAt(date, interval.start, zone);
      const end = interval.overnight ? firstInstantAt(addLocalDays(date, 1), interval.end, zone) : firstInstantAt(date, interval.end, zone);
      if (end > start) windows.push({ start, end });
    }
  }
  if (compiledCalendar.dayWindows.size >= maxCachedDays) compiledCalendar.dayWindows.clear();
  compiledCalendar.dayWindows.set(dayNumber, windows);
  return windows;
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
  const compiledCalendar = compile(calendar);
  // The local date at `fromMs` is within a day of its UTC date (no zone is more than 14 hours off); an overnight
  // shift of the local day before may still run: start two UTC days back, windows that ended are skipped.
  for (let dayNumber = Math.floor(fromMs / dayMs) - 2; ; dayNumber++) {
    if (dayNumber * dayMs > lastStoredInstant) throw new OutOfRangeError('business time runs past the year 9999');
    for (const window of windowsOfDay(compiledCalendar, calendar.timeZone, dayNumber)) {
      if (window.end <= fromMs) continue;
      yield* openPieces(window, compiledCalendar.closures);
    }
  }
}
