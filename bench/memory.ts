import { createCrm, where, type Customer, type Interaction, type ReadonlyRecord, type StorageFilter } from '../src/index.js';
import { buildRecordSchema } from '../src/schema/index.js';
import { models } from '../src/services/index.js';
import { memoryAdapter } from '../adapters/memory/index.js';
import { heapMiB, medianTime, ms, timeOnce } from './measure.js';
import { syntheticCustomers, syntheticInteractions } from './synthetic-data.js';

/**
 * The memory adapter at scale: load customers and interactions through the crm
 * (validated, indexed), then a filtered query and a customer's timeline, each
 * against plain arrays doing the same filtering on the same records.
 */
export async function benchMemory(customerCount: number, interactionCount: number): Promise<string[]> {
  const lines: string[] = [];
  const say = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  const customers = syntheticCustomers(customerCount);
  const interactions = syntheticInteractions(interactionCount, customerCount);
  const heapBefore = heapMiB();

  const crm = await createCrm({ adapter: memoryAdapter() });
  const batch = 10_000;
  const loadCustomers = await timeOnce(async () => {
    for (let i = 0; i < customers.length; i += batch) await crm.customers.createMany(customers.slice(i, i + batch));
  });
  const loadInteractions = await timeOnce(async () => {
    for (let i = 0; i < interactions.length; i += batch) await crm.interactions.createMany(interactions.slice(i, i + batch));
  });
  const heapAfter = heapMiB();

  // The same validation alone, to show what the adapter and core add on top of zod.
  const interactionSchema = buildRecordSchema(models.interactions);
  const now = new Date();
  const parseOnly = await timeOnce(() => {
    for (const [i, input] of interactions.entries()) {
      interactionSchema.parse({ ...input, id: `i${i}`, createdAt: now, updatedAt: now, version: 1 });
    }
  });

  say(`load: ${customerCount.toLocaleString('en')} customers in ${ms(loadCustomers)} (${Math.round(customerCount / (loadCustomers / 1000)).toLocaleString('en')}/s)`);
  say(`load: ${interactionCount.toLocaleString('en')} interactions in ${ms(loadInteractions)} (${Math.round(interactionCount / (loadInteractions / 1000)).toLocaleString('en')}/s); zod parsing alone ${ms(parseOnly)} (ratio ${(loadInteractions / parseOnly).toFixed(2)}x)`);
  say(`heap: ${(heapAfter - heapBefore).toFixed(0)} MiB for the stored records and indexes (${(((heapAfter - heapBefore) * 1024 * 1024) / (customerCount + interactionCount)).toFixed(0)} bytes per record)`);

  // Plain arrays holding the very same stored records.
  const plain: ReadonlyRecord<Interaction>[] = [];
  for await (const page of crm.interactions.scan({ batchSize: 10_000 })) plain.push(...page);

  const since = new Date(Date.UTC(2024, 5, 1));
  const filtered = where.and(where('kind', 'eq', 'purchase'), where('occurredAt', 'gte', since), where('purchase.amount', 'gte', 10_000));
  const byTimeDesc = (a: ReadonlyRecord<Interaction>, b: ReadonlyRecord<Interaction>) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : -1);
  const crmFiltered = await medianTime(() => crm.interactions.find({ where: filtered, sort: [{ field: 'occurredAt', direction: 'desc' }], limit: 50 }), 7);
  const plainFiltered = await medianTime(
    () =>
      plain
        .filter((r) => r.kind === 'purchase' && r.occurredAt.getTime() >= since.getTime() && (r.purchase?.amount ?? -1) >= 10_000)
        .sort(byTimeDesc)
        .slice(0, 50),
    7,
  );
  say(`filtered query (kind, date range, amount; sorted; first page of 50): crmkit ${ms(crmFiltered)}, plain arrays ${ms(plainFiltered)}, ratio ${(crmFiltered / plainFiltered).toFixed(2)}x`);

  const customerId = 'c000123';
  const timeline = where('customerId', 'eq', customerId);
  const crmTimeline = await medianTime(() => crm.interactions.find({ where: timeline, sort: [{ field: 'occurredAt', direction: 'desc' }], limit: 50 }));
  const plainTimeline = await medianTime(() => plain.filter((r) => r.customerId === customerId).sort(byTimeDesc).slice(0, 50));
  say(`customer timeline (${(await crm.interactions.count(timeline))} interactions, newest 50): crmkit ${ms(crmTimeline)}, plain array scan ${ms(plainTimeline)}, ratio ${(crmTimeline / plainTimeline).toFixed(3)}x`);

  const segment: StorageFilter = { and: [{ field: 'lifecycleStage', op: 'eq', value: 'customer' }, { field: 'tags', op: 'contains', value: 'vip' }] };
  const crmCount = await medianTime(() => crm.customers.count(segment));
  const plainCustomers: ReadonlyRecord<Customer>[] = [];
  for await (const page of crm.customers.scan({ batchSize: 10_000 })) plainCustomers.push(...page);
  const plainCount = await medianTime(() => plainCustomers.filter((c) => c.lifecycleStage === 'customer' && c.tags.includes('vip')).length);
  say(`count of customers by stage and tag: crmkit ${ms(crmCount)}, plain array ${ms(plainCount)}, ratio ${(crmCount / plainCount).toFixed(2)}x`);
  await crm.close();
  return lines;
}
