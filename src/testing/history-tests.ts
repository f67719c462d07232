import { describe, expect, it, type ConformanceContext } from './conformance-runner.js';
import type { Actor } from '../services/actor.js';
import { systemActor } from '../services/actor.js';
import type { HistoryEntry } from '../services/history/history-entry.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { expectCrmError } from './expect-crm-error.js';

const grace: Actor = { kind: 'user', id: 'u_42', name: 'Grace' };

/** Every entry of a record's history, oldest first. */
async function historyOf(harness: ConformanceHarness, collection: 'customers' | 'interactions', id: string): Promise<HistoryEntry[]> {
  const entries: HistoryEntry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    if (++pages > 1000) throw new Error(`history of ${id}: more than 1000 pages; does the cursor advance?`);
    const page = await harness.crm[collection].history(id, { limit: 2, ...(cursor === undefined ? {} : { cursor }) });
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return entries.reverse();
}

/** The fields of an entry as `path → [old, new]`, redacted ones as `'redacted'`. */
function fieldMap(entry: HistoryEntry): Record<string, unknown> {
  return Object.fromEntries(entry.fields.map((field) => [field.path, field.redacted === true ? 'redacted' : [field.old, field.new]]));
}

/**
 * Record history: one entry per create, update and delete, written with the
 * change and rolled back with it, on every adapter (the entries are records of
 * the `historyEntries` collection the adapter stores like any other). @internal
 */
