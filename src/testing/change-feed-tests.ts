import { describe, expect, it, type ConformanceContext } from './conformance-runner.js';
import type { Actor } from '../services/actor.js';
import type { ChangeFeedEntry } from '../services/change-feed/change-feed-entry.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { expectCrmError } from './expect-crm-error.js';

const grace: Actor = { kind: 'user', id: 'u_42' };

/** Every entry of the feed, oldest first, read in small pages. */
async function wholeFeed(harness: ConformanceHarness): Promise<ChangeFeedEntry[]> {
  const entries: ChangeFeedEntry[] = [];
  let after: string | undefined;
  for (let pages = 1; ; pages++) {
    if (pages > 1000) throw new Error('the change feed: more than 1000 pages; does its cursor advance?');
    const page = await harness.crm.changes.read({ limit: 3, ...(after === undefined ? {} : { after }) });
    if (page.entries.length === 0) return entries;
    entries.push(...page.entries);
    after = page.cursor;
  }
}

/**
 * The durable change feed and its consumers, on every adapter: one entry per
 * committed change, numbered 1, 2, 3, … in commit order, nothing for a write
 * that failed or rolled back. @internal
 */
export function defineChangeFeedTests(harness: () => ConformanceHarness): void {
  describe('change feed', () => {
    it('appends one entry per committed change, in order, numbered without gaps, with actor and changed fields', async () => {
      const h = harness();
      const ada = await h.crm.withActor(grace).customers.create({ name: 'Ada' });
      const [bob, eve] = await h.crm.customers.createMany([{ name: 'Bob' }, { name: 'Eve' }]);
      await h.crm.customers.update(ada.id, (draft) => {
        draft.tags.push('vip');
        draft.custom.tier = 'gold';
      });
      await h.crm.customers.delete(eve!.id);
      const entries = await wholeFeed(h);
      expect(entries.map((entry) => [entry.sequence, entry.recordId, entry.operation, entry.recordVersion])).toEqual([
        [1, ada.id, 'create', 1],
        [2, bob!.id, 'create', 1],
        [3, eve!.id, 'create', 1],
        [4, ada.id, 'update', 2],
        [5, eve!.id, 'delete', 1],
      ]);
      expect(entries[0]).toMatchObject({ collection: 'customers', actor: grace, at: h.clock.now() });
      expect(entries[0]!.changedFields).toContain('name');
      expect(entries[3]!.changedFields).toEqual(['custom.tier', 'tags']);
      expect(entries[4]!.changedFields).toEqual([]);
    });

    it('a refused write appends nothing, and the next write takes the next number', async () => {
      const h = harness();
      const ada = await h.crm.customers.create({ name: 'Ada' });
      await expectCrmError(h.crm.customers.create({ name: '' }), 'validation');
      await expectCrmError(h.crm.customers.createMany([{ name: 'ok' }, { id: ada.id, name: 'taken' }]), 'conflict');
      await expectCrmError(h.crm.customers.update(ada.id, (draft) => void (draft.name = 'x'), { expectedVersion: 7 }), 'conflict');
      await h.crm.customers.update(ada.id, (draft) => void (draft.name = 'Ada L.'));
      expect((await wholeFeed(h)).map((entry) => [entry.sequence, entry.operation])).toEqual([
        [1, 'create'],
        [2, 'update'],
      ]);
    });

    it('a transaction that rolls back leaves no entry and no gap', async (context: ConformanceContext) => {
      const h = harness();
      if (!h.adapter.capabilities.transactions) context.skip(`${h.adapter.name} declares no transactions`);
      await h.crm.customers.create({ name: 'Before' });
      await expect(
        h.crm.transaction(async (tx) => {
          await tx.customers.create({ name: 'Never 1' });
          await tx.customers.create({ name: 'Never 2' });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const after = await h.crm.customers.create({ name: 'After' });
      const entries = await wholeFeed(h);
      expect(entries.map((entry) => entry.sequence)).toEqual([1, 2]);
      expect(entries[1]!.recordId).toBe(after.id);
    });

    it('concurrent writers get distinct consecutive numbers, each change exactly once', async () => {
      const h = harness();
      const created = await Promise.all(Array.from({ length: 12 }, (_, i) => h.crm.customers.create({ name: `C${i}` })));
      await Promise.all(created.map((customer) => h.crm.customers.update(customer.id, (draft) => void draft.tags.push('x'))));
      const entries = await wholeFeed(h);
      expect(entries.map((entry) => entry.sequence)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
      const keys = entries.map((entry) => `${entry.recordId}:${entry.recordVersion}`);
      expect(new Set(keys).size).toBe(24);
      for (const customer of created) {
        const own = entries.filter((entry) => entry.recordId === customer.id);
        expect(own.map((entry) => entry.operation)).toEqual(['create', 'update']);
      }
    });

    it('reads on from a cursor; an empty page keeps the cursor; a bad cursor or limit is an invalid_query error', async () => {
      const h = harness();
      await h.crm.customers.createMany([{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
      const first = await h.crm.changes.read({ limit: 2 });
      expect(first.entries.map((entry) => entry.sequence)).toEqual([1, 2]);
      expect(first.cursor).toBe('2');
      const second = await h.crm.changes.read({ after: first.cursor });
      expect(second.entries.map((entry) => entry.sequence)).toEqual([3]);
      const empty = await h.crm.changes.read({ after: second.cursor });
      expect(empty).toEqual({ entries: [], cursor: '3' });
      for (const after of ['-1', 'x', '1.5', '01']) await expectCrmError(h.crm.changes.read({ after }), 'invalid_query');
      for (const limit of [0, 10_001, 1.5]) await expectCrmError(h.crm.changes.read({ limit }), 'invalid_query');
    });

    it('a consumer hands out each entry once it is acknowledged, and a new handle of the same name goes on from there', async () => {
      const h = harness();
      await h.crm.customers.createMany([{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
      const first = h.crm.changes.consumer('search-index', { batchSize: 2 });
      const batch = await first.next();
      expect(batch!.entries.map((entry) => entry.sequence)).toEqual([1, 2]);
      await first.ack(batch!.cursor);
      await first.ack(batch!.cursor); // twice is harmless
      expect(await first.position()).toBe(2);
      const restarted = h.crm.changes.consumer('search-index', { batchSize: 2 });
      const rest = await restarted.next();
      expect(rest!.entries.map((entry) => entry.sequence)).toEqual([3]);
      await restarted.ack(rest!.cursor);
      expect(await restarted.next()).toBeUndefined();
      await h.crm.customers.create({ name: 'D' });
      expect((await restarted.next())!.entries.map((entry) => entry.sequence)).toEqual([4]);
      const other = h.crm.changes.consumer('warehouse');
      expect((await other.next())!.entries.map((entry) => entry.sequence)).toEqual([1, 2, 3, 4]);
    });

    it('two handles sharing a consumer never take the same entries; a batch not acknowledged in time is handed out again', async () => {
      const h = harness();
      await h.crm.customers.createMany(Array.from({ length: 5 }, (_, i) => ({ name: `C${i}` })));
      const a = h.crm.changes.consumer('mailer', { batchSize: 2, leaseMs: 10_000 });
      const b = h.crm.changes.consumer('mailer', { batchSize: 2, leaseMs: 10_000 });
      const fromA = await a.next();
      const fromB = await b.next();
      expect(fromA!.entries.map((entry) => entry.sequence)).toEqual([1, 2]);
      expect(fromB!.entries.map((entry) => entry.sequence)).toEqual([3, 4]);
      await b.ack(fromB!.cursor);
      expect(await a.position()).toBe(0); // 1–2 still open
      h.clock.advance(10_000); // a "dies": its lease runs out
      const retaken = await b.next();
      expect(retaken!.entries.map((entry) => entry.sequence)).toEqual([1, 2]);
      await b.ack(retaken!.cursor);
      expect(await b.position()).toBe(4);
      expect((await b.next())!.entries.map((entry) => entry.sequence)).toEqual([5]);
    });

    it('refuses bad consumer names, options and cursors with typed errors', async () => {
      const h = harness();
      await h.crm.customers.create({ name: 'A' });
      for (const name of ['', 'has space', 'x'.repeat(129), 42]) await expectCrmError(() => h.crm.changes.consumer(name as never), 'validation');
      await expectCrmError(() => h.crm.changes.consumer('ok', { batchSize: 0 }), 'validation');
      await expectCrmError(() => h.crm.changes.consumer('ok', { leaseMs: -1 }), 'validation');
      const batch = await h.crm.changes.consumer('one').next();
      await expectCrmError(h.crm.changes.consumer('two').ack(batch!.cursor), 'invalid_query');
      await expectCrmError(h.crm.changes.consumer('one').ack('garbage'), 'invalid_query');
    });

    it('prune deletes only what every consumer has passed and what is older than the date', async () => {
      const h = harness();
      await h.crm.customers.createMany([{ name: 'A' }, { name: 'B' }]);
      h.clock.advance(60_000);
      await h.crm.customers.createMany([{ name: 'C' }, { name: 'D' }]);
      const slow = h.crm.changes.consumer('slow', { batchSize: 1 });
      const fast = h.crm.changes.consumer('fast');
      await slow.ack((await slow.next())!.cursor);
      await fast.ack((await fast.next())!.cursor);
      expect(await h.crm.changes.prune({ before: h.clock.now() })).toEqual({ deleted: 1 }); // slow passed 1 only
      expect((await wholeFeed(h)).map((entry) => entry.sequence)).toEqual([2, 3, 4]);
      await slow.ack((await slow.next())!.cursor);
      await slow.ack((await slow.next())!.cursor);
      expect(await h.crm.changes.prune({ before: h.clock.now() })).toEqual({ deleted: 1 }); // 3 is not older than the date
      expect((await wholeFeed(h)).map((entry) => entry.sequence)).toEqual([3, 4]);
      await expectCrmError(h.crm.changes.prune({ before: new Date(Number.NaN) }), 'validation');
    });
  });
}
