import { describe, expect, it } from './conformance-runner.js';
import type { Filter } from '../storage/filter.js';
import { ago } from '../storage/relative-date.js';
import { where } from '../storage/where.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { expectCrmError } from './expect-crm-error.js';

const day = 86_400_000;

/**
 * Six customers (the clock stands at 2025-01-01):
 * Ada: purchases of 1000 (10 days ago), 2500 (40 days ago) and 800 (200 days ago), an open urgent case.
 * Bob: a purchase of 700 (100 days ago) and its refund (99 days ago), a normal case.
 * Cy: two messages (5 and 6 days ago); never bought.
 * Dee: purchases of 100, 200 and 300 (5, 20 and 60 days ago), a message (30 days ago).
 * Eve: nothing at all.
 * Org: an organisation Ada and Bob belong to (`organizationId`).
 */
async function seedRelated(harness: ConformanceHarness) {
  const { crm, clock } = harness;
  const now = clock.now().getTime();
  const at = (daysAgo: number) => new Date(now - daysAgo * day);
  const [org] = await crm.customers.createMany([{ name: 'Org', kind: 'organization', lifecycleStage: 'customer' }]);
  const [ada, bob, cy, dee, eve] = await crm.customers.createMany([
    { name: 'Ada', lifecycleStage: 'customer', organizationId: org!.id },
    { name: 'Bob', lifecycleStage: 'customer', organizationId: org!.id },
    { name: 'Cy', lifecycleStage: 'lead' },
    { name: 'Dee', lifecycleStage: 'customer' },
    { name: 'Eve', lifecycleStage: 'lead' },
  ]);
  const purchase = (orderId: string, amount: number) => ({ orderId, amount, currency: 'EUR', lineItems: [] });
  await crm.interactions.createMany([
    { customerId: ada!.id, channel: 'web', kind: 'purchase', occurredAt: at(10), purchase: purchase('a1', 1000) },
    { customerId: ada!.id, channel: 'web', kind: 'purchase', occurredAt: at(40), purchase: purchase('a2', 2500) },
    { customerId: ada!.id, channel: 'web', kind: 'purchase', occurredAt: at(200), purchase: purchase('a3', 800) },
    { customerId: bob!.id, channel: 'in_person', kind: 'purchase', occurredAt: at(100), purchase: purchase('b1', 700) },
    { customerId: bob!.id, channel: 'in_person', kind: 'refund', occurredAt: at(99), purchase: purchase('b1', 700) },
    { customerId: cy!.id, channel: 'email', kind: 'message', occurredAt: at(5) },
    { customerId: cy!.id, channel: 'email', kind: 'message', occurredAt: at(6) },
    { customerId: dee!.id, channel: 'web', kind: 'purchase', occurredAt: at(5), purchase: purchase('d1', 100) },
    { customerId: dee!.id, channel: 'web', kind: 'purchase', occurredAt: at(20), purchase: purchase('d2', 200) },
    { customerId: dee!.id, channel: 'email', kind: 'message', occurredAt: at(30) },
    { customerId: dee!.id, channel: 'web', kind: 'purchase', occurredAt: at(60), purchase: purchase('d3', 300) },
  ]);
  await crm.cases.create({ customerId: ada!.id, subject: 'Broken', priority: 'urgent' });
  await crm.cases.create({ customerId: bob!.id, subject: 'Question', priority: 'normal' });
  return { org: org!, ada: ada!, bob: bob!, cy: cy!, dee: dee!, eve: eve!, at };
}

type Seeded = Awaited<ReturnType<typeof seedRelated>>;

const purchases = where('kind', 'eq', 'purchase');

/** The names of the customers matching `filter`, through find, count, scan and aggregate, checked to agree. */
async function namesMatching(harness: ConformanceHarness, filter: Filter): Promise<string[]> {
  const { crm } = harness;
  const found = await crm.customers.find({ where: filter, sort: [{ field: 'name', direction: 'asc' }], limit: 100 });
  const names = found.items.map((customer) => customer.name);
  expect(await crm.customers.count(filter)).toBe(names.length);
  const scanned: string[] = [];
  for await (const batch of crm.customers.scan({ where: filter, batchSize: 2 })) scanned.push(...batch.map((c) => c.name));
  expect(scanned.sort()).toEqual([...names].sort());
  const rows = await crm.customers.aggregate({ where: filter, groupBy: ['name'], measures: [{ name: 'n', fn: 'count' }] });
  expect(rows.map((row) => row.key[0])).toEqual([...names].sort());
  return names;
}

