import { ago, createCrm, fromNow, type AggregateRow, type CrmAdapter } from '../../src/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { sqlAdapter } from '../../adapters/sql/index.js';

/** Days on which clocks change: Berlin springs forward and falls back, New York springs forward. */
export const clockChangeDays = {
  berlinSpring: '2024-03-31T12:00:00.000Z',
  berlinAutumn: '2024-10-27T12:00:00.000Z',
  newYorkSpring: '2024-03-10T12:00:00.000Z',
} as const;

/** Instants around local midnights and a Monday, to tell UTC buckets from Berlin's. */
export const bucketInstants = [
  '2024-03-30T22:30:00.000Z', // Sat 23:30 in Berlin (CET)
  '2024-03-30T23:30:00.000Z', // Sun 00:30 in Berlin
  '2024-03-31T22:30:00.000Z', // Mon 00:30 in Berlin (CEST), still Sunday in UTC
  '2024-04-01T12:00:00.000Z',
] as const;

/** What a crm in `timeZone` answers, as plain JSON: hours of `ago`/`fromNow` on clock-change days, and day / week buckets. */
export interface TimeZoneAnswers {
  readonly agoHours: Record<string, number>;
  readonly fromNowHours: Record<string, number>;
  readonly buckets: Record<string, Record<'day' | 'week', string[]>>;
}

const adapters: Record<string, () => CrmAdapter> = {
  memory: () => memoryAdapter(),
  sqlite: () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }),
};

/**
 * Runs the same questions on a crm in `timeZone`, on memory and SQLite. The
 * relative dates are read back from the filter the adapter receives.
 */
export async function timeZoneAnswers(timeZone: string | undefined): Promise<TimeZoneAnswers> {
  const agoHours: Record<string, number> = {};
  const fromNowHours: Record<string, number> = {};
  for (const [day, iso] of Object.entries(clockChangeDays)) {
    const now = new Date(iso);
    const crm = await createCrm({ adapter: memoryAdapter(), clock: { now: () => now }, ...(timeZone ? { timeZone } : {}) });
    const seen: Date[] = [];
    const count = crm.adapter.count.bind(crm.adapter);
    crm.adapter.count = (collection, filter) => {
      seen.push((filter as { value: Date }).value);
      return count(collection, filter);
    };
    await crm.interactions.count({ field: 'occurredAt', op: 'gte', value: ago({ days: 1 }) });
    await crm.interactions.count({ field: 'occurredAt', op: 'lte', value: fromNow({ days: 1 }) });
    agoHours[day] = (now.getTime() - seen[0]!.getTime()) / 3_600_000;
    fromNowHours[day] = (seen[1]!.getTime() - now.getTime()) / 3_600_000;
    await crm.close();
  }
  const buckets: TimeZoneAnswers['buckets'] = {};
  for (const [name, create] of Object.entries(adapters)) {
    const crm = await createCrm({ adapter: create(), ...(timeZone ? { timeZone } : {}) });
    const ada = await crm.customers.create({ name: 'Ada' });
    await crm.interactions.createMany(
      bucketInstants.map((iso) => ({ customerId: ada.id, channel: 'web' as const, kind: 'note' as const, occurredAt: new Date(iso) })),
    );
    const keys = async (bucket: 'day' | 'week') =>
      (
        await crm.interactions.aggregate({ groupBy: [{ field: 'occurredAt', bucket }], measures: [{ name: 'n', fn: 'count' }] })
      ).map((row: AggregateRow) => `${(row.key[0] as Date).toISOString()}:${row.values.n}`);
    buckets[name] = { day: await keys('day'), week: await keys('week') };
    await crm.close();
  }
  return { agoHours, fromNowHours, buckets };
}
