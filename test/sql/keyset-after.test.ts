import { afterAll, describe, expect, it } from 'vitest';
import { keysetFilter, readPath, type ScalarValue, type SortKey, type StoredRecord } from '../../src/storage/index.js';
import { dialectTargets } from './dialect-targets.js';
import { customersSchema, storedCustomer } from './stored-schema.js';

// The cursor position travels as StorageQuery.after (capabilities.keysetAfter); a core that does
// not send it writes the position into the filter instead. Both give the same pages, absent values
// included, in both directions, split or not.
const schema = customersSchema(
  { score: { type: 'number', optional: true }, 'custom.band': { type: 'string', optional: true } },
  'customers',
  { indexes: [{ name: 'by_score', fields: ['score'] }] },
);
const records: StoredRecord[] = Array.from({ length: 23 }, (_, i) =>
  storedCustomer(`r${String(i).padStart(2, '0')}`, {
    ...(i % 4 === 0 ? {} : { score: i % 5 }),
    custom: i % 3 === 0 ? {} : { band: ['a', 'b', 'A'][i % 3] },
  }),
);

describe('pages after a position', () => {
  const targets = dialectTargets();
  afterAll(async () => {
    for (const target of targets) await target.end();
  });
  for (const target of targets) {
    it(`${target.name}: find and scan with after give the pages the keyset filter gives`, async () => {
      const adapter = await target.create();
      try {
        await adapter.open(schema);
        expect(adapter.capabilities.keysetAfter).toBe(true);
        await adapter.insertMany('customers', records);
        for (const field of ['score', 'custom.band']) {
          for (const direction of ['asc', 'desc'] as const) {
            const sort: SortKey[] = [{ field, direction }, { field: 'id', direction }];
            const walk = async (mode: 'after' | 'filter') => {
              const seen: string[] = [];
              let last: StoredRecord | undefined;
              for (;;) {
                const position = last === undefined ? undefined : sort.map(({ field: f }) => (readPath(last!, f) ?? null) as ScalarValue | null);
                const page = await adapter.find('customers', {
                  sort,
                  limit: 4,
                  ...(position === undefined ? {} : mode === 'after' ? { after: position } : { filter: keysetFilter(sort, position.map((v) => v ?? undefined)) }),
                });
                seen.push(...page.map((r) => r.id));
                if (page.length < 4) return seen;
                last = page.at(-1);
              }
            };
            const everything = (await adapter.find('customers', { sort })).map((r) => r.id);
            expect(await walk('after'), `${field} ${direction}`).toEqual(everything);
            expect(await walk('filter'), `${field} ${direction}`).toEqual(everything);
            const from = records.find((r) => r.id === everything[9])!;
            const after = sort.map(({ field: f }) => (readPath(from, f) ?? null) as ScalarValue | null);
            const scanned: string[] = [];
            for await (const batch of adapter.scan!('customers', { sort, after }, 3)) scanned.push(...batch.map((r) => r.id));
            expect(scanned, `${field} ${direction}`).toEqual(everything.slice(10));
          }
        }
      } finally {
        await adapter.close();
        await target.destroy(adapter);
      }
    });
  }
});
