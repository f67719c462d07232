import { withoutReason } from './without-reason.js';
import { describe, expect, it } from './conformance-runner.js';
import { isCrmError } from '../storage/errors.js';
import type { StoredRecord } from '../storage/stored-record.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { expectCrmError } from './expect-crm-error.js';
import { rawCustomer } from './raw-records.js';
import { recordEvents } from './record-events.js';

/** Optimistic concurrency: version compare-and-set through the crm and straight at the adapter. @internal */
export function defineConcurrencyTests(harness: () => ConformanceHarness): void {
  describe('concurrency', () => {
    describe('expectedVersion', () => {
      it('update with the current version succeeds', async () => {
        const { crm } = harness();
        const ada = await crm.customers.create({ name: 'Ada' });
        const updated = await crm.customers.update(ada.id, (d) => void (d.name = 'Ada L.'), { expectedVersion: 1 });
        expect(updated.version).toBe(2);
      });

      it('update with a stale version fails with conflict and changes nothing', async () => {
        const { crm } = harness();
        const ada = await crm.customers.create({ name: 'Ada' });
        const v2 = await crm.customers.update(ada.id, (d) => void (d.name = 'Ada v2'));
        const recording = recordEvents(crm);
        await expectCrmError(crm.customers.update(ada.id, (d) => void (d.name = 'Ada stale'), { expectedVersion: 1 }), 'conflict');
        expect(await crm.customers.get(ada.id)).toEqual(v2);
        expect(recording.names()).toEqual([]);
      });

      it('update with a version from the future fails with conflict', async () => {
        const { crm } = harness();
        const ada = await crm.customers.create({ name: 'Ada' });
        await expectCrmError(crm.customers.update(ada.id, (d) => void (d.name = 'x'), { expectedVersion: 2 }), 'conflict');
        expect(await crm.customers.get(ada.id)).toEqual(ada);
      });

      it('the conflict error names the collection and id', async () => {
        const { crm } = harness();
        const ada = await crm.customers.create({ name: 'Ada' });
        await crm.customers.update(ada.id, (d) => void (d.name = 'Ada v2'));
        const error = await expectCrmError(crm.customers.update(ada.id, (d) => void (d.name = 'x'), { expectedVersion: 1 }), 'conflict');
        expect(error).toMatchObject({ collection: 'customers', id: ada.id });
      });

      it('delete with a stale version fails with conflict and deletes nothing', async () => {
        const { crm } = harness();
        const ada = await crm.customers.create({ name: 'Ada' });
        const v2 = await crm.customers.update(ada.id, (d) => void (d.name = 'Ada v2'));
        await expectCrmError(crm.customers.delete(ada.id, { expectedVersion: 1 }), 'conflict');
        expect(await crm.customers.get(ada.id)).toEqual(v2);
      });

      it('delete with the current version succeeds', async () => {
        const { crm } = harness();
        const ada = await crm.customers.create({ name: 'Ada' });
        await crm.customers.update(ada.id, (d) => void (d.name = 'Ada v2'));
        await crm.customers.delete(ada.id, { expectedVersion: 2 });
        expect(await crm.customers.count()).toBe(0);
      });

      it('of two updates racing with the same expectedVersion exactly one wins', async () => {
        const { crm } = harness();
        const ada = await crm.customers.create({ name: 'Ada' });
        const results = await Promise.allSettled([
          crm.customers.update(ada.id, (d) => void (d.name = 'first'), { expectedVersion: 1 }),
          crm.customers.update(ada.id, (d) => void (d.name = 'second'), { expectedVersion: 1 }),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(isCrmError((lost[0] as PromiseRejectedResult).reason, 'conflict')).toBe(true);
        const stored = await crm.customers.get(ada.id);
        expect(stored.version).toBe(2);
        expect(stored.name).toBe((won[0] as PromiseFulfilledResult<{ name: string }>).value.name);
      });
    });

    describe('without expectedVersion', () => {
      it('concurrent updates both land: the loser re-runs its recipe on the fresh record', async () => {
        const { crm } = harness();
        const ada = await crm.customers.create({ name: 'Ada' });
        await Promise.all([
          crm.customers.update(ada.id, (d) => void d.tags.push('one')),
          crm.customers.update(ada.id, (d) => void d.tags.push('two')),
          crm.customers.update(ada.id, (d) => void d.tags.push('three')),
        ]);
        const stored = await crm.customers.get(ada.id);
        expect([...stored.tags].sort()).toEqual(['one', 'three', 'two']);
        expect(stored.version).toBe(4);
      });

      it('concurrent increments of a number lose no increment', async () => {
        const { crm } = harness();
        const ada = await crm.customers.create({ name: 'Ada', custom: { score: 0 } });
        await Promise.all(Array.from({ length: 4 }, () => crm.customers.update(ada.id, (d) => void (d.custom.score = (d.custom.score ?? 0) + 1))));
        expect((await crm.customers.get(ada.id)).custom.score).toBe(4);
      });

      it('each update emits one updated event whose previous is the record it replaced', async () => {
        const { crm } = harness();
        const ada = await crm.customers.create({ name: 'Ada' });
        const recording = recordEvents(crm);
        await Promise.all([
          crm.customers.update(ada.id, (d) => void d.tags.push('one')),
          crm.customers.update(ada.id, (d) => void d.tags.push('two')),
        ]);
        const payloads = recording.events.map((e) => e.payload as { record: { version: number }; previous: { version: number } });
        expect(recording.names()).toEqual(['customer.updated', 'customer.updated']);
        expect(payloads.map((p) => [p.previous.version, p.record.version]).sort()).toEqual([
          [1, 2],
          [2, 3],
        ]);
      });

      it('an update racing a delete fails with not_found', async () => {
        const { crm } = harness();
        const ada = await crm.customers.create({ name: 'Ada' });
        await crm.customers.delete(ada.id);
        await expectCrmError(crm.customers.update(ada.id, (d) => void (d.name = 'x')), 'not_found');
        expect(await crm.customers.count()).toBe(0);
      });
    });

    describe('ids', () => {
      it('create with an id that is taken fails with conflict and leaves the stored record alone', async () => {
        const { crm } = harness();
        const original = await crm.customers.create({ id: 'taken', name: 'Original', tags: ['keep'] });
        const recording = recordEvents(crm);
        await expectCrmError(crm.customers.create({ id: 'taken', name: 'Impostor' }), 'conflict');
        expect(await crm.customers.get('taken')).toEqual(original);
        expect(await crm.customers.count()).toBe(1);
        expect(recording.names()).toEqual([]);
      });

      it('createMany with one taken id fails with conflict and writes none of the batch', async () => {
        const { crm } = harness();
        const original = await crm.customers.create({ id: 'taken', name: 'Original' });
        const recording = recordEvents(crm);
        await expectCrmError(
          crm.customers.createMany([{ name: 'new one' }, { id: 'taken', name: 'Impostor' }, { name: 'new two' }]),
          'conflict',
        );
        expect((await crm.customers.find()).items).toEqual([original]);
        expect(recording.names()).toEqual([]);
      });

      it('createMany with the same id twice in the batch fails with validation and writes nothing', async () => {
        const { crm } = harness();
        const error = await expectCrmError(crm.customers.createMany([{ id: 'twin', name: 'one' }, { id: 'twin', name: 'two' }]), 'validation');
        expect(error.issues.map((i) => i.path)).toContainEqual([1, 'id']);
        expect(await crm.customers.count()).toBe(0);
      });

      it('ids are compared exactly: case and trailing spaces make another id', async () => {
        const { crm } = harness();
        await crm.customers.create({ id: 'abc', name: 'lower' });
        await crm.customers.create({ id: 'ABC', name: 'upper' });
        await crm.customers.create({ id: 'abc ', name: 'trailing space' });
        const found = await crm.customers.getMany(['abc', 'ABC', 'abc ', 'Abc']);
        expect(found.map((r) => r?.name)).toEqual(['lower', 'upper', 'trailing space', undefined]);
      });
    });

    describe('bulk results', () => {
      it('updateMany reports ok, not_found and conflict per item, in input order, and writes only the ok ones', async () => {
        const { crm } = harness();
        const [a, b, c] = await crm.customers.createMany([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
        await crm.customers.update(b!.id, (d) => void (d.name = 'b2'));
        const recording = recordEvents(crm);
        const results = await crm.customers.updateMany([
          { id: a!.id, recipe: (d) => void (d.name = 'a updated') },
          { id: 'missing', recipe: (d) => void (d.name = 'ghost') },
          { id: b!.id, recipe: (d) => void (d.name = 'b stale'), expectedVersion: 1 },
          { id: c!.id, recipe: (d) => void (d.name = 'c updated'), expectedVersion: 1 },
        ]);
        expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'not_found', 'conflict', 'ok']);
        expect(results[0]!.ok && results[0]!.record.name).toBe('a updated');
        expect((await crm.customers.find()).items.map((r) => [r.name, r.version])).toEqual([
          ['a updated', 2],
          ['b2', 2],
          ['c updated', 2],
        ]);
        expect(recording.names()).toEqual(['customer.updated', 'customer.updated']);
      });

      it('updateMany with a recipe that changes nothing reports ok without writing', async () => {
        const { crm } = harness();
        const a = await crm.customers.create({ name: 'a' });
        const [result] = await crm.customers.updateMany([{ id: a.id, recipe: () => {} }]);
        expect(result).toEqual({ ok: true, record: a });
        expect((await crm.customers.get(a.id)).version).toBe(1);
      });

      it('updateMany of the same record twice: the second item conflicts', async () => {
        const { crm } = harness();
        const a = await crm.customers.create({ name: 'a' });
        const results = await crm.customers.updateMany([
          { id: a.id, recipe: (d) => void (d.name = 'first') },
          { id: a.id, recipe: (d) => void (d.name = 'second') },
        ]);
        expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'conflict']);
        expect((await crm.customers.get(a.id)).name).toBe('first');
      });

      it('deleteMany reports ok, not_found and conflict per item and deletes only the ok ones', async () => {
        const { crm } = harness();
        const [a, b, c] = await crm.customers.createMany([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
        const recording = recordEvents(crm);
        const results = await crm.customers.deleteMany([{ id: a!.id, expectedVersion: 1 }, 'missing', { id: b!.id, expectedVersion: 2 }, c!.id]);
        expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'not_found', 'conflict', 'ok']);
        expect((await crm.customers.find()).items.map((r) => r.name)).toEqual(['b']);
        expect(recording.names()).toEqual(['customer.deleted', 'customer.deleted']);
      });

      it('deleteMany of the same id twice deletes it once and reports not_found for the second', async () => {
        const { crm } = harness();
        const a = await crm.customers.create({ name: 'a' });
        const results = await crm.customers.deleteMany([a.id, a.id]);
        expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'not_found']);
        expect(await crm.customers.count()).toBe(0);
      });
    });

    describe('the adapter’s compare-and-set', () => {
      const record = (id: string, version = 1, name = id): StoredRecord => rawCustomer(id, { version, name });

      it('insertMany reports conflict for a taken id and keeps the stored record', async () => {
        const { adapter } = harness();
        expect(await adapter.insertMany('customers', [record('a', 1, 'first')])).toEqual([{ ok: true }]);
        const outcomes = await adapter.insertMany('customers', [record('b'), record('a', 1, 'second'), record('c')]);
        expect(outcomes.map(withoutReason)).toEqual([{ ok: true }, { ok: false, code: 'conflict' }, { ok: true }]);
        const [a] = await adapter.getMany('customers', ['a']);
        expect(a?.name).toBe('first');
      });

      it('insertMany reports conflict for an id repeated within the batch', async () => {
        const { adapter } = harness();
        const outcomes = await adapter.insertMany('customers', [record('a', 1, 'first'), record('a', 1, 'second')]);
        expect(outcomes.map(withoutReason)).toEqual([{ ok: true }, { ok: false, code: 'conflict' }]);
        expect((await adapter.getMany('customers', ['a']))[0]?.name).toBe('first');
      });

      it('updateMany writes only where the stored version is the expected one', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', [record('a'), record('b')]);
        const outcomes = await adapter.updateMany('customers', [
          { record: record('a', 2, 'a2'), expectedVersion: 1 },
          { record: record('b', 3, 'b3'), expectedVersion: 2 },
          { record: record('zz', 2), expectedVersion: 1 },
        ]);
        expect(outcomes.map(withoutReason)).toEqual([{ ok: true }, { ok: false, code: 'conflict' }, { ok: false, code: 'not_found' }]);
        const [a, b, zz] = await adapter.getMany('customers', ['a', 'b', 'zz']);
        expect([a?.name, a?.version, b?.name, b?.version, zz]).toEqual(['a2', 2, 'b', 1, undefined]);
      });

      it('updateMany of one record twice in a batch: the second item sees the first one’s version', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', [record('a')]);
        const outcomes = await adapter.updateMany('customers', [
          { record: record('a', 2, 'a2'), expectedVersion: 1 },
          { record: record('a', 2, 'a2 again'), expectedVersion: 1 },
        ]);
        expect(outcomes.map(withoutReason)).toEqual([{ ok: true }, { ok: false, code: 'conflict' }]);
        expect((await adapter.getMany('customers', ['a']))[0]?.name).toBe('a2');
      });

      it('deleteMany reports not_found for a missing id and conflict for a wrong version', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', [record('a'), record('b'), record('c')]);
        const outcomes = await adapter.deleteMany('customers', [
          { id: 'missing' },
          { id: 'a', expectedVersion: 2 },
          { id: 'b', expectedVersion: 1 },
          { id: 'c' },
        ]);
        expect(outcomes.map(withoutReason)).toEqual([{ ok: false, code: 'not_found' }, { ok: false, code: 'conflict' }, { ok: true }, { ok: true }]);
        expect((await adapter.getMany('customers', ['a', 'b', 'c'])).map((r) => r?.id)).toEqual(['a', undefined, undefined]);
      });

      it('empty batches are answered with empty outcome lists', async () => {
        const { adapter } = harness();
        expect(await adapter.insertMany('customers', [])).toEqual([]);
        expect(await adapter.updateMany('customers', [])).toEqual([]);
        expect(await adapter.deleteMany('customers', [])).toEqual([]);
        expect(await adapter.getMany('customers', [])).toEqual([]);
      });

      it('a record read back is equal to the one written, dates as dates', async () => {
        const { adapter } = harness();
        const written = { ...record('a'), custom: { since: new Date('1999-12-31T23:59:59.999Z'), score: -0.5 } };
        await adapter.insertMany('customers', [written]);
        const [read] = await adapter.getMany('customers', ['a']);
        expect(read).toEqual(written);
        expect((read!.custom as { since: unknown }).since).toBeInstanceOf(Date);
      });
    });
  });
}
