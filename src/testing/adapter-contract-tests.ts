import { withoutReason } from './without-reason.js';
import type { StorageOperations } from '../storage/adapter.js';
import type { StorageFilter } from '../storage/filter.js';
import type { SortKey } from '../storage/sort.js';
import type { WriteOutcome } from '../storage/write-outcome.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { describe, expect, it, type ConformanceContext } from './conformance-runner.js';
import { rawCustomer } from './raw-records.js';

const byId: readonly SortKey[] = [{ field: 'id', direction: 'asc' }];
/**
 * Lets an outside operation that does not wait for the open transaction run to
 * its end, while keeping the transaction busy with its own reads (a timer would
 * let IndexedDB commit it, or make the adapter abort it).
 */
const keepBusy = async (tx: StorageOperations) => {
  for (let i = 0; i < 25; i++) await tx.getMany('customers', ['a']);
};

/** a..e with ties and an absent value on custom.score, inserted out of id order. */
const scored = [
  rawCustomer('c', { custom: { score: 1 } }),
  rawCustomer('a', { custom: { score: 1 } }),
  rawCustomer('e', { custom: { score: 2 } }),
  rawCustomer('d', { custom: {} }),
  rawCustomer('b', { custom: { score: 2 } }),
];

/** [title, sort, ids expected]: the complete orders the core hands an adapter (always ending with id). */
export const adapterOrderCases: readonly (readonly [string, readonly SortKey[], string])[] = [
  ['id ascending', byId, 'abcde'],
  ['id descending', [{ field: 'id', direction: 'desc' }], 'edcba'],
  ['a number ascending, absent first, ties by id ascending', [{ field: 'custom.score', direction: 'asc' }, { field: 'id', direction: 'asc' }], 'dacbe'],
  ['a number descending, absent last, ties by id descending', [{ field: 'custom.score', direction: 'desc' }, { field: 'id', direction: 'desc' }], 'ebcad'],
  ['a number descending, ties by id ascending', [{ field: 'custom.score', direction: 'desc' }, { field: 'id', direction: 'asc' }], 'beacd'],
  ['a number ascending, ties by id descending', [{ field: 'custom.score', direction: 'asc' }, { field: 'id', direction: 'desc' }], 'dcaeb'],
];

/** [title, filter, ids expected] for count against find. */
export const adapterCountCases: readonly (readonly [string, StorageFilter | undefined, string])[] = [
  ['no filter', undefined, 'abcde'],
  ['eq', { field: 'custom.score', op: 'eq', value: 1 }, 'ac'],
  ['ne (absent included)', { field: 'custom.score', op: 'ne', value: 1 }, 'bde'],
  ['exists false', { field: 'custom.score', op: 'exists', value: false }, 'd'],
  ['a filter matching nothing', { field: 'custom.score', op: 'gt', value: 2 }, ''],
  ['or', { or: [{ field: 'id', op: 'eq', value: 'a' }, { field: 'custom.score', op: 'eq', value: 2 }] }, 'abe'],
];

const ids = (records: readonly { id: string }[]) => records.map((r) => r.id).join('');

