// The typed forms of queries run, on the memory adapter: what compiles does what it says, and a
// filter built at run time (typed as `Filter`, so the compiler cannot check it) is still checked by
// the core when the query runs. The compile-time side is in the `*.types.ts` files beside this one.
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { ago, createCrm, isCrmError, where, type Crm, type Filter } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';

const customFields = { customers: z.object({ loyaltyTier: z.enum(['bronze', 'silver', 'gold']).optional() }) };

let crm: Crm<typeof customFields>;
let adaId: string;

beforeEach(async () => {
  crm = await createCrm({ adapter: memoryAdapter(), customFields });
  const ada = await crm.customers.create({ name: 'Ada', tags: ['vip'], custom: { loyaltyTier: 'gold' } });
  await crm.customers.create({ name: 'Grace', tags: ['beta'] });
  adaId = ada.id;
  await crm.interactions.createMany([
    { customerId: ada.id, channel: 'web', kind: 'purchase', purchase: { orderId: 'A-1', amount: 1000, currency: 'EUR' } },
    { customerId: ada.id, channel: 'web', kind: 'purchase', purchase: { orderId: 'A-2', amount: 2500, currency: 'EUR' } },
  ]);
});
afterEach(async () => crm.close());

describe('typed queries on the memory adapter', () => {
  it('runs the README query', async () => {
    const page = await crm.customers.find({
      where: where.and(where('tags', 'contains', 'vip'), where('updatedAt', 'gte', ago({ days: 30 }))),
      sort: [{ field: 'name', direction: 'asc' }],
      limit: 50,
    });
    expect(page.items.map((c) => c.name)).toEqual(['Ada']);
  });

  it('filters and sorts on a custom field declared by the host', async () => {
    expect(await crm.customers.count(where('custom.loyaltyTier', 'eq', 'gold'))).toBe(1);
    const page = await crm.customers.find({ sort: [{ field: 'custom.loyaltyTier', direction: 'desc' }] });
    expect(page.items.map((c) => c.name)).toEqual(['Ada', 'Grace']); // absent values last in desc
  });

  it('accepts plain objects and filters built at run time', async () => {
    expect(await crm.customers.count({ field: 'tags', op: 'contains', value: 'beta' })).toBe(1);
    const saved = JSON.parse('{"or":[{"field":"name","op":"eq","value":"Ada"},{"field":"name","op":"eq","value":"Grace"}]}') as Filter;
    expect(await crm.customers.count(saved)).toBe(2);
  });

  it('still rejects, when the query runs, a runtime filter the compiler could not check', async () => {
    const field: string = 'tgas';
    const error = await crm.customers.find({ where: where(field, 'contains', 'vip') }).catch((e: unknown) => e);
    expect(isCrmError(error, 'invalid_query')).toBe(true);
  });

  it('returns aggregate rows typed from the measures', async () => {
    const [row, ...rest] = await crm.interactions.aggregate({
      where: where('kind', 'eq', 'purchase'),
      groupBy: ['customerId'],
      measures: [
        { name: 'orders', fn: 'count' },
        { name: 'revenue', fn: 'sum', field: 'purchase.amount' },
        { name: 'lastOrderAt', fn: 'max', field: 'occurredAt' },
      ],
    });
    expect(rest).toEqual([]);
    expectTypeOf(row!.values.revenue).toEqualTypeOf<number>();
    expectTypeOf(row!.values.lastOrderAt).toEqualTypeOf<Date | null>();
    expect(row!.key).toEqual([adaId]);
    expect(row!.values.orders).toBe(2);
    expect(row!.values.revenue).toBe(3500);
    expect(row!.values.lastOrderAt).toBeInstanceOf(Date);
  });

  it('hands out readonly records, changed through a recipe draft', async () => {
    const updated = await crm.customers.update(adaId, (draft) => void draft.tags.push('gold'));
    expect(updated.tags).toEqual(['vip', 'gold']);
    // the memory adapter freezes what it returns; the types say the same for every adapter
    expect(() => (updated.tags as string[]).push('x')).toThrow(TypeError);
  });
});
