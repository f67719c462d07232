import { describe, expect, it } from 'vitest';
import { addBusinessMinutes, businessMinutesBetween, defineBusinessCalendar, isCrmError, issueCodes, type BusinessCalendarInput } from 'crmkit';

const nineToFive = [{ start: '09:00', end: '17:00' }];
const berlinOffice = defineBusinessCalendar({
  timeZone: 'Europe/Berlin',
  hours: { monday: nineToFive, tuesday: nineToFive, wednesday: nineToFive, thursday: nineToFive, friday: nineToFive },
  holidays: ['2025-12-25', '2025-12-26'],
});
const at = (iso: string) => new Date(iso);

function issuesOf(input: unknown) {
  try {
    defineBusinessCalendar(input as BusinessCalendarInput);
  } catch (error) {
    if (isCrmError(error, 'validation')) return error.issues.map((issue) => ({ code: issue.code, path: issue.path }));
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('business calendars', () => {
  it('skip the weekend: two hours from Friday 16:00 are due Monday 10:00', () => {
    // 2025-03-07 is a Friday; Berlin is at +01:00.
    expect(addBusinessMinutes(berlinOffice, at('2025-03-07T15:00:00Z'), 120)).toEqual(at('2025-03-10T09:00:00Z'));
    expect(businessMinutesBetween(berlinOffice, at('2025-03-07T15:00:00Z'), at('2025-03-10T09:00:00Z'))).toBe(120);
    expect(businessMinutesBetween(berlinOffice, at('2025-03-08T00:00:00Z'), at('2025-03-10T00:00:00Z'))).toBe(0);
  });

  it('skip holidays: Christmas Eve 16:00 plus two hours is the 29th at 10:00 (25th, 26th holidays, then a weekend)', () => {
    expect(addBusinessMinutes(berlinOffice, at('2025-12-24T15:00:00Z'), 120)).toEqual(at('2025-12-29T09:00:00Z'));
    expect(businessMinutesBetween(berlinOffice, at('2025-12-24T00:00:00Z'), at('2025-12-30T00:00:00Z'))).toBe(8 * 60 * 2);
  });

  it('end a target at the close of business rather than at the next opening', () => {
    expect(addBusinessMinutes(berlinOffice, at('2025-03-10T15:00:00Z'), 60)).toEqual(at('2025-03-10T16:00:00Z'));
    expect(addBusinessMinutes(berlinOffice, at('2025-03-10T15:00:00Z'), 0)).toEqual(at('2025-03-10T15:00:00Z'));
    // Started outside hours: the clock starts at the next opening.
    expect(addBusinessMinutes(berlinOffice, at('2025-03-10T05:00:00Z'), 1)).toEqual(at('2025-03-10T08:01:00Z'));
  });

  it('count the night the clocks go forward as the hours the clock shows', () => {
    // A night shift 22:00-06:00 on Saturday 2025-03-29 into Sunday 2025-03-30, when Berlin skips 02:00-03:00: 7 hours.
    const nights = defineBusinessCalendar({ timeZone: 'Europe/Berlin', hours: { saturday: [{ start: '22:00', end: '06:00' }] } });
    expect(businessMinutesBetween(nights, at('2025-03-29T00:00:00Z'), at('2025-03-31T00:00:00Z'))).toBe(7 * 60);
    // Four hours from the start (21:00Z, 22:00 CET) end at 03:00 CEST = 01:00Z, one real hour after 01:00 CET.
    expect(addBusinessMinutes(nights, at('2025-03-29T21:00:00Z'), 4 * 60)).toEqual(at('2025-03-30T01:00:00Z'));
    // The same shift when the clocks go back (2025-10-25 into the 26th): 9 hours.
    expect(businessMinutesBetween(nights, at('2025-10-25T00:00:00Z'), at('2025-10-27T00:00:00Z'))).toBe(9 * 60);
  });

  it('open an interval whose start the clocks skip when they jump past it, and one they repeat the first time', () => {
    const early = defineBusinessCalendar({ timeZone: 'Europe/Berlin', hours: { sunday: [{ start: '02:30', end: '04:00' }] } });
    // 2025-03-30: 02:30 does not exist; business time runs from 03:00 CEST (01:00Z) to 04:00 CEST (02:00Z).
    expect(businessMinutesBetween(early, at('2025-03-29T12:00:00Z'), at('2025-03-30T12:00:00Z'))).toBe(60);
    // 2025-10-26: 02:30 happens twice; business time runs from the first (00:30Z) to 04:00 CET (03:00Z).
    expect(businessMinutesBetween(early, at('2025-10-25T12:00:00Z'), at('2025-10-26T12:00:00Z'))).toBe(150);
  });

  it('works in a half-hour zone, with overnight shifts, several intervals a day and closures', () => {
    const kolkata = defineBusinessCalendar({
      timeZone: 'Asia/Kolkata',
      hours: { monday: [{ start: '09:30', end: '13:00' }, { start: '14:00', end: '18:30' }], tuesday: [{ start: '21:00', end: '02:00' }] },
      closures: [{ from: at('2025-03-10T05:30:00Z'), to: at('2025-03-10T06:30:00Z'), reason: 'town hall' }],
    });
    // Monday 2025-03-10 in +05:30: 09:30-13:00 (less the 11:00-12:00 town hall) and 14:00-18:30: 2.5 h + 4.5 h.
    expect(businessMinutesBetween(kolkata, at('2025-03-10T00:00:00Z'), at('2025-03-11T00:00:00Z'))).toBe(7 * 60);
    // From 09:30 local: 90 minutes to the town hall at 11:00, then 60 from 12:00: due at 13:00 local, the lunch break's start.
    expect(addBusinessMinutes(kolkata, at('2025-03-10T04:00:00Z'), 150)).toEqual(at('2025-03-10T07:30:00Z'));
    expect(addBusinessMinutes(kolkata, at('2025-03-10T04:00:00Z'), 151)).toEqual(at('2025-03-10T08:31:00Z'));
    // Tuesday 21:00 to Wednesday 02:00 local: 5 hours.
    expect(businessMinutesBetween(kolkata, at('2025-03-11T00:00:00Z'), at('2025-03-13T00:00:00Z'))).toBe(5 * 60);
  });

  it('are negative between instants given in reverse order', () => {
    expect(businessMinutesBetween(berlinOffice, at('2025-03-10T10:00:00Z'), at('2025-03-10T09:00:00Z'))).toBe(-60);
    expect(Object.is(businessMinutesBetween(berlinOffice, at('2025-03-09T10:00:00Z'), at('2025-03-09T09:00:00Z')), 0)).toBe(true);
  });
});

describe('a business calendar is validated', () => {
  it('refuses an unknown time zone', () => {
    expect(issuesOf({ timeZone: 'Mars/Olympus', hours: { monday: nineToFive } })).toEqual([{ code: 'invalid_time_zone', path: ['timeZone'] }]);
  });

  it('refuses intervals that overlap, on one day or through an overnight shift', () => {
    expect(issuesOf({ timeZone: 'UTC', hours: { monday: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] } })).toEqual([
      { code: 'overlapping_hours', path: ['hours', 'monday', 1] },
    ]);
    expect(issuesOf({ timeZone: 'UTC', hours: { sunday: [{ start: '22:00', end: '06:00' }], monday: [{ start: '05:00', end: '09:00' }] } })).toEqual([
      { code: 'overlapping_hours', path: ['hours', 'monday', 0] },
    ]);
  });

  it('refuses empty intervals, a week without hours, malformed times and dates, and backwards closures', () => {
    expect(issuesOf({ timeZone: 'UTC', hours: { monday: [{ start: '09:00', end: '09:00' }] } }).map((i) => i.code)).toEqual([
      'empty_interval',
      'no_working_hours',
    ]);
    expect(issuesOf({ timeZone: 'UTC', hours: { monday: [{ start: '9:00', end: '25:00' }] } }).map((i) => i.code)).toEqual(['invalid_format', 'invalid_format']);
    expect(issuesOf({ timeZone: 'UTC', hours: { monday: nineToFive }, holidays: ['2025-02-30'] })).toEqual([{ code: 'invalid_format', path: ['holidays', 0] }]);
    expect(
      issuesOf({ timeZone: 'UTC', hours: { monday: nineToFive }, closures: [{ from: at('2025-01-02T00:00:00Z'), to: at('2025-01-01T00:00:00Z') }] }),
    ).toEqual([{ code: 'invalid_closure', path: ['closures', 0, 'to'] }]);
    expect(issuesOf({ timeZone: 'UTC', hours: { funday: nineToFive } }).map((i) => i.code)).toEqual(['unrecognized_keys', 'no_working_hours']);
  });

  it('reports only codes of the closed list, and keeps the canonical zone name', () => {
    const codes = [
      ...issuesOf({ timeZone: 'Nowhere/Else', hours: {} }),
      ...issuesOf({ timeZone: 'UTC', hours: { monday: [{ start: '09:00', end: '12:00' }, { start: '10:00', end: '11:00' }] } }),
    ].map((i) => i.code);
    expect(codes.filter((code) => !(issueCodes as readonly string[]).includes(code))).toEqual([]);
    expect(defineBusinessCalendar({ timeZone: 'europe/berlin', hours: { monday: nineToFive } }).timeZone).toBe('Europe/Berlin');
  });

  it('refuses a bad start or a negative number of minutes', () => {
    expect(() => addBusinessMinutes(berlinOffice, new Date(Number.NaN), 5)).toThrow(expect.objectContaining({ code: 'validation' }));
    expect(() => addBusinessMinutes(berlinOffice, at('2025-01-01T00:00:00Z'), -1)).toThrow(expect.objectContaining({ code: 'validation' }));
    expect(() => addBusinessMinutes(berlinOffice, at('2025-01-01T00:00:00Z'), Number.POSITIVE_INFINITY)).toThrow(expect.objectContaining({ code: 'validation' }));
  });
});
