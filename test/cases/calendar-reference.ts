// An independent reference for business time: it walks minute by minute, reads the wall clock with
// Intl alone (no date-fns), and asks of every minute "is the clock inside working hours?".
import type { BusinessCalendarInput, Weekday } from 'crmkit';

const weekdayNames: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const minute = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

interface Reading {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly minuteOfDay: number;
}

function read(ms: number, timeZone: string): Reading {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, minuteOfDay: parts.hour! * 60 + parts.minute! };
}

const keyOf = (r: Reading) => ((r.year * 13 + r.month) * 32 + r.day) * 1440 + r.minuteOfDay;

function shiftDay(r: Reading, days: number): Reading {
  const d = new Date(Date.UTC(r.year, r.month - 1, r.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), minuteOfDay: r.minuteOfDay };
}

const weekdayOf = (r: Reading) => weekdayNames[(new Date(Date.UTC(r.year, r.month - 1, r.day)).getUTCDay() + 6) % 7]!;
const dateText = (r: Reading) => `${r.year}-${String(r.month).padStart(2, '0')}-${String(r.day).padStart(2, '0')}`;
const hm = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));

/** Whether the wall clock reading `r` lies in a working interval (its own day's, or the night shift of the day before). */
function inHours(calendar: BusinessCalendarInput, r: Reading): boolean {
  const holidays = new Set(calendar.holidays ?? []);
  const today = calendar.hours[weekdayOf(r)] ?? [];
  if (!holidays.has(dateText(r))) {
    for (const { start, end } of today) {
      const [s, e] = [hm(start), hm(end)];
      if (e > s ? r.minuteOfDay >= s && r.minuteOfDay < e : r.minuteOfDay >= s) return true;
    }
  }
  const yesterday = shiftDay(r, -1);
  if (!holidays.has(dateText(yesterday))) {
    for (const { start, end } of calendar.hours[weekdayOf(yesterday)] ?? []) {
      const [s, e] = [hm(start), hm(end)];
      if (e < s && r.minuteOfDay < e) return true;
    }
  }
  return false;
}

/**
 * Which minutes `[from + i min, from + (i+1) min)` of `count` minutes are business time. A minute is
 * business time when the latest wall clock reading so far (clocks set back repeat an hour: the
 * hour repeated counts as the time the clock had reached) is inside working hours and no closure
 * covers it.
 */
export function referenceOpenMinutes(calendar: BusinessCalendarInput, fromMs: number, count: number): boolean[] {
  const zone = calendar.timeZone;
  const warmUp = 24 * 60; // a day of readings before `from` settles the running maximum
  let latest: Reading | undefined;
  const open: boolean[] = [];
  const closures = (calendar.closures ?? []).map((c) => [c.from.getTime(), c.to.getTime()] as const);
  for (let i = -warmUp; i < count; i++) {
    const ms = fromMs + i * minute;
    const reading = read(ms, zone);
    if (latest === undefined || keyOf(reading) > keyOf(latest)) latest = reading;
    if (i < 0) continue;
    open.push(inHours(calendar, latest) && !closures.some(([a, b]) => ms >= a && ms < b));
  }
  return open;
}
