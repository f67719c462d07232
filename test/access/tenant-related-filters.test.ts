// A filter through relations under tenancy counts only the tenant's related records, on an
// adapter that pushes it down (SQLite) and through the core's fallback alike.
import { afterEach, describe, expect, it } from 'vitest';
import { createCrm, where, type CrmAdapter } from 'crmkit';
import { coreAdapters } from '../core/core-adapters.js';

describe.each(coreAdapters)('related filters under tenancy on $name', ({ create }) => {
  let adapter: CrmAdapter;
  afterEach(async () => adapter?.close());

  it('see only the tenant\'s related records, and refuse naming tenantId inside', async () => {
    adapter = create();
    const acme = await createCrm({ adapter, tenant: 'acme' });
    const globex = acme.forTenant('globex');
    const buy = (crm: typeof acme, customerId: string, orderId: string) =>
      crm.interactions.create({ customerId, channel: 'web', kind: 'purchase', occurredAt: new Date('2026-03-01T00:00:00Z'), purchase: { orderId, amount: 100, currency: 'EUR' } });
    const ada = await acme.customers.create({ name: 'Ada' });
    const grace = await acme.customers.create({ name: 'Grace' });
    const bob = await globex.customers.create({ name: 'Bob' });
    await buy(acme, ada.id, 'a-1');
    for (let i = 0; i < 3; i++) await buy(globex, bob.id, `b-${i}`);
    const buyers = where.related('interactions', { where: where('kind', 'eq', 'purchase'), having: { fn: 'count', op: 'gte', value: 1 } });
    expect((await acme.customers.find({ where: buyers })).items.map((c) => c.name)).toEqual(['Ada']);
    expect((await globex.customers.find({ where: buyers })).items.map((c) => c.name)).toEqual(['Bob']);
    const never = where.not(buyers);
    expect((await acme.customers.find({ where: never })).items.map((c) => c.id)).toEqual([grace.id]);
    expect(await acme.customers.count(where.related('interactions', { having: { fn: 'count', op: 'gte', value: 3 } }))).toBe(0);
    await expect(acme.customers.find({ where: where.related('interactions', { where: { field: 'tenantId', op: 'eq', value: 'globex' } as never }) })).rejects.toMatchObject({ code: 'invalid_query' });
  });
});
