import { describe, expect, it } from './conformance-runner.js';
import type { Filter } from '../storage/filter.js';
import type { SortInput } from '../storage/resolve-sort.js';
import { collectPages } from './collect-pages.js';
import type { ConformanceHarness } from './conformance-harness.js';
import { seedCustomers, type ConformanceCustomer } from './conformance-fixtures.js';
import { expectCrmError } from './expect-crm-error.js';

/** [title, sort]: sorts with ties, absent values and both directions. */
export const paginationSorts: readonly (readonly [string, SortInput])[] = [
  ['the default order (id)', []],
  ['id descending', [{ field: 'id', direction: 'desc' }]],
  ['a string ascending', [{ field: 'name', direction: 'asc' }]],
  ['a string descending', [{ field: 'name', direction: 'desc' }]],
  ['a number with absent values ascending', [{ field: 'custom.score', direction: 'asc' }]],
  ['a number with absent values descending', [{ field: 'custom.score', direction: 'desc' }]],
  ['an enum with ties and absent values ascending', [{ field: 'custom.tier', direction: 'asc' }]],
  ['an enum with ties and absent values descending', [{ field: 'custom.tier', direction: 'desc' }]],
  ['a boolean (three ways: absent, false, true) descending', [{ field: 'custom.vip', direction: 'desc' }]],
  ['a date with absent values descending', [{ field: 'custom.since', direction: 'desc' }]],
  ['an optional string with ties ascending', [{ field: 'ownerId', direction: 'asc' }]],
  ['a timestamp where every record ties', [{ field: 'createdAt', direction: 'desc' }]],
  [
    'two keys in opposite directions, both with ties',
    [
      { field: 'lifecycleStage', direction: 'asc' },
      { field: 'ownerId', direction: 'desc' },
    ],
  ],
  [
    'three keys, absent values in each',
    [
      { field: 'custom.tier', direction: 'desc' },
      { field: 'ownerId', direction: 'asc' },
      { field: 'custom.score', direction: 'desc' },
    ],
  ],
];

const names = (records: readonly ConformanceCustomer[]) => records.map((r) => r.name);

