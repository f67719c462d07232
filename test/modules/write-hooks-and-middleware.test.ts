import { createCrm, type CrmAdapter, type StorageMiddleware, type StorageOperations, type WriteChange, type WriteHook } from 'crmkit';
import { memoryAdapter } from 'crmkit/memory';
import { sqlAdapter } from 'crmkit/sql';
import { describe, expect, it } from 'vitest';

const adapters: readonly { readonly name: string; readonly create: () => CrmAdapter }[] = [
  { name: 'memory', create: () => memoryAdapter() },
  { name: 'sqlite', create: () => sqlAdapter({ dialect: 'sqlite', filename: ':memory:' }) },
];

/** A hook writing an audit interaction for every customer change, into the same atomic block. */
const auditCustomers: WriteHook = async (changes, { storage, now }) => {
  const rows = changes
    .filter((change) => change.collection === 'customers' && change.operation !== 'delete')
    .map((change) => ({
      id: `audit-${change.id}-${change.record!.version}`,
      createdAt: now,
      updatedAt: now,
      version: 1,
      customerId: change.id,
      channel: 'other',
      kind: 'note',
      occurredAt: now,
      custom: {},
    }));
  if (rows.length > 0) await storage.insertMany('interactions', rows as never);
};

describe.each(adapters)('write hooks on $name', ({ create }) => {
  it('see every write of every collection with its operation, record, previous record and patches', async () => {
    const seen: WriteChange[] = [];
    const crm = await createCrm({ adapter: create(), writeHooks: [(changes) => void seen.push(...changes)] });
    const ada = await crm.customers.create({ name: 'Ada' });
    const updated = await crm.customers.update(ada.id, (d) => void d.tags.push('vip'));
    const [many] = await crm.customers.updateMany([{ id: ada.id, recipe: (d) => void (d.name = 'Ada L.') }]);
    const case1 = await crm.cases.create({ customerId: ada.id, subject: 'Help' });
    await crm.cases.delete(case1.id);
    expect(seen.map(({ collection, operation, id }) => [collection, operation, id])).toEqual([
      ['customers', 'create', ada.id],
      ['customers', 'update', ada.id],
      ['customers', 'update', ada.id],
      ['cases', 'create', case1.id],
      ['cases', 'delete', case1.id],
    ]);
    expect(seen[0]).toMatchObject({ record: ada, previous: undefined, patches: [] });
    expect(seen[1]).toMatchObject({ record: updated, previous: ada, patches: [{ op: 'add', path: ['tags', 0], value: 'vip' }] });
    expect(seen[1]!.inversePatches.length).toBeGreaterThan(0);
    expect(seen[2]!.record).toEqual(many!.ok && many!.record);
    expect(seen[4]).toMatchObject({ record: undefined, previous: case1 });
    await crm.close();
  });

  it("write through the block's storage: the hook's rows commit with the change", async () => {
    const crm = await createCrm({ adapter: create(), writeHooks: [auditCustomers] });
    const ada = await crm.customers.create({ name: 'Ada' });
    expect(await crm.adapter.count('interactions', { field: 'customerId', op: 'eq', value: ada.id })).toBe(1);
    await crm.close();
  });

  it("roll back with the change: a hook's write is undone when the transaction fails", async () => {
    const crm = await createCrm({ adapter: create(), writeHooks: [auditCustomers] });
    await expect(
      crm.transaction(async (tx) => {
        await tx.customers.create({ id: 'c-rolled-back', name: 'Ada' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await crm.adapter.getMany('customers', ['c-rolled-back'])).toEqual([undefined]);
    expect(await crm.adapter.count('interactions')).toBe(0);
    await crm.close();
  });

  it('fail the write when one throws: the change and the rows earlier hooks wrote are undone, nothing is emitted', async () => {
    const refuse: WriteHook = () => {
      throw new Error('audit store unavailable');
    };
    const crm = await createCrm({ adapter: create(), writeHooks: [auditCustomers, refuse] });
    const emitted: string[] = [];
    crm.events.on('*', (name) => void emitted.push(String(name)));
    await expect(crm.customers.create({ id: 'c-refused', name: 'Ada' })).rejects.toThrow('audit store unavailable');
    expect(await crm.adapter.getMany('customers', ['c-refused'])).toEqual([undefined]);
    expect(await crm.adapter.count('interactions')).toBe(0);
    expect(emitted).toEqual([]);
    await crm.close();
  });

  it('are not run for a write that changes nothing or fails', async () => {
    const seen: WriteChange[] = [];
    const crm = await createCrm({ adapter: create(), writeHooks: [(changes) => void seen.push(...changes)] });
    const ada = await crm.customers.create({ name: 'Ada' });
    seen.length = 0;
    await crm.customers.update(ada.id, () => {});
    await expect(crm.customers.update(ada.id, (d) => void (d.name = ''))).rejects.toMatchObject({ code: 'validation' });
    await expect(crm.customers.update(ada.id, (d) => void (d.name = 'B'), { expectedVersion: 7 })).rejects.toMatchObject({ code: 'conflict' });
    expect(seen).toEqual([]);
    await crm.close();
  });
});

const kinds = ['insertMany', 'getMany', 'updateMany', 'deleteMany', 'find', 'count', 'scan', 'aggregate'] as const;

/** Records every operation that passes, keeping the optional ones optional. */
function recording(log: string[], tag: string): StorageMiddleware {
  return (next) => {
    const wrapped: StorageOperations = {
      insertMany: (c, r) => (log.push(`${tag}:insertMany:${c}`), next.insertMany(c, r)),
      getMany: (c, ids, o) => (log.push(`${tag}:getMany:${c}`), next.getMany(c, ids, o)),
      updateMany: (c, w) => (log.push(`${tag}:updateMany:${c}`), next.updateMany(c, w)),
      deleteMany: (c, d) => (log.push(`${tag}:deleteMany:${c}`), next.deleteMany(c, d)),
      find: (c, q) => (log.push(`${tag}:find:${c}`), next.find(c, q)),
      count: (c, f) => (log.push(`${tag}:count:${c}`), next.count(c, f)),
    };
    if (next.scan) wrapped.scan = (c, q, b) => (log.push(`${tag}:scan:${c}`), next.scan!(c, q, b));
    if (next.aggregate) wrapped.aggregate = (c, q) => (log.push(`${tag}:aggregate:${c}`), next.aggregate!(c, q));
    return wrapped;
  };
}

describe.each(adapters)('storage middleware on $name', ({ create }) => {
  it('sees every kind of operation, outside and inside transactions, in its order', async () => {
    const log: string[] = [];
    const adapter = create();
    const crm = await createCrm({ adapter, storageMiddleware: [recording(log, 'outer'), recording(log, 'inner')] });
    const ada = await crm.customers.create({ name: 'Ada' });
    await crm.customers.get(ada.id);
    await crm.customers.update(ada.id, (d) => void d.tags.push('vip'));
    await crm.customers.find({ limit: 5 });
    await crm.customers.count();
    for await (const _ of crm.customers.scan()) void _;
    await crm.customers.aggregate({ groupBy: ['lifecycleStage'], measures: [{ name: 'n', fn: 'count' }] });
    await crm.transaction(async (tx) => {
      const bob = await tx.customers.create({ name: 'Bob' });
      await tx.customers.delete(bob.id);
    });
    const outer = new Set(log.filter((line) => line.startsWith('outer:')).map((line) => line.split(':')[1]));
    const offered = kinds.filter((kind) => kind !== 'scan' && kind !== 'aggregate' ? true : (kind === 'scan' ? adapter.scan : adapter.aggregate) !== undefined);
    expect([...outer].sort()).toEqual([...offered].sort());
    // Applied once: each call passes outer, then inner, exactly once.
    for (let i = 0; i < log.length; i += 2) expect([log[i]!.replace('outer:', ''), log[i + 1]!.replace('inner:', '')]).toEqual([log[i]!.replace('outer:', ''), log[i]!.replace('outer:', '')]);
    // The transaction's writes went through it too.
    expect(log.filter((line) => line === 'outer:deleteMany:customers')).toHaveLength(1);
    await crm.close();
  });

  it("can scope what the crm reads (a tenant filter, say) and the crm's answers follow", async () => {
    const hideVips: StorageMiddleware = (next) => ({
      ...next,
      find: (c, q) => next.find(c, { ...q, filter: q.filter === undefined ? notVip : { and: [q.filter, notVip] } }),
    });
    const notVip = { field: 'tags', op: 'nin', value: ['vip'] } as const;
    const crm = await createCrm({ adapter: create(), storageMiddleware: hideVips });
    await crm.customers.createMany([{ name: 'Ada', tags: ['vip'] }, { name: 'Bob' }]);
    expect((await crm.customers.find()).items.map((c) => c.name)).toEqual(['Bob']);
    await crm.close();
  });
});
