import { afterEach, describe, expect, it } from 'vitest';
import { ago, createCrm, type AggregateQuery, type Crm, type CrmAdapter } from 'crmkit';
import { aggregateRecords } from 'crmkit/adapter-kit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';
import { expectCrmError } from 'crmkit/testing';
import { timeZoneAnswers } from './time-zone-answers.js';

describe('createCrm({ timeZone })', () => {
  it("defaults to 'UTC' and keeps the canonical IANA name", async () => {
    expect((await createCrm({ adapter: memoryAdapter() })).timeZone).toBe('UTC');
    expect((await createCrm({ adapter: memoryAdapter(), timeZone: 'Europe/Berlin' })).timeZone).toBe('Europe/Berlin');
    expect((await createCrm({ adapter: memoryAdapter(), timeZone: 'europe/berlin' })).timeZone).toBe('Europe/Berlin');
    expect((await createCrm({ adapter: memoryAdapter(), timeZone: 'Etc/UTC' })).timeZone).toBe('UTC');
  });

  it.each(['Mars/Olympus', '', '+01:00', 'CEST', 42])('refuses %j with a ValidationError, before opening the adapter', async (timeZone) => {
    let opened = false;
    const adapter = memoryAdapter();
    const open = adapter.open.bind(adapter);
    adapter.open = (schema) => {
      opened = true;
      return open(schema);
    };
    const error = await expectCrmError(createCrm({ adapter, timeZone: timeZone as string }), 'validation');
    expect(error.issues).toContainEqual(expect.objectContaining({ code: 'invalid_time_zone', path: ['timeZone'] }));
    expect(opened).toBe(false);
  });
});

