// Tenancy: crm.forTenant / createCrm({ tenant }) confine every read and write to
// one tenant on every adapter, checked against the raw storage.
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createCrm, isCrmError, MigrationError, where, type CrmAdapter } from 'crmkit';
import { tenantMiddleware } from 'crmkit';
import { accessTargets, type AccessStore } from './access-targets.js';

const customFields = { customers: z.object({ shopifyId: z.string().optional() }) };
const open = (adapter: CrmAdapter, tenant?: string) =>
  createCrm({ adapter, customFields, unique: { customers: ['custom.shopifyId'] }, ...(tenant === undefined ? {} : { tenant }) });

describe.each(accessTargets())('tenancy on $name', (target) => {
  let store: AccessStore | undefined;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await store?.cleanup();
    store = undefined;
  });
  async function twoTenants() {
    store = await target.open();
    const acme = await open(store.adapter(), 'acme');
    closers.push(() => acme.close());
    const globex = acme.forTenant('globex');
    return { store, acme, globex };
  }

  it('lets two tenants hold the same external keys and unique values, each stamped with its tenant in the raw storage', async () => {
    const { store, acme, globex } = await twoTenants();
    const a = await acme.customers.create({ name: 'Ada', emails: ['ada@example.com'], custom: { shopifyId: 'S-1' } });
    const g = await globex.customers.create({ name: 'Ada (globex)', emails: ['ada@example.com'], custom: { shopifyId: 'S-1' } });
    // Unique per tenant: the same key twice in one tenant is still a conflict, and writes nothing.
    const dup = await acme.customers.create({ name: 'Ada again', custom: { shopifyId: 'S-1' } }).catch((error: unknown) => error);
    expect(isCrmError(dup, 'conflict') && dup.reason).toBe('unique');
    expect(acme.tenant).toBe('acme');
    expect(globex.tenant).toBe('globex');
    expect('tenantId' in a).toBe(false); // the crm stamps it and never returns it
    expect(await acme.customers.get(a.id)).toEqual(a);
    const raw = await store.raw('customers');
    expect(raw).toEqual(expect.arrayContaining([{ id: a.id, tenantId: 'acme' }, { id: g.id, tenantId: 'globex' }]));
    expect(raw).toHaveLength(2);
    for (const collection of ['historyEntries', 'changeFeed', 'changeFeedSequence']) {
      const rows = await store.raw(collection);
      expect(rows.length, collection).toBeGreaterThan(0);
      expect(new Set(rows.map((row) => row.tenantId)), collection).toEqual(new Set(['acme', 'globex']));
    }
  });

  it('never lets a read cross: find, get, count, aggregate, scan, search, history, timeline and the change feed see only the tenant', async () => {
    const { acme, globex } = await twoTenants();
    const a = await acme.customers.create({ name: 'Ada', emails: ['ada@example.com'], tags: ['vip'] });
    const g = await globex.customers.create({ name: 'Grace', emails: ['ada@example.com'], tags: ['vip'] });
    await globex.customers.create({ name: 'Linus', tags: ['vip'] });
    await acme.interactions.create({ customerId: a.id, channel: 'web', kind: 'purchase', purchase: { orderId: 'A-1', amount: 500, currency: 'EUR', lineItems: [] } });
    await globex.interactions.create({ customerId: g.id, channel: 'web', kind: 'purchase', purchase: { orderId: 'A-1', amount: 700, currency: 'EUR', lineItems: [] } });
    await globex.customers.update(g.id, (draft) => void draft.tags.push('gold'));

    expect((await acme.customers.find({})).items.map((c) => c.id)).toEqual([a.id]);
    expect(await acme.customers.count(where('tags', 'contains', 'vip'))).toBe(1);
    expect(await globex.customers.count()).toBe(2);
    expect(await acme.customers.getMany([a.id, g.id])).toEqual([a, undefined]);
    await expect(acme.customers.get(g.id)).rejects.toSatisfy((error) => isCrmError(error, 'not_found'));
    const totals = await acme.interactions.aggregate({ groupBy: ['purchase.currency'], measures: [{ name: 'revenue', fn: 'sum', field: 'purchase.amount' }] });
    expect(totals).toEqual([{ key: ['EUR'], values: { revenue: 500 } }]);
    let scanned = 0;
    for await (const batch of globex.customers.scan({ batchSize: 1 })) scanned += batch.length;
    expect(scanned).toBe(2);
    expect((await acme.customers.search('ada@example.com')).items.map((hit: { customer: { id: string } }) => hit.customer.id)).toEqual([a.id]);
    expect((await acme.customers.history(g.id)).items).toEqual([]);
    expect((await globex.customers.history(g.id)).items).toHaveLength(2);
    expect((await acme.customers.timeline(a.id)).items.length).toBeGreaterThan(0);
    await expect(acme.customers.timeline(g.id)).rejects.toSatisfy((error) => isCrmError(error, 'not_found'));
    // Each tenant has its own change feed, numbered from 1 without gaps.
    const acmeFeed = (await acme.changes.read()).entries;
    const globexFeed = (await globex.changes.read()).entries;
    expect(acmeFeed.map((e) => e.sequence)).toEqual([1, 2]);
    expect(globexFeed.map((e) => e.sequence)).toEqual([1, 2, 3, 4]);
    expect(new Set(acmeFeed.map((e) => e.recordId)).has(g.id)).toBe(false);
    // Named consumers are per tenant too: the same name, two positions.
    const consumer = acme.changes.consumer('indexer');
    const batch = await consumer.next();
    await consumer.ack(batch!.cursor);
    expect(await acme.changes.consumer('indexer').position()).toBe(2);
    expect(await globex.changes.consumer('indexer').position()).toBe(0);
  });

  it('refuses a query that names tenantId: the services do not know the field, the storage scope refuses it (tenant_field)', async () => {
    const { store, acme, globex } = await twoTenants();
    await globex.customers.create({ name: 'Grace' });
    const attempts: Promise<unknown>[] = [
      acme.customers.find({ where: { field: 'tenantId', op: 'eq', value: 'globex' } as never }),
      acme.customers.count({ or: [where('name', 'eq', 'x'), { not: { field: 'tenantId', op: 'ne', value: 'acme' } }] } as never),
      acme.customers.find({ sort: [{ field: 'tenantId', direction: 'asc' }] } as never),
      acme.customers.aggregate({ groupBy: ['tenantId'], measures: [{ name: 'n', fn: 'count' }] } as never),
    ];
    for (const attempt of attempts) {
      const error = await attempt.catch((e: unknown) => e);
      expect(isCrmError(error, 'invalid_query'), String(error)).toBe(true);
      expect((error as { issues: { code: string }[] }).issues.map((issue) => issue.code)).toContain('unknown_field');
    }
    // Below the services (a write hook, a host's storage middleware), the tenant scope refuses the field itself.
    const scoped = tenantMiddleware('acme')(acme.adapter);
    const sort = [{ field: 'id', direction: 'asc' as const }];
    const below: (() => Promise<unknown>)[] = [
      () => scoped.find('customers', { filter: { field: 'tenantId', op: 'eq', value: 'globex' }, sort }),
      () => scoped.count('customers', { not: { field: 'tenantId', op: 'eq', value: 'acme' } }),
      () => scoped.find('customers', { sort: [{ field: 'tenantId', direction: 'asc' }, ...sort] }),
    ];
    for (const attempt of below) {
      const error = await attempt().catch((e: unknown) => e);
      expect((error as { issues: { code: string }[] }).issues.map((issue) => issue.code)).toEqual(['tenant_field']);
    }
    expect(await scoped.count('customers')).toBe(0);
    expect(await tenantMiddleware('globex')(acme.adapter).count('customers')).toBe(1);
  });

  it('treats an id of another tenant as not found: updates, deletes and references change nothing', async () => {
    const { store, acme, globex } = await twoTenants();
    const g = await globex.customers.create({ name: 'Grace' });
    const before = await store.raw('customers');
    const feedBefore = await store.raw('changeFeed');
    await expect(acme.customers.update(g.id, (draft) => void (draft.name = 'Stolen'))).rejects.toSatisfy((error) => isCrmError(error, 'not_found'));
    await expect(acme.customers.delete(g.id)).rejects.toSatisfy((error) => isCrmError(error, 'not_found'));
    const [result] = await acme.customers.updateMany([{ id: g.id, recipe: (draft) => void (draft.name = 'Stolen') }]);
    expect(result!.ok).toBe(false);
    const reference = await acme.interactions.create({ customerId: g.id, channel: 'email', kind: 'message' }).catch((e: unknown) => e);
    expect(isCrmError(reference, 'validation') && reference.issues.map((i) => i.code)).toEqual(['unknown_reference']);
    // The raw storage is as it was: Grace untouched, no interaction, no feed entry.
    expect(await store.raw('customers')).toEqual(before);
    expect(await store.raw('interactions')).toEqual([]);
    expect(await store.raw('changeFeed')).toEqual(feedBefore);
    expect((await globex.customers.get(g.id)).name).toBe('Grace');
  });

  it('runs one transaction across tenants, and rolls both back together', async () => {
    const { store, acme, globex } = await twoTenants();
    const failed = await acme
      .transaction(async (tx) => {
        await tx.customers.create({ name: 'In acme' });
        await globex.customers.create({ name: 'In globex' });
        expect(await globex.customers.count()).toBe(1);
        expect(await tx.customers.count()).toBe(1);
        throw new Error('undo');
      })
      .catch((error: unknown) => error);
    if (store.adapter().capabilities.transactions) {
      expect((failed as Error).message).toBe('undo');
      expect(await store.raw('customers')).toEqual([]);
    }
  });

  it('refuses to turn tenancy on or off for an existing store (tenancy_changed)', async () => {
    store = await target.open();
    if (!store.persistent) {
      const crm = await open(store.adapter());
      expect(() => crm.forTenant('acme')).toThrow(expect.objectContaining({ code: 'validation' }));
      return;
    }
    const plain = await open(store.adapter());
    await plain.customers.create({ name: 'Ada' });
    await plain.close();
    const on = await open(store.adapter(), 'acme').catch((error: unknown) => error);
    expect(on instanceof MigrationError && on.reason).toBe('tenancy_changed');
    expect((await store.raw('customers')).map((row) => row.tenantId)).toEqual([undefined]);

    await store.cleanup();
    store = await target.open();
    const tenanted = await open(store.adapter(), 'acme');
    await tenanted.customers.create({ name: 'Ada' });
    await tenanted.close();
    const off = await open(store.adapter()).catch((error: unknown) => error);
    expect(off instanceof MigrationError && off.reason).toBe('tenancy_changed');
    const again = await open(store.adapter(), 'globex'); // any tenant reopens it, and sees only its own
    closers.push(() => again.close());
    expect(await again.customers.count()).toBe(0);
    expect(await again.forTenant('acme').customers.count()).toBe(1);
  });
});
