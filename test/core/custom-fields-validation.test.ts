import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCrm, type Crm, type CustomFieldSchemas } from 'crmkit';
import { expectCrmError, expectNothingWritten } from 'crmkit/testing';
import { coreAdapters } from './core-adapters.js';

const customFields = {
  customers: z.object({
    tier: z.string(),
    visits: z.number().int().default(0),
    address: z.object({ city: z.string() }).optional(),
    labels: z.array(z.object({ name: z.string() })).optional(),
    byShop: z.record(z.string(), z.object({ id: z.string() })).optional(),
  }),
} satisfies CustomFieldSchemas;

describe.each(coreAdapters)('custom fields under a host schema ($name)', ({ create }) => {
  let crm: Crm<typeof customFields>;
  afterEach(() => crm?.close());
  const open = async () => (crm = await createCrm({ adapter: create(), customFields }));
  const nothing = (action: () => unknown) => expectNothingWritten(crm as unknown as Crm, action);

  it('refuses a create without custom when the host schema requires a field, and writes nothing', async () => {
    await open();
    const error = await nothing(() => crm.customers.create({ name: 'Ada' }));
    expect(error.issues).toContainEqual(expect.objectContaining({ code: 'invalid_type', path: ['custom', 'tier'] }));
    expect(await crm.adapter.count('customers')).toBe(0);
  });

  it('refuses the same in createMany, with the item index', async () => {
    await open();
    const error = await nothing(() =>
      crm.customers.createMany([{ name: 'Ada', custom: { tier: 'gold' } }, { name: 'Bob' }]),
    );
    expect(error.issues.map((i) => i.path)).toContainEqual([1, 'custom', 'tier']);
  });

  it("applies the host schema's inner defaults when they are not given", async () => {
    await open();
    const ada = await crm.customers.create({ name: 'Ada', custom: { tier: 'gold' } });
    expect(ada.custom).toEqual({ tier: 'gold', visits: 0 });
    const [stored] = await crm.adapter.getMany('customers', [ada.id]);
    expect(stored!.custom).toEqual({ tier: 'gold', visits: 0 });
  });

  it('runs the host schema on update and updateMany: a recipe that deletes a required field is refused', async () => {
    await open();
    const ada = await crm.customers.create({ name: 'Ada', custom: { tier: 'gold' } });
    const error = await nothing(() =>
      crm.customers.update(ada.id, (draft) => {
        delete (draft.custom as { tier?: string }).tier;
      }),
    );
    expect(error.issues.map((i) => i.path)).toContainEqual(['custom', 'tier']);
    const many = await expectCrmError(
      crm.customers.updateMany([{ id: ada.id, recipe: (draft) => void ((draft as { custom: unknown }).custom = {}) }]),
      'validation',
    );
    expect(many.issues.map((i) => i.path)).toContainEqual([0, 'custom', 'tier']);
    expect((await crm.customers.get(ada.id)).version).toBe(1);
  });

  it('refuses an undeclared custom key instead of dropping it, at the top and in nested objects', async () => {
    await open();
    const top = await nothing(() =>
      crm.customers.create({ name: 'Ada', custom: { tier: 'gold', tierr: 'typo' } as never }),
    );
    expect(top.issues).toContainEqual(expect.objectContaining({ code: 'unrecognized_keys', path: ['custom'] }));
    const nested = await nothing(() =>
      crm.customers.create({ name: 'Ada', custom: { tier: 'gold', address: { city: 'Paris', zip: '75001' } } as never }),
    );
    expect(nested.issues).toContainEqual(expect.objectContaining({ code: 'unrecognized_keys', path: ['custom', 'address'] }));
    const inArray = await nothing(() =>
      crm.customers.create({ name: 'Ada', custom: { tier: 'gold', labels: [{ name: 'a', colour: 'red' }] } as never }),
    );
    expect(inArray.issues).toContainEqual(expect.objectContaining({ code: 'unrecognized_keys', path: ['custom', 'labels', 0] }));
    const inRecord = await nothing(() =>
      crm.customers.create({ name: 'Ada', custom: { tier: 'gold', byShop: { eu: { id: '1', extra: true } } } as never }),
    );
    expect(inRecord.issues).toContainEqual(expect.objectContaining({ code: 'unrecognized_keys', path: ['custom', 'byShop', 'eu'] }));
  });

  it('keeps a catch-all the host chose on purpose (z.looseObject)', async () => {
    crm = (await createCrm({
      adapter: create(),
      customFields: { customers: z.looseObject({ tier: z.string() }) },
    })) as unknown as Crm<typeof customFields>;
    const ada = await crm.customers.create({ name: 'Ada', custom: { tier: 'gold', extra: 1 } as never });
    expect((await crm.customers.get(ada.id)).custom).toEqual({ tier: 'gold', extra: 1 });
  });
});

describe.each(coreAdapters)('reserved names in custom data ($name)', ({ create }) => {
  let crm: Crm;
  afterEach(() => crm?.close());

  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a key anywhere in free-JSON custom data', async (key) => {
    crm = await createCrm({ adapter: create() });
    const top = await expectNothingWritten(crm, () => crm.customers.create({ name: 'Ada', custom: JSON.parse(`{"${key}": {"x": 1}}`) }));
    expect(top.issues).toContainEqual(expect.objectContaining({ code: 'reserved_key', path: ['custom', key] }));
    const deep = await expectNothingWritten(crm, () =>
      crm.customers.create({ name: 'Ada', custom: { list: [JSON.parse(`{"ok": 1, "${key}": 2}`)] } }),
    );
    expect(deep.issues).toContainEqual(expect.objectContaining({ code: 'reserved_key', path: ['custom', 'list', 0, key] }));
  });

  it('refuses a reserved key brought in by an update recipe', async () => {
    crm = await createCrm({ adapter: create() });
    const ada = await crm.customers.create({ name: 'Ada', custom: { a: 1 } });
    const error = await expectNothingWritten(crm, () =>
      crm.customers.update(ada.id, (draft) => {
        draft.custom = JSON.parse('{"a": 1, "__proto__": {"polluted": true}}');
      }),
    );
    expect(error.issues.map((i) => i.code)).toContain('reserved_key');
  });

  it.each(['__proto__', 'constructor', 'prototype'])('createCrm refuses a host schema declaring %s, also nested', async (key) => {
    const top = await expectCrmError(
      createCrm({ adapter: create(), customFields: { customers: z.object({ [key]: z.string().optional() }) } }),
      'validation',
    );
    expect(top.issues).toContainEqual(expect.objectContaining({ code: 'reserved_key', path: ['customFields', 'customers', key] }));
    const nested = await expectCrmError(
      createCrm({ adapter: create(), customFields: { deals: z.object({ meta: z.object({ [key]: z.string() }).optional() }) } }),
      'validation',
    );
    expect(nested.issues).toContainEqual(
      expect.objectContaining({ code: 'reserved_key', path: ['customFields', 'deals', 'meta', key] }),
    );
  });
});
