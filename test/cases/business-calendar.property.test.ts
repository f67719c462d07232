import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, defineBusinessCalendar, weekdays, type BusinessCalendarInput, type Weekday, type WorkingInterval } from 'crmkit';
import { referenceOpenMinutes } from './calendar-reference.js';

const minute = 60_000;

/** Zones with daylight saving time, without, with half-hour and 45-minute offsets, and a half-hour clock change. */
const zones = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Adelaide',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/Sao_Paulo',
] as const;

/** Clock changes of those zones (2024/2025), where the arithmetic is most likely to slip. */
const clockChanges: readonly (readonly [(typeof zones)[number], number])[] = (
  [
    ['America/New_York', '2024-03-10T07:00:00Z'], // springs forward 02:00 → 03:00
    ['Europe/Berlin', '2024-03-31T01:00:00Z'], // springs forward 02:00 → 03:00
    ['Australia/Adelaide', '2024-04-06T16:30:00Z'], // falls back 03:00 → 02:00
    ['Australia/Lord_Howe', '2024-04-06T15:00:00Z'], // falls back half an hour, 02:00 → 01:30
    ['Australia/Adelaide', '2024-10-05T16:30:00Z'], // springs forward 02:00 → 03:00
    ['Australia/Lord_Howe', '2024-10-05T15:30:00Z'], // springs forward half an hour, 02:00 → 02:30
    ['Europe/Berlin', '2024-10-27T01:00:00Z'], // falls back 03:00 → 02:00
    ['America/New_York', '2024-11-03T06:00:00Z'], // falls back 02:00 → 01:00
    ['Europe/Berlin', '2025-03-30T01:00:00Z'],
  ] as const
).map(([zone, text]) => [zone, Date.parse(text)] as const);

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

interface Candidate {
  readonly day: number;
  readonly start: number;
  readonly length: number;
}

const anyCandidate: fc.Arbitrary<Candidate> = fc.record({
  day: fc.integer({ min: 0, max: 6 }),
  start: fc.oneof(fc.integer({ min: 0, max: 95 }).map((q) => q * 15), fc.integer({ min: 0, max: 1439 })),
  length: fc.oneof(fc.integer({ min: 1, max: 48 }).map((q) => q * 30), fc.integer({ min: 1, max: 1439 })),
});

/** Intervals that start or end between 01:00 and 04:00, where clocks change. */
const nightCandidate: fc.Arbitrary<Candidate> = fc.oneof(
  fc.record({ day: fc.integer({ min: 0, max: 6 }), start: fc.integer({ min: 60, max: 240 }), length: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ day: fc.integer({ min: 0, max: 6 }), end: fc.integer({ min: 60, max: 240 }), length: fc.integer({ min: 1, max: 600 }) }).map(({ day, end, length }) => {
    const start = end - length;
    return start >= 0 ? { day, start, length } : { day: (day + 6) % 7, start: start + 1440, length };
  }),
);

/** Random weekly hours with no two intervals on the same minute of the week's wall clock (a bitmap, not the library's check). */
const weeklyHours = (candidate: fc.Arbitrary<Candidate>) =>
  fc.array(candidate, { minLength: 0, maxLength: 14 }).map((candidates) => {
    const taken = new Uint8Array(7 * 1440);
    const hours: Record<Weekday, WorkingInterval[]> = Object.fromEntries(weekdays.map((d) => [d, []])) as never;
    for (const { day, start, length: asked } of candidates) {
      const length = start === 0 ? asked : Math.min(asked, 1439); // an interval is shorter than a day, unless it is 00:00-24:00
      const from = day * 1440 + start;
      const minutes = Array.from({ length }, (_, i) => (from + i) % (7 * 1440));
      if (minutes.some((m) => taken[m] === 1)) continue;
      for (const m of minutes) taken[m] = 1;
      const end = start + length;
      hours[weekdays[day]!].push({ start: hhmm(start), end: end === 1440 ? '24:00' : hhmm(end % 1440) });
    }
    if (Object.values(hours).every((list) => list.length === 0)) hours.monday.push({ start: '09:00', end: '17:00' });
    return hours;
  });

const localDateText = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const scenario = fc
  .record({
    // Half the runs start within a few days before a clock change of their zone, the others anywhere in 2024-2025.
    // with hours that start or end in the night's small hours; the others anywhere in 2024-2025.
    place: fc.oneof(
      fc
        .record({ change: fc.constantFrom(...clockChanges), shift: fc.integer({ min: -3 * 1440, max: 600 }), hours: weeklyHours(fc.oneof(nightCandidate, anyCandidate)) })
        .map(({ change: [zone, at], shift, hours }) => ({ timeZone: zone, from: at + shift * minute, hours })),
      fc.record({
        timeZone: fc.constantFrom(...zones),
        from: fc.integer({ min: Date.parse('2024-01-01T00:00:00Z') / minute, max: Date.parse('2025-12-31T00:00:00Z') / minute }).map((m) => m * minute),
        hours: weeklyHours(anyCandidate),
      }),
    ),
    span: fc.integer({ min: 0, max: 4 * 1440 }),
    holidayDays: fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 3 }),
    closures: fc.array(fc.record({ at: fc.integer({ min: -600, max: 5 * 1440 }), length: fc.integer({ min: 1, max: 1440 }) }), { maxLength: 3 }),
  })
  .map(({ place: { timeZone, from, hours }, span, holidayDays, closures }) => {
    const calendar: BusinessCalendarInput = {
      timeZone,
      hours,
      holidays: [...new Set(holidayDays.map((d) => localDateText(from + d * 1440 * minute)))],
      closures: closures.map(({ at, length }) => ({ from: new Date(from + at * minute), to: new Date(from + (at + length) * minute) })),
    };
    return { calendar, from, span };
  });

describe('business time against a minute-by-minute reference', () => {
  it('businessMinutesBetween counts the minutes the reference finds open', () => {
    fc.assert(
      fc.property(scenario, ({ calendar, from, span }) => {
        const open = referenceOpenMinutes(calendar, from, span);
        const expected = open.filter(Boolean).length;
        expect(businessMinutesBetween(calendar, new Date(from), new Date(from + span * minute))).toBe(expected);
        expect(businessMinutesBetween(calendar, new Date(from + span * minute), new Date(from))).toBe(expected === 0 ? 0 : -expected);
      }),
      { numRuns: 100 },
    );
  });

  it('addBusinessMinutes lands just after the reference\'s n-th open minute', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 600 }), ({ calendar, from, span }, wanted) => {
        const open = referenceOpenMinutes(calendar, from, span);
        const total = open.filter(Boolean).length;
        const minutes = Math.min(wanted, total);
        const defined = defineBusinessCalendar(calendar);
        const due = addBusinessMinutes(defined, new Date(from), minutes);
        let expected = from;
        if (minutes > 0) {
          let seen = 0;
          const index = open.findIndex((isOpen) => isOpen && ++seen === minutes);
          expected = from + (index + 1) * minute;
        }
        expect(due.toISOString()).toBe(new Date(expected).toISOString());
        expect(businessMinutesBetween(defined, new Date(from), due)).toBe(minutes);
      }),
      { numRuns: 100 },
    );
  });
});
