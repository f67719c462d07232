import 'fake-indexeddb/auto';
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { z } from 'zod';
import { indexedDbAdapter } from '../../adapters/indexeddb/index.js';
import { memoryAdapter } from '../../adapters/memory/index.js';
import { createCrm } from '../../src/crm.js';
import type { CrmAdapter } from '../../src/storage/index.js';

/**
 * Differential test of `upsertMany`: random batches of upserts by a unique key
 * (few keys, so batches hit stored records, repeat earlier ones and leave
 * fields out) go to the crm over memory and over IndexedDB and to a plain map
 * written from `docs/semantics.md`: a stored key is updated (its given fields
 * replaced, the others kept), `unchanged` when nothing differs; a new key is
 * created. Every batch's outcomes and the stored records must agree.
 */

const customFields = { customers: z.strictObject({ key: z.string().optional(), score: z.number().optional() }) };
const item = fc.record(
  { key: fc.constantFrom('k1', 'k2', 'k3', 'k4'), name: fc.constantFrom('Ada', 'Bob', 'Cy'), score: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) },
  { requiredKeys: ['key', 'name'] },
);
const batch = fc.uniqueArray(item, { maxLength: 4, selector: (i) => i.key });

let counter = 0;
const adapters: readonly (() => CrmAdapter)[] = [() => memoryAdapter(), () => indexedDbAdapter({ name: `upsert-differential-${++counter}` })];

test.prop([fc.array(batch, { minLength: 1, maxLength: 5 })], { numRuns: 40 })(
  'upsertMany on memory and IndexedDB gives the reference outcomes and records',
  async (batches) => {
    for (const make of adapters) {
      const adapter = make();
      const crm = await createCrm({ adapter, customFields, unique: { customers: ['custom.key'] } });
      const reference = new Map<string, { name: string; custom: Record<string, unknown>; version: number }>();
      for (const rows of batches) {
        const inputs = rows.map(({ key, name, score }) => ({ name, custom: score === undefined ? { key } : { key, score } }));
        const expected = inputs.map((input) => {
          const stored = reference.get(input.custom.key);
          if (stored === undefined) {
            reference.set(input.custom.key, { ...input, version: 1 });
            return 'created';
          }
          const same = stored.name === input.name && JSON.stringify(stored.custom) === JSON.stringify(input.custom);
          if (same) return 'unchanged';
          reference.set(input.custom.key, { ...input, version: stored.version + 1 });
          return 'updated';
        });
        const results = await crm.customers.upsertMany(inputs, { by: 'custom.key' });
        expect(results.map((r) => (r.ok ? r.outcome : r.error.code)), adapter.name).toEqual(expected);
      }
      const stored = (await crm.customers.find({ sort: [{ field: 'custom.key', direction: 'asc' }] })).items.map((r) => [
        r.custom.key,
        { name: r.name, custom: r.custom, version: r.version },
      ]);
      expect(stored, adapter.name).toEqual([...reference.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
      await adapter.close();
    }
  },
);
