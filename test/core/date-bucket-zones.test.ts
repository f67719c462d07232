import { describe, expect, it } from 'vitest';
import { storedDateRange } from 'crmkit';
import { dateBucketStart, dateBucketStarter } from 'crmkit/adapter-kit';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);

describe('dateBucketStart in a time zone', () => {
  it.each([
    ['Europe/Berlin', '2024-03-31T12:00:00Z', 'day', '2024-03-30T23:00:00.000Z'], // the day clocks spring forward: 23 h long
    ['Europe/Berlin', '2024-10-27T23:30:00Z', 'day', '2024-10-27T23:00:00.000Z'], // the day after falling back
    ['Europe/Berlin', '2024-03-31T22:30:00Z', 'week', '2024-03-31T22:00:00.000Z'], // Monday 00:30 CEST
    ['America/Santiago', '2024-09-08T12:00:00Z', 'day', '2024-09-08T04:00:00.000Z'], // local midnight skipped: the day starts at the skip
    ['Asia/Kolkata', '2024-01-01T18:29:59.999Z', 'day', '2023-12-31T18:30:00.000Z'],
    ['Asia/Kolkata', '2024-01-01T18:30:00.000Z', 'day', '2024-01-01T18:30:00.000Z'],
    ['UTC', '2024-12-29T23:59:59.999Z', 'week', '2024-12-23T00:00:00.000Z'],
  ] as const)('%s: %s is in the %s starting %s', (zone, instant, bucket, start) => {
    expect(iso(dateBucketStart(at(instant), bucket, zone))).toBe(start);
  });

  it.each(['UTC', 'Europe/Berlin', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/New_York'])(
    'gives valid bucket starts at both ends of the stored range in %s',
    (zone) => {
      for (const ms of [storedDateRange.min, storedDateRange.max]) {
        for (const bucket of ['day', 'week'] as const) {
          const start = dateBucketStart(ms, bucket, zone);
          expect(Number.isNaN(new Date(start).getTime())).toBe(false);
          expect(start).toBeLessThanOrEqual(ms);
          expect(ms - start).toBeLessThan(bucket === 'day' ? 26 * 3_600_000 : 8 * 86_400_000);
          expect(start).toBeGreaterThanOrEqual(storedDateRange.min - 8 * 86_400_000); // a week west of UTC starts up to a week before 0001-01-01
        }
      }
      // 0001-01-01 is a Monday: in UTC no bucket starts before the range.
      expect(dateBucketStart(storedDateRange.min, 'week')).toBe(storedDateRange.min);
    },
  );
});

describe('dateBucketStarter', () => {
  it.each(['Europe/Berlin', 'Australia/Lord_Howe', 'Pacific/Apia', 'America/Santiago'])(
    'agrees with dateBucketStart on every half hour across two years in %s',
    (zone) => {
      for (const bucket of ['day', 'week'] as const) {
        const starter = dateBucketStarter(bucket, zone);
        for (let ms = at('2011-01-01T00:00:00Z'); ms < at('2012-06-01T00:00:00Z'); ms += 1_800_000 + 7) {
          if (starter(ms) !== dateBucketStart(ms, bucket, zone)) expect(iso(starter(ms))).toBe(iso(dateBucketStart(ms, bucket, zone)));
        }
      }
    },
  );
});
