import { describe, expect, it, type ConformanceContext } from './conformance-runner.js';
import type { StoredRecord } from '../storage/stored-record.js';
import type { ConformanceHarness } from './conformance-harness.js';

/** How many updates race in the many-writers tests: enough that a lost update cannot hide, few enough for CI. */
const racers = 1000;

/** How many transactions race straight at the adapter. */
const adapterRacers = 50;

/** Room for a slow server: 1,000 serialized updates take a few seconds on a real database. */
const manyWritersTimeout = 120_000;

/**
 * Updates without `expectedVersion` all land, however many race: through the
 * crm (1,000 concurrent increments of a custom counter end at exactly 1,000),
 * and straight at the adapter (`getMany` with `forUpdate` inside a transaction
 * holds the record, so a read-modify-write never loses a compare-and-set).
 * Self-contained: it needs only a harness.
 *
 * @internal
 */
export function defineConcurrentUpdateTests(harness: () => ConformanceHarness): void {
  describe('concurrent updates without expectedVersion', () => {
    it(`${racers} concurrent increments of a custom counter end at exactly ${racers}`, async () => {
      const { crm } = harness();
      const counter = await crm.customers.create({ name: 'Counter', custom: { score: 0 } });
      let events = 0;
      crm.events.on('customer.updated', () => void events++);
      const results = await Promise.allSettled(
        Array.from({ length: racers }, () => crm.customers.update(counter.id, (d) => void (d.custom.score = (d.custom.score ?? 0) + 1))),
      );
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
      expect(failures.slice(0, 3), `${failures.length} updates failed`).toEqual([]);
      const stored = await crm.customers.get(counter.id);
      expect(stored.custom.score).toBe(racers);
      expect(stored.version).toBe(racers + 1);
      expect(events).toBe(racers);
      // Every update saw the record its predecessor wrote: the versions it returned are all different.
      const versions = results.map((r) => (r as PromiseFulfilledResult<{ version: number }>).value.version);
      expect(new Set(versions).size).toBe(racers);
    }, { timeout: manyWritersTimeout });

    it('concurrent increments of two counters on one record: neither loses a write', async () => {
      const { crm } = harness();
      const record = await crm.customers.create({ name: 'Two counters', custom: { score: 0 }, tags: [] });
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          i % 2 === 0
            ? crm.customers.update(record.id, (d) => void (d.custom.score = (d.custom.score ?? 0) + 1))
            : crm.customers.update(record.id, (d) => void d.tags.push(`t${i}`)),
        ),
      );
      const stored = await crm.customers.get(record.id);
      expect(stored.custom.score).toBe(50);
      expect(stored.tags).toHaveLength(50);
      expect(stored.version).toBe(101);
    }, { timeout: manyWritersTimeout });

    it('getMany accepts { forUpdate } and reads the same records with or without it', async () => {
      const { crm, adapter } = harness();
      const [a, b] = await crm.customers.createMany([{ name: 'a' }, { name: 'b' }]);
      const ids = [b!.id, 'missing', a!.id];
      const plain = await adapter.getMany('customers', ids);
      expect(await adapter.getMany('customers', ids, { forUpdate: true })).toEqual(plain);
      expect(await adapter.getMany('customers', ids, { forUpdate: false })).toEqual(plain);
      if (!adapter.capabilities.transactions) return;
      const inside = await adapter.transaction((tx) => tx.getMany('customers', ids, { forUpdate: true }));
      expect(inside).toEqual(plain);
    });

    it(`straight at the adapter: ${adapterRacers} transactions reading with forUpdate and writing version + 1 never conflict`, async (context: ConformanceContext) => {
      const { crm, adapter } = harness();
      if (!adapter.capabilities.transactions) {
        context.skip('the adapter has no transactions: forUpdate means nothing and the core retries its compare-and-set');
        return;
      }
      const record = await crm.customers.create({ name: 'Held', custom: { score: 0 } });
      const outcomes = await Promise.all(
        Array.from({ length: adapterRacers }, () =>
          adapter.transaction(async (tx) => {
            const [current] = await tx.getMany('customers', [record.id], { forUpdate: true });
            const custom = current!.custom as { score: number };
            const next: StoredRecord = { ...current!, version: current!.version + 1, custom: { ...custom, score: custom.score + 1 } };
            const [outcome] = await tx.updateMany('customers', [{ record: next, expectedVersion: current!.version }]);
            return outcome!;
          }),
        ),
      );
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      const [stored] = await adapter.getMany('customers', [record.id]);
      expect(stored).toMatchObject({ version: adapterRacers + 1, custom: { score: adapterRacers } });
    }, { timeout: manyWritersTimeout });
  });
}
