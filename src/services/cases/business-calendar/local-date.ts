/**
 * A calendar date with no time zone: a business calendar's holiday, or the
 * local day a working interval belongs to. Months and days count from 1.
 */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Midnight UTC of the Gregorian date (days past the month's end roll over), for calendar arithmetic only. */
function gregorianDay(year: number, month: number, day: number): Date {
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  return at;
}

/** `'2024-12-25'` as a {@link LocalDate}, or `undefined` when it names no day of the Gregorian calendar. */
export function parseLocalDate(text: string): LocalDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = gregorianDay(year, month, day);
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

/** The date as `YYYY-MM-DD`. */
export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** The date `days` days later (earlier when negative), by the Gregorian calendar alone. */
export function addLocalDays(date: LocalDate, days: number): LocalDate {
  const probe = gregorianDay(date.year, date.month, date.day + days);
  return { year: probe.getUTCFullYear(), month: probe.getUTCMonth() + 1, day: probe.getUTCDate() };
}

/** The ISO weekday index of the date: 0 for Monday to 6 for Sunday. */
export function isoWeekdayIndex(date: LocalDate): number {
  return (gregorianDay(date.year, date.month, date.day).getUTCDay() + 6) % 7;
}