/** Keyset pagination: pages concatenate to the unpaged result, also while records come and go. @internal */
export function definePaginationTests(harness: () => ConformanceHarness): void {
  describe('pagination', () => {
    describe('pages concatenate to exactly the unpaged result', () => {
      const cases = paginationSorts.flatMap(([title, sort]) => [1, 3].map((limit) => [`${title}, ${limit} per page`, sort, limit] as const));
      it.each(cases)('%s', async (_title, sort, limit) => {
        const { crm } = harness();
        await seedCustomers(crm);
        const unpaged = await crm.customers.find({ sort });
        expect(unpaged.items).toHaveLength(8);
        const { items, pages } = await collectPages(crm.customers, { sort, limit });
        expect(items.map((r) => r.id)).toEqual(unpaged.items.map((r) => r.id));
        expect(pages).toHaveLength(Math.ceil(8 / limit));
        for (const page of pages.slice(0, -1)) expect(page.items).toHaveLength(limit);
      });
    });

    it('pages through a filter', async () => {
      const { crm } = harness();
      const { labelsOf } = await seedCustomers(crm);
      const where: Filter = { or: [{ field: 'ownerId', op: 'exists', value: false }, { field: 'tags', op: 'contains', value: 'vip' }] };
      const { items } = await collectPages(crm.customers, { where, sort: [{ field: 'name', direction: 'desc' }], limit: 2 });
      expect(labelsOf(items).join('')).toBe('MFEGBA');
    });

    it('pages through a filter that matches nothing', async () => {
      const { crm } = harness();
      await seedCustomers(crm);
      const page = await crm.customers.find({ where: { field: 'name', op: 'eq', value: 'nobody' }, limit: 1 });
      expect(page).toEqual({ items: [] });
    });

    it('an empty collection gives one empty page without a cursor', async () => {
      const { crm } = harness();
      const page = await crm.customers.find({ limit: 5 });
      expect(page.items).toEqual([]);
      expect(page.nextCursor).toBeUndefined();
    });

    it('the last page has no nextCursor, also when it is full', async () => {
      const { crm } = harness();
      await seedCustomers(crm);
      const { pages } = await collectPages(crm.customers, { limit: 4 });
      expect(pages.map((p) => p.items.length)).toEqual([4, 4]);
      expect(pages[0]!.nextCursor).toEqual(expect.any(String));
      expect(pages[1]!.nextCursor).toBeUndefined();
    });

    it('a limit equal to the total gives one page without a cursor', async () => {
      const { crm } = harness();
      await seedCustomers(crm);
      const page = await crm.customers.find({ limit: 8, sort: [{ field: 'name' }] });
      expect(page.items).toHaveLength(8);
      expect(page.nextCursor).toBeUndefined();
    });

    it('a limit one below the total leaves one record for a last page', async () => {
      const { crm } = harness();
      const { labelsOf } = await seedCustomers(crm);
      const first = await crm.customers.find({ limit: 7, sort: [{ field: 'name' }] });
      expect(first.items).toHaveLength(7);
      const last = await crm.customers.find({ limit: 7, sort: [{ field: 'name' }], cursor: first.nextCursor! });
      expect(labelsOf(last.items)).toEqual(['M']);
      expect(last.nextCursor).toBeUndefined();
    });

    it('the largest limit (10000) is accepted', async () => {
      const { crm } = harness();
      await seedCustomers(crm);
      expect((await crm.customers.find({ limit: 10_000 })).items).toHaveLength(8);
    });

    it('the default page size is 100', async () => {
      const { crm } = harness();
      await crm.customers.createMany(Array.from({ length: 101 }, (_, i) => ({ name: `c${i}` })));
      const page = await crm.customers.find();
      expect(page.items).toHaveLength(100);
      const rest = await crm.customers.find({ cursor: page.nextCursor! });
      expect(rest.items.map((r) => r.name)).toEqual(['c100']);
    });

    it.each([
      ['0', 0],
      ['-1', -1],
      ['10001', 10_001],
      ['1.5', 1.5],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['a string', '10'],
    ] as const)('a limit of %s is rejected with invalid_query', async (_title, limit) => {
      const { crm } = harness();
      await crm.customers.create({ name: 'Ada' });
      await expectCrmError(crm.customers.find({ limit: limit as number }), 'invalid_query');
    });

    describe('writes between pages', () => {
      it('records inserted before and after the cursor position: none of the others repeats or is skipped', async () => {
        const { crm } = harness();
        await seedCustomers(crm);
        const sort = [{ field: 'name', direction: 'asc' }] as const;
        const inserted: ConformanceCustomer[] = [];
        const { items } = await collectPages(crm.customers, { sort, limit: 2 }, async (page, index) => {
          if (index >= 3) return; // while the cursor is among the seeded records
          const last = page.items.at(-1)!.name;
          inserted.push(
            await crm.customers.create({ name: `!before ${index}` }), // sorts before everything
            await crm.customers.create({ name: last }), // ties with the cursor's record; its id is larger, so it sorts after
            await crm.customers.create({ name: `\u{1F9FF} after ${index}` }), // sorts after everything
          );
        });
        const ids = items.map((r) => r.id);
        expect(new Set(ids).size, 'no record repeats').toBe(ids.length);
        const insertedIds = new Set(inserted.map((r) => r.id));
        const original = await crm.customers.find({ sort, where: { field: 'id', op: 'nin', value: [...insertedIds] } });
        expect(ids.filter((id) => !insertedIds.has(id)), 'every seeded record once, in order').toEqual(original.items.map((r) => r.id));
        const seenInserted = names(items.filter((r) => insertedIds.has(r.id)));
        expect(seenInserted.filter((name) => name.startsWith('!before'))).toEqual([]);
        expect(seenInserted.filter((name) => name.startsWith('\u{1F9FF}'))).toEqual(['\u{1F9FF} after 0', '\u{1F9FF} after 1', '\u{1F9FF} after 2']);
        expect(seenInserted).toHaveLength(6); // the three ties too
        expect(isSubsequence(ids, (await crm.customers.find({ sort })).items.map((r) => r.id)), 'the walk is in sort order').toBe(true);
      });

      it('records inserted while paging in id order all appear, at the end', async () => {
        const { crm } = harness();
        await seedCustomers(crm);
        let n = 0;
        const { items } = await collectPages(crm.customers, { limit: 3 }, async () => {
          await crm.customers.create({ name: `new ${n++}` });
        });
        expect(items).toHaveLength(8 + n);
        expect(names(items).slice(8)).toEqual(Array.from({ length: n }, (_, i) => `new ${i}`));
      });

      it('records with ids of their own inserted before the cursor are not seen, after it are', async () => {
        const { crm } = harness();
        await seedCustomers(crm);
        const first = await crm.customers.find({ limit: 4 });
        await crm.customers.create({ id: '0', name: 'id before every generated id' });
        await crm.customers.create({ id: 'zzzz', name: 'id after every generated id' });
        const { items: rest } = await collectPages(crm.customers, { limit: 4, cursor: first.nextCursor! });
        expect(names(rest).at(-1)).toBe('id after every generated id');
        expect(names(rest)).not.toContain('id before every generated id');
        expect([...first.items, ...rest].map((r) => r.id).filter((id) => id !== 'zzzz')).toEqual(
          (await crm.customers.find({ where: { field: 'id', op: 'nin', value: ['0', 'zzzz'] } })).items.map((r) => r.id),
        );
      });

      it('descending with absent values: inserts that sort after the cursor appear, inserts before it do not', async () => {
        const { crm } = harness();
        const { labelsOf } = await seedCustomers(crm);
        const sort = [{ field: 'custom.score', direction: 'desc' }] as const; // MATEG, then the absent ones BFZ
        const { items } = await collectPages(crm.customers, { sort, limit: 3 }, async (_page, index) => {
          await crm.customers.create({ name: `top ${index}`, custom: { score: 1e12 } });
          await crm.customers.create({ name: `absent ${index}` });
        });
        const labels = labelsOf(items);
        expect(labels.filter((l) => !l.startsWith('?')).join('')).toBe('MATEGBFZ');
        const extra = names(items.filter((r) => r.name.startsWith('top') || r.name.startsWith('absent')));
        expect(extra.filter((n) => n.startsWith('top'))).toEqual([]);
        // inserted while the cursor was at T (a present score): every absent value sorts after it
        expect(extra).toContain('absent 0');
        const ids = items.map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(isSubsequence(ids, (await crm.customers.find({ sort })).items.map((r) => r.id))).toBe(true);
      });

      it('deleting records between pages never repeats or skips the records that stay', async () => {
        const { crm } = harness();
        const { byLabel, labelsOf } = await seedCustomers(crm);
        const sort = [{ field: 'name', direction: 'asc' }] as const; // ABGZTEFM
        const { items } = await collectPages(crm.customers, { sort, limit: 2 }, async (page, index) => {
          if (index === 0) {
            await crm.customers.delete(page.items.at(-1)!.id); // the record the cursor points at (B)
            await crm.customers.delete(byLabel.T.id); // one not yet seen
            await crm.customers.delete(byLabel.A.id); // one already seen
          }
        });
        expect(labelsOf(items).join('')).toBe('ABGZEFM');
      });

      it('updating records between pages without moving them returns each once, fresh', async () => {
        const { crm } = harness();
        const { byLabel, labelsOf } = await seedCustomers(crm);
        const sort = [{ field: 'custom.tier', direction: 'asc' }] as const;
        const { items } = await collectPages(crm.customers, { sort, limit: 2 }, async (_page, index) => {
          if (index === 0) {
            await crm.customers.update(byLabel.M.id, (d) => void d.tags.push('updated'));
            await crm.customers.update(byLabel.E.id, (d) => void d.tags.push('updated'));
          }
        });
        expect(labelsOf(items).join('')).toBe('EZFBGAMT');
        expect(items.find((r) => r.id === byLabel.M.id)!.tags).toContain('updated');
      });
    });

    describe('cursors', () => {
      it('a cursor continues the same query when called again (it is stateless)', async () => {
        const { crm } = harness();
        await seedCustomers(crm);
        const sort = [{ field: 'name', direction: 'desc' }] as const;
        const first = await crm.customers.find({ sort, limit: 3 });
        const a = await crm.customers.find({ sort, limit: 3, cursor: first.nextCursor! });
        const b = await crm.customers.find({ sort, limit: 3, cursor: first.nextCursor! });
        expect(b).toEqual(a);
      });

      it('a cursor may be used with another page size', async () => {
        const { crm } = harness();
        const { labelsOf } = await seedCustomers(crm);
        const first = await crm.customers.find({ limit: 2 });
        const rest = await crm.customers.find({ limit: 10, cursor: first.nextCursor! });
        expect(labelsOf(rest.items).join('')).toBe('GEMZFB');
      });

      it('a cursor is a string that reveals no field names in plain text', async () => {
        const { crm } = harness();
        await seedCustomers(crm);
        const { nextCursor } = await crm.customers.find({ limit: 1, sort: [{ field: 'name' }] });
        expect(nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      });

      it.each([
        ['another field', [{ field: 'ownerId', direction: 'asc' }]],
        ['the other direction', [{ field: 'name', direction: 'desc' }]],
        ['an extra key', [{ field: 'name', direction: 'asc' }, { field: 'ownerId', direction: 'asc' }]],
        ['the default sort', []],
      ] as const)('a cursor used with %s is rejected with invalid_query', async (_title, otherSort) => {
        const { crm } = harness();
        await seedCustomers(crm);
        const { nextCursor } = await crm.customers.find({ limit: 2, sort: [{ field: 'name', direction: 'asc' }] });
        const error = await expectCrmError(crm.customers.find({ limit: 2, sort: otherSort, cursor: nextCursor! }), 'invalid_query');
        expect(error.issues[0]!.path).toEqual(['cursor']);
      });

      it.each([
        ['garbage', 'garbage'],
        ['the empty string', ''],
        ['characters outside base64url', '!!!*'],
        ['base64 of an empty object', encodeBase64Url('{}')],
        ['base64 of JSON null', encodeBase64Url('null')],
        ['base64 of an array', encodeBase64Url('[1,2]')],
        ['base64 of a non-JSON string', encodeBase64Url('not json')],
        ['invalid UTF-8', 'gA'],
        ['a number', 42],
        ['an object', { s: 'name:asc,id:asc' }],
      ] as const)('a cursor that is %s is rejected with invalid_query', async (_title, cursor) => {
        const { crm } = harness();
        await seedCustomers(crm);
        await expectCrmError(crm.customers.find({ limit: 2, cursor: cursor as string }), 'invalid_query');
      });

      it('a truncated cursor is rejected with invalid_query', async () => {
        const { crm } = harness();
        await seedCustomers(crm);
        const { nextCursor } = await crm.customers.find({ limit: 2, sort: [{ field: 'name' }] });
        await expectCrmError(crm.customers.find({ limit: 2, sort: [{ field: 'name' }], cursor: nextCursor!.slice(0, -3) }), 'invalid_query');
      });

      const tampered: readonly (readonly [string, readonly { field: string; direction: 'asc' | 'desc' }[], (values: unknown[]) => unknown[]])[] = [
        ['a number where the field is a string', [{ field: 'name', direction: 'asc' }], ([, id]) => [5, id]],
        ['a boolean where the field is a string', [{ field: 'name', direction: 'asc' }], ([, id]) => [true, id]],
        ['a string where the field is a number', [{ field: 'custom.score', direction: 'asc' }], ([, id]) => ['90', id]],
        ['a string where the field is a date', [{ field: 'custom.since', direction: 'asc' }], ([, id]) => ['2020-01-01T00:00:00.000Z', id]],
        ['a date where the field is a string', [{ field: 'name', direction: 'asc' }], ([, id]) => [{ d: 0 }, id]],
        ['a non-numeric date', [{ field: 'custom.since', direction: 'asc' }], ([, id]) => [{ d: 'yesterday' }, id]],
        ['an out-of-range date', [{ field: 'custom.since', direction: 'asc' }], ([, id]) => [{ d: 1e300 }, id]],
        ['a number for the id', [{ field: 'name', direction: 'asc' }], ([name]) => [name, 7]],
        ['a nested array', [{ field: 'name', direction: 'asc' }], ([, id]) => [['Ada'], id]],
        ['too few values', [{ field: 'name', direction: 'asc' }], ([name]) => [name]],
        ['too many values', [{ field: 'name', direction: 'asc' }], (values) => [...values, 'x']],
      ];
      it.each(tampered)('a tampered cursor holding %s is rejected with invalid_query', async (_title, sort, tamper) => {
        const { crm } = harness();
        await seedCustomers(crm);
        const { nextCursor } = await crm.customers.find({ limit: 2, sort });
        const decoded = JSON.parse(decodeBase64Url(nextCursor!)) as { s: string; v: unknown[] };
        const forged = encodeBase64Url(JSON.stringify({ s: decoded.s, v: tamper(decoded.v) }));
        await expectCrmError(crm.customers.find({ limit: 2, sort, cursor: forged }), 'invalid_query');
      });
    });
  });
}

/** True when `part` appears in `whole` in the same order (not necessarily adjacent). */
function isSubsequence(part: readonly string[], whole: readonly string[]): boolean {
  let i = 0;
  for (const item of whole) if (i < part.length && item === part[i]) i++;
  return i === part.length;
}

function encodeBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