/** The contract's promises checked straight at the adapter, not through the core that hides them. @internal */
export function defineAdapterContractTests(harness: () => ConformanceHarness): void {
  /** The harness, or a skip when the adapter declares no transactions. */
  const transactional = (context: ConformanceContext): ConformanceHarness => {
    const current = harness();
    if (!current.adapter.capabilities.transactions) context.skip(`${current.adapter.name} declares no transactions`);
    return current;
  };

  describe('adapter contract', () => {
    describe('find', () => {
      it.each([1, 2, 4, 5, 6])('returns at most limit %i records, the first ones in order', async (limit) => {
        const { adapter } = harness();
        await adapter.insertMany('customers', scored);
        const found = await adapter.find('customers', { sort: byId, limit });
        expect(ids(found)).toBe('abcde'.slice(0, limit));
      });

      it('returns exactly limit records when limit + 1 match a filter', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', [...scored, rawCustomer('f', { custom: { score: 9 } }), rawCustomer('g', { custom: { score: 9 } })]);
        const filter: StorageFilter = { field: 'custom.score', op: 'lt', value: 9 }; // 4 of 7 present, plus d absent: 4 match
        expect(await adapter.find('customers', { filter, sort: byId, limit: 3 })).toHaveLength(3);
        expect(ids(await adapter.find('customers', { filter, sort: byId, limit: 3 }))).toBe('abc');
        expect(ids(await adapter.find('customers', { filter, sort: byId, limit: 4 }))).toBe('abce');
        expect(ids(await adapter.find('customers', { filter, sort: byId }))).toBe('abce');
      });

      it('returns every match when there is no limit', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', scored);
        expect(ids(await adapter.find('customers', { sort: byId }))).toBe('abcde');
      });

      it.each(adapterOrderCases)('follows the total order: %s', async (_title, sort, expected) => {
        const { adapter } = harness();
        await adapter.insertMany('customers', scored);
        expect(ids(await adapter.find('customers', { sort }))).toBe(expected);
        expect(ids(await adapter.find('customers', { sort, limit: 2 }))).toBe(expected.slice(0, 2));
      });

      it('returns records equal to those written, dates as dates', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', scored);
        const found = await adapter.find('customers', { sort: byId, limit: 1 });
        expect(found).toEqual([scored[1]]);
        expect(found[0]!.createdAt).toBeInstanceOf(Date);
      });
    });

    describe('count', () => {
      it.each(adapterCountCases)('equals the number of records find returns: %s', async (_title, filter, expected) => {
        const { adapter } = harness();
        await adapter.insertMany('customers', scored);
        expect(ids(await adapter.find('customers', { filter, sort: byId }))).toBe(expected);
        expect(await adapter.count('customers', filter)).toBe(expected.length);
      });
    });

    describe('getMany', () => {
      it('answers in the order asked, undefined where there is no record', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', scored);
        const got = await adapter.getMany('customers', ['e', 'missing', 'a', 'c']);
        expect(got.map((r) => r?.id)).toEqual(['e', undefined, 'a', 'c']);
        expect(got[0]).toEqual(scored[2]);
      });

      it('answers an id asked twice twice', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', scored);
        expect((await adapter.getMany('customers', ['b', 'a', 'b'])).map((r) => r?.id)).toEqual(['b', 'a', 'b']);
      });

      it('answers only undefined when no id is stored', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', scored);
        expect(await adapter.getMany('customers', ['x', 'y'])).toEqual([undefined, undefined]);
      });
    });

    describe('per-item outcomes', () => {
      it('insertMany answers each item in order and writes exactly the ok ones', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', [rawCustomer('taken', { name: 'original' })]);
        const outcomes = await adapter.insertMany('customers', [rawCustomer('n1'), rawCustomer('taken', { name: 'impostor' }), rawCustomer('n2'), rawCustomer('n1', { name: 'again' })]);
        expect(outcomes.map(withoutReason)).toEqual([{ ok: true }, { ok: false, code: 'conflict' }, { ok: true }, { ok: false, code: 'conflict' }]);
        expect((await adapter.getMany('customers', ['n1', 'taken', 'n2'])).map((r) => r?.name)).toEqual(['n1', 'original', 'n2']);
        expect(await adapter.count('customers')).toBe(3);
      });

      it('updateMany replaces the whole record: fields left out are gone', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', [rawCustomer('a', { ownerId: 'u1', custom: { score: 1, note: 'x' } })]);
        const next = rawCustomer('a', { version: 2, custom: { score: 2 } });
        expect(await adapter.updateMany('customers', [{ record: next, expectedVersion: 1 }])).toEqual([{ ok: true }]);
        expect(await adapter.getMany('customers', ['a'])).toEqual([next]);
        expect(await adapter.count('customers', { field: 'ownerId', op: 'exists', value: true })).toBe(0);
        expect(await adapter.count('customers', { field: 'custom.note', op: 'exists', value: true })).toBe(0);
      });

      it('updateMany with a stale version, one from the future or a missing id writes nothing', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', [rawCustomer('a'), rawCustomer('b', { version: 3 })]);
        const outcomes = await adapter.updateMany('customers', [
          { record: rawCustomer('a', { version: 3, name: 'future' }), expectedVersion: 2 },
          { record: rawCustomer('b', { version: 3, name: 'stale' }), expectedVersion: 2 },
          { record: rawCustomer('b', { version: 4, name: 'fresh' }), expectedVersion: 3 },
          { record: rawCustomer('zz', { version: 2 }), expectedVersion: 1 },
        ]);
        expect(outcomes.map(withoutReason)).toEqual([{ ok: false, code: 'conflict' }, { ok: false, code: 'conflict' }, { ok: true }, { ok: false, code: 'not_found' }]);
        expect((await adapter.getMany('customers', ['a', 'b', 'zz'])).map((r) => r && [r.name, r.version])).toEqual([['a', 1], ['fresh', 4], undefined]);
      });

      it('updateMany of many distinct ids gives each write its own outcome, lists included, across statement-sized chunks', async () => {
        // Cases: no unique index, a list field (interactionIds), a reference. Customers carry the suite's unique key, which takes the one-by-one path.
        const { adapter } = harness();
        await adapter.insertMany('customers', [rawCustomer('owner')]);
        const count = 1_250;
        const key = (i: number) => `m${String(i).padStart(5, '0')}`;
        const rawCase = (id: string, version: number, subject: string, interactionIds: string[]) => ({
          id,
          createdAt: new Date(0),
          updatedAt: new Date(0),
          version,
          customerId: 'owner',
          subject,
          status: 'open',
          priority: 'normal',
          interactionIds,
          custom: {},
        });
        await adapter.insertMany('cases', Array.from({ length: count }, (_, i) => rawCase(key(i), 2, key(i), [`old${i}`])));
        // Every eleventh write names a missing id, every fifth is stale, every seventh from the future; the rest apply.
        const fate = (i: number) => (i % 11 === 0 ? 'missing' : i % 5 === 0 ? 'stale' : i % 7 === 0 ? 'future' : 'ok');
        const writes = Array.from({ length: count }, (_, i) => {
          const expectedVersion = fate(i) === 'stale' ? 1 : fate(i) === 'future' ? 3 : 2;
          const id = fate(i) === 'missing' ? `gone${i}` : key(i);
          return { record: rawCase(id, expectedVersion + 1, `new${i}`, [`new${i}`, 'both']), expectedVersion };
        });
        const outcomes = await adapter.updateMany('cases', writes);
        expect(outcomes.map(withoutReason)).toEqual(
          writes.map((_, i) => (fate(i) === 'ok' ? { ok: true } : fate(i) === 'missing' ? { ok: false, code: 'not_found' } : { ok: false, code: 'conflict' })),
        );
        const stored = await adapter.getMany('cases', Array.from({ length: count }, (_, i) => key(i)));
        stored.forEach((record, i) => {
          const expected = fate(i) === 'ok' ? [`new${i}`, 3, [`new${i}`, 'both']] : [key(i), 2, [`old${i}`]];
          expect(record && [record.subject, record.version, record.interactionIds], key(i)).toEqual(expected);
        });
        const applied = writes.filter((_, i) => fate(i) === 'ok').length;
        expect(await adapter.count('cases', { field: 'interactionIds', op: 'contains', value: 'both' })).toBe(applied);
        expect(await adapter.count('cases', { field: 'interactionIds', op: 'contains', value: 'old1' })).toBe(0);
        expect(await adapter.count('cases', { field: 'interactionIds', op: 'contains', value: 'old5' })).toBe(1);
        expect(await adapter.count('cases', { field: 'version', op: 'eq', value: 3 })).toBe(applied);
        expect(await adapter.getMany('cases', ['gone0', 'gone11'])).toEqual([undefined, undefined]);
      });

      it('deleteMany checks the version when given, and an id deleted earlier in the batch is not_found', async () => {
        const { adapter } = harness();
        await adapter.insertMany('customers', [rawCustomer('a', { version: 2 }), rawCustomer('b', { version: 2 }), rawCustomer('c')]);
        const outcomes = await adapter.deleteMany('customers', [
          { id: 'a', expectedVersion: 1 },
          { id: 'b', expectedVersion: 3 },
          { id: 'c', expectedVersion: 1 },
          { id: 'c' },
          { id: 'b', expectedVersion: 2 },
        ]);
        expect(outcomes.map(withoutReason)).toEqual([{ ok: false, code: 'conflict' }, { ok: false, code: 'conflict' }, { ok: true }, { ok: false, code: 'not_found' }, { ok: true }]);
        expect(ids(await adapter.find('customers', { sort: byId }))).toBe('a');
      });
    });

    describe('transactions at the adapter', () => {
      it('a read outside an open transaction does not see its uncommitted writes', async (context) => {
        const { adapter } = transactional(context);
        await adapter.insertMany('customers', [rawCustomer('a')]);
        let outside: Promise<unknown[]> | undefined;
        await expect(
          adapter.transaction(async (tx) => {
            await tx.insertMany('customers', [rawCustomer('new')]);
            await tx.updateMany('customers', [{ record: rawCustomer('a', { version: 2, name: 'in tx' }), expectedVersion: 1 }]);
            outside = Promise.all([adapter.getMany('customers', ['new', 'a']), adapter.count('customers'), adapter.find('customers', { sort: byId })]);
            outside.catch(() => undefined);
            await keepBusy(tx); // an outside read that does not wait for the transaction answers meanwhile
            throw new Error('rollback');
          }),
        ).rejects.toThrow('rollback');
        const [got, count, found] = (await outside!) as [unknown[], number, { id: string; name: unknown }[]];
        expect(got).toEqual([undefined, rawCustomer('a')]);
        expect(count).toBe(1);
        expect(found.map((r) => [r.id, r.name])).toEqual([['a', 'a']]);
      });

      it('a rollback does not undo a write to the same record committed outside meanwhile', async (context) => {
        const { adapter } = transactional(context);
        await adapter.insertMany('customers', [rawCustomer('a')]);
        let outside: Promise<readonly WriteOutcome[]> | undefined;
        await expect(
          adapter.transaction(async (tx) => {
            await tx.updateMany('customers', [{ record: rawCustomer('a', { version: 2, name: 'in tx' }), expectedVersion: 1 }]);
            outside = adapter.updateMany('customers', [{ record: rawCustomer('a', { version: 2, name: 'outside' }), expectedVersion: 1 }]);
            outside.catch(() => undefined);
            await keepBusy(tx);
            throw new Error('rollback');
          }),
        ).rejects.toThrow('rollback');
        const outcomes = await outside!;
        const [a] = await adapter.getMany('customers', ['a']);
        // The outside write either waited for the rollback and landed, or lost to the open transaction.
        if (outcomes[0]!.ok) expect(a).toEqual(rawCustomer('a', { version: 2, name: 'outside' }));
        else expect([outcomes.map(withoutReason), a]).toEqual([[{ ok: false, code: 'conflict' }], rawCustomer('a')]);
      });

      it('a rollback of a delete does not undo a write to that record committed outside meanwhile', async (context) => {
        const { adapter } = transactional(context);
        await adapter.insertMany('customers', [rawCustomer('a')]);
        let outside: Promise<readonly WriteOutcome[]> | undefined;
        await expect(
          adapter.transaction(async (tx) => {
            expect(await tx.deleteMany('customers', [{ id: 'a', expectedVersion: 1 }])).toEqual([{ ok: true }]);
            outside = adapter.updateMany('customers', [{ record: rawCustomer('a', { version: 2, name: 'outside' }), expectedVersion: 1 }]);
            outside.catch(() => undefined);
            await keepBusy(tx);
            throw new Error('rollback');
          }),
        ).rejects.toThrow('rollback');
        const outcomes = await outside!;
        const [a] = await adapter.getMany('customers', ['a']);
        // The outside write either waited for the rollback and landed, or found no record (the delete was not yet undone).
        if (outcomes[0]!.ok) expect(a).toEqual(rawCustomer('a', { version: 2, name: 'outside' }));
        else expect([outcomes[0], a]).toEqual([{ ok: false, code: expect.any(String) }, rawCustomer('a')]);
      });

      it('a rollback does not undo a write to another record committed outside meanwhile', async (context) => {
        const { adapter } = transactional(context);
        await adapter.insertMany('customers', [rawCustomer('a'), rawCustomer('b')]);
        let outside: Promise<readonly WriteOutcome[]> | undefined;
        await expect(
          adapter.transaction(async (tx) => {
            await tx.updateMany('customers', [{ record: rawCustomer('a', { version: 2, name: 'in tx' }), expectedVersion: 1 }]);
            outside = adapter.updateMany('customers', [{ record: rawCustomer('b', { version: 2, name: 'outside' }), expectedVersion: 1 }]);
            outside.catch(() => undefined);
            await keepBusy(tx);
            throw new Error('rollback');
          }),
        ).rejects.toThrow('rollback');
        expect(await outside!).toEqual([{ ok: true }]);
        expect(await adapter.getMany('customers', ['a', 'b'])).toEqual([rawCustomer('a'), rawCustomer('b', { version: 2, name: 'outside' })]);
      });

      it('a commit makes every write visible at once, and the transaction’s result is returned', async (context) => {
        const { adapter } = transactional(context);
        await adapter.insertMany('customers', [rawCustomer('a')]);
        const result = await adapter.transaction(async (tx) => {
          await tx.insertMany('customers', [rawCustomer('b')]);
          await tx.deleteMany('customers', [{ id: 'a', expectedVersion: 1 }]);
          expect(ids(await tx.find('customers', { sort: byId }))).toBe('b');
          expect(await tx.count('customers')).toBe(1);
          return 'done';
        });
        expect(result).toBe('done');
        expect(ids(await adapter.find('customers', { sort: byId }))).toBe('b');
      });
    });
  });
}
