// A page read after a cursor must start after it. An adapter that hands back the record the cursor
// points after (it ignores the position, or compares with lte where it means lt) is an adapter
// bug; the core names it with an AdapterError instead of letting a cursor loop read one page for ever.
import { describe, expect, it } from 'vitest';
import { createCrm, isCrmError, type CrmAdapter } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';

/** The memory adapter, but its find drops the keyset position it is given. */
function adapterIgnoringPositions(): CrmAdapter {
  const inner = memoryAdapter();
  const find: CrmAdapter['find'] = (collection, { after: _after, ...query }) => inner.find(collection, query);
  return { ...inner, find, open: (schema) => inner.open(schema), close: () => inner.close(), transaction: (fn) => inner.transaction((tx) => fn({ ...tx, find: (c, { after: _a, ...q }) => tx.find(c, q) })) };
}

describe('a keyset page that does not start after its position', () => {
  it('fails find with an AdapterError, not with a repeated page', async () => {
    const crm = await createCrm({ adapter: adapterIgnoringPositions() });
    await crm.customers.createMany([{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
    const first = await crm.customers.find({ sort: [{ field: 'name', direction: 'asc' }], limit: 2 });
    expect(first.items.map((c) => c.name)).toEqual(['A', 'B']);
    const error = await crm.customers.find({ sort: [{ field: 'name', direction: 'asc' }], limit: 2, cursor: first.nextCursor! }).catch((e: unknown) => e);
    expect(isCrmError(error, 'adapter'), String(error)).toBe(true);
    await crm.close();
  });

  it('fails a scan with an AdapterError instead of streaming the first batch for ever', async () => {
    const inner = adapterIgnoringPositions();
    const crm = await createCrm({ adapter: { ...inner, capabilities: { ...inner.capabilities, scan: false }, scan: undefined } });
    await crm.customers.createMany([{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
    const batches: number[] = [];
    const error = await (async () => {
      for await (const batch of crm.customers.scan({ batchSize: 2 })) batches.push(batch.length);
    })().catch((e: unknown) => e);
    expect(isCrmError(error, 'adapter'), String(error)).toBe(true);
    expect(batches).toEqual([2]);
    await crm.close();
  });

  it('history and every cursor of an unbroken adapter are unaffected', async () => {
    const crm = await createCrm({ adapter: memoryAdapter() });
    const ada = await crm.customers.create({ name: 'Ada' });
    for (let i = 0; i < 4; i++) await crm.customers.update(ada.id, (d) => void (d.name = `Ada ${i}`));
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await crm.customers.history(ada.id, { limit: 2, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.items.map((entry) => entry.recordVersion));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual([5, 4, 3, 2, 1]);
    await crm.close();
  });
});
