import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCrm, maxListElementBytes, maxListElements, type Crm } from 'crmkit';
import { expectCrmError, expectNothingWritten } from 'crmkit/testing';
import { coreAdapters } from './core-adapters.js';

const customFields = {
  customers: z.object({
    codes: z.array(z.string()).optional(),
    score: z.number().optional(),
    seenAt: z.date().optional(),
    notes: z.record(z.string(), z.json()).optional(),
  }),
};

describe.each(coreAdapters)('values every adapter stores alike ($name)', ({ create }) => {
  let crm: Crm<typeof customFields>;
  let free: Crm;
  afterEach(async () => {
    await crm?.close();
    await free?.close();
  });
  const open = async () => {
    crm = await createCrm({ adapter: create(), customFields });
    free = await createCrm({ adapter: create() });
  };

  describe('strings that are not well-formed UTF-16', () => {
    const lone = ['\uDC41', 'a\uD83D', '\uD83Dx', 'ok\uDE00ok'];

    it.each(lone)('refuses %j in a built-in field, a custom field, a list and free JSON (values and keys)', async (bad) => {
      await open();
      const cases: [() => Promise<unknown>, (string | number)[]][] = [
        [() => crm.customers.create({ name: bad }), ['name']],
        [() => crm.customers.create({ name: 'Ada', tags: ['fine', bad] }), ['tags', 1]],
        [() => crm.customers.create({ name: 'Ada', custom: { codes: [bad] } }), ['custom', 'codes', 0]],
        [() => crm.customers.create({ name: 'Ada', custom: { notes: { deep: [{ text: bad }] } } }), ['custom', 'notes', 'deep', 0, 'text']],
        [() => free.customers.create({ name: 'Ada', custom: { [`k${bad}`]: 1 } }), ['custom', `k${bad}`]],
      ];
      for (const [action, path] of cases) {
        const target: Crm = path[0] === 'custom' && path.length === 2 ? free : (crm as unknown as Crm);
        const error = await expectNothingWritten(target, action);
        expect(error.issues).toContainEqual(expect.objectContaining({ code: 'malformed_string', path }));
      }
    });

    it('keeps well-formed strings with characters beyond U+FFFF, and orders them by code point', async () => {
      await open();
      await crm.customers.createMany([
        { id: 'a', name: '\uFFFD' },
        { id: 'b', name: '😀' },
        { id: 'c', name: 'z' },
      ]);
      const { items } = await crm.customers.find({ sort: [{ field: 'name', direction: 'asc' }] });
      expect(items.map((c) => c.id)).toEqual(['c', 'a', 'b']);
    });

    it('refuses a tampered cursor holding a lone surrogate', async () => {
      await open();
      await crm.customers.createMany([{ name: 'a' }, { name: 'b' }]);
      const sort = [{ field: 'name', direction: 'asc' as const }];
      const { nextCursor } = await crm.customers.find({ sort, limit: 1 });
      const decoded = JSON.parse(Buffer.from(nextCursor!, 'base64url').toString('utf8')) as { v: unknown[] };
      decoded.v[0] = '\uDC41';
      const tampered = Buffer.from(JSON.stringify(decoded), 'utf8').toString('base64url');
      const error = await expectCrmError(crm.customers.find({ sort, limit: 1, cursor: tampered }), 'invalid_query');
      expect(error.issues.map((i) => i.code)).toContain('invalid_cursor');
    });

    it.each(lone)('refuses %j in filter values as invalid_query (malformed_string)', async (bad) => {
      await open();
      const error = await expectCrmError(crm.customers.find({ where: { field: 'name', op: 'contains', value: bad } }), 'invalid_query');
      expect(error.issues).toContainEqual(expect.objectContaining({ code: 'malformed_string', path: ['value'] }));
      const inList = await expectCrmError(
        crm.customers.count({ and: [{ field: 'tags', op: 'in', value: ['ok', bad] }] }),
        'invalid_query',
      );
      expect(inList.issues).toContainEqual(expect.objectContaining({ code: 'malformed_string', path: ['and', 0, 'value'] }));
    });
  });

  describe('-0', () => {
    it('is stored as 0, deep in custom data too', async () => {
      await open();
      const ada = await crm.customers.create({ name: 'Ada', custom: { score: -0, notes: { list: [-0, { n: -0 }] } } });
      for (const record of [ada, (await crm.adapter.getMany('customers', [ada.id]))[0]!, await crm.customers.get(ada.id)]) {
        const custom = record.custom as { score: number; notes: { list: [number, { n: number }] } };
        expect(Object.is(custom.score, 0)).toBe(true);
        expect(Object.is(custom.notes.list[0], 0)).toBe(true);
        expect(Object.is(custom.notes.list[1].n, 0)).toBe(true);
      }
      const bob = await free.customers.create({ name: 'Bob', custom: { x: -0 } });
      expect(Object.is((await free.customers.get(bob.id)).custom.x, 0)).toBe(true);
    });

    it('is 0 after an update recipe writes it', async () => {
      await open();
      const ada = await crm.customers.create({ name: 'Ada', custom: { score: 1 } });
      const updated = await crm.customers.update(ada.id, (draft) => void (draft.custom.score = -0));
      expect(Object.is(updated.custom.score, 0)).toBe(true);
      expect(Object.is((await crm.customers.get(ada.id)).custom.score, 0)).toBe(true);
    });

    it('in a filter value is 0, and the filter never reaches the adapter with -0', async () => {
      await open();
      await crm.customers.create({ id: 'zero', name: 'Zero', custom: { score: 0 } });
      const seen: unknown[] = [];
      const adapter = crm.adapter;
      const find = adapter.find.bind(adapter);
      adapter.find = (collection, query) => {
        seen.push(query.filter);
        return find(collection, query);
      };
      const { items } = await crm.customers.find({ where: { field: 'custom.score', op: 'eq', value: -0 } });
      expect(items.map((c) => c.id)).toEqual(['zero']);
      expect(Object.is((seen[0] as { value: number }).value, 0)).toBe(true);
    });
  });

  describe('dates', () => {
    const edges = ['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z'];
    const outside = [new Date('0000-12-31T23:59:59.999Z'), new Date('+010000-01-01T00:00:00.000Z'), new Date(-8.64e15)];

    it.each(edges)('stores %s, the edge of the range, and buckets it into valid dates', async (iso) => {
      await open();
      const ada = await crm.customers.create({ name: 'Ada', custom: { seenAt: new Date(iso) } });
      expect((await crm.customers.get(ada.id)).custom.seenAt).toEqual(new Date(iso));
      for (const bucket of ['day', 'week'] as const) {
        const rows = await crm.customers.aggregate({
          where: { field: 'custom.seenAt', op: 'exists', value: true },
          groupBy: [{ field: 'custom.seenAt', bucket }],
          measures: [{ name: 'n', fn: 'count' }],
        });
        expect(rows).toHaveLength(1);
        expect(Number.isNaN((rows[0]!.key[0] as Date).getTime())).toBe(false);
      }
    });

    it.each(outside.map((d) => [d.getTime(), d]))('refuses the date at %d ms, in a custom field and in a built-in one', async (_ms, date) => {
      await open();
      const error = await expectNothingWritten(crm, () => crm.customers.create({ name: 'Ada', custom: { seenAt: date } }));
      expect(error.issues).toContainEqual(expect.objectContaining({ code: 'date_out_of_range', path: ['custom', 'seenAt'] }));
      const ada = await crm.customers.create({ name: 'Ada' });
      const interaction = await expectNothingWritten(crm, () =>
        crm.interactions.create({ customerId: ada.id, channel: 'web', kind: 'note', occurredAt: date }),
      );
      expect(interaction.issues).toContainEqual(expect.objectContaining({ code: 'date_out_of_range', path: ['occurredAt'] }));
    });
  });

  describe('list elements', () => {
    it(`refuses a custom list element over ${maxListElementBytes} UTF-8 bytes, and a tag too`, async () => {
      await open();
      const fits = 'é'.repeat(maxListElementBytes / 2); // 1,024 bytes
      const ada = await crm.customers.create({ name: 'Ada', custom: { codes: [fits] } });
      expect((await crm.customers.find({ where: { field: 'custom.codes', op: 'contains', value: fits } })).items.map((c) => c.id)).toEqual([
        ada.id,
      ]);
      const error = await expectNothingWritten(crm, () => crm.customers.create({ name: 'Bob', custom: { codes: ['ok', `${fits}a`] } }));
      expect(error.issues).toContainEqual(expect.objectContaining({ code: 'list_element_too_long', path: ['custom', 'codes', 1] }));
      const emoji = await expectNothingWritten(crm, () =>
        crm.customers.create({ name: 'Bob', custom: { codes: ['😀'.repeat(maxListElementBytes / 4 + 1)] } }),
      );
      expect(emoji.issues.map((i) => i.code)).toContain('list_element_too_long');
      const free2 = await expectNothingWritten(free, () => free.customers.create({ name: 'Bob', custom: { x: 1 }, tags: ['x'.repeat(2000)] }));
      expect(free2.issues.map((i) => i.path)).toContainEqual(['tags', 0]);
    });

    it(`refuses a custom list of more than ${maxListElements} elements`, async () => {
      await open();
      await crm.customers.create({ name: 'Ada', custom: { codes: Array.from({ length: maxListElements }, (_, i) => `c${i}`) } });
      const error = await expectNothingWritten(crm, () =>
        crm.customers.create({ name: 'Bob', custom: { codes: Array.from({ length: maxListElements + 1 }, (_, i) => `c${i}`) } }),
      );
      expect(error.issues).toContainEqual(expect.objectContaining({ code: 'list_too_long', path: ['custom', 'codes'] }));
    });
  });

  describe('input that would lose data', () => {
    it('refuses negative amounts on purchases, line items, deals and budgets; refunds stay positive', async () => {
      await open();
      const ada = await free.customers.create({ name: 'Ada' });
      const purchase = { orderId: 'A-1', amount: 500, currency: 'EUR', lineItems: [{ sku: 'S', quantity: 1, unitPrice: 500 }] };
      const negative = await expectNothingWritten(free, () =>
        free.interactions.create({ customerId: ada.id, channel: 'web', kind: 'purchase', purchase: { ...purchase, amount: -500 } }),
      );
      expect(negative.issues).toContainEqual(expect.objectContaining({ code: 'negative_amount', path: ['purchase', 'amount'] }));
      const line = await expectNothingWritten(free, () =>
        free.interactions.create({
          customerId: ada.id,
          channel: 'web',
          kind: 'purchase',
          purchase: { ...purchase, lineItems: [{ sku: 'S', quantity: 1, unitPrice: -1 }] },
        }),
      );
      expect(line.issues).toContainEqual(expect.objectContaining({ code: 'negative_amount', path: ['purchase', 'lineItems', 0, 'unitPrice'] }));
      const refund = await free.interactions.create({ customerId: ada.id, channel: 'web', kind: 'refund', purchase });
      expect(refund.purchase!.amount).toBe(500);
      const budget = await expectNothingWritten(free, () =>
        free.campaigns.create({ name: 'Spring', channel: 'email', budget: { amount: -1, currency: 'EUR' } }),
      );
      expect(budget.issues).toContainEqual(expect.objectContaining({ code: 'negative_amount', path: ['budget', 'amount'] }));
      const pipeline = await free.pipelines.create({
        name: 'P',
        stages: [
          { id: 'open', name: 'Open', probability: 0.5 },
          { id: 'won', name: 'Won', probability: 1, outcome: 'won' },
          { id: 'lost', name: 'Lost', probability: 0, outcome: 'lost' },
        ],
      });
      const deal = await expectNothingWritten(free, () =>
        free.deals.create({ pipelineId: pipeline.id, stageId: 'open', customerId: ada.id, title: 'D', amount: -100, currency: 'EUR' }),
      );
      expect(deal.issues).toContainEqual(expect.objectContaining({ code: 'negative_amount', path: ['amount'] }));
    });

    it.each(['+1 415 555 2671 ext. 123', '+1 415 555 2671 x123', '+14155552671;ext=5'])(
      'refuses the phone number %j instead of dropping its extension',
      async (phone) => {
        await open();
        const error = await expectNothingWritten(free, () => free.customers.create({ name: 'Ada', phones: [phone] }));
        expect(error.issues).toContainEqual(expect.objectContaining({ code: 'phone_extension', path: ['phones', 0] }));
      },
    );

    it.each(['+14155552671 (home)', 'call +14155552671 now'])('refuses the phone number %j instead of dropping the words around it', async (phone) => {
      await open();
      const error = await expectNothingWritten(free, () => free.customers.create({ name: 'Ada', phones: [phone] }));
      expect(error.issues.map((i) => i.path)).toContainEqual(['phones', 0]);
    });

    it('still normalizes a plain international number to E.164', async () => {
      await open();
      expect((await free.customers.create({ name: 'Ada', phones: [' +1 (415) 555-2671 '] })).phones).toEqual(['+14155552671']);
    });

    it('refuses nesting deeper than 64 levels with a validation issue, not a crash', async () => {
      await open();
      let deep: unknown = 1;
      for (let i = 0; i < 5000; i++) deep = [deep];
      const error = await expectNothingWritten(free, () => free.customers.create({ name: 'Ada', custom: { deep } }));
      expect(error.issues.map((i) => i.code)).toContain('too_deep');
    });
  });
});