/** Filters through relations (`where.related`): the same answers natively or through the core's streaming fallback. @internal */
export function defineRelatedFilterTests(harness: () => ConformanceHarness): void {
  describe('related filters', () => {
    const cases: [string, (s: Seeded) => Filter, string[]][] = [
      ['at least 3 purchases', () => where.related('interactions', { where: purchases, having: { fn: 'count', op: 'gte', value: 3 } }), ['Ada', 'Dee']],
      [
        'at least 3 purchases in the last 90 days (a relative date inside)',
        () =>
          where.related('interactions', {
            where: where.and(purchases, where('occurredAt', 'gte', ago({ days: 90 }))),
            having: { fn: 'count', op: 'gte', value: 3 },
          }),
        ['Dee'],
      ],
      ['any interaction (having left out)', () => where.related('interactions', {}), ['Ada', 'Bob', 'Cy', 'Dee']],
      ['no purchase at all: count 0 includes those with no interaction', () => where.related('interactions', { where: purchases, having: { fn: 'count', op: 'eq', value: 0 } }), ['Cy', 'Eve', 'Org']],
      [
        'no purchase in the last 50 days includes those who never bought',
        () =>
          where.not(
            where.related('interactions', { where: where.and(purchases, where('occurredAt', 'gte', ago({ days: 50 }))), having: { fn: 'count', op: 'gte', value: 1 } }),
          ),
        ['Bob', 'Cy', 'Eve', 'Org'],
      ],
      ['count below 2 (zero included)', () => where.related('interactions', { where: purchases, having: { fn: 'count', op: 'lt', value: 2 } }), ['Bob', 'Cy', 'Eve', 'Org']],
      ['count not 3 (zero included)', () => where.related('interactions', { where: purchases, having: { fn: 'count', op: 'ne', value: 3 } }), ['Bob', 'Cy', 'Eve', 'Org']],
      [
        'spent over 3000',
        () => where.related('interactions', { where: purchases, having: { fn: 'sum', field: 'purchase.amount', op: 'gt', value: 3000 } }),
        ['Ada'],
      ],
      [
        'spent at most 700: sum 0 for those who never bought',
        () => where.related('interactions', { where: purchases, having: { fn: 'sum', field: 'purchase.amount', op: 'lte', value: 700 } }),
        ['Bob', 'Cy', 'Dee', 'Eve', 'Org'],
      ],
      [
        'sum exactly 0',
        () => where.related('interactions', { having: { fn: 'sum', field: 'purchase.amount', op: 'eq', value: 0 } }),
        ['Cy', 'Eve', 'Org'],
      ],
      [
        'last interaction before 50 days ago: no max for those without one',
        (s) => where.related('interactions', { having: { fn: 'max', field: 'occurredAt', op: 'lt', value: s.at(50) } }),
        ['Bob'],
      ],
      [
        'first purchase within the last 90 days (min of a relative date)',
        () => where.related('interactions', { where: purchases, having: { fn: 'min', field: 'occurredAt', op: 'gte', value: ago({ days: 90 }) } }),
        ['Dee'],
      ],
      [
        'not (max before 50 days ago): those without any interaction are in',
        (s) => where.not(where.related('interactions', { having: { fn: 'max', field: 'occurredAt', op: 'lt', value: s.at(50) } })),
        ['Ada', 'Cy', 'Dee', 'Eve', 'Org'],
      ],
      [
        'max ne: an absent max is not equal',
        (s) => where.related('interactions', { where: purchases, having: { fn: 'max', field: 'occurredAt', op: 'ne', value: s.at(10) } }),
        ['Bob', 'Cy', 'Dee', 'Eve', 'Org'],
      ],
      [
        'min amount of 100 exactly (absent amounts skipped)',
        () => where.related('interactions', { where: purchases, having: { fn: 'min', field: 'purchase.amount', op: 'eq', value: 100 } }),
        ['Dee'],
      ],
      [
        'max amount at most 1000: those whose purchases have no amount have no max',
        () => where.related('interactions', { having: { fn: 'max', field: 'purchase.amount', op: 'lte', value: 1000 } }),
        ['Bob', 'Dee'],
      ],
      [
        'nested under and / or with plain conditions',
        () =>
          where.or(
            where.and(where('lifecycleStage', 'eq', 'customer'), where.related('interactions', { where: purchases, having: { fn: 'count', op: 'gte', value: 3 } })),
            where.and(where('lifecycleStage', 'eq', 'lead'), where.not(where.related('interactions', {}))),
          ),
        ['Ada', 'Dee', 'Eve'],
      ],
      [
        'two related nodes on different collections',
        () =>
          where.and(
            where.related('cases', { where: where('priority', 'eq', 'urgent') }),
            where.related('interactions', { where: purchases, having: { fn: 'count', op: 'gte', value: 2 } }),
          ),
        ['Ada'],
      ],
      ['has an open urgent case', () => where.related('cases', { where: where.and(where('priority', 'eq', 'urgent'), where('status', 'nin', ['solved', 'closed'])) }), ['Ada']],
      [
        'through the self-reference: organisations with at least 2 members',
        () => where.related('customers', { via: 'organizationId', having: { fn: 'count', op: 'gte', value: 2 } }),
        ['Org'],
      ],
      [
        'a related node inside a related node: organisations with a member with an urgent case',
        () => where.related('customers', { via: 'organizationId', where: where.related('cases', { where: where('priority', 'eq', 'urgent') }) }),
        ['Org'],
      ],
      ['no match', () => where.related('interactions', { having: { fn: 'count', op: 'gt', value: 100 } }), []],
      ['not of no match: everyone', () => where.not(where.related('interactions', { having: { fn: 'count', op: 'gt', value: 100 } })), ['Ada', 'Bob', 'Cy', 'Dee', 'Eve', 'Org']],
      ['double not', () => where.not(where.not(where.related('interactions', { where: purchases, having: { fn: 'count', op: 'eq', value: 0 } }))), ['Cy', 'Eve', 'Org']],
    ];
    for (const [title, filter, expected] of cases) {
      it(`${title} (find, count, scan and aggregate agree)`, async () => {
        const h = harness();
        const seeded = await seedRelated(h);
        expect(await namesMatching(h, filter(seeded))).toEqual(expected);
      });
    }

    it('pages a related filter by cursor without losing or repeating a record', async () => {
      const h = harness();
      await seedRelated(h);
      const filter = where.related('interactions', { where: purchases, having: { fn: 'count', op: 'lt', value: 2 } });
      const names: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        if (++pages > 100) throw new Error('the cursor does not advance');
        const page = await h.crm.customers.find({ where: filter, sort: [{ field: 'name', direction: 'asc' }], limit: 2, ...(cursor ? { cursor } : {}) });
        names.push(...page.items.map((c) => c.name));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(names).toEqual(['Bob', 'Cy', 'Eve', 'Org']);
    });

    it('relative dates inside follow the clock', async () => {
      const h = harness();
      await seedRelated(h);
      const recent = where.related('interactions', { where: where.and(purchases, where('occurredAt', 'gte', ago({ days: 15 }))) });
      expect(await namesMatching(h, recent)).toEqual(['Ada', 'Dee']);
      h.clock.advance(6 * day);
      expect(await namesMatching(h, recent)).toEqual(['Dee']);
    });

    it('works on any collection referred to: cases with at least one message', async () => {
      const h = harness();
      const { ada, bob } = await seedRelated(h);
      const [adaCase] = (await h.crm.cases.find({ where: where('customerId', 'eq', ada.id) })).items;
      await h.crm.caseMessages.create({ caseId: adaCase!.id, kind: 'customer', body: 'still broken' });
      const withMessages = where.related('caseMessages', {});
      const found = await h.crm.cases.find({ where: withMessages });
      expect(found.items.map((c) => c.customerId)).toEqual([ada.id]);
      expect(await h.crm.cases.count(where.not(withMessages))).toBe(1);
      expect((await h.crm.cases.find({ where: where.not(withMessages) })).items.map((c) => c.customerId)).toEqual([bob.id]);
    });

    it('aggregates over customers chosen by a related filter', async () => {
      const h = harness();
      await seedRelated(h);
      const rows = await h.crm.customers.aggregate({
        where: where.related('interactions', { where: purchases }),
        groupBy: ['lifecycleStage'],
        measures: [{ name: 'n', fn: 'count' }],
      });
      expect(rows).toEqual([{ key: ['customer'], values: { n: 3 } }]);
    });

    it('having on a plain aggregate keeps the groups whose measures match', async () => {
      const h = harness();
      const { ada, bob, dee } = await seedRelated(h);
      const rows = await h.crm.interactions.aggregate({
        where: purchases,
        groupBy: ['customerId'],
        measures: [
          { name: 'orders', fn: 'count' },
          { name: 'spent', fn: 'sum', field: 'purchase.amount' },
        ],
        having: [
          { measure: 'orders', op: 'gte', value: 1 },
          { measure: 'spent', op: 'lt', value: 4000 },
        ],
      });
      expect(rows.map((row) => row.key[0])).toEqual([bob.id, dee.id].sort());
      const none = await h.crm.interactions.aggregate({ groupBy: ['customerId'], measures: [{ name: 'n', fn: 'count' }], having: [{ measure: 'n', op: 'gt', value: 99 }] });
      expect(none).toEqual([]);
      const absent = await h.crm.interactions.aggregate({
        where: where('kind', 'eq', 'message'),
        groupBy: ['customerId'],
        measures: [{ name: 'top', fn: 'max', field: 'purchase.amount' }],
        having: [{ measure: 'top', op: 'ne', value: 5 }],
      });
      expect(absent.length).toBe(2); // Cy and Dee: no amount, a null max, which only ne matches
      void ada;
      for (const having of [[{ measure: 'nope', op: 'gt', value: 1 }], [{ measure: 'n', op: 'like', value: 1 }], [{ measure: 'n', op: 'gt', value: Number.NaN }], 'n > 1']) {
        await expectCrmError(
          () => h.crm.interactions.aggregate({ groupBy: ['customerId'], measures: [{ name: 'n', fn: 'count' }], having: having as never }),
          'invalid_query',
        );
      }
    });

    const refused: [string, unknown, string][] = [
      ['an unknown collection', { related: { collection: 'nope', having: { fn: 'count', op: 'gte', value: 1 } } }, 'unknown_collection'],
      ['a collection without a reference to customers', { related: { collection: 'pipelines' } }, 'no_reference'],
      ['a via that is not a reference', { related: { collection: 'interactions', via: 'channel' } }, 'no_reference'],
      ['an unknown function', { related: { collection: 'interactions', having: { fn: 'avg', field: 'purchase.amount', op: 'gt', value: 1 } } }, 'unknown_function'],
      ['an unknown having operator', { related: { collection: 'interactions', having: { fn: 'count', op: 'contains', value: 1 } } }, 'unknown_operator'],
      ['sum without a field', { related: { collection: 'interactions', having: { fn: 'sum', op: 'gt', value: 1 } } }, 'unknown_field'],
      ['sum of an unknown field', { related: { collection: 'interactions', having: { fn: 'sum', field: 'nope', op: 'gt', value: 1 } } }, 'unknown_field'],
      ['sum of a string field', { related: { collection: 'interactions', having: { fn: 'sum', field: 'channel', op: 'gt', value: 1 } } }, 'invalid_having'],
      ['count with a field', { related: { collection: 'interactions', having: { fn: 'count', field: 'occurredAt', op: 'gt', value: 1 } } }, 'invalid_having'],
      ['a count compared with a string', { related: { collection: 'interactions', having: { fn: 'count', op: 'gt', value: '3' } } }, 'invalid_value'],
      ['a max of a date compared with a number', { related: { collection: 'interactions', having: { fn: 'max', field: 'occurredAt', op: 'gt', value: 3 } } }, 'invalid_value'],
      ['an unknown field in the related where', { related: { collection: 'interactions', where: { field: 'nope', op: 'eq', value: 1 } } }, 'unknown_field'],
      ['an extra key', { related: { collection: 'interactions', limit: 3 } }, 'invalid_filter'],
      ['a non-object body', { related: 'interactions' }, 'invalid_filter'],
    ];
    for (const [title, filter, issue] of refused) {
      it(`refuses ${title} with invalid_query (${issue}) on find, count, scan and aggregate`, async () => {
        const h = harness();
        await seedRelated(h);
        const bad = { not: filter } as unknown as Filter;
        for (const action of [
          () => h.crm.customers.find({ where: bad }),
          () => h.crm.customers.count(bad),
          async () => {
            for await (const _ of h.crm.customers.scan({ where: bad })) void _;
          },
          () => h.crm.customers.aggregate({ where: bad, groupBy: ['name'], measures: [{ name: 'n', fn: 'count' }] }),
        ]) {
          const error = await expectCrmError(action, 'invalid_query');
          expect(error.issues.map((i) => i.code)).toContain(issue);
        }
      });
    }
  });
}
