import { TZDate, tzOffset } from '@date-fns/tz';
import { addLocalDays, type LocalDate } from './local-date.js';

/** The local date and minute of the day (0 to 1439) an instant reads in a time zone. */
export interface WallClockReading {
  readonly date: LocalDate;
  readonly minute: number;
}

/**
 * What the wall clock of `timeZone` reads at the instant `ms` (date-fns'
 * `TZDate` does the zone arithmetic).
 */
export function wallClockAt(ms: number, timeZone: string): WallClockReading {
  const local = new TZDate(ms, timeZone);
  return {
    date: { year: local.getFullYear(), month: local.getMonth() + 1, day: local.getDate() },
    minute: local.getHours() * 60 + local.getMinutes(),
  };
}

/** A number that orders local date-times as the wall clock does (minute resolution). */
function wallClockKey(date: LocalDate, minute: number): number {
  return ((date.year * 13 + date.month) * 32 + date.day) * 1440 + minute;
}

const minute = 60_000;
/** Longer than any clock change of the time zone database (Antarctica/Troll moves by two hours). */
const lookBack = 3 * 60 * minute;

/**
 * The first instant at which the wall clock of `timeZone` reads `minuteOfDay`
 * (0 to 1440, 1440 being the next day's midnight) on `date` or later. Around
 * clock changes this is what people mean by "at 02:30": a time the clocks
 * skip is reached when they jump past it (at the end of the gap), a time
 * they show twice is reached the first time. So a working interval runs from
 * the first time the clock shows its start to the first time it shows its
 * end, and its length in real time is what the clocks say it is.
 */
export function firstInstantAt(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  let zone = resolved.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    resolved.set(timeZone, zone);
  }
  const key = wallClockKey(date, minuteOfDay);
  const known = zone.get(key);
  if (known !== undefined) return known;
  const instant = resolveFirstInstant(date, minuteOfDay, timeZone);
  if (zone.size >= maxResolvedPerZone) zone.clear();
  zone.set(key, instant);
  return instant;
}

/**
 * Wall-clock times already resolved, per zone: business calendars ask for
 * the same few times of the same days over and over (every case opened this
 * week walks this week's intervals). The zone rules of a running process do
 * not change, so the answers do not either.
 */
const resolved = new Map<string, Map<number, number>>();
const maxResolvedPerZone = 200_000;

function resolveFirstInstant(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const day = minuteOfDay === 1440 ? addLocalDays(date, 1) : date;
  const at = minuteOfDay === 1440 ? 0 : minuteOfDay;
  // TZDate resolves a skipped time forward by the gap and a repeated one to either of its instants.
  const candidate = new TZDate(day.year, day.month - 1, day.day, Math.floor(at / 60), at % 60, timeZone).getTime();
  const target = wallClockKey(day, at);
  const reading = wallClockAt(candidate, timeZone);
  if (wallClockKey(reading.date, reading.minute) === target && tzOffset(timeZone, new Date(candidate - lookBack)) === tzOffset(timeZone, new Date(candidate))) {
    return candidate; // no clock change in the hours before: the only instant showing that time
  }
  // A clock change close by: walk the minutes before the candidate to the first one showing the time or later.
  for (let ms = candidate - lookBack; ms < candidate; ms += minute) {
    const seen = wallClockAt(ms, timeZone);
    if (wallClockKey(seen.date, seen.minute) >= target) return ms;
  }
  return candidate;
}