describe('relative dates are calendar arithmetic in the crm zone', () => {
  it('ago({ days: 1 }) is 24 h in UTC, 23 h and 25 h on Berlin clock-change days, and the stored data agrees', async () => {
    const utc = await timeZoneAnswers(undefined);
    const berlin = await timeZoneAnswers('Europe/Berlin');
    expect(utc.agoHours).toEqual({ berlinSpring: 24, berlinAutumn: 24, newYorkSpring: 24 });
    expect(berlin.agoHours).toEqual({ berlinSpring: 23, berlinAutumn: 25, newYorkSpring: 24 });
    expect((await timeZoneAnswers('America/New_York')).agoHours).toEqual({ berlinSpring: 24, berlinAutumn: 24, newYorkSpring: 23 });
  });

  it.each([
    ['memory', () => memoryAdapter()],
    ['sqlite', () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' })],
  ])('selects the records of the last local day (%s)', async (_name, create) => {
    const now = new Date('2024-03-31T12:00:00Z'); // 14:00 in Berlin, the day clocks spring forward
    const found: Record<string, string[]> = {};
    for (const timeZone of ['UTC', 'Europe/Berlin']) {
      const crm = await createCrm({ adapter: create(), clock: { now: () => now }, timeZone });
      const ada = await crm.customers.create({ name: 'Ada' });
      await crm.interactions.createMany([
        { id: 'i-1230', customerId: ada.id, channel: 'web', kind: 'note', occurredAt: new Date('2024-03-30T12:30:00Z') },
        { id: 'i-1330', customerId: ada.id, channel: 'web', kind: 'note', occurredAt: new Date('2024-03-30T13:30:00Z') },
      ]);
      const { items } = await crm.interactions.find({ where: { field: 'occurredAt', op: 'gte', value: ago({ days: 1 }) } });
      found[timeZone] = items.map((i) => i.id);
      await crm.close();
    }
    expect(found).toEqual({ UTC: ['i-1230', 'i-1330'], 'Europe/Berlin': ['i-1330'] });
  });
});

describe('day and week buckets are the crm zone local days and ISO weeks', () => {
  it('on memory and SQLite alike (SQLite lacks timeZoneBuckets: the core streams)', async () => {
    const berlin = await timeZoneAnswers('Europe/Berlin');
    const expected = {
      day: ['2024-03-29T23:00:00.000Z:1', '2024-03-30T23:00:00.000Z:1', '2024-03-31T22:00:00.000Z:2'],
      week: ['2024-03-24T23:00:00.000Z:2', '2024-03-31T22:00:00.000Z:2'],
    };
    expect(berlin.buckets).toEqual({ memory: expected, sqlite: expected });
    const utc = await timeZoneAnswers(undefined);
    const expectedUtc = {
      day: ['2024-03-30T00:00:00.000Z:2', '2024-03-31T00:00:00.000Z:1', '2024-04-01T00:00:00.000Z:1'],
      week: ['2024-03-25T00:00:00.000Z:3', '2024-04-01T00:00:00.000Z:1'],
    };
    expect(utc.buckets).toEqual({ memory: expectedUtc, sqlite: expectedUtc });
  });
});

describe('the aggregate pushdown decision', () => {
  let crm: Crm;
  afterEach(() => crm?.close());

  /** A memory adapter that aggregates "natively" (through the reference) and records the queries it is sent. */
  function recordingAdapter(timeZoneBuckets: boolean | undefined): { adapter: CrmAdapter; queries: AggregateQuery[] } {
    const base = memoryAdapter();
    const queries: AggregateQuery[] = [];
    const adapter: CrmAdapter = Object.assign(Object.create(null) as object, base, {
      capabilities: { ...base.capabilities, aggregate: true, ...(timeZoneBuckets === undefined ? {} : { timeZoneBuckets }) },
      aggregate(collection: string, query: AggregateQuery) {
        queries.push(query);
        const batches = base.scan!(collection, { ...(query.filter ? { filter: query.filter } : {}), sort: [{ field: 'id', direction: 'asc' }] }, 1000);
        return (async function* () {
          yield* await aggregateRecords(batches, query);
        })();
      },
    }) as CrmAdapter;
    return { adapter, queries };
  }

  const byDay = { groupBy: [{ field: 'occurredAt', bucket: 'day' as const }], measures: [{ name: 'n', fn: 'count' as const }] };
  const byKind = { groupBy: ['kind'], measures: [{ name: 'n', fn: 'count' as const }] };

  async function seeded(adapter: CrmAdapter, timeZone?: string): Promise<Crm> {
    crm = await createCrm({ adapter, ...(timeZone ? { timeZone } : {}) });
    const ada = await crm.customers.create({ name: 'Ada' });
    await crm.interactions.create({ customerId: ada.id, channel: 'web', kind: 'note', occurredAt: new Date('2024-03-30T23:30:00Z') });
    return crm;
  }

  it('sends bucketed queries of a non-UTC crm only to adapters declaring timeZoneBuckets, with the zone', async () => {
    const without = recordingAdapter(undefined);
    await seeded(without.adapter, 'Europe/Berlin');
    const streamed = await crm.interactions.aggregate(byDay);
    expect(without.queries).toEqual([]);
    expect(streamed.map((r) => r.key[0])).toEqual([new Date('2024-03-30T23:00:00Z')]);
    await crm.interactions.aggregate(byKind);
    expect(without.queries).toHaveLength(1);
    expect(without.queries[0]!.timeZone).toBeUndefined();
    await crm.close();

    const declared = recordingAdapter(true);
    await seeded(declared.adapter, 'Europe/Berlin');
    expect(await crm.interactions.aggregate(byDay)).toEqual(streamed);
    expect(declared.queries.map((q) => q.timeZone)).toEqual(['Europe/Berlin']);
  });

  it('sends UTC bucketed queries without a timeZone to every aggregating adapter', async () => {
    const { adapter, queries } = recordingAdapter(undefined);
    await seeded(adapter);
    const rows = await crm.interactions.aggregate(byDay);
    expect(queries).toHaveLength(1);
    expect('timeZone' in queries[0]!).toBe(false);
    expect(rows.map((r) => r.key[0])).toEqual([new Date('2024-03-30T00:00:00Z')]);
  });

  it('takes a per-query timeZone, and refuses an unknown one', async () => {
    await seeded(memoryAdapter(), 'Europe/Berlin');
    const utcRows = await crm.interactions.aggregate({ ...byDay, timeZone: 'UTC' });
    expect(utcRows.map((r) => r.key[0])).toEqual([new Date('2024-03-30T00:00:00Z')]);
    const error = await expectCrmError(crm.interactions.aggregate({ ...byDay, timeZone: 'Nowhere/Zone' }), 'invalid_query');
    expect(error.issues).toContainEqual(expect.objectContaining({ code: 'invalid_time_zone', path: ['timeZone'] }));
  });
});