export function defineHistoryTests(harness: () => ConformanceHarness): void {
  describe('history', () => {
    it('a create is an entry with the actor, the time, version 1 and every field set', async () => {
      const h = harness();
      const ada = await h.crm.withActor(grace).customers.create({ name: 'Ada', emails: ['ada@example.com'], tags: ['vip'] });
      const [created, ...rest] = await historyOf(h, 'customers', ada.id);
      expect(rest).toEqual([]);
      expect(created).toMatchObject({ collection: 'customers', recordId: ada.id, operation: 'create', recordVersion: 1, actor: grace, at: h.clock.now() });
      const fields = fieldMap(created!);
      expect(fields.name).toEqual([undefined, 'Ada']);
      expect(fields.emails).toEqual([undefined, ['ada@example.com']]);
      expect(fields.tags).toEqual([undefined, ['vip']]);
      expect(Object.keys(fields)).not.toContain('id');
      expect(Object.keys(fields)).not.toContain('version');
    });

    it('an update keeps old and new values per field: nested fields, whole lists, several fields at once', async () => {
      const h = harness();
      const ada = await h.crm.customers.create({ name: 'Ada', tags: ['a'], addresses: [{ line1: '1 Rue', city: 'Paris', country: 'FR' }], custom: { tier: 'gold' } });
      h.clock.advance(60_000);
      await h.crm.withActor(grace).customers.update(ada.id, (draft) => {
        draft.name = 'Ada Lovelace';
        draft.tags.push('vip');
        draft.addresses[0]!.city = 'Lyon';
        draft.custom.tier = 'silver';
      });
      const [, updated] = await historyOf(h, 'customers', ada.id);
      expect(updated).toMatchObject({ operation: 'update', recordVersion: 2, actor: grace, at: h.clock.now() });
      expect(fieldMap(updated!)).toEqual({
        name: ['Ada', 'Ada Lovelace'],
        tags: [['a'], ['a', 'vip']],
        addresses: [[{ line1: '1 Rue', type: 'other', city: 'Paris', country: 'FR' }], [{ line1: '1 Rue', type: 'other', city: 'Lyon', country: 'FR' }]],
        'custom.tier': ['gold', 'silver'],
      });
    });

    it('a field that becomes absent has no new value; one that appears has no old value; dates stay dates', async () => {
      const h = harness();
      const ada = await h.crm.customers.create({ name: 'Ada', custom: { tier: 'gold' } });
      const at = new Date('2024-05-06T07:08:09.010Z');
      await h.crm.customers.update(ada.id, (draft) => {
        delete draft.custom.tier;
        draft.custom.note = 'first order';
        draft.custom.since = at;
      });
      const [, updated] = await historyOf(h, 'customers', ada.id);
      const fields = fieldMap(updated!);
      expect(fields['custom.tier']).toEqual(['gold', undefined]);
      expect(fields['custom.note']).toEqual([undefined, 'first order']);
      const contact = updated!.fields.find((field) => field.path === 'custom.since');
      expect(contact?.new).toBeInstanceOf(Date);
      expect((contact?.new as Date).getTime()).toBe(at.getTime());
    });

    it('a recipe that changes nothing writes no entry; a recipe that sets a field back leaves that field out', async () => {
      const h = harness();
      const ada = await h.crm.customers.create({ name: 'Ada', tags: ['a'] });
      await h.crm.customers.update(ada.id, () => {});
      await h.crm.customers.update(ada.id, (draft) => {
        draft.tags = ['a'];
        draft.name = 'Ada L.';
      });
      const entries = await historyOf(h, 'customers', ada.id);
      expect(entries.map((entry) => entry.operation)).toEqual(['create', 'update']);
      expect(fieldMap(entries[1]!)).toEqual({ name: ['Ada', 'Ada L.'] });
    });

    it('a delete is an entry with the values the record had, and the history outlives the record', async () => {
      const h = harness();
      const ada = await h.crm.customers.create({ name: 'Ada' });
      await h.crm.customers.update(ada.id, (draft) => void draft.tags.push('vip'));
      await h.crm.withActor(grace).customers.delete(ada.id);
      const entries = await historyOf(h, 'customers', ada.id);
      expect(entries.map((entry) => [entry.operation, entry.recordVersion, entry.actor])).toEqual([
        ['create', 1, systemActor],
        ['update', 2, systemActor],
        ['delete', 2, grace],
      ]);
      expect(fieldMap(entries[2]!).tags).toEqual([['vip'], undefined]);
    });

    it('bulk writes get one entry per record; a refused batch gets none', async () => {
      const h = harness();
      const [a, b] = await h.crm.customers.createMany([{ name: 'A' }, { name: 'B' }]);
      await h.crm.customers.updateMany([
        { id: a!.id, recipe: (draft) => void (draft.name = 'A2') },
        { id: b!.id, recipe: (draft) => void (draft.name = 'B2') },
      ]);
      expect((await historyOf(h, 'customers', a!.id)).map((entry) => entry.operation)).toEqual(['create', 'update']);
      expect((await historyOf(h, 'customers', b!.id)).map((entry) => entry.operation)).toEqual(['create', 'update']);
      await expectCrmError(h.crm.customers.createMany([{ id: 'c-ok', name: 'C' }, { name: '' }]), 'validation');
      expect(await historyOf(h, 'customers', 'c-ok')).toEqual([]);
      await expectCrmError(h.crm.customers.createMany([{ id: 'd-new', name: 'D' }, { id: a!.id, name: 'taken' }]), 'conflict');
      expect(await historyOf(h, 'customers', 'd-new')).toEqual([]);
      expect(await historyOf(h, 'customers', a!.id)).toHaveLength(2);
    });

    it('entries written in a transaction that rolls back are gone with it', async (context: ConformanceContext) => {
      const h = harness();
      if (!h.adapter.capabilities.transactions) context.skip(`${h.adapter.name} declares no transactions`);
      const ada = await h.crm.customers.create({ name: 'Ada' });
      let created = '';
      await expect(
        h.crm.transaction(async (tx) => {
          await tx.customers.update(ada.id, (draft) => void (draft.name = 'Rolled back'));
          created = (await tx.customers.create({ name: 'Never' })).id;
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect((await historyOf(h, 'customers', ada.id)).map((entry) => entry.operation)).toEqual(['create']);
      expect(await historyOf(h, 'customers', created)).toEqual([]);
    });

    it('pages newest first with a cursor; a bad id or cursor is a typed error', async () => {
      const h = harness();
      const ada = await h.crm.customers.create({ name: 'Ada' });
      for (let i = 1; i <= 4; i++) {
        h.clock.advance(1000);
        await h.crm.customers.update(ada.id, (draft) => void (draft.name = `Ada ${i}`));
      }
      const first = await h.crm.customers.history(ada.id, { limit: 3 });
      expect(first.items.map((entry) => entry.recordVersion)).toEqual([5, 4, 3]);
      const second = await h.crm.customers.history(ada.id, { limit: 3, cursor: first.nextCursor! });
      expect(second.items.map((entry) => entry.recordVersion)).toEqual([2, 1]);
      expect(second.nextCursor).toBeUndefined();
      await expectCrmError(h.crm.customers.history(ada.id, { cursor: 'not-a-cursor' }), 'invalid_query');
      await expectCrmError(h.crm.customers.history(ada.id, { limit: 0 }), 'invalid_query');
      await expectCrmError(h.crm.customers.history(42 as never), 'validation');
      expect((await h.crm.customers.history('no-such-record')).items).toEqual([]);
    });

    it('each collection keeps its own: an interaction and a customer with the same id do not mix', async () => {
      const h = harness();
      const ada = await h.crm.customers.create({ id: 'same-id', name: 'Ada' });
      await h.crm.interactions.create({ id: 'same-id', customerId: ada.id, channel: 'email', kind: 'note', occurredAt: h.clock.now() });
      expect((await historyOf(h, 'customers', 'same-id')).map((entry) => entry.collection)).toEqual(['customers']);
      expect((await historyOf(h, 'interactions', 'same-id')).map((entry) => entry.collection)).toEqual(['interactions']);
    });
  });
}
